//! The network task's half for attachments: checks and uploads files of any type from disk,
//! downloads into the cache directory to open them with the system opener, saves without
//! ever replacing an existing file, and fetches thumbnails for previews. Each runs on its own
//! task, so a large file never stalls the screen.

use std::path::{Path, PathBuf};

use common::ErrorCode;
use common::api::Attachment;
use common::client::{AttachmentFile, ClientError};

use super::{Auth, Net, describe};
use crate::state::NetEvent;
use crate::state::attachments::{
    AttachCommand, AttachEvent, MAX_THUMBNAIL_BYTES, MAX_UPLOAD_BYTES, file_name, human_size,
};

/// Never read more than this for one download, whatever the server says its size is.
const MAX_DOWNLOAD_BYTES: usize = 256 * 1024 * 1024;

pub(super) fn run(net: &Net, command: AttachCommand) {
    match command {
        AttachCommand::Upload {
            chat_id,
            local_id,
            path,
        } => net.rest(move |auth, _| async move {
            let event = match upload(&auth, &expand(&path)).await {
                Ok(attachment) => AttachEvent::Uploaded {
                    chat_id,
                    local_id,
                    attachment,
                },
                Err(reason) => AttachEvent::UploadFailed {
                    chat_id,
                    local_id,
                    reason,
                },
            };
            Ok(Some(event.into()))
        }),
        AttachCommand::Open(attachment) => net.rest(move |auth, _| async move {
            Ok(Some(match open_path(&auth, &attachment).await {
                Ok(path) => AttachEvent::Downloaded {
                    name: attachment.name,
                    path,
                    open: true,
                }
                .into(),
                Err(why) => NetEvent::Notice(why),
            }))
        }),
        AttachCommand::Save { attachment, path } => net.rest(move |auth, _| async move {
            Ok(Some(match save(&auth, &attachment, &expand(&path)).await {
                Ok(path) => AttachEvent::Downloaded {
                    name: attachment.name,
                    path,
                    open: false,
                }
                .into(),
                Err(why) => NetEvent::Notice(why),
            }))
        }),
        AttachCommand::Discard(id) => net.rest(move |auth, _| async move {
            // Best effort: the server deletes unattached uploads after a day anyway.
            let _ = auth
                .call(|c| async move { c.delete_attachment(id).await })
                .await;
            Ok(None)
        }),
        AttachCommand::CompletePath(typed) => {
            let events = net.events.clone();
            tokio::spawn(async move {
                let completed = complete_path(&typed).await;
                let _ = events.send(crate::state::Event::Net(
                    AttachEvent::PathCompleted { typed, completed }.into(),
                ));
            });
        }
        AttachCommand::Avatar(url) => net.rest(move |auth, _| async move {
            let bytes = auth
                .call(|c| {
                    let url = url.clone();
                    async move { c.avatar_bytes(&url, MAX_THUMBNAIL_BYTES).await }
                })
                .await
                .ok();
            Ok(Some(AttachEvent::Avatar(url, bytes).into()))
        }),
        AttachCommand::Thumbnail(id) => net.rest(move |auth, _| async move {
            let bytes = auth
                .call(|c| async move {
                    c.download_attachment(id, AttachmentFile::Thumbnail, MAX_THUMBNAIL_BYTES)
                        .await
                })
                .await
                .ok();
            Ok(Some(AttachEvent::Thumbnail(id, bytes).into()))
        }),
    }
}

/// `~` and `~/...` as the home directory; everything else as typed.
pub fn expand(path: &str) -> PathBuf {
    let home = || directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf());
    match path.strip_prefix("~/") {
        Some(rest) => home().map_or_else(|| PathBuf::from(path), |h| h.join(rest)),
        None if path == "~" => home().unwrap_or_else(|| PathBuf::from(path)),
        None => PathBuf::from(path),
    }
}

/// The user's download directory (else the home directory), where saves go by default.
pub fn downloads_dir() -> Option<PathBuf> {
    let user = directories::UserDirs::new()?;
    Some(
        user.download_dir()
            .map_or_else(|| user.home_dir().to_path_buf(), Path::to_path_buf),
    )
}

/// Where opened attachments are kept: `$CHAT_TUI_CACHE_DIR`, else the platform's cache
/// directory, under `attachments/`.
pub fn cache_dir() -> Option<PathBuf> {
    std::env::var_os("CHAT_TUI_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("", "", "chat-tui").map(|d| d.cache_dir().to_path_buf())
        })
        .map(|d| d.join("attachments"))
}

/// The checks the server would make first, with a clearer message: the file exists, is a
/// file, and is within the server's default size limit. Returns the name and the bytes.
pub async fn read_checked(path: &Path) -> Result<(String, Vec<u8>), String> {
    let shown = path.display();
    let meta = match tokio::fs::metadata(path).await {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("{shown}: no such file"));
        }
        Err(e) => return Err(format!("{shown}: {e}")),
    };
    if !meta.is_file() {
        return Err(format!("{shown}: not a file"));
    }
    if meta.len() > MAX_UPLOAD_BYTES {
        return Err(format!(
            "{shown} is {}; the server takes at most {}",
            human_size(meta.len()),
            human_size(MAX_UPLOAD_BYTES)
        ));
    }
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| format!("{shown}: {e}"))?;
    let name = path
        .file_name()
        .map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned());
    Ok((name, bytes))
}

/// Checks and uploads a file; the error is a sentence for the status line.
pub async fn upload(auth: &Auth, path: &Path) -> Result<Attachment, String> {
    let (name, bytes) = read_checked(path).await?;
    auth.call(|c| {
        let (name, bytes) = (name.clone(), bytes.clone());
        async move { c.upload_attachment(&name, bytes).await }
    })
    .await
    .map_err(|e| upload_error(&e))
}

/// The server's refusals of an upload, said plainly.
pub fn upload_error(e: &ClientError) -> String {
    let Some(body) = e.body() else {
        return describe(e);
    };
    let detail = body
        .details
        .first()
        .map_or_else(|| body.message.clone(), |d| d.message.clone());
    match body.code {
        ErrorCode::PayloadTooLarge => format!("too large: {}", body.message),
        ErrorCode::ValidationError => format!("not accepted: {detail}"),
        _ => describe(e),
    }
}

async fn download(auth: &Auth, attachment: &Attachment) -> Result<Vec<u8>, String> {
    let id = attachment.id;
    let max = usize::try_from(attachment.size)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024)
        .min(MAX_DOWNLOAD_BYTES);
    auth.call(|c| async move {
        c.download_attachment(id, AttachmentFile::Original, max)
            .await
    })
    .await
    .map_err(|e| describe(&e))
}

/// The attachment in the cache directory (downloaded unless already there), to hand to
/// the system viewer. The name ends in the type's extension so the viewer recognizes it.
pub async fn open_path(auth: &Auth, attachment: &Attachment) -> Result<PathBuf, String> {
    let dir = cache_dir().ok_or("no cache directory (set CHAT_TUI_CACHE_DIR)")?;
    cache_in(auth, attachment, &dir).await
}

/// The attachment as a file in `dir`, downloaded unless a complete copy is there.
pub async fn cache_in(auth: &Auth, attachment: &Attachment, dir: &Path) -> Result<PathBuf, String> {
    let path = dir.join(cached_name(attachment));
    if tokio::fs::metadata(&path)
        .await
        .is_ok_and(|m| m.len() == attachment.size)
    {
        return Ok(path);
    }
    let bytes = download(auth, attachment).await?;
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    tokio::fs::create_dir_all(&dir).await.map_err(io)?;
    // Written aside and renamed, so a viewer never sees half a file.
    let part = dir.join(format!("{}.part", attachment.id));
    tokio::fs::write(&part, &bytes).await.map_err(io)?;
    tokio::fs::rename(&part, &path).await.map_err(io)?;
    Ok(path)
}

/// `<id>-<name>` with the extension of its type: ids keep same-named files apart, and the
/// name never starts with `-` (which a viewer would read as an option).
fn cached_name(attachment: &Attachment) -> String {
    let name = file_name(&attachment.name);
    let ext = match attachment.mime.as_str() {
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => "",
    };
    let has_ext = Path::new(&name).extension().is_some_and(|e| {
        e.eq_ignore_ascii_case(ext) || (ext == "jpg" && e.eq_ignore_ascii_case("jpeg"))
    });
    if ext.is_empty() || has_ext {
        format!("{}-{name}", attachment.id)
    } else {
        format!("{}-{name}.{ext}", attachment.id)
    }
}

/// Saves the attachment at `target`. A directory takes the attachment's name, with ` (1)`,
/// ` (2)`... before its extension when that name is taken; a file path that exists is
/// refused. An existing file is never replaced.
pub async fn save(auth: &Auth, attachment: &Attachment, target: &Path) -> Result<PathBuf, String> {
    let into_dir = tokio::fs::metadata(target).await.is_ok_and(|m| m.is_dir());
    if !into_dir && tokio::fs::symlink_metadata(target).await.is_ok() {
        return Err(format!("{} exists; not overwritten", target.display()));
    }
    let bytes = download(auth, attachment).await?;
    let (target, mut file) = if into_dir {
        create_free(target, &file_name(&attachment.name)).await?
    } else {
        let file = create_new(target).await.map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                format!("{} exists; not overwritten", target.display())
            } else {
                format!("{}: {e}", target.display())
            }
        })?;
        (target.to_path_buf(), file)
    };
    let io = |e: std::io::Error| format!("{}: {e}", target.display());
    tokio::io::AsyncWriteExt::write_all(&mut file, &bytes)
        .await
        .map_err(io)?;
    tokio::io::AsyncWriteExt::flush(&mut file)
        .await
        .map_err(io)?;
    Ok(target)
}

/// Creates `path` only if nothing is there (also refusing a file that appeared since a check).
async fn create_new(path: &Path) -> std::io::Result<tokio::fs::File> {
    tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .await
}

/// `name` in `dir`, or the first free `stem (n).ext`, created empty.
pub async fn create_free(dir: &Path, name: &str) -> Result<(PathBuf, tokio::fs::File), String> {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    for n in 0..1000 {
        let candidate = if n == 0 {
            dir.join(name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        match create_new(&candidate).await {
            Ok(file) => return Ok((candidate, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("{}: {e}", candidate.display())),
        }
    }
    Err(format!("{}: too many files named {name}", dir.display()))
}

/// Completes the last part of a typed path from its directory: the longest common prefix
/// of the matching entries, with a `/` after a lone directory. Hidden entries only when the
/// typed part starts with a dot. What was typed comes back unchanged when nothing matches.
pub async fn complete_path(typed: &str) -> String {
    let (dir_part, prefix) = match typed.rfind('/') {
        Some(i) => typed.split_at(i + 1),
        None => ("", typed),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else {
        expand(dir_part)
    };
    let Ok(mut entries) = tokio::fs::read_dir(&dir).await else {
        return typed.to_owned();
    };
    let mut names: Vec<(String, bool)> = Vec::new();
    while let Ok(Some(entry)) = entries.next_entry().await {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && (prefix.starts_with('.') || !name.starts_with('.')) {
            let is_dir = tokio::fs::metadata(entry.path())
                .await
                .is_ok_and(|m| m.is_dir());
            names.push((name, is_dir));
        }
        if names.len() > 1000 {
            break;
        }
    }
    match names.as_slice() {
        [] => typed.to_owned(),
        [(name, true)] => format!("{dir_part}{name}/"),
        [(name, false)] => format!("{dir_part}{name}"),
        [(first, _), rest @ ..] => {
            let mut common = first.clone();
            for (name, _) in rest {
                let shared = common
                    .char_indices()
                    .zip(name.chars())
                    .take_while(|((_, a), b)| a == b)
                    .last()
                    .map_or(0, |((i, a), _)| i + a.len_utf8());
                common.truncate(shared);
            }
            format!("{dir_part}{common}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_save_into_a_directory_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("report.pdf"), b"mine").unwrap();
        let (first, _) = create_free(dir.path(), "report.pdf").await.unwrap();
        let (second, _) = create_free(dir.path(), "report.pdf").await.unwrap();
        let (bare, _) = create_free(dir.path(), "notes").await.unwrap();
        assert_eq!(first, dir.path().join("report (1).pdf"));
        assert_eq!(second, dir.path().join("report (2).pdf"));
        assert_eq!(bare, dir.path().join("notes"));
        assert_eq!(
            std::fs::read(dir.path().join("report.pdf")).unwrap(),
            b"mine"
        );
    }

    #[tokio::test]
    async fn paths_complete_to_the_longest_shared_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let base = format!("{}/", dir.path().display());
        std::fs::write(dir.path().join("cat-1.png"), b"x").unwrap();
        std::fs::write(dir.path().join("cat-2.png"), b"x").unwrap();
        std::fs::create_dir(dir.path().join("pictures")).unwrap();
        std::fs::write(dir.path().join(".hidden.png"), b"x").unwrap();
        assert_eq!(
            complete_path(&format!("{base}c")).await,
            format!("{base}cat-")
        );
        assert_eq!(
            complete_path(&format!("{base}p")).await,
            format!("{base}pictures/")
        );
        assert_eq!(
            complete_path(&format!("{base}.h")).await,
            format!("{base}.hidden.png")
        );
        assert_eq!(complete_path(&format!("{base}z")).await, format!("{base}z"));
        assert_eq!(complete_path("/no/such/dir/x").await, "/no/such/dir/x");
    }
}
