//! `chatctl backup restore`: verifies the whole archive first, then restores the dump in
//! one transaction (all or nothing), applies pending migrations and puts the attachment
//! files back. With the embedded database and no chatd running, it starts the cluster for
//! the restore and stops it after.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chatd::embedded_pg::{EmbeddedOptions, EmbeddedPostgres};
use chatd::private_fs;
use chatd::store::Store;
use serde_json::json;

use super::archive::{ATTACHMENTS, DUMP};
use super::{attachments_dir, run_pg, verify_into};
use crate::cli::RestoreArgs;
use crate::context::Context;
use crate::output::{self, Failure, Outcome};

pub async fn run(ctx: &Context, args: &RestoreArgs) -> Outcome {
    let started = Instant::now();
    let data_dir = &ctx.config.data_dir;
    std::fs::create_dir_all(data_dir)
        .map_err(|e| Failure::failed(format!("creating {}: {e}", data_dir.display())))?;
    // Inside the data directory, so that attachment files are moved, not copied, into place.
    let work = tempfile::Builder::new()
        .prefix(".chatctl-restore-")
        .tempdir_in(data_dir)
        .map_err(|e| {
            Failure::failed(format!(
                "creating a work directory in {}: {e}",
                data_dir.display()
            ))
        })?;
    let manifest = verify_into(ctx, &args.file, work.path()).map_err(|f| Failure {
        code: f.code,
        message: format!("{}; nothing was restored", f.message),
    })?;
    let latest = chatd::store::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    if manifest.schema_version > latest {
        return Err(Failure::failed(format!(
            "the archive holds schema version {}, newer than this chatctl knows ({latest}); \
             restore it with the chatctl of that release or newer",
            manifest.schema_version
        )));
    }

    let (store, embedded) = connect(ctx).await?;
    let result = restore_into(ctx, &store, args, work.path(), &manifest.row_counts).await;
    if let Some((cluster, _lock)) = embedded {
        store.close().await;
        if let Err(e) = cluster.stop().await {
            eprintln!("stopping the embedded PostgreSQL failed: {e}");
        }
    }
    let (counts_match, attachments) = result?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "restored {} (schema {}, {attachments} attachment file(s)) in {seconds:.1} s{}",
        args.file.display(),
        manifest.schema_version,
        if counts_match {
            "; row counts match the manifest"
        } else {
            "; row counts differ from the manifest (it counts just before the dump; on a busy \
             server that is expected)"
        }
    );
    if ctx.json {
        return output::json(&json!({
            "file": args.file.display().to_string(),
            "schemaVersion": manifest.schema_version,
            "attachments": attachments,
            "rowCountsMatch": counts_match,
            "seconds": seconds,
        }));
    }
    Ok(())
}

/// The target database: the running one, or the embedded cluster started for the restore
/// (with chatd's data directory lock held, so that no chatd starts meanwhile).
async fn connect(ctx: &Context) -> Result<(Store, Option<(EmbeddedPostgres, File)>), Failure> {
    let Some(root) = ctx.embedded_root() else {
        return Ok((ctx.store().await?, None));
    };
    let lock_path = ctx.config.data_dir.join("chatd.lock");
    let lock = File::create(&lock_path)
        .map_err(|e| Failure::failed(format!("creating {}: {e}", lock_path.display())))?;
    if lock.try_lock().is_err() {
        // A chatd serves this data directory: restore through its cluster.
        return Ok((ctx.store().await?, None));
    }
    eprintln!(
        "no chatd runs on {}: starting its PostgreSQL for the restore",
        ctx.config.data_dir.display()
    );
    let cluster = EmbeddedPostgres::start(EmbeddedOptions {
        root,
        bin_dir: ctx.config.postgres.bin_dir.clone(),
        user_when_root: ctx.config.postgres.user.clone(),
        max_connections: 20,
        unsafe_no_fsync: false,
    })
    .await
    .map_err(|e| Failure::failed(format!("starting the embedded PostgreSQL: {e}")))?;
    let store = Store::connect_lazy(ctx.connect_options()?, 2, Duration::from_secs(5));
    Ok((store, Some((cluster, lock))))
}

/// Returns whether the restored row counts match the manifest, and the attachment count.
async fn restore_into(
    ctx: &Context,
    store: &Store,
    args: &RestoreArgs,
    work: &Path,
    expected: &BTreeMap<String, i64>,
) -> Result<(bool, usize), Failure> {
    let (tables, rows) = store.contents().await?;
    if rows > 0 && !args.force {
        return Err(Failure::failed(format!(
            "the target database is not empty ({rows} row(s) in chatd's tables); restore into \
             an empty database, or pass --force to replace its contents; nothing was restored"
        )));
    }
    let pg = ctx.pg_client_args()?;
    let mut cmd = Command::new(ctx.pg_program("pg_restore")?);
    cmd.args([
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--no-password",
    ]);
    if tables > 0 {
        // The schema exists (chatd started once, or --force): replace its objects.
        cmd.args(["--clean", "--if-exists"]);
    }
    cmd.args(&pg.args)
        .envs(pg.env.iter().map(|(k, v)| (k, v)))
        .arg(work.join(DUMP));
    run_pg(cmd, "pg_restore").await.map_err(|f| Failure {
        code: f.code,
        message: format!(
            "{}\nthe restore ran in one transaction: nothing was restored",
            f.message
        ),
    })?;
    let counts_match = store
        .table_row_counts()
        .await?
        .iter()
        .all(|(t, n)| expected.get(*t).is_none_or(|e| e == n));
    store
        .migrate()
        .await
        .map_err(|e| Failure::failed(format!("applying migrations after the restore: {e}")))?;
    let attachments = move_attachments(&work.join(ATTACHMENTS), &attachments_dir(ctx))?;
    ctx.audit(
        store,
        "admin.backup_restore",
        None,
        json!({ "file": args.file.display().to_string(), "force": args.force }),
    )
    .await?;
    Ok((counts_match, attachments))
}

fn move_attachments(from: &Path, to: &Path) -> Result<usize, Failure> {
    let files = super::archive::files_under(from)
        .map_err(|e| Failure::failed(format!("reading {}: {e}", from.display())))?;
    for rel in &files {
        let dest = to.join(rel);
        // Private like the files chatd writes itself, whatever the umask.
        if let Some(parent) = dest.parent() {
            private_fs::create_dir_all(parent, private_fs::DIR_MODE)
                .map_err(|e| Failure::failed(format!("creating {}: {e}", parent.display())))?;
        }
        std::fs::rename(from.join(rel), &dest)
            .and_then(|()| private_fs::restrict(&dest, private_fs::FILE_MODE))
            .map_err(|e| Failure::failed(format!("writing {}: {e}", dest.display())))?;
    }
    Ok(files.len())
}
