//! The backup archive: a plain tar holding a marker, the `pg_dump` custom-format dump, the
//! attachment files, `manifest.json` (what is inside, with SHA-256 and size of every part)
//! and the manifest's own SHA-256. Reading checks every part before anything is used.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The first entry: says what the file is, so `backup list` can tell archives apart.
pub const MARKER: &str = "chatd-backup";
const MARKER_TEXT: &[u8] = b"chatd backup archive, format 1\n";
/// The database dump.
pub const DUMP: &str = "database.dump";
/// The directory of attachment files inside the archive.
pub const ATTACHMENTS: &str = "attachments";
const MANIFEST: &str = "manifest.json";
const MANIFEST_SUM: &str = "manifest.json.sha256";
/// The archive format this chatctl writes and reads.
pub const FORMAT: u32 = 1;
/// A manifest larger than this is not one.
const MANIFEST_MAX: u64 = 64 * 1024 * 1024;

/// What an archive holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: u32,
    /// When the dump was taken.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// `common::VERSION` of the chatctl that wrote it.
    pub suite_version: String,
    /// The latest migration applied to the database.
    pub schema_version: i64,
    /// The PostgreSQL server's version.
    pub postgres_version: String,
    /// Rows per table, counted just before the dump.
    pub row_counts: BTreeMap<String, i64>,
    /// Every file of the archive except the marker and the manifest.
    pub parts: Vec<Part>,
}

/// One file of the archive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// Path inside the archive, e.g. `database.dump`, `attachments/ab/cdef`.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256.
    pub sha256: String,
}

/// Writes an archive; parts first, the manifest last (it lists their checksums).
pub struct Writer {
    builder: tar::Builder<BufWriter<File>>,
    parts: Vec<Part>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("parts", &self.parts)
            .finish_non_exhaustive()
    }
}

impl Writer {
    /// Creates `path` and writes the marker.
    pub fn create(path: &Path) -> io::Result<Self> {
        // Archives hold password hashes and every message: readable by their owner only.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(path)?;
        let mut this = Self {
            builder: tar::Builder::new(BufWriter::with_capacity(1 << 20, file)),
            parts: Vec::new(),
        };
        this.append(MARKER, MARKER_TEXT.len() as u64, MARKER_TEXT)?;
        Ok(this)
    }

    /// Adds the file `source` as `name`, hashing it on the way.
    pub fn add_file(&mut self, name: &str, source: &Path) -> io::Result<()> {
        let file = File::open(source)?;
        let size = file.metadata()?.len();
        let mut reader = Hashing::new(BufReader::with_capacity(1 << 20, file).take(size));
        self.append(name, size, &mut reader)?;
        if reader.count != size {
            return Err(io::Error::other(format!(
                "{} changed while it was archived",
                source.display()
            )));
        }
        self.parts.push(Part {
            path: name.to_owned(),
            size,
            sha256: reader.hex(),
        });
        Ok(())
    }

    /// The parts written so far.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// Writes the manifest and its checksum, and flushes the archive to disk.
    pub fn finish(mut self, manifest: &Manifest) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(manifest).map_err(io::Error::other)?;
        let sum = format!("{}\n", hex(&Sha256::digest(&json)));
        self.append(MANIFEST, json.len() as u64, json.as_slice())?;
        self.append(MANIFEST_SUM, sum.len() as u64, sum.as_bytes())?;
        let file = self
            .builder
            .into_inner()?
            .into_inner()
            .map_err(io::IntoInnerError::into_error)?;
        file.sync_all()
    }

    fn append(&mut self, name: &str, size: u64, data: impl Read) -> io::Result<()> {
        let mut header = tar::Header::new_gnu();
        header.set_size(size);
        header.set_mode(0o600);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mtime(
            OffsetDateTime::now_utc()
                .unix_timestamp()
                .try_into()
                .unwrap_or(0),
        );
        self.builder.append_data(&mut header, name, data)
    }
}

/// Why an archive was refused.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Damaged(pub String);

/// Extracts `archive` into `dir` (which must be empty), checking the marker, every part's
/// size and SHA-256 against the manifest, and the manifest against its own checksum.
/// Returns the manifest; on any error the caller must discard `dir`.
pub fn extract_verified(archive: &Path, dir: &Path) -> Result<Manifest, Damaged> {
    let (mut found, manifest_json, manifest_sum) = extract_entries(archive, dir)?;
    check_manifest(&mut found, manifest_json, manifest_sum)
}

/// What the archive's entries held: the extracted parts (as found), the manifest and its sum.
type Entries = (BTreeMap<String, Part>, Option<Vec<u8>>, Option<String>);

fn extract_entries(archive: &Path, dir: &Path) -> Result<Entries, Damaged> {
    let file = File::open(archive)
        .map_err(|e| Damaged(format!("cannot open {}: {e}", archive.display())))?;
    let mut tar = tar::Archive::new(BufReader::with_capacity(1 << 20, file));
    let entries = tar.entries().map_err(|e| damaged(&e))?;
    let mut found: BTreeMap<String, Part> = BTreeMap::new();
    let mut manifest_json: Option<Vec<u8>> = None;
    let mut manifest_sum: Option<String> = None;
    for (index, entry) in entries.enumerate() {
        let mut entry = entry.map_err(|e| damaged(&e))?;
        let path = entry.path().map_err(|e| damaged(&e))?.into_owned();
        let name = safe_name(&path)?;
        if index == 0 {
            let mut text = Vec::new();
            entry
                .by_ref()
                .take(1024)
                .read_to_end(&mut text)
                .map_err(|e| damaged(&e))?;
            if name != MARKER || text != MARKER_TEXT {
                return Err(Damaged(format!(
                    "{} is not a chatd backup archive (format {FORMAT})",
                    archive.display()
                )));
            }
            continue;
        }
        if !entry.header().entry_type().is_file() {
            return Err(Damaged(format!("unexpected entry {name} (not a file)")));
        }
        match name.as_str() {
            MANIFEST | MANIFEST_SUM => {
                let mut data = Vec::new();
                entry
                    .by_ref()
                    .take(MANIFEST_MAX)
                    .read_to_end(&mut data)
                    .map_err(|e| damaged(&e))?;
                if name == MANIFEST {
                    manifest_json = Some(data);
                } else {
                    manifest_sum = Some(String::from_utf8_lossy(&data).trim().to_owned());
                }
            }
            _ => {
                let dest = dir.join(&path);
                if let Some(parent) = dest.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| local(&e, parent))?;
                }
                let out = File::create(&dest).map_err(|e| local(&e, &dest))?;
                let mut reader = Hashing::new(&mut entry);
                let mut writer = BufWriter::with_capacity(1 << 20, out);
                io::copy(&mut reader, &mut writer).map_err(|e| damaged(&e))?;
                writer.flush().map_err(|e| local(&e, &dest))?;
                let part = Part {
                    path: name.clone(),
                    size: reader.count,
                    sha256: reader.hex(),
                };
                if found.insert(name.clone(), part).is_some() {
                    return Err(Damaged(format!("{name} appears twice")));
                }
            }
        }
    }
    Ok((found, manifest_json, manifest_sum))
}

fn check_manifest(
    found: &mut BTreeMap<String, Part>,
    manifest_json: Option<Vec<u8>>,
    manifest_sum: Option<String>,
) -> Result<Manifest, Damaged> {
    let json = manifest_json.ok_or_else(|| {
        Damaged("no manifest.json: the archive is truncated or was not finished".into())
    })?;
    let sum = manifest_sum.ok_or_else(|| {
        Damaged("no manifest.json.sha256: the archive is truncated or was not finished".into())
    })?;
    if hex(&Sha256::digest(&json)) != sum {
        return Err(Damaged(
            "manifest.json does not match its SHA-256: the archive is corrupted".into(),
        ));
    }
    let manifest: Manifest = serde_json::from_slice(&json)
        .map_err(|e| Damaged(format!("manifest.json is not readable: {e}")))?;
    if manifest.format != FORMAT {
        return Err(Damaged(format!(
            "archive format {} is not supported (this chatctl reads format {FORMAT})",
            manifest.format
        )));
    }
    for part in &manifest.parts {
        match found.remove(&part.path) {
            None => return Err(Damaged(format!("{} is missing", part.path))),
            Some(actual) if actual.size != part.size => {
                return Err(Damaged(format!(
                    "{}: {} bytes, the manifest says {}: the archive is corrupted",
                    part.path, actual.size, part.size
                )));
            }
            Some(actual) if actual.sha256 != part.sha256 => {
                return Err(Damaged(format!(
                    "{}: SHA-256 mismatch: the archive is corrupted",
                    part.path
                )));
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = found.keys().next() {
        return Err(Damaged(format!("{extra} is not listed in the manifest")));
    }
    if !manifest.parts.iter().any(|p| p.path == DUMP) {
        return Err(Damaged(format!("the manifest lists no {DUMP}")));
    }
    Ok(manifest)
}

/// Whether `path` starts with the marker entry (cheap: reads one header and 1 KiB).
pub fn is_archive(path: &Path) -> bool {
    let Ok(file) = File::open(path) else {
        return false;
    };
    let mut tar = tar::Archive::new(BufReader::new(file));
    let Ok(mut entries) = tar.entries() else {
        return false;
    };
    let Some(Ok(entry)) = entries.next() else {
        return false;
    };
    let is_marker = entry.path().is_ok_and(|p| p == Path::new(MARKER));
    let mut text = Vec::new();
    is_marker && entry.take(1024).read_to_end(&mut text).is_ok() && text == MARKER_TEXT
}

/// The entry's path as a relative, `..`-free string.
fn safe_name(path: &Path) -> Result<String, Damaged> {
    let safe = path.components().all(|c| matches!(c, Component::Normal(_)));
    match path.to_str() {
        Some(name) if safe && !name.is_empty() => Ok(name.to_owned()),
        _ => Err(Damaged(format!(
            "unsafe or unreadable entry name {}",
            path.display()
        ))),
    }
}

fn damaged(e: &io::Error) -> Damaged {
    Damaged(format!("the archive is corrupted or truncated: {e}"))
}

fn local(e: &io::Error, path: &Path) -> Damaged {
    Damaged(format!("writing {}: {e}", path.display()))
}

/// The regular files under `dir`, as paths relative to it, sorted; none when it is absent.
pub fn files_under(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(dir.join(&rel))? {
            let entry = entry?;
            let kind = entry.file_type()?;
            let child = rel.join(entry.file_name());
            if kind.is_dir() {
                stack.push(child);
            } else if kind.is_file() {
                out.push(child);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A reader that counts and hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    count: u64,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            count: 0,
        }
    }

    fn hex(&self) -> String {
        hex(&self.hasher.clone().finalize())
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}
