//! `chatctl retention`: the policy and what is due (`status`), or one pruning pass now
//! (`run`) through chatd's own job, its events published on Redis like a node's.

use chatd::media::BlobStore;
use chatd::retention::RetentionService;
use serde_json::json;

use crate::cli::RetentionCommand;
use crate::context::Context;
use crate::group::live::LiveChats;
use crate::output::{self, Failure, Outcome};

pub async fn run(ctx: &Context, cmd: RetentionCommand) -> Outcome {
    let store = ctx.store().await?;
    let live = LiveChats::new(&store);
    let blobs = BlobStore::from_config(&ctx.config.attachments, &ctx.config.data_dir)?;
    let job = RetentionService::new(
        store.clone(),
        live.hub(),
        blobs,
        ctx.config.retention.clone(),
    );
    match cmd {
        RetentionCommand::Status => status(ctx, &job).await,
        RetentionCommand::Run { yes } => {
            if !ctx.config.retention.enabled() {
                return Err(Failure::usage(
                    "no retention policy: set retention.message_days or \
                     retention.allow_chat_override",
                ));
            }
            output::confirm(
                "prune every message older than the retention policy, for good?",
                yes,
            )?;
            let report = job
                .run_pass()
                .await
                .map_err(|e| Failure::failed(format!("retention pass: {e}")))?;
            live.publish(ctx).await?;
            ctx.audit(
                &store,
                "retention.run",
                None,
                json!({ "messages": report.messages, "chats": report.chats.len() }),
            )
            .await?;
            if ctx.json {
                return output::json(&report);
            }
            if report.busy {
                eprintln!(
                    "note: another node was pruning; its pass goes on where this one stopped"
                );
            }
            println!(
                "pruned {} messages in {} chats ({} batches, {} attachments removed)",
                report.messages,
                report.chats.len(),
                report.batches,
                report.attachments
            );
            let rows: Vec<Vec<String>> = report
                .chats
                .iter()
                .map(|c| {
                    vec![
                        c.chat_id.to_string(),
                        c.messages.to_string(),
                        c.floor_seq.to_string(),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                output::table(&["CHAT", "MESSAGES", "FLOOR SEQ"], &rows);
            }
            Ok(())
        }
    }
}

async fn status(ctx: &Context, job: &RetentionService) -> Outcome {
    let status = job
        .status()
        .await
        .map_err(|e| Failure::failed(format!("retention status: {e}")))?;
    if ctx.json {
        return output::json(&status);
    }
    let days = status
        .message_days
        .map_or_else(|| "off (kept forever)".to_owned(), |d| format!("{d} days"));
    let oldest = status.oldest_message_age_secs.map_or_else(
        || "no messages".to_owned(),
        |s| format!("{} days {} hours", s / 86_400, s % 86_400 / 3600),
    );
    output::fields(&[
        ("server retention", days),
        (
            "groups may set a shorter one",
            if status.allow_chat_override {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
        ),
        (
            "groups with their own",
            status.chats_with_policy.to_string(),
        ),
        ("pass every", format!("{} s", status.interval_secs)),
        ("batch size", status.batch_size.to_string()),
        ("oldest message", oldest),
        ("due now", status.due.to_string()),
    ]);
    if status.clock_offset_secs > 0 {
        eprintln!(
            "note: retention.clock_offset_secs = {}: messages are judged that much later",
            status.clock_offset_secs
        );
    }
    Ok(())
}
