//! `chatctl backup`: archives of the database (`pg_dump`, taken while chatd serves) and the
//! attachment files, verified by checksum before any restore.

mod archive;
mod restore;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::json;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::cli::BackupCommand;
use crate::context::Context;
use crate::output::{self, Failure, Outcome};
use archive::{ATTACHMENTS, DUMP, Manifest};

pub async fn run(ctx: &Context, cmd: BackupCommand) -> Outcome {
    match cmd {
        BackupCommand::Create { output } => create(ctx, &output).await,
        BackupCommand::Verify { file } => verify(ctx, &file),
        BackupCommand::Restore(args) => restore::run(ctx, &args).await,
        BackupCommand::List { dir, keep, yes } => list(ctx, &dir, keep, yes),
    }
}

/// `<data_dir>/attachments`.
fn attachments_dir(ctx: &Context) -> PathBuf {
    ctx.config.data_dir.join("attachments")
}

async fn create(ctx: &Context, output: &Path) -> Outcome {
    let started = Instant::now();
    let store = ctx.store().await?;
    let (target, parent) = target_path(output)?;
    let manifest_base = manifest_base(&store).await?;
    let work = tempfile::Builder::new()
        .prefix(".chatd-backup-")
        .tempdir_in(&parent)
        .map_err(|e| {
            Failure::failed(format!(
                "creating a work directory in {}: {e}",
                parent.display()
            ))
        })?;
    let dump = work.path().join(DUMP);
    let pg = ctx.pg_client_args()?;
    let program = ctx.pg_program("pg_dump")?;
    let mut cmd = Command::new(&program);
    cmd.args(["--format=custom", "--no-password", "--file"])
        .arg(&dump)
        .args(&pg.args)
        .envs(pg.env.iter().map(|(k, v)| (k, v)));
    run_pg(cmd, "pg_dump").await?;

    let partial = target.with_extension("tar.partial");
    let attachments = attachments_dir(ctx);
    let written = {
        let partial = partial.clone();
        tokio::task::spawn_blocking(move || {
            write_archive(&partial, &dump, &attachments, manifest_base)
        })
        .await
        .map_err(|e| Failure::failed(e.to_string()))?
    };
    let manifest = match written {
        Ok(m) => m,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(Failure::failed(format!(
                "writing {}: {e}",
                partial.display()
            )));
        }
    };
    std::fs::rename(&partial, &target)
        .map_err(|e| Failure::failed(format!("renaming to {}: {e}", target.display())))?;
    drop(work);
    let size = std::fs::metadata(&target).map_or(0, |m| m.len());
    let attachment_count = manifest.parts.len().saturating_sub(1);
    ctx.audit(
        &store,
        "admin.backup_create",
        None,
        json!({ "file": target.display().to_string(), "sizeBytes": size,
                "schemaVersion": manifest.schema_version }),
    )
    .await?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "wrote {} ({}, {attachment_count} attachment file(s)) in {seconds:.1} s",
        target.display(),
        output::bytes(size)
    );
    if ctx.json {
        return output::json(&json!({
            "file": target.display().to_string(),
            "sizeBytes": size,
            "seconds": seconds,
            "attachments": attachment_count,
            "manifest": manifest,
        }));
    }
    println!("{}", target.display());
    Ok(())
}

/// The archive to write (a directory gets a timestamped name) and its directory.
fn target_path(output: &Path) -> Result<(PathBuf, PathBuf), Failure> {
    let target = if output.is_dir() {
        let stamp = OffsetDateTime::now_utc()
            .format(format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .map_err(|e| Failure::failed(e.to_string()))?;
        output.join(format!("chatd-{stamp}.tar"))
    } else {
        output.to_path_buf()
    };
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(Failure::failed(format!(
            "the directory {} does not exist",
            parent.display()
        )));
    }
    Ok((target, parent))
}

/// The manifest's description of the database, parts still empty.
async fn manifest_base(store: &chatd::store::Store) -> Result<Manifest, Failure> {
    let schema_version = crate::migrate::statuses(store)
        .await?
        .iter()
        .filter(|m| m.state == "applied")
        .map(|m| m.version)
        .max()
        .ok_or_else(|| Failure::failed("the database has no schema yet: nothing to back up"))?;
    let postgres_version = store.server_version().await?;
    let created_at = OffsetDateTime::now_utc();
    let row_counts = store
        .table_row_counts()
        .await?
        .into_iter()
        .map(|(t, n)| (t.to_owned(), n))
        .collect();
    Ok(Manifest {
        format: archive::FORMAT,
        created_at,
        suite_version: common::VERSION.to_owned(),
        schema_version,
        postgres_version,
        row_counts,
        parts: Vec::new(),
    })
}

fn write_archive(
    path: &Path,
    dump: &Path,
    attachments: &Path,
    mut manifest: Manifest,
) -> std::io::Result<Manifest> {
    let mut writer = archive::Writer::create(path)?;
    writer.add_file(DUMP, dump)?;
    for rel in archive::files_under(attachments)? {
        let Some(rel_str) = rel.to_str() else {
            eprintln!(
                "skipping attachment with a non-UTF-8 name: {}",
                rel.display()
            );
            continue;
        };
        writer.add_file(&format!("{ATTACHMENTS}/{rel_str}"), &attachments.join(&rel))?;
    }
    manifest.parts = writer.parts().to_vec();
    writer.finish(&manifest)?;
    Ok(manifest)
}

/// Runs a PostgreSQL client program; a failure carries the end of its stderr.
async fn run_pg(mut cmd: Command, name: &str) -> Result<(), Failure> {
    let output = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .map_err(|e| Failure::failed(e.to_string()))?
        .map_err(|e| Failure::failed(format!("running {name}: {e}")))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(10).collect();
    Err(Failure::failed(format!(
        "{name} failed ({}):\n{}",
        output.status,
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    )))
}

/// Checks every checksum and that `pg_restore` can read the dump's table of contents.
fn verify_into(ctx: &Context, file: &Path, dir: &Path) -> Result<Manifest, Failure> {
    let manifest = archive::extract_verified(file, dir).map_err(|e| {
        Failure::failed(format!(
            "backup {} failed verification: {e}",
            file.display()
        ))
    })?;
    let program = ctx.pg_program("pg_restore")?;
    let listed = Command::new(&program)
        .arg("--list")
        .arg(dir.join(DUMP))
        .output()
        .map_err(|e| Failure::failed(format!("running pg_restore: {e}")))?;
    if !listed.status.success() {
        return Err(Failure::failed(format!(
            "backup {} failed verification: pg_restore cannot read {DUMP}: {}",
            file.display(),
            String::from_utf8_lossy(&listed.stderr).trim()
        )));
    }
    Ok(manifest)
}

fn verify(ctx: &Context, file: &Path) -> Outcome {
    let work = tempfile::Builder::new()
        .prefix("chatctl-verify-")
        .tempdir()
        .map_err(|e| Failure::failed(format!("creating a temporary directory: {e}")))?;
    let manifest = verify_into(ctx, file, work.path())?;
    eprintln!(
        "{} is intact: {} part(s) match their SHA-256, the dump is readable",
        file.display(),
        manifest.parts.len()
    );
    if ctx.json {
        return output::json(&json!({ "file": file.display().to_string(), "ok": true,
                                      "manifest": manifest }));
    }
    output::fields(&[
        ("file", file.display().to_string()),
        ("created at", output::time(Some(manifest.created_at))),
        ("suite version", manifest.suite_version.clone()),
        ("schema version", manifest.schema_version.to_string()),
        ("postgresql", manifest.postgres_version.clone()),
        ("parts", manifest.parts.len().to_string()),
        (
            "rows",
            manifest.row_counts.values().sum::<i64>().to_string(),
        ),
    ]);
    Ok(())
}

fn list(ctx: &Context, dir: &Path, keep: Option<usize>, yes: bool) -> Outcome {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure::failed(format!("reading {}: {e}", dir.display())))?;
    let mut archives: Vec<(PathBuf, u64, OffsetDateTime)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tar") && p.is_file())
        .filter(|p| archive::is_archive(p))
        .filter_map(|p| {
            let meta = std::fs::metadata(&p).ok()?;
            let modified = OffsetDateTime::from(meta.modified().ok()?);
            Some((p, meta.len(), modified))
        })
        .collect();
    archives.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| b.0.cmp(&a.0)));
    let doomed: Vec<PathBuf> = keep.map_or_else(Vec::new, |n| {
        archives.iter().skip(n).map(|a| a.0.clone()).collect()
    });
    if !doomed.is_empty() {
        output::confirm(
            &format!(
                "delete the {} oldest archive(s) in {}, keeping {}?",
                doomed.len(),
                dir.display(),
                keep.unwrap_or(0)
            ),
            yes,
        )?;
        for path in &doomed {
            std::fs::remove_file(path)
                .map_err(|e| Failure::failed(format!("deleting {}: {e}", path.display())))?;
            eprintln!("deleted {}", path.display());
        }
        archives.retain(|a| !doomed.contains(&a.0));
    }
    if ctx.json {
        let list: Vec<_> = archives
            .iter()
            .map(|(p, size, at)| {
                json!({ "file": p.display().to_string(), "sizeBytes": size,
                                         "modifiedAt": output::time(Some(*at)) })
            })
            .collect();
        let deleted: Vec<String> = doomed.iter().map(|p| p.display().to_string()).collect();
        return output::json(&json!({ "archives": list, "deleted": deleted }));
    }
    let rows: Vec<Vec<String>> = archives
        .iter()
        .map(|(p, size, at)| {
            vec![
                p.display().to_string(),
                output::bytes(*size),
                output::time(Some(*at)),
            ]
        })
        .collect();
    output::table(&["ARCHIVE", "SIZE", "MODIFIED"], &rows);
    Ok(())
}
