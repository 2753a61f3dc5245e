//! `chatctl stats`: users, activity, chats, messages per day and database size.
//!
//! Connections online are not shown: they live in each node's memory (and, with Redis, in
//! short-lived presence keys), so counting them needs a chatd endpoint, not a query.

use serde_json::json;
use time::format_description::well_known::Iso8601;

use crate::context::Context;
use crate::output::{self, Outcome};

pub async fn run(ctx: &Context) -> Outcome {
    let store = ctx.store().await?;
    let stats = store.server_stats().await?;
    let per_day: Vec<(String, i64)> = stats
        .messages_per_day
        .iter()
        .map(|(day, n)| (day.format(&Iso8601::DATE).unwrap_or_default(), *n))
        .collect();
    if ctx.json {
        return output::json(&json!({
            "users": stats.users,
            "disabledUsers": stats.disabled_users,
            "admins": stats.admins,
            "activeUsers7d": stats.active_users_7d,
            "chats": stats.chats,
            "messages": stats.messages,
            "messagesPerDay": per_day
                .iter()
                .map(|(date, n)| json!({ "date": date, "messages": n }))
                .collect::<Vec<_>>(),
            "databaseSizeBytes": stats.database_size_bytes,
        }));
    }
    output::fields(&[
        ("users", stats.users.to_string()),
        ("disabled users", stats.disabled_users.to_string()),
        ("administrators", stats.admins.to_string()),
        ("active users (7 days)", stats.active_users_7d.to_string()),
        ("chats", stats.chats.to_string()),
        ("messages", stats.messages.to_string()),
        (
            "database size",
            output::bytes(u64::try_from(stats.database_size_bytes).unwrap_or(0)),
        ),
    ]);
    println!();
    let rows: Vec<Vec<String>> = per_day
        .into_iter()
        .map(|(date, n)| vec![date, n.to_string()])
        .collect();
    output::table(&["DAY (UTC)", "MESSAGES"], &rows);
    Ok(())
}
