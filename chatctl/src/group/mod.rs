//! `chatctl group`: groups and their members, changed by the server's operator through
//! chatd's own `ChatService` (the same rules and limits as for members, the same events
//! live to connected members via Redis), each change audited with the operator as actor.

pub(crate) mod live;
mod members;

use chatd::error::Error;
use chatd::store::{AdminGroupRow, AdminMemberRow, AdminUserRow, GroupFilter, Store};
use common::api::CreateGroupRequest;
use common::ids::{ChatId, UserId};
use serde::Serialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::cli::GroupCommand;
use crate::context::Context;
use crate::output::{self, Failure, Outcome};
use live::LiveChats;

/// A group as printed with `--json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupJson {
    id: ChatId,
    name: Option<String>,
    slug: Option<String>,
    owner: Option<UserRef>,
    member_count: i64,
    last_seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    last_activity_at: OffsetDateTime,
}

/// A user named in output: `{"id", "username"}`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRef {
    id: UserId,
    username: String,
}

impl From<&AdminUserRow> for UserRef {
    fn from(user: &AdminUserRow) -> Self {
        Self {
            id: user.id,
            username: user.username.clone(),
        }
    }
}

/// A member as printed with `--json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberJson {
    id: UserId,
    username: String,
    display_name: Option<String>,
    role: String,
    #[serde(with = "time::serde::rfc3339")]
    joined_at: OffsetDateTime,
    disabled: bool,
}

impl From<&AdminGroupRow> for GroupJson {
    fn from(row: &AdminGroupRow) -> Self {
        Self {
            id: row.id,
            name: row.name.clone(),
            slug: row.slug.clone(),
            owner: row
                .owner_id
                .zip(row.owner_username.clone())
                .map(|(id, username)| UserRef { id, username }),
            member_count: row.member_count,
            last_seq: row.last_seq,
            created_at: row.created_at,
            last_activity_at: row.last_activity_at,
        }
    }
}

pub async fn run(ctx: &Context, cmd: GroupCommand) -> Outcome {
    let store = ctx.store().await?;
    match cmd {
        GroupCommand::Create {
            name,
            owner,
            members,
            slug,
        } => create(ctx, &store, name, &owner, &members, slug).await,
        GroupCommand::List {
            query,
            member,
            limit,
            offset,
        } => {
            let member = match member {
                Some(user) => Some(find_user(&store, &user).await?.id),
                None => None,
            };
            let filter = GroupFilter {
                query: query.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
                member,
                limit,
                offset,
            };
            list(ctx, &store, &filter).await
        }
        GroupCommand::Show { group } => {
            let group = find_group(&store, &group).await?;
            let detail = detail(&store, group.id).await?;
            print_detail(ctx, &detail, json!({}))
        }
        GroupCommand::AddMember { group, users } => members::add(ctx, &store, &group, &users).await,
        GroupCommand::RemoveMember { group, user, yes } => {
            members::remove(ctx, &store, &group, &user, yes).await
        }
        GroupCommand::SetRole { group, user, role } => {
            members::set_role(ctx, &store, &group, &user, role).await
        }
        GroupCommand::Transfer { group, user, yes } => {
            members::transfer(ctx, &store, &group, &user, yes).await
        }
        GroupCommand::Rename { group, name, slug } => {
            rename(ctx, &store, &group, name.as_deref(), slug.as_deref()).await
        }
        GroupCommand::Delete { group, yes } => delete(ctx, &store, &group, yes).await,
    }
}

/// The account named by `user` (a username in any case, or an id), or exit 4.
pub(crate) async fn find_user(store: &Store, user: &str) -> Result<AdminUserRow, Failure> {
    let user = user.trim();
    let found = match user.parse::<UserId>() {
        Ok(id) => store.admin_user_by_id(id).await?,
        Err(_) => store.admin_user(user).await?,
    };
    found.ok_or_else(|| Failure::not_found(format!("no user named {user:?}")))
}

/// The live group named by `group` (an id, or a slug in any case), or exit 4.
async fn find_group(store: &Store, group: &str) -> Result<AdminGroupRow, Failure> {
    let group = group.trim();
    let found = match group.parse::<ChatId>() {
        Ok(id) => store.admin_group_by_id(id).await?,
        Err(_) => store.admin_group_by_slug(group).await?,
    };
    found.ok_or_else(|| Failure::not_found(format!("no group with the id or slug {group:?}")))
}

/// A group with its members, as `show` prints it.
struct Detail {
    group: AdminGroupRow,
    members: Vec<AdminMemberRow>,
}

async fn detail(store: &Store, id: ChatId) -> Result<Detail, Failure> {
    let group = store
        .admin_group_by_id(id)
        .await?
        .ok_or_else(|| Failure::not_found(format!("no group with the id {id}")))?;
    let members = store.admin_group_members(id).await?;
    Ok(Detail { group, members })
}

/// Prints a group and its members; with `--json`, `extra`'s keys are added next to
/// `group` and `members`.
fn print_detail(ctx: &Context, detail: &Detail, extra: Value) -> Outcome {
    let members: Vec<MemberJson> = detail
        .members
        .iter()
        .map(|m| MemberJson {
            id: m.user_id,
            username: m.username.clone(),
            display_name: m.display_name.clone(),
            role: m.role.clone(),
            joined_at: m.joined_at,
            disabled: m.disabled_at.is_some(),
        })
        .collect();
    if ctx.json {
        let mut out = json!({ "group": GroupJson::from(&detail.group), "members": members });
        if let (Value::Object(out), Value::Object(extra)) = (&mut out, extra) {
            out.extend(extra);
        }
        return output::json(&out);
    }
    let g = &detail.group;
    output::fields(&[
        ("id", g.id.to_string()),
        ("name", g.name.clone().unwrap_or_default()),
        ("slug", g.slug.clone().unwrap_or_else(|| "-".into())),
        (
            "owner",
            g.owner_username.clone().unwrap_or_else(|| "(none)".into()),
        ),
        ("members", g.member_count.to_string()),
        ("last seq", g.last_seq.to_string()),
        ("created at", output::time(Some(g.created_at))),
        ("last activity", output::time(Some(g.last_activity_at))),
    ]);
    println!();
    let rows: Vec<Vec<String>> = members
        .iter()
        .map(|m| {
            vec![
                m.username.clone(),
                m.role.clone(),
                output::time(Some(m.joined_at)),
                if m.disabled { "disabled" } else { "active" }.into(),
                m.display_name.clone().unwrap_or_default(),
            ]
        })
        .collect();
    output::table(
        &["USERNAME", "ROLE", "JOINED", "STATE", "DISPLAY NAME"],
        &rows,
    );
    Ok(())
}

async fn list(ctx: &Context, store: &Store, filter: &GroupFilter) -> Outcome {
    let (rows, total) = store.admin_list_groups(filter).await?;
    if ctx.json {
        let groups: Vec<GroupJson> = rows.iter().map(GroupJson::from).collect();
        return output::json(&json!({
            "groups": groups,
            "total": total,
            "limit": filter.limit,
            "offset": filter.offset,
        }));
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|g| {
            vec![
                g.slug.clone().unwrap_or_else(|| "-".into()),
                g.member_count.to_string(),
                g.owner_username.clone().unwrap_or_else(|| "-".into()),
                output::time(Some(g.last_activity_at)),
                g.id.to_string(),
                g.name.clone().unwrap_or_default(),
            ]
        })
        .collect();
    output::table(
        &["SLUG", "MEMBERS", "OWNER", "LAST ACTIVITY", "ID", "NAME"],
        &table,
    );
    eprintln!(
        "{} of {total} group(s) shown (offset {})",
        rows.len(),
        filter.offset
    );
    Ok(())
}

async fn create(
    ctx: &Context,
    store: &Store,
    name: String,
    owner: &str,
    members: &[String],
    slug: Option<String>,
) -> Outcome {
    let owner = find_user(store, owner).await?;
    let mut participants = Vec::with_capacity(members.len());
    for member in members {
        participants.push(find_user(store, member).await?.id);
    }
    let req = CreateGroupRequest {
        name,
        slug,
        participant_ids: participants,
        ..Default::default()
    };
    let chats = LiveChats::new(store);
    let id = chats
        .service
        .operator_create_group(owner.id, &req)
        .await
        .map_err(refused)?;
    let detail = detail(store, id).await?;
    ctx.audit(
        store,
        "admin.group_create",
        Some(("chat", id.to_string())),
        json!({
            "name": detail.group.name,
            "slug": detail.group.slug,
            "owner": owner.username,
            "members": detail.group.member_count,
        }),
    )
    .await?;
    let published = chats.publish(ctx).await?;
    eprintln!(
        "created group {} with {} member(s), owned by {}",
        detail.group.name.as_deref().unwrap_or_default(),
        detail.group.member_count,
        owner.username
    );
    print_detail(ctx, &detail, json!({ "livePublished": published }))
}

async fn rename(
    ctx: &Context,
    store: &Store,
    group: &str,
    name: Option<&str>,
    slug: Option<&str>,
) -> Outcome {
    let before = find_group(store, group).await?;
    let chats = LiveChats::new(store);
    chats
        .service
        .operator_rename(before.id, name, slug)
        .await
        .map_err(refused)?;
    let detail = detail(store, before.id).await?;
    ctx.audit(
        store,
        "admin.group_rename",
        Some(("chat", before.id.to_string())),
        json!({
            "from": { "name": before.name, "slug": before.slug },
            "to": { "name": detail.group.name, "slug": detail.group.slug },
        }),
    )
    .await?;
    let published = chats.publish(ctx).await?;
    eprintln!(
        "renamed group {} to {}",
        before.name.as_deref().unwrap_or_default(),
        detail.group.name.as_deref().unwrap_or_default()
    );
    print_detail(ctx, &detail, json!({ "livePublished": published }))
}

async fn delete(ctx: &Context, store: &Store, group: &str, yes: bool) -> Outcome {
    let group = find_group(store, group).await?;
    let name = group.name.clone().unwrap_or_default();
    output::confirm(
        &format!(
            "delete the group {name:?} ({} member(s)) for every member?",
            group.member_count
        ),
        yes,
    )?;
    let chats = LiveChats::new(store);
    let members = chats
        .service
        .operator_delete(group.id)
        .await
        .map_err(refused)?;
    ctx.audit(
        store,
        "admin.group_delete",
        Some(("chat", group.id.to_string())),
        json!({ "name": name, "slug": group.slug, "members": members.len() }),
    )
    .await?;
    let published = chats.publish(ctx).await?;
    eprintln!("deleted group {name}");
    if ctx.json {
        return output::json(&json!({
            "deleted": true,
            "id": group.id,
            "name": group.name,
            "slug": group.slug,
            "members": members.len(),
            "livePublished": published,
        }));
    }
    Ok(())
}

/// A change chatd's rules refused: exit 2 for input the rules refuse, 4 for a user who is
/// not a member, 1 for a conflict with the group's state.
fn refused(err: Error) -> Failure {
    match err {
        Error::Validation(details) => {
            let reasons: Vec<String> = details
                .iter()
                .map(|d| {
                    let field = match d.field.as_str() {
                        "participantIds" | "userIds" => "members",
                        other => other,
                    };
                    format!("{field}: {}", d.message)
                })
                .collect();
            Failure::usage(format!("refused: {}", reasons.join("; ")))
        }
        Error::BadRequest(message) => Failure::usage(message),
        Error::NotFound(message) => Failure::not_found(message),
        Error::Conflict(message) | Error::Forbidden(message) => Failure::failed(message),
        other => Failure::failed(format!("{other:#}")),
    }
}
