//! Avatars: an uploaded image through the attachments' checks (`image::checked_decoder`:
//! format from the bytes, pixel limit before decoding, bounded decoder, CPU budget), its
//! first frame with the EXIF orientation applied, cropped to the centred square and stored
//! at two sizes as PNG re-encodings, so nothing but pixels (no EXIF, GPS, comments) is kept.

use common::UserId;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat};
use uuid::Uuid;

use super::MediaService;
use super::budget::Budget;
use super::image::{ImageRejection, checked_decoder, encode, undecodable};
use crate::error::{Error, Result};
use crate::store::avatars::AvatarSize;

/// The edge of the large avatar (smaller images are not scaled up).
pub const LARGE_EDGE: u32 = 256;
/// The edge of the small avatar.
pub const SMALL_EDGE: u32 = 64;

/// The two sizes of a cleaned avatar, PNG.
#[derive(Debug)]
pub struct AvatarImages {
    /// At most 64x64.
    pub small: Vec<u8>,
    /// At most 256x256.
    pub large: Vec<u8>,
}

/// Checks, crops and scales `bytes`. CPU-heavy: run it on a blocking thread, with `budget`
/// started on that thread.
pub fn avatar(bytes: &[u8], budget: &Budget) -> Result<AvatarImages, ImageRejection> {
    let (format, mut decoder) = checked_decoder(bytes, budget.max_pixels)?;
    let orientation = decoder.orientation().map_err(|e| undecodable(format, &e))?;
    // An animation's first frame.
    let mut pixels = DynamicImage::from_decoder(decoder).map_err(|e| undecodable(format, &e))?;
    budget.check()?;
    pixels.apply_orientation(orientation);
    let edge = pixels.width().min(pixels.height());
    let square = pixels.crop_imm(
        (pixels.width() - edge) / 2,
        (pixels.height() - edge) / 2,
        edge,
        edge,
    );
    let sized = |max: u32| {
        let side = edge.min(max);
        if side == edge {
            square.clone()
        } else {
            square.resize_exact(side, side, FilterType::Lanczos3)
        }
    };
    let large =
        encode(&sized(LARGE_EDGE), ImageFormat::Png).map_err(|e| undecodable(format, &e))?;
    budget.check()?;
    let small =
        encode(&sized(SMALL_EDGE), ImageFormat::Png).map_err(|e| undecodable(format, &e))?;
    Ok(AvatarImages { small, large })
}

/// An avatar as served: its bytes (PNG) and the id its `ETag` is made of.
#[derive(Debug)]
pub struct AvatarFile {
    /// The current avatar's id.
    pub id: Uuid,
    /// PNG.
    pub bytes: Vec<u8>,
}

impl MediaService {
    /// Checks, crops and stores the caller's new avatar (the attachment limits apply:
    /// bytes, pixels, CPU time, decodes at once); nothing changes when it is refused.
    pub async fn set_avatar(&self, caller: UserId, bytes: Vec<u8>) -> Result<Uuid> {
        let images = self.decode_checked(bytes, avatar).await?;
        let id = Uuid::now_v7();
        if !self
            .store
            .set_avatar(caller, Some((id, &images.small, &images.large)))
            .await?
        {
            return Err(Error::Unauthorized("session ended"));
        }
        Ok(id)
    }

    /// Checks, crops and scales an image for a group's avatar, under the same limits.
    pub async fn avatar_images(&self, bytes: Vec<u8>) -> Result<AvatarImages> {
        self.decode_checked(bytes, avatar).await
    }

    /// Removes the caller's avatar (nothing to remove is fine).
    pub async fn delete_avatar(&self, caller: UserId) -> Result<()> {
        self.store.set_avatar(caller, None).await?;
        Ok(())
    }

    /// `owner`'s avatar at `size` if `viewer` may see it (see `Store::avatar_for`);
    /// otherwise, or without one, not found.
    pub async fn avatar_of(
        &self,
        viewer: UserId,
        owner: UserId,
        size: AvatarSize,
    ) -> Result<AvatarFile> {
        let (id, bytes) = self
            .store
            .avatar_for(viewer, owner, size)
            .await?
            .ok_or(Error::NotFound("no avatar"))?;
        Ok(AvatarFile { id, bytes })
    }
}

impl MediaService {
    /// A group's avatar at `size`, for its members and, when the group is public, anyone
    /// signed in; otherwise, or without one, not found.
    pub async fn group_avatar_of(
        &self,
        viewer: UserId,
        chat: common::ChatId,
        size: AvatarSize,
    ) -> Result<AvatarFile> {
        let (id, bytes) = self
            .store
            .group_avatar_for(viewer, chat, size)
            .await?
            .ok_or(Error::NotFound("no avatar"))?;
        Ok(AvatarFile { id, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> Budget {
        Budget::start(10_000_000, 40_000_000, std::time::Duration::from_mins(1))
    }

    #[test]
    fn a_wide_image_is_cropped_to_its_centre_and_stored_at_two_sizes() {
        // Red left third, green middle, blue right third: the square is the green part.
        let mut img = image::RgbImage::new(900, 300);
        for (x, _, p) in img.enumerate_pixels_mut() {
            *p = match x {
                0..300 => image::Rgb([255, 0, 0]),
                300..600 => image::Rgb([0, 255, 0]),
                _ => image::Rgb([0, 0, 255]),
            };
        }
        let bytes = encode(&DynamicImage::ImageRgb8(img), ImageFormat::Jpeg).unwrap();
        let out = avatar(&bytes, &budget()).unwrap();
        let large = image::load_from_memory(&out.large).unwrap().to_rgb8();
        let small = image::load_from_memory(&out.small).unwrap();
        assert_eq!(large.dimensions(), (256, 256));
        assert_eq!((small.width(), small.height()), (64, 64));
        for p in [large.get_pixel(5, 5), large.get_pixel(250, 250)] {
            assert!(p[1] > 200 && p[0] < 60 && p[2] < 60, "{p:?}");
        }
        assert!(image::guess_format(&out.large).unwrap() == ImageFormat::Png);
    }

    #[test]
    fn small_images_are_not_scaled_up_and_text_is_refused() {
        let bytes = encode(&DynamicImage::new_rgb8(40, 50), ImageFormat::Png).unwrap();
        let out = avatar(&bytes, &budget()).unwrap();
        let large = image::load_from_memory(&out.large).unwrap();
        assert_eq!((large.width(), large.height()), (40, 40));
        assert!(matches!(
            avatar(b"not an image", &budget()),
            Err(ImageRejection::NotAnImage)
        ));
    }
}
