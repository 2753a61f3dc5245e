//! `chatctl user sessions | revoke | reset-password`: an account's logins, and reading a
//! new password (never from the command line).

use std::io::{BufRead, IsTerminal};

use chatd::fanout::notices::AdminNotice;
use chatd::store::Store;
use common::ids::{SessionId, UserId};
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{check_policy, find, hash};
use crate::context::Context;
use crate::output::{self, Failure, Outcome};

/// A session as printed with `--json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionJson {
    id: SessionId,
    state: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    last_used_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    revoked_at: Option<OffsetDateTime>,
    revoke_reason: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
}

pub async fn list(ctx: &Context, store: &Store, name: &str) -> Outcome {
    let user = find(store, name).await?;
    let now = OffsetDateTime::now_utc();
    let sessions: Vec<SessionJson> = store
        .admin_sessions(user.id)
        .await?
        .into_iter()
        .map(|s| SessionJson {
            id: s.id,
            state: if s.revoked_at.is_some() {
                "revoked"
            } else if s.expires_at <= now {
                "expired"
            } else {
                "live"
            },
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            expires_at: s.expires_at,
            revoked_at: s.revoked_at,
            revoke_reason: s.revoke_reason,
            ip: s.ip,
            user_agent: s.user_agent,
        })
        .collect();
    if ctx.json {
        return output::json(&sessions);
    }
    let rows: Vec<Vec<String>> = sessions
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.state.into(),
                output::time(Some(s.created_at)),
                output::time(Some(s.last_used_at)),
                s.ip.clone().unwrap_or_else(|| "-".into()),
                s.user_agent.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    output::table(
        &[
            "SESSION",
            "STATE",
            "CREATED",
            "LAST USED",
            "IP",
            "USER AGENT",
        ],
        &rows,
    );
    Ok(())
}

pub async fn revoke(ctx: &Context, store: &Store, name: &str, session: Option<Uuid>) -> Outcome {
    let user = find(store, name).await?;
    let session = session.map(SessionId::from);
    let revoked = match session {
        Some(id) => {
            if !store.revoke_session(user.id, id, "admin").await? {
                return Err(Failure::not_found(format!(
                    "no live session {id} of user {}",
                    user.username
                )));
            }
            vec![id]
        }
        None => store.revoke_all_sessions(user.id, "admin").await?,
    };
    ctx.audit(
        store,
        if session.is_some() {
            "admin.session_revoke"
        } else {
            "admin.sessions_revoke_all"
        },
        Some(("user", user.id.to_string())),
        json!({ "username": user.username, "sessions": revoked }),
    )
    .await?;
    let published = notify_revoked(ctx, store, user.id, &revoked).await?;
    eprintln!("revoked {} session(s) of {}", revoked.len(), user.username);
    if ctx.json {
        return output::json(&json!({
            "userId": user.id,
            "revokedSessions": revoked,
            "noticePublished": published,
        }));
    }
    Ok(())
}

pub async fn reset_password(ctx: &Context, store: &Store, name: &str, from_stdin: bool) -> Outcome {
    let user = find(store, name).await?;
    let password = read_new_password(ctx, &user.username, from_stdin)?;
    let hash = hash(ctx, &password).await?;
    let revoked = store.reset_password(user.id, &hash).await?;
    ctx.audit(
        store,
        "admin.user_reset_password",
        Some(("user", user.id.to_string())),
        json!({ "username": user.username, "revokedSessions": revoked.len() }),
    )
    .await?;
    let published = notify_revoked(ctx, store, user.id, &revoked).await?;
    eprintln!(
        "password of {} reset, {} session(s) revoked",
        user.username,
        revoked.len()
    );
    if ctx.json {
        return output::json(&json!({
            "userId": user.id,
            "revokedSessions": revoked,
            "noticePublished": published,
        }));
    }
    Ok(())
}

async fn notify_revoked(
    ctx: &Context,
    store: &Store,
    user_id: UserId,
    sessions: &[SessionId],
) -> Result<bool, Failure> {
    if sessions.is_empty() {
        return Ok(false);
    }
    let notice = AdminNotice::SessionsRevoked {
        user_id: Some(user_id),
        session_ids: sessions.to_vec(),
    };
    ctx.publish_admin_notice(store, &notice).await
}

/// A new password: the first line of stdin with `--password-stdin`, else typed twice at a
/// prompt that does not echo. Checked against the registration policy.
pub fn read_new_password(
    ctx: &Context,
    username: &str,
    from_stdin: bool,
) -> Result<String, Failure> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::failed(format!("reading the password from stdin: {e}")))?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::usage(
                "no terminal to ask for the password: pass --password-stdin and write it to \
                 stdin (it is never accepted as an argument)",
            ));
        }
        let first = rpassword::prompt_password(format!("New password for {username}: "))
            .map_err(|e| Failure::failed(format!("reading the password: {e}")))?;
        let again = rpassword::prompt_password("Again: ")
            .map_err(|e| Failure::failed(format!("reading the password: {e}")))?;
        if first != again {
            return Err(Failure::usage("the two passwords differ"));
        }
        first
    };
    check_policy(ctx, &password, username)?;
    Ok(password)
}
