//! Checking and cleaning an uploaded image: the format comes from its bytes, its size is read
//! from its header and refused before any pixel is decoded, decoding is bounded in memory,
//! and what is stored is a re-encoding: no EXIF (camera, GPS location), XMP, comments or
//! trailing data survive, and the EXIF orientation is applied to the pixels first. A
//! thumbnail is made from the same decoded pixels. GIFs are rewritten frame by frame
//! without quantizing (`gif.rs`); the work of every image is bounded by `Budget`.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::budget::Budget;

/// Thumbnails fit in this square.
pub const THUMBNAIL_EDGE: u32 = 320;
/// Memory a decoder may take beyond the pixels themselves.
const DECODER_OVERHEAD: u64 = 64 * 1024 * 1024;

/// An accepted image, ready to store.
#[derive(Debug)]
pub struct CleanImage {
    /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`.
    pub mime: &'static str,
    /// The re-encoded file.
    pub bytes: Vec<u8>,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// The thumbnail and its type.
    pub thumbnail: (Vec<u8>, &'static str),
}

/// Why an image is refused.
#[derive(Debug, thiserror::Error)]
pub enum ImageRejection {
    /// Not one of the four formats, whatever its name or declared type says.
    #[error("not a PNG, JPEG, GIF or WebP image (the type is read from the file's bytes)")]
    NotAnImage,
    /// More pixels than allowed (a decompression bomb, or just too large).
    #[error("the image is {width}x{height} pixels; at most {max} pixels are accepted")]
    TooManyPixels {
        /// Claimed width.
        width: u32,
        /// Claimed height.
        height: u32,
        /// The limit.
        max: u64,
    },
    /// An animation with more pixels in all its frames together than allowed.
    #[error(
        "the animation has too many frames of {width}x{height} pixels; at most {max} pixels \
         in all frames together are accepted"
    )]
    AnimationTooLarge {
        /// Canvas width.
        width: u32,
        /// Canvas height.
        height: u32,
        /// The limit (frames x pixels).
        max: u64,
    },
    /// Cleaning it took more CPU time than allowed.
    #[error("the image needs more than {limit_ms} ms of processing; send a smaller one")]
    TooCostly {
        /// The limit.
        limit_ms: u64,
    },
    /// Broken or hostile data, or decoding would need more memory than allowed.
    #[error("the {format} image cannot be decoded: {reason}")]
    Undecodable {
        /// The format its bytes claim.
        format: &'static str,
        /// The decoder's reason.
        reason: String,
    },
}

fn mime_of(format: ImageFormat) -> Option<&'static str> {
    match format {
        ImageFormat::Png => Some("image/png"),
        ImageFormat::Jpeg => Some("image/jpeg"),
        ImageFormat::Gif => Some("image/gif"),
        ImageFormat::WebP => Some("image/webp"),
        _ => None,
    }
}

/// The checks every image gets before a pixel is decoded: the format from its bytes (one
/// of four), its size from its header against `max_pixels`, and a decoder bounded in
/// memory. Returns the format and the decoder.
pub(super) fn checked_decoder(
    bytes: &[u8],
    max_pixels: u64,
) -> Result<(ImageFormat, impl ImageDecoder + '_), ImageRejection> {
    let format = image::guess_format(bytes).map_err(|_| ImageRejection::NotAnImage)?;
    mime_of(format).ok_or(ImageRejection::NotAnImage)?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(max_alloc(max_pixels));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|e| undecodable(format, &e))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > max_pixels || width == 0 || height == 0 {
        return Err(ImageRejection::TooManyPixels {
            width,
            height,
            max: max_pixels,
        });
    }
    Ok((format, decoder))
}

/// What a decoder of `max_pixels` may allocate.
fn max_alloc(max_pixels: u64) -> u64 {
    max_pixels.saturating_mul(4) + DECODER_OVERHEAD
}

/// A decoder's failure, naming the format.
pub(super) fn undecodable(format: ImageFormat, e: &image::ImageError) -> ImageRejection {
    ImageRejection::Undecodable {
        format: format.extensions_str().first().copied().unwrap_or("image"),
        reason: e.to_string(),
    }
}

/// Checks, decodes (within `budget`) and re-encodes `bytes`. CPU-heavy: run it on a
/// blocking thread, with `budget` started on that thread.
pub fn clean(bytes: &[u8], budget: &Budget) -> Result<CleanImage, ImageRejection> {
    let max_pixels = budget.max_pixels;
    let (format, mut decoder) = checked_decoder(bytes, max_pixels)?;
    let mime = mime_of(format).ok_or(ImageRejection::NotAnImage)?;
    let undecodable = |e: image::ImageError| undecodable(format, &e);
    let max_alloc = max_alloc(max_pixels);
    let orientation = decoder.orientation().map_err(undecodable)?;
    let (bytes_out, first) = if format == ImageFormat::Gif {
        drop(decoder);
        super::gif::clean(bytes, budget, max_alloc)?
    } else {
        let mut pixels = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
        budget.check()?;
        pixels.apply_orientation(orientation);
        (encode(&pixels, format).map_err(undecodable)?, pixels)
    };
    budget.check()?;
    // Small images are their own thumbnail: never scaled up.
    let thumb = if first.width() <= THUMBNAIL_EDGE && first.height() <= THUMBNAIL_EDGE {
        first.clone()
    } else {
        first.thumbnail(THUMBNAIL_EDGE, THUMBNAIL_EDGE)
    };
    let thumbnail = if format == ImageFormat::Jpeg {
        (
            encode(&thumb, ImageFormat::Jpeg).map_err(undecodable)?,
            "image/jpeg",
        )
    } else {
        (
            encode(&thumb, ImageFormat::Png).map_err(undecodable)?,
            "image/png",
        )
    };
    Ok(CleanImage {
        mime,
        bytes: bytes_out,
        width: first.width(),
        height: first.height(),
        thumbnail,
    })
}

/// One still image in `format` with nothing but its pixels.
pub(super) fn encode(pixels: &DynamicImage, format: ImageFormat) -> image::ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => {
            // JPEG has no alpha channel.
            let rgb = DynamicImage::ImageRgb8(pixels.to_rgb8());
            rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))?;
        }
        ImageFormat::WebP => {
            let rgba = DynamicImage::ImageRgba8(pixels.to_rgba8());
            rgba.write_with_encoder(WebPEncoder::new_lossless(&mut out))?;
        }
        _ => pixels.write_with_encoder(PngEncoder::new(&mut out))?,
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(max_pixels: u64) -> Budget {
        Budget::start(
            max_pixels,
            max_pixels * 4,
            std::time::Duration::from_mins(1),
        )
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = DynamicImage::new_rgb8(width, height);
        encode(&img, ImageFormat::Png).unwrap()
    }

    #[test]
    fn the_four_formats_are_accepted_and_thumbnailed() {
        let img = DynamicImage::new_rgba8(640, 480);
        for format in [
            ImageFormat::Png,
            ImageFormat::Jpeg,
            ImageFormat::Gif,
            ImageFormat::WebP,
        ] {
            let bytes = if format == ImageFormat::Gif {
                let mut out = Vec::new();
                img.write_to(&mut Cursor::new(&mut out), ImageFormat::Gif)
                    .unwrap();
                out
            } else {
                encode(&img, format).unwrap()
            };
            let clean = clean(&bytes, &budget(1_000_000)).unwrap();
            assert_eq!(clean.mime, mime_of(format).unwrap());
            assert_eq!((clean.width, clean.height), (640, 480));
            let thumb = image::load_from_memory(&clean.thumbnail.0).unwrap();
            assert_eq!((thumb.width(), thumb.height()), (320, 240));
        }
    }

    #[test]
    fn small_images_are_not_scaled_up_for_their_thumbnail() {
        let clean = clean(&png(100, 50), &budget(1_000_000)).unwrap();
        let thumb = image::load_from_memory(&clean.thumbnail.0).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (100, 50));
    }

    #[test]
    fn text_is_not_an_image_and_size_is_checked_before_decoding() {
        assert!(matches!(
            clean(b"GIF87 not really", &budget(100)),
            Err(ImageRejection::NotAnImage | ImageRejection::Undecodable { .. })
        ));
        assert!(matches!(
            clean(b"hello world", &budget(100)),
            Err(ImageRejection::NotAnImage)
        ));
        assert!(matches!(
            clean(&png(20, 20), &budget(100)),
            Err(ImageRejection::TooManyPixels {
                width: 20,
                height: 20,
                max: 100
            })
        ));
    }
}
