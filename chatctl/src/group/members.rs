//! `chatctl group add-member | remove-member | set-role | transfer`.

use common::api::Role;
use serde_json::json;

use super::live::LiveChats;
use super::{UserRef, detail, find_group, find_user, print_detail, refused};
use crate::cli::GroupRole;
use crate::context::Context;
use crate::output::{self, Outcome};
use chatd::store::Store;

pub async fn add(ctx: &Context, store: &Store, group: &str, users: &[String]) -> Outcome {
    let group = find_group(store, group).await?;
    let mut found = Vec::with_capacity(users.len());
    for user in users {
        found.push(find_user(store, user).await?);
    }
    let ids: Vec<_> = found.iter().map(|u| u.id).collect();
    let chats = LiveChats::new(store);
    let added_ids = chats
        .service
        .operator_add_participants(group.id, &ids)
        .await
        .map_err(refused)?;
    let mut added: Vec<UserRef> = Vec::new();
    let mut already: Vec<UserRef> = Vec::new();
    for user in &found {
        let list = if added_ids.contains(&user.id) {
            &mut added
        } else {
            &mut already
        };
        if !list.iter().any(|u| u.id == user.id) {
            list.push(user.into());
        }
    }
    if !added.is_empty() {
        ctx.audit(
            store,
            "admin.group_add_members",
            Some(("chat", group.id.to_string())),
            json!({ "group": group.name, "added": added }),
        )
        .await?;
    }
    let published = chats.publish(ctx).await?;
    eprintln!(
        "added {} member(s){}",
        added.len(),
        if already.is_empty() {
            String::new()
        } else {
            format!(", {} already in", already.len())
        }
    );
    let detail = detail(store, group.id).await?;
    print_detail(
        ctx,
        &detail,
        json!({ "added": added, "alreadyMembers": already, "livePublished": published }),
    )
}

pub async fn remove(ctx: &Context, store: &Store, group: &str, user: &str, yes: bool) -> Outcome {
    let group = find_group(store, group).await?;
    let user = find_user(store, user).await?;
    output::confirm(
        &format!(
            "remove {} from the group {:?}?",
            user.username,
            group.name.as_deref().unwrap_or_default()
        ),
        yes,
    )?;
    let chats = LiveChats::new(store);
    chats
        .service
        .operator_remove_participant(group.id, user.id)
        .await
        .map_err(refused)?;
    ctx.audit(
        store,
        "admin.group_remove_member",
        Some(("chat", group.id.to_string())),
        json!({ "group": group.name, "user": UserRef::from(&user) }),
    )
    .await?;
    let published = chats.publish(ctx).await?;
    eprintln!("removed {}", user.username);
    let detail = detail(store, group.id).await?;
    print_detail(
        ctx,
        &detail,
        json!({ "removed": UserRef::from(&user), "livePublished": published }),
    )
}

pub async fn set_role(
    ctx: &Context,
    store: &Store,
    group: &str,
    user: &str,
    role: GroupRole,
) -> Outcome {
    let group = find_group(store, group).await?;
    let user = find_user(store, user).await?;
    let (role, name) = match role {
        GroupRole::Admin => (Role::Admin, "admin"),
        GroupRole::Member => (Role::Member, "member"),
    };
    let chats = LiveChats::new(store);
    chats
        .service
        .operator_set_role(group.id, user.id, role)
        .await
        .map_err(refused)?;
    ctx.audit(
        store,
        "admin.group_set_role",
        Some(("chat", group.id.to_string())),
        json!({ "group": group.name, "user": UserRef::from(&user), "role": name }),
    )
    .await?;
    let published = chats.publish(ctx).await?;
    eprintln!("{} is now {name}", user.username);
    let detail = detail(store, group.id).await?;
    print_detail(ctx, &detail, json!({ "livePublished": published }))
}

pub async fn transfer(ctx: &Context, store: &Store, group: &str, user: &str, yes: bool) -> Outcome {
    let group = find_group(store, group).await?;
    let user = find_user(store, user).await?;
    output::confirm(
        &format!(
            "make {} the owner of the group {:?} (the owner {} becomes an admin)?",
            user.username,
            group.name.as_deref().unwrap_or_default(),
            group.owner_username.as_deref().unwrap_or("(none)")
        ),
        yes,
    )?;
    let chats = LiveChats::new(store);
    let previous = chats
        .service
        .operator_transfer(group.id, user.id)
        .await
        .map_err(refused)?;
    let previous = match previous {
        Some(id) => store.admin_user_by_id(id).await?.map(|u| UserRef::from(&u)),
        None => None,
    };
    ctx.audit(
        store,
        "admin.group_transfer",
        Some(("chat", group.id.to_string())),
        json!({ "group": group.name, "owner": UserRef::from(&user), "previousOwner": previous }),
    )
    .await?;
    let published = chats.publish(ctx).await?;
    eprintln!("{} now owns the group", user.username);
    let detail = detail(store, group.id).await?;
    print_detail(
        ctx,
        &detail,
        json!({ "previousOwner": previous, "livePublished": published }),
    )
}
