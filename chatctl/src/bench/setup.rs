//! Making the bench's world through chatd's store and services: users with sessions and
//! access tokens signed with the server's key, direct chats and groups.

use std::collections::HashSet;

use chatd::auth::{PasswordHasher, TokenKeys, load_or_create_secret};
use chatd::chats::ChatService;
use chatd::config::Secret;
use chatd::fanout::{LocalBus, Registry};
use chatd::hub::Hub;
use chatd::store::{NewSession, NewUser};
use common::api::CreateGroupRequest;
use common::ids::{ChatId, SessionId, UserId};
use rand::seq::{IndexedRandom, SliceRandom};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::cli::BenchArgs;
use crate::context::Context;
use crate::output::Failure;

/// A user the bench acts as.
#[derive(Debug, Clone)]
pub struct BenchUser {
    /// Id.
    pub id: UserId,
    /// A valid access token.
    pub token: String,
}

/// Everything the load phase needs.
#[derive(Debug)]
pub struct Plan {
    /// The users, connected in this order.
    pub users: Vec<BenchUser>,
    /// Chats and their members (indexes into `users`).
    pub chats: Vec<(ChatId, Vec<usize>)>,
}

/// Creates the users, their sessions and tokens, and the chats.
pub async fn prepare(ctx: &Context, args: &BenchArgs) -> Result<Plan, Failure> {
    if args.users < 2 {
        return Err(Failure::usage("--users must be at least 2"));
    }
    if args.group_size > args.users || args.group_size > common::limits::GROUP_MEMBERS_MAX {
        return Err(Failure::usage(
            "--group-size must fit --users and the 300-member cap",
        ));
    }
    let store = ctx.store().await?;
    let secret = load_or_create_secret(
        ctx.config.auth.jwt_secret.as_ref().map(Secret::expose),
        &ctx.config.data_dir,
    )
    .map_err(|e| Failure::failed(format!("the server's token key: {e:#}")))?;
    // Long enough for any run; the sessions are ordinary sessions of ordinary users.
    let keys = TokenKeys::new(&secret, 24 * 3600)
        .map_err(|e| Failure::failed(format!("the server's token key: {e:#}")))?;
    let hash = PasswordHasher::new(1)
        .map_err(|e| Failure::failed(e.to_string()))?
        .hash("bench-password-not-for-login")
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    let run = &Uuid::now_v7().simple().to_string()[20..];
    let mut users = Vec::with_capacity(args.users);
    for i in 0..args.users {
        let name = format!("bench-{run}-{i}");
        let user = store
            .create_user(&NewUser {
                id: UserId::new(),
                username: &name,
                password_hash: &hash,
                display_name: None,
                invite_hash: None,
            })
            .await
            .map_err(|e| Failure::failed(format!("creating {name}: {e}")))?;
        let session = SessionId::new();
        let refresh = Sha256::digest(session.as_uuid().as_bytes()).to_vec();
        store
            .create_session(&NewSession {
                id: session,
                user_id: user.id,
                user_agent: Some("chatctl-bench"),
                ip: None,
                refresh_hash: &refresh,
                expires_at: time::OffsetDateTime::now_utc() + time::Duration::days(1),
            })
            .await
            .map_err(|e| Failure::failed(e.to_string()))?;
        let token = keys
            .issue(user.id, session)
            .map_err(|e| Failure::failed(e.to_string()))?;
        users.push(BenchUser { id: user.id, token });
    }
    // The chats are made by chatd's own service; nobody is connected yet, so its events go
    // to an empty registry.
    let chats_service = ChatService::new(
        store.clone(),
        Hub::new(std::sync::Arc::new(LocalBus::new(Registry::new()))),
    );
    let mut rng = rand::rng();
    let mut chats = Vec::new();
    let indexes: Vec<usize> = (0..users.len()).collect();
    if args.reconnect_storm {
        storm_groups(args, &users, &chats_service, &mut chats).await?;
        return Ok(Plan { users, chats });
    }
    let mut pairs_seen: HashSet<(usize, usize)> = HashSet::new();
    while chats.len() < args.direct {
        let pick: Vec<usize> = indexes.choose_multiple(&mut rng, 2).copied().collect();
        let (a, b) = (pick[0].min(pick[1]), pick[0].max(pick[1]));
        if !pairs_seen.insert((a, b)) {
            continue;
        }
        let chat = chats_service
            .direct(users[a].id, users[b].id)
            .await
            .map_err(|e| Failure::failed(format!("creating a direct chat: {e}")))?;
        chats.push((chat.chat.id, vec![a, b]));
    }
    for g in 0..args.groups {
        let mut members = indexes.clone();
        members.shuffle(&mut rng);
        members.truncate(args.group_size);
        let owner = members[0];
        let req = CreateGroupRequest {
            name: format!("bench group {g}"),
            slug: None,
            participant_ids: members[1..].iter().map(|i| users[*i].id).collect(),
            ..Default::default()
        };
        let chat = chats_service
            .create_group(users[owner].id, &req)
            .await
            .map_err(|e| Failure::failed(format!("creating a group: {e}")))?;
        chats.push((chat.chat.id, members));
    }
    Ok(Plan { users, chats })
}

/// The reconnect storm's chats: each user in about `--chats-per-user` groups of
/// `--group-size`, the groups' member slots dealt round-robin over the users.
async fn storm_groups(
    args: &BenchArgs,
    users: &[BenchUser],
    chats_service: &ChatService,
    chats: &mut Vec<(ChatId, Vec<usize>)>,
) -> Result<(), Failure> {
    let size = args.group_size.max(2);
    let count = (args.users * args.chats_per_user).div_ceil(size);
    for g in 0..count {
        let members: Vec<usize> = (0..size).map(|k| (g * size + k) % users.len()).collect();
        let req = CreateGroupRequest {
            name: format!("storm group {g}"),
            slug: None,
            participant_ids: members[1..].iter().map(|i| users[*i].id).collect(),
            ..Default::default()
        };
        let chat = chats_service
            .create_group(users[members[0]].id, &req)
            .await
            .map_err(|e| Failure::failed(format!("creating a group: {e}")))?;
        chats.push((chat.chat.id, members));
    }
    Ok(())
}
