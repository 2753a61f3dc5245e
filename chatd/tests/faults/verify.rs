//! The checks after a scenario, against the database itself: every acknowledged send stored
//! exactly once, every chat's seqs gap-free, every client's final view equal to the stored
//! messages, and nothing alarming in the nodes' logs.

use std::collections::{BTreeMap, HashMap};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Row};
use uuid::Uuid;

use crate::fleet::{Member, Record};

/// Runs every check; returns the problems found (empty when all hold).
pub async fn check(
    database: PgConnectOptions,
    members: &[Member],
    records: &[Record],
    logs: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut db = match database
        .log_statements(tracing::log::LevelFilter::Off)
        .connect()
        .await
    {
        Ok(db) => db,
        Err(e) => return vec![format!("cannot reach the database: {e}")],
    };

    // Acknowledged sends: each stored once, with the id and seq of its ack.
    for (member, record) in members.iter().zip(records) {
        if record.pending > 0 {
            problems.push(format!(
                "{}: {} sends never acknowledged",
                member.user_id, record.pending
            ));
        }
        problems.extend(record.refused.iter().map(|r| format!("refused send {r}")));
        if !record.finished {
            problems.push(format!("{}: never finished its final sync", member.user_id));
        }
        let rows = sqlx::query(
            "SELECT client_id, id, seq FROM messages WHERE sender_id = $1 AND client_id IS NOT NULL",
        )
        .bind(member.user_id)
        .fetch_all(&mut db)
        .await
        .unwrap_or_default();
        let mut stored: HashMap<String, Vec<(Uuid, i64)>> = HashMap::new();
        for row in rows {
            stored
                .entry(row.get::<String, _>("client_id"))
                .or_default()
                .push((row.get("id"), row.get("seq")));
        }
        for (client_id, ack) in &record.acked {
            match stored.get(client_id).map(Vec::as_slice) {
                Some([one]) if one == ack => {}
                Some([one]) => problems.push(format!(
                    "{client_id}: acked as {ack:?} but stored as {one:?}"
                )),
                Some(many) if many.len() > 1 => {
                    problems.push(format!("{client_id}: stored {} times", many.len()));
                }
                _ => problems.push(format!("{client_id}: acked but not stored")),
            }
        }
    }

    // Gap-free seqs, and each client's view equal to the stored messages of its chats.
    let mut stored_views: HashMap<Uuid, BTreeMap<i64, Uuid>> = HashMap::new();
    for chat in crate::fleet::all_chats(members) {
        let seqs: Vec<i64> =
            sqlx::query_scalar("SELECT seq FROM chat_events WHERE chat_id = $1 ORDER BY seq")
                .bind(chat)
                .fetch_all(&mut db)
                .await
                .unwrap_or_default();
        if seqs.iter().zip(1..).any(|(seq, expected)| *seq != expected) {
            problems.push(format!("chat {chat}: seqs have a gap"));
        }
        let rows = sqlx::query("SELECT seq, id FROM messages WHERE chat_id = $1")
            .bind(chat)
            .fetch_all(&mut db)
            .await
            .unwrap_or_default();
        stored_views.insert(
            chat,
            rows.iter().map(|r| (r.get("seq"), r.get("id"))).collect(),
        );
    }
    for (member, record) in members.iter().zip(records) {
        for chat in &member.chats {
            let held = record.view.get(chat).cloned().unwrap_or_default();
            let stored = stored_views.get(chat).cloned().unwrap_or_default();
            if held != stored {
                let missing_seqs: Vec<_> = stored
                    .keys()
                    .filter(|s| !held.contains_key(s))
                    .take(5)
                    .collect();
                problems.push(format!("missing seqs (first 5): {missing_seqs:?}"));
                let missing = stored.keys().filter(|s| !held.contains_key(s)).count();
                let extra = held.keys().filter(|s| !stored.contains_key(s)).count();
                problems.push(format!(
                    "{} in chat {chat}: view differs from the database ({missing} missing, \
                     {extra} extra, {} held, {} stored)",
                    member.user_id,
                    held.len(),
                    stored.len()
                ));
            }
        }
    }

    problems.extend(odd_events_and_log_alarms(records, logs));
    problems
}

/// `message:new` events without their message, and log lines with a panic or an ERROR.
fn odd_events_and_log_alarms(records: &[Record], logs: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for record in records {
        problems.extend(
            record
                .odd_events
                .iter()
                .take(5)
                .map(|e| format!("a message:new with no message: {e}")),
        );
    }
    for line in logs.lines().map(without_colours) {
        if line.contains("panicked") || line.contains(" ERROR ") {
            problems.push(format!("log: {line}"));
        }
    }
    problems
}

/// The line without its ANSI colour sequences (`ESC [ ... m`).
fn without_colours(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
