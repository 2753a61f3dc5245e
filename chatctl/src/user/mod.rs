//! `chatctl user`: accounts. Names and passwords follow the same rules as registration
//! (`chatd::auth`); every change writes an audit record and, for disable and delete, a
//! notice on Redis so that every node closes the user's live connections.

mod sessions;

use chatd::accounts::AccountService;
use chatd::auth::{PasswordHasher, check_password, normalize_username, validate_display_name};
use chatd::fanout::notices::AdminNotice;
use chatd::store::{AdminUserRow, CreateUserError, NewUser, Store, UserFilter};
use common::ids::UserId;
use serde::Serialize;
use serde_json::json;
use time::OffsetDateTime;

use crate::cli::{Role, UserCommand};
use crate::context::Context;
use crate::group::live::LiveChats;
use crate::output::{self, Failure, Outcome};

/// An account as printed with `--json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserJson {
    id: UserId,
    username: String,
    display_name: Option<String>,
    role: &'static str,
    disabled: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    disabled_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    last_seen_at: Option<OffsetDateTime>,
    live_sessions: i64,
}

impl From<&AdminUserRow> for UserJson {
    fn from(row: &AdminUserRow) -> Self {
        Self {
            id: row.id,
            username: row.username.clone(),
            display_name: row.display_name.clone(),
            role: if row.is_admin { "admin" } else { "user" },
            disabled: row.disabled_at.is_some(),
            disabled_at: row.disabled_at,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            live_sessions: row.live_sessions,
        }
    }
}

pub async fn run(ctx: &Context, cmd: UserCommand) -> Outcome {
    let store = ctx.store().await?;
    match cmd {
        UserCommand::Create {
            name,
            display_name,
            admin,
            password_stdin,
        } => {
            create(
                ctx,
                &store,
                &name,
                display_name.as_deref(),
                admin,
                password_stdin,
            )
            .await
        }
        UserCommand::List {
            admin,
            disabled,
            query,
            limit,
            offset,
        } => {
            let filter = UserFilter {
                admins_only: admin,
                disabled_only: disabled,
                prefix: query.map(|q| q.trim().to_lowercase()),
                limit,
                offset,
            };
            list(ctx, &store, &filter).await
        }
        UserCommand::Show { name } => {
            let user = find(&store, &name).await?;
            print_one(ctx, &user)
        }
        UserCommand::Disable { name } => set_disabled(ctx, &store, &name, true).await,
        UserCommand::Enable { name } => set_disabled(ctx, &store, &name, false).await,
        UserCommand::SetRole { name, role } => set_role(ctx, &store, &name, role).await,
        UserCommand::Delete { name, yes } => delete(ctx, &store, &name, yes).await,
        UserCommand::ResetPassword {
            name,
            password_stdin,
        } => sessions::reset_password(ctx, &store, &name, password_stdin).await,
        UserCommand::Sessions { name } => sessions::list(ctx, &store, &name).await,
        UserCommand::Revoke {
            name,
            session_id,
            all: _,
        } => sessions::revoke(ctx, &store, &name, session_id).await,
    }
}

/// The account named `name` (any case), or exit 4.
async fn find(store: &Store, name: &str) -> Result<AdminUserRow, Failure> {
    store
        .admin_user(name.trim())
        .await?
        .ok_or_else(|| Failure::not_found(format!("no user named {:?}", name.trim())))
}

async fn create(
    ctx: &Context,
    store: &Store,
    name: &str,
    display_name: Option<&str>,
    admin: bool,
    password_stdin: bool,
) -> Outcome {
    let username =
        normalize_username(name).map_err(|d| Failure::usage(format!("username {}", d.message)))?;
    let display_name = match display_name.map(validate_display_name) {
        Some(Ok(name)) => name,
        Some(Err(d)) => return Err(Failure::usage(format!("display name {}", d.message))),
        None => None,
    };
    let password = sessions::read_new_password(ctx, &username, password_stdin)?;
    let hash = hash(ctx, &password).await?;
    let row = store
        .create_user(&NewUser {
            id: UserId::new(),
            username: &username,
            password_hash: &hash,
            display_name: display_name.as_deref(),
            invite_hash: None,
        })
        .await
        .map_err(|e| match e {
            CreateUserError::UsernameTaken => {
                Failure::failed(format!("the username {username:?} is taken"))
            }
            other => Failure::failed(format!("creating the user: {other}")),
        })?;
    if admin {
        store.set_admin(row.id, true).await?;
    }
    ctx.audit(
        store,
        "admin.user_create",
        Some(("user", row.id.to_string())),
        json!({ "username": username, "admin": admin }),
    )
    .await?;
    eprintln!(
        "created {}{username}",
        if admin { "administrator " } else { "user " }
    );
    print_one(ctx, &find(store, &username).await?)
}

/// Checks `password` against the policy of registration and hashes it.
pub(crate) fn check_policy(ctx: &Context, password: &str, username: &str) -> Outcome {
    let problems = check_password(password, username, ctx.config.auth.password_min_length);
    if problems.is_empty() {
        return Ok(());
    }
    let reasons: Vec<String> = problems.into_iter().map(|d| d.message).collect();
    Err(Failure::usage(format!(
        "password refused: {}",
        reasons.join("; ")
    )))
}

async fn hash(ctx: &Context, password: &str) -> Result<String, Failure> {
    let hasher = PasswordHasher::new(ctx.config.auth.max_concurrent_hashes.max(1))?;
    Ok(hasher.hash(password).await?)
}

async fn list(ctx: &Context, store: &Store, filter: &UserFilter) -> Outcome {
    let (rows, total) = store.admin_list_users(filter).await?;
    if ctx.json {
        let users: Vec<UserJson> = rows.iter().map(UserJson::from).collect();
        return output::json(&json!({
            "users": users,
            "total": total,
            "limit": filter.limit,
            "offset": filter.offset,
        }));
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|u| {
            vec![
                u.username.clone(),
                if u.is_admin { "admin" } else { "user" }.into(),
                if u.disabled_at.is_some() {
                    "disabled"
                } else {
                    "active"
                }
                .into(),
                output::time(Some(u.created_at)),
                output::time(u.last_seen_at),
                u.display_name.clone().unwrap_or_default(),
            ]
        })
        .collect();
    output::table(
        &[
            "USERNAME",
            "ROLE",
            "STATE",
            "CREATED",
            "LAST SEEN",
            "DISPLAY NAME",
        ],
        &table,
    );
    eprintln!(
        "{} of {total} user(s) shown (offset {})",
        rows.len(),
        filter.offset
    );
    Ok(())
}

fn print_one(ctx: &Context, user: &AdminUserRow) -> Outcome {
    if ctx.json {
        return output::json(&UserJson::from(user));
    }
    output::fields(&[
        ("id", user.id.to_string()),
        ("username", user.username.clone()),
        (
            "display name",
            user.display_name.clone().unwrap_or_else(|| "-".into()),
        ),
        ("role", if user.is_admin { "admin" } else { "user" }.into()),
        (
            "state",
            if user.disabled_at.is_some() {
                "disabled"
            } else {
                "active"
            }
            .into(),
        ),
        ("disabled at", output::time(user.disabled_at)),
        ("created at", output::time(Some(user.created_at))),
        ("last seen at", output::time(user.last_seen_at)),
        ("live sessions", user.live_sessions.to_string()),
    ]);
    Ok(())
}

async fn set_disabled(ctx: &Context, store: &Store, name: &str, disabled: bool) -> Outcome {
    let user = find(store, name).await?;
    let revoked = store.set_user_disabled(user.id, disabled).await?;
    let action = if disabled {
        "admin.user_disable"
    } else {
        "admin.user_enable"
    };
    ctx.audit(
        store,
        action,
        Some(("user", user.id.to_string())),
        json!({ "username": user.username, "revokedSessions": revoked.len() }),
    )
    .await?;
    // Sessions are revoked in the database, which every request checks; the notice makes
    // every node close the user's open WebSocket connections too.
    let published = if disabled {
        let notice = AdminNotice::UserDisabled { user_id: user.id };
        ctx.publish_admin_notice(store, &notice).await?
    } else {
        false
    };
    eprintln!(
        "{} {}{}",
        if disabled { "disabled" } else { "enabled" },
        user.username,
        if disabled {
            format!(", {} session(s) revoked", revoked.len())
        } else {
            String::new()
        }
    );
    let user = find(store, &user.username).await?;
    if ctx.json {
        return output::json(&json!({
            "user": UserJson::from(&user),
            "revokedSessions": revoked,
            "noticePublished": published,
        }));
    }
    print_one(ctx, &user)
}

async fn set_role(ctx: &Context, store: &Store, name: &str, role: Role) -> Outcome {
    let user = find(store, name).await?;
    let admin = role == Role::Admin;
    store.set_admin(user.id, admin).await?;
    ctx.audit(
        store,
        "admin.user_set_role",
        Some(("user", user.id.to_string())),
        json!({ "username": user.username, "role": if admin { "admin" } else { "user" } }),
    )
    .await?;
    print_one(ctx, &find(store, &user.username).await?)
}

async fn delete(ctx: &Context, store: &Store, name: &str, yes: bool) -> Outcome {
    let user = find(store, name).await?;
    output::confirm(
        &format!(
            "delete the account {} for good (its messages stay, shown as from a deleted user)?",
            user.username
        ),
        yes,
    )?;
    // chatd's own deletion: the same transaction as DELETE /api/users/me, whose events
    // (members leaving, ownership passing on) are published on Redis like a group change.
    let live = LiveChats::new(store);
    let accounts = AccountService::new(store.clone(), live.hub(), ctx.config.accounts.clone());
    if accounts
        .delete(user.id)
        .await
        .map_err(|e| Failure::failed(e.to_string()))?
        .is_none()
    {
        return Err(Failure::not_found(format!("no user named {name:?}")));
    }
    ctx.audit(
        store,
        "admin.user_delete",
        Some(("user", user.id.to_string())),
        json!({ "username": user.username }),
    )
    .await?;
    // PostgreSQL told every node on commit; Redis too, for nodes that hear only Redis.
    live.publish(ctx).await?;
    let published = ctx
        .publish_admin_notice(store, &AdminNotice::UserDeleted { user_id: user.id })
        .await?;
    eprintln!("deleted {}", user.username);
    if ctx.json {
        return output::json(&json!({
            "deleted": true,
            "id": user.id,
            "username": user.username,
            "noticePublished": published,
        }));
    }
    Ok(())
}
