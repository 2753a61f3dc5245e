//! Turning chat rows into the API's chats.

use std::collections::HashMap;

use common::api::{Chat, ChatKind, Message, Participant, Role, User, Visibility, group_avatar_url};
use common::ids::UserId;

use crate::store::{ChatRow, MemberRow};

/// `owner`/`admin`/`member` to [`Role`].
pub fn role(value: &str) -> Role {
    match value {
        "owner" => Role::Owner,
        "admin" => Role::Admin,
        _ => Role::Member,
    }
}

/// [`Role`] as stored.
pub fn role_str(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Admin => "admin",
        Role::Member => "member",
    }
}

/// A chat row, with its peer and last message when known.
pub fn chat<S: std::hash::BuildHasher>(
    row: ChatRow,
    peers: &HashMap<UserId, User, S>,
    last: Option<Message>,
) -> Chat {
    let group = row.kind == "group";
    Chat {
        id: row.id,
        kind: if row.kind == "direct" {
            ChatKind::Direct
        } else {
            ChatKind::Group
        },
        name: row.name,
        slug: row.slug,
        peer: row.peer_id.and_then(|id| peers.get(&id).cloned()),
        member_count: row.member_count as u32,
        role: role(&row.role),
        last_seq: row.last_seq,
        last_read_seq: row.last_read_seq,
        unread_count: row.unread_count,
        mention_count: row.mention_count,
        last_message: last,
        muted_until: row.muted_until,
        created_at: row.created_at,
        last_activity_at: row.last_activity_at,
        retention_days: row.retention_days.and_then(|d| u32::try_from(d).ok()),
        description: row.description,
        visibility: visibility(&row.visibility),
        max_members: group.then(|| u32::try_from(row.max_members).unwrap_or(0)),
        avatar_url: row.avatar_id.map(|a| group_avatar_url(row.id, a)),
    }
}

/// `private`/`public` to [`Visibility`].
pub fn visibility(value: &str) -> Visibility {
    if value == "public" {
        Visibility::Public
    } else {
        Visibility::Private
    }
}

/// A member row with its user.
pub fn participant(row: &MemberRow, user: User) -> Participant {
    Participant {
        user,
        role: role(&row.role),
        joined_at: row.joined_at,
        last_read_seq: row.last_read_seq,
        last_delivered_seq: row.last_delivered_seq,
    }
}
