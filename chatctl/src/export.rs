//! `chatctl export`: a chat's or a user's messages as JSON Lines, for compliance and
//! data-portability requests. Rows are streamed from one query and written as they come,
//! so memory stays flat however many messages there are. Audited.

use std::io::{BufWriter, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chatd::store::{ExportRow, ExportScope, Store};
use common::ids::{ChatId, MessageId, UserId};
use futures_util::TryStreamExt;
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::cli::ExportArgs;
use crate::context::Context;
use crate::output::{Failure, Outcome};

/// One line of the export.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct MessageLine {
    id: MessageId,
    chat_id: ChatId,
    chat_kind: String,
    chat_name: Option<String>,
    seq: i64,
    sender_id: Option<UserId>,
    sender_username: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    edited_at: Option<OffsetDateTime>,
    deleted: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    deleted_at: Option<OffsetDateTime>,
    content: Option<String>,
    content_type: String,
    metadata: Value,
    reply_to_id: Option<MessageId>,
    mentions: Value,
    reactions: Value,
    attachments: Value,
}

impl From<ExportRow> for MessageLine {
    fn from(row: ExportRow) -> Self {
        // What a deleted message said is gone for its readers; the export keeps only that
        // it existed, like the API.
        let deleted = row.deleted_at.is_some();
        let unless_deleted = |value: Value, empty: Value| if deleted { empty } else { value };
        Self {
            id: row.id,
            chat_id: row.chat_id,
            chat_kind: row.chat_kind,
            chat_name: row.chat_name,
            seq: row.seq,
            sender_id: row.sender_id,
            sender_username: row.sender_username,
            created_at: row.created_at,
            edited_at: row.edited_at,
            deleted,
            deleted_at: row.deleted_at,
            content: if deleted { None } else { row.content },
            content_type: row.content_type,
            metadata: unless_deleted(row.metadata, json!({})),
            reply_to_id: row.reply_to_id,
            mentions: unless_deleted(row.mentions, json!([])),
            reactions: unless_deleted(row.reactions, json!([])),
            attachments: unless_deleted(row.attachments, json!([])),
        }
    }
}

pub async fn run(ctx: &Context, args: ExportArgs) -> Outcome {
    if let (Some(since), Some(until)) = (args.since, args.until)
        && since >= until
    {
        return Err(Failure::usage("--since must be before --until"));
    }
    let store = ctx.store().await?;
    let (scope, target, label) = resolve(&store, &args).await?;
    let written = if let Some(path) = &args.output {
        write_file(&store, scope, &args, path).await
    } else {
        let mut out = BufWriter::new(std::io::stdout().lock());
        write_lines(&store, scope, &args, &mut out).await
    };
    let (count, result) = match written {
        Ok(count) => (count, Ok(())),
        Err((count, failure)) => (count, Err(failure)),
    };
    ctx.audit(
        &store,
        "admin.export",
        Some(target),
        json!({
            "scope": label,
            "messages": count,
            "complete": result.is_ok(),
            "since": args.since.map(|t| crate::output::time(Some(t))),
            "until": args.until.map(|t| crate::output::time(Some(t))),
            "output": args.output.as_ref().map(|p| p.display().to_string()),
        }),
    )
    .await?;
    result?;
    eprintln!("exported {count} message(s) of {label}");
    Ok(())
}

/// What to export, the audit target and a label for people.
async fn resolve(
    store: &Store,
    args: &ExportArgs,
) -> Result<(ExportScope, (&'static str, String), String), Failure> {
    if let Some(user) = &args.user {
        let user = crate::group::find_user(store, user).await?;
        return Ok((
            ExportScope::Sender(user.id),
            ("user", user.id.to_string()),
            format!("user {}", user.username),
        ));
    }
    let chat = args.chat.as_deref().unwrap_or_default().trim();
    let found = match chat.parse::<ChatId>() {
        Ok(id) => store.export_chat(id).await?.map(|c| (c.id, c.name, c.kind)),
        Err(_) => store
            .admin_group_by_slug(chat)
            .await?
            .map(|g| (g.id, g.name, "group".to_owned())),
    };
    let (id, name, kind) =
        found.ok_or_else(|| Failure::not_found(format!("no chat with the id or slug {chat:?}")))?;
    let label = match name {
        Some(name) => format!("{kind} {name:?}"),
        None => format!("{kind} chat {id}"),
    };
    Ok((ExportScope::Chat(id), ("chat", id.to_string()), label))
}

/// Writes `FILE.partial`, then renames it, so that a file of that name is always complete.
async fn write_file(
    store: &Store,
    scope: ExportScope,
    args: &ExportArgs,
    path: &Path,
) -> Result<u64, (u64, Failure)> {
    let mut partial = PathBuf::from(path);
    partial.as_mut_os_string().push(".partial");
    let io_failure = |e: std::io::Error, what: &str| {
        (
            0,
            Failure::failed(format!("{what} {}: {e}", partial.display())),
        )
    };
    // Exports hold people's messages: readable by their owner only, like backups. The mode
    // is set again in case a `.partial` of an interrupted run was left with another one.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&partial)
        .and_then(|file| {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            Ok(file)
        })
        .map_err(|e| io_failure(e, "creating"))?;
    let mut out = BufWriter::new(file);
    let result = match write_lines(store, scope, args, &mut out).await {
        Ok(count) => out
            .into_inner()
            .map_err(|e| io_failure(e.into_error(), "writing"))
            .and_then(|file| file.sync_all().map_err(|e| io_failure(e, "syncing")))
            .and_then(|()| std::fs::rename(&partial, path).map_err(|e| io_failure(e, "renaming")))
            .map(|()| count),
        Err(failed) => Err(failed),
    };
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Streams the rows into `out`, one JSON object and newline each; returns how many.
async fn write_lines(
    store: &Store,
    scope: ExportScope,
    args: &ExportArgs,
    out: &mut impl Write,
) -> Result<u64, (u64, Failure)> {
    let mut rows = store.export_messages(scope, args.since, args.until);
    let mut count = 0;
    loop {
        let row = match rows.try_next().await {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) => return Err((count, Failure::failed(format!("database: {e}")))),
        };
        serde_json::to_writer(&mut *out, &MessageLine::from(row))
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| (count, Failure::failed(format!("writing the export: {e}"))))?;
        count += 1;
    }
    out.flush()
        .map_err(|e| (count, Failure::failed(format!("writing the export: {e}"))))?;
    Ok(count)
}
