//! How attachments read: the line under a message, sizes for people, and a server-supplied
//! name made safe to save under.

use common::api::{Attachment, AttachmentKind};

/// Size for people: `512 B`, `48.1 KiB`, `1.2 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)] // one decimal shown
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The line under a message, name and type sanitized: `▣ photo.jpg · 1.2 MiB · 1920×1080`
/// for an image, `▤ report.pdf · 1.2 MiB · application/pdf` for a file.
pub fn describe(a: &Attachment) -> String {
    match a.kind {
        AttachmentKind::Image => format!(
            "▣ {} · {} · {}×{}",
            crate::sanitize::line(&a.name),
            human_size(a.size),
            a.width,
            a.height
        ),
        AttachmentKind::File => format!(
            "▤ {} · {} · {}",
            crate::sanitize::line(&a.name),
            human_size(a.size),
            crate::sanitize::line(&a.mime)
        ),
    }
}

/// A server-supplied name made safe as a single file name: no controls, no separators, no
/// leading dot or dash, at most 100 characters.
pub fn file_name(name: &str) -> String {
    let clean: String = crate::sanitize::line(name)
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':') {
                '_'
            } else {
                c
            }
        })
        .take(100)
        .collect();
    let clean = clean.trim().trim_start_matches(['.', '-']).to_owned();
    if clean.is_empty() {
        "attachment".to_owned()
    } else {
        clean
    }
}
