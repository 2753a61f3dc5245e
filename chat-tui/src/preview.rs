//! Inline image previews through `ratatui-image`: which graphics protocol the terminal
//! speaks (kitty, sixel, iTerm2; asked once at start), and turning a thumbnail into an
//! encoded image of a few cells. Decoding is bounded in bytes, pixels and memory, so a
//! hostile "thumbnail" costs no more than a small one.

use std::io::Cursor;
use std::sync::Arc;

use ratatui::layout::Size;
pub use ratatui_image::picker::Picker;
use ratatui_image::picker::ProtocolType;
use ratatui_image::protocol::Protocol;
use ratatui_image::{Image, Resize};

use crate::state::attachments::{MAX_THUMBNAIL_BYTES, PreviewMode};

/// The largest preview, in cells: small enough to keep the conversation readable at 80x24.
pub const MAX_COLS: u16 = 32;
/// See [`MAX_COLS`].
pub const MAX_ROWS: u16 = 8;
/// Thumbnails fit 320×320; anything claiming more than this per side is refused undecoded.
const MAX_SIDE: u32 = 1024;
/// Decoder memory bound.
const MAX_ALLOC: u64 = 16 * 1024 * 1024;

/// Asks the terminal which graphics protocol it has. Call after entering the alternate
/// screen and before reading terminal events (the answers arrive on standard input).
/// `None`: no previews (`off`, or only half blocks without the `halfblocks` opt-in).
pub fn query(mode: PreviewMode) -> Option<Picker> {
    if mode == PreviewMode::Off {
        return None;
    }
    if multiplexed() {
        // tmux and screen drop the query unless passthrough is on; the unanswered query's
        // reader would then stay on standard input and swallow the user's first keys.
        tracing::debug!("inside tmux or screen: no image previews");
        return None;
    }
    let picker = match Picker::from_query_stdio() {
        Ok(picker) => picker,
        Err(e) => {
            tracing::debug!(error = %e, "the terminal did not say which graphics it has");
            return None;
        }
    };
    let graphics = picker.protocol_type() != ProtocolType::Halfblocks;
    (graphics || mode == PreviewMode::Halfblocks).then_some(picker)
}

fn multiplexed() -> bool {
    std::env::var_os("TMUX").is_some_and(|v| !v.is_empty())
        || std::env::var_os("STY").is_some_and(|v| !v.is_empty())
        || std::env::var("TERM").is_ok_and(|t| t.starts_with("tmux") || t.starts_with("screen"))
}

/// An encoded preview, ready to draw. Cheap to clone; compared by identity.
#[derive(Clone)]
pub struct PreviewImage(Arc<Protocol>);

impl std::fmt::Debug for PreviewImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let size = self.size();
        write!(f, "PreviewImage({}x{})", size.width, size.height)
    }
}

impl PartialEq for PreviewImage {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for PreviewImage {}

impl PreviewImage {
    /// Its size in cells.
    pub fn size(&self) -> Size {
        self.0.size()
    }

    /// The widget that draws it.
    pub fn widget(&self) -> Image<'_> {
        Image::new(&self.0)
    }
}

/// Decodes a thumbnail (PNG, JPEG, GIF or WebP) and encodes it for the terminal, fitting
/// [`MAX_COLS`]×[`MAX_ROWS`] cells. `None` for anything too large or not an image.
pub fn decode(picker: &Picker, bytes: &[u8]) -> Option<PreviewImage> {
    if bytes.len() > MAX_THUMBNAIL_BYTES {
        return None;
    }
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let image = reader.decode().ok()?;
    picker
        .new_protocol(image, Size::new(MAX_COLS, MAX_ROWS), Resize::Fit(None))
        .ok()
        .map(|p| PreviewImage(Arc::new(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 40, 40]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_thumbnail_fits_the_preview_box_and_junk_or_giants_are_refused() {
        let picker = Picker::halfblocks();
        let preview = decode(&picker, &png(320, 240)).unwrap();
        let size = preview.size();
        assert!(
            size.width <= MAX_COLS && size.height <= MAX_ROWS,
            "{size:?}"
        );
        assert!(size.width > 0 && size.height > 0);
        assert!(decode(&picker, b"not an image").is_none());
        // Too many pixels for a thumbnail: refused from the header.
        assert!(decode(&picker, &png(2000, 10)).is_none());
    }
}
