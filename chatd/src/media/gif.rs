//! GIFs, cleaned without colour quantization: every frame is decoded to its palette indices
//! and written again with the same palette, position, delay and disposal, so an animation
//! survives exactly while comments, XMP and other extensions do not. Re-encoding the
//! composited RGBA frames instead would need a quantizer for every frame with more than 256
//! colours, seconds of CPU per megapixel.
//!
//! Before any pixel is decoded a first pass counts the frames (without LZW decoding) and
//! refuses an animation whose frames x canvas pixels exceed the budget; frames must lie
//! within the canvas.

use std::borrow::Cow;
use std::io::Cursor;
use std::num::NonZeroU64;

use gif::{ColorOutput, DecodeOptions, Encoder, Frame, MemoryLimit, Repeat};
use image::{DynamicImage, Rgba, RgbaImage};

use super::budget::Budget;
use super::image::ImageRejection;

/// The cleaned file and its first frame as shown (for the thumbnail and the dimensions).
pub fn clean(
    bytes: &[u8],
    budget: &Budget,
    max_alloc: u64,
) -> Result<(Vec<u8>, DynamicImage), ImageRejection> {
    let (frames, repeat) = count_frames(bytes, budget, max_alloc)?;
    let mut decoder = options(max_alloc, false)
        .read_info(Cursor::new(bytes))
        .map_err(undecodable)?;
    let (width, height) = (decoder.width(), decoder.height());
    let global = decoder.global_palette().map(<[u8]>::to_vec);
    let mut out = Vec::new();
    let mut first = None;
    {
        let mut encoder = Encoder::new(&mut out, width, height, global.as_deref().unwrap_or(&[]))
            .map_err(unencodable)?;
        if frames > 1 {
            encoder.set_repeat(repeat).map_err(unencodable)?;
        }
        while let Some(info) = decoder.next_frame_info().map_err(undecodable)? {
            let mut frame = Frame {
                buffer: Cow::Borrowed(&[]),
                palette: info.palette.clone(),
                ..*info
            };
            let mut indices = vec![0; decoder.buffer_size()];
            decoder
                .read_into_buffer(&mut indices)
                .map_err(undecodable)?;
            // The decoder deinterlaced the rows.
            frame.interlaced = false;
            frame.buffer = Cow::Owned(indices);
            if first.is_none() {
                let palette = frame
                    .palette
                    .as_deref()
                    .or(global.as_deref())
                    .unwrap_or(&[]);
                first = Some(composite(&frame, palette, width, height));
            }
            encoder.write_frame(&frame).map_err(unencodable)?;
            budget.check()?;
        }
    }
    let first = first.ok_or_else(|| undecodable("the GIF has no frame"))?;
    Ok((out, DynamicImage::ImageRgba8(first)))
}

/// Frames and the loop count, from a pass that copies the compressed data without decoding
/// it; refuses an animation over the budget before any pixel work.
fn count_frames(
    bytes: &[u8],
    budget: &Budget,
    max_alloc: u64,
) -> Result<(u64, Repeat), ImageRejection> {
    let mut decoder = options(max_alloc, true)
        .read_info(Cursor::new(bytes))
        .map_err(undecodable)?;
    let (width, height) = (u32::from(decoder.width()), u32::from(decoder.height()));
    let canvas = u64::from(width) * u64::from(height);
    let mut frames: u64 = 0;
    while decoder.read_next_frame().map_err(undecodable)?.is_some() {
        frames += 1;
        if frames > 1 && frames.saturating_mul(canvas) > budget.max_animation_pixels {
            return Err(ImageRejection::AnimationTooLarge {
                width,
                height,
                max: budget.max_animation_pixels,
            });
        }
        budget.check()?;
    }
    Ok((frames, decoder.repeat()))
}

fn options(max_alloc: u64, skip_decoding: bool) -> DecodeOptions {
    let mut options = DecodeOptions::new();
    options.set_color_output(ColorOutput::Indexed);
    options.set_memory_limit(
        NonZeroU64::new(max_alloc).map_or(MemoryLimit::Unlimited, MemoryLimit::Bytes),
    );
    options.check_frame_consistency(true);
    options.skip_frame_decoding(skip_decoding);
    options
}

/// The first frame as a viewer shows it: on a transparent canvas at its offset. (`image`'s
/// decoder would keep two more canvases for disposal, over the memory limit of a large one.)
fn composite(frame: &Frame<'_>, palette: &[u8], width: u16, height: u16) -> RgbaImage {
    let mut canvas = RgbaImage::new(u32::from(width), u32::from(height));
    let frame_width = usize::from(frame.width).max(1);
    for (i, &index) in frame.buffer.iter().enumerate() {
        if frame.transparent == Some(index) {
            continue;
        }
        let start = usize::from(index) * 3;
        let Some(rgb) = palette.get(start..start + 3) else {
            continue;
        };
        let x = u32::from(frame.left) + (i % frame_width) as u32;
        let y = u32::from(frame.top) + (i / frame_width) as u32;
        if x < canvas.width() && y < canvas.height() {
            canvas.put_pixel(x, y, Rgba([rgb[0], rgb[1], rgb[2], 255]));
        }
    }
    canvas
}

#[allow(clippy::needless_pass_by_value)] // a map_err adapter takes the error by value
fn undecodable(e: impl ToString) -> ImageRejection {
    ImageRejection::Undecodable {
        format: "gif",
        reason: e.to_string(),
    }
}

#[allow(clippy::needless_pass_by_value)] // a map_err adapter takes the error by value
fn unencodable(e: gif::EncodingError) -> ImageRejection {
    undecodable(format!("cannot be written again: {e}"))
}
