//! Chats and groups over REST: direct chats, groups with roles, membership rules, the
//! 300-member cap, and "not found" for anyone who is not a member.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use common::api::{
    AddParticipantsRequest, ChatDetail, ChatKind, ChatList, CreateDirectRequest,
    CreateGroupRequest, Role, TransferOwnershipRequest, UpdateChatRequest,
    UpdateParticipantRequest,
};
use common::client::{Client, ClientError};
use common::{ChatId, UserId};
use reqwest::Method;
use testkit::TestServer;

async fn call<T: serde::de::DeserializeOwned>(
    client: &Client,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> Result<T, ClientError> {
    let mut req = client.request(method, path);
    if let Some(body) = body {
        req = req.json(&body);
    }
    client.send(req).await
}

async fn status(
    client: &Client,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> u16 {
    let mut req = client.request(method, path);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap().status().as_u16()
}

async fn group(client: &Client, name: &str, members: &[UserId]) -> ChatDetail {
    let req = CreateGroupRequest {
        name: name.into(),
        slug: None,
        participant_ids: members.to_vec(),
        ..Default::default()
    };
    call(
        client,
        Method::POST,
        "/api/chats/group",
        Some(serde_json::to_value(req).unwrap()),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_pair_has_exactly_one_direct_chat() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let body =
        |id: UserId| Some(serde_json::to_value(CreateDirectRequest { user_id: id }).unwrap());
    let first: ChatDetail = call(&ada, Method::POST, "/api/chats/direct", body(bob_t.user.id))
        .await
        .unwrap();
    let again: ChatDetail = call(&ada, Method::POST, "/api/chats/direct", body(bob_t.user.id))
        .await
        .unwrap();
    let theirs: ChatDetail = call(&bob, Method::POST, "/api/chats/direct", body(ada_t.user.id))
        .await
        .unwrap();
    assert_eq!(first.chat.id, again.chat.id);
    assert_eq!(first.chat.id, theirs.chat.id);
    assert_eq!(first.chat.kind, ChatKind::Direct);
    assert_eq!(first.chat.peer.as_ref().unwrap().username, "bob");
    assert_eq!(theirs.chat.peer.as_ref().unwrap().username, "ada");
    assert_eq!(first.participants.len(), 2);
    let list: ChatList = call(&bob, Method::GET, "/api/chats", None).await.unwrap();
    assert_eq!(list.chats.len(), 1);
    // Not with oneself, not with nobody.
    assert_eq!(
        status(&ada, Method::POST, "/api/chats/direct", body(ada_t.user.id)).await,
        400
    );
    assert_eq!(
        status(&ada, Method::POST, "/api/chats/direct", body(UserId::new())).await,
        404
    );
}

#[tokio::test]
async fn groups_have_an_owner_and_refuse_the_301st_member() {
    let server = TestServer::start().await;
    let (owner, _) = server.user("olga").await;
    let ids: Vec<UserId> = server.users_fast("m", 300).await;
    let req = CreateGroupRequest {
        name: "Everyone".into(),
        slug: Some("everyone".into()),
        participant_ids: ids.clone(),
        ..Default::default()
    };
    let resp = owner
        .request(Method::POST, "/api/chats/group")
        .json(&req)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400, "300 others + the owner is 301");
    let body: common::ErrorResponse = resp.json().await.unwrap();
    assert_eq!(body.error.details[0].field, "participantIds");
    assert!(body.error.details[0].message.contains("300"));

    let chat = group(&owner, "Everyone", &ids[..299]).await;
    assert_eq!(chat.chat.member_count, 300);
    assert_eq!(chat.chat.role, Role::Owner);
    assert_eq!(chat.participants[0].role, Role::Owner);
    let path = format!("/api/chats/{}/participants", chat.chat.id);
    let add = |id: UserId| {
        Some(serde_json::to_value(AddParticipantsRequest { user_ids: vec![id] }).unwrap())
    };
    assert_eq!(
        status(&owner, Method::POST, &path, add(ids[299])).await,
        400,
        "the 301st"
    );
}

#[tokio::test]
async fn roles_decide_who_renames_adds_removes_and_deletes() {
    let server = TestServer::start().await;
    let (owner, _) = server.user("otto").await;
    let (admin, admin_t) = server.user("anna").await;
    let (member, member_t) = server.user("mark").await;
    let (outsider, outsider_t) = server.user("oscar").await;
    let chat = group(&owner, "Team", &[admin_t.user.id, member_t.user.id])
        .await
        .chat
        .id;
    let rename = |name: &str| {
        Some(
            serde_json::to_value(UpdateChatRequest {
                name: Some(name.into()),
                slug: None,
                ..Default::default()
            })
            .unwrap(),
        )
    };
    let chat_path = format!("/api/chats/{chat}");

    // Outsiders see nothing at all.
    assert_eq!(status(&outsider, Method::GET, &chat_path, None).await, 404);
    assert_eq!(
        status(&outsider, Method::PUT, &chat_path, rename("x")).await,
        404
    );
    assert_eq!(
        status(
            &outsider,
            Method::GET,
            &format!("{chat_path}/messages"),
            None
        )
        .await,
        404
    );

    // A plain member cannot rename; the owner makes anna an admin, who then can.
    assert_eq!(
        status(&member, Method::PUT, &chat_path, rename("Mine")).await,
        403
    );
    let make_admin =
        Some(serde_json::to_value(UpdateParticipantRequest { role: Role::Admin }).unwrap());
    assert_eq!(
        status(
            &member,
            Method::PUT,
            &format!("{chat_path}/participants/{}", admin_t.user.id),
            make_admin.clone()
        )
        .await,
        403
    );
    assert_eq!(
        status(
            &owner,
            Method::PUT,
            &format!("{chat_path}/participants/{}", admin_t.user.id),
            make_admin
        )
        .await,
        204
    );
    let renamed: ChatDetail = call(&admin, Method::PUT, &chat_path, rename("Core team"))
        .await
        .unwrap();
    assert_eq!(renamed.chat.name.as_deref(), Some("Core team"));

    // Admins add and remove members, but not other admins or the owner.
    let add = Some(
        serde_json::to_value(AddParticipantsRequest {
            user_ids: vec![outsider_t.user.id],
        })
        .unwrap(),
    );
    assert_eq!(
        status(
            &member,
            Method::POST,
            &format!("{chat_path}/participants"),
            add.clone()
        )
        .await,
        403
    );
    assert_eq!(
        status(
            &admin,
            Method::POST,
            &format!("{chat_path}/participants"),
            add
        )
        .await,
        200
    );
    assert_eq!(status(&outsider, Method::GET, &chat_path, None).await, 200);
    assert_eq!(
        status(
            &admin,
            Method::DELETE,
            &format!("{chat_path}/participants/{}", outsider_t.user.id),
            None
        )
        .await,
        204
    );
    assert_eq!(
        status(&outsider, Method::GET, &chat_path, None).await,
        404,
        "removed: gone at once"
    );
    let owner_id = renamed
        .participants
        .iter()
        .find(|p| p.role == Role::Owner)
        .unwrap()
        .user
        .id;
    assert_eq!(
        status(
            &admin,
            Method::DELETE,
            &format!("{chat_path}/participants/{owner_id}"),
            None
        )
        .await,
        403
    );

    // Only the owner deletes; the owner cannot simply leave while others remain.
    assert_eq!(status(&admin, Method::DELETE, &chat_path, None).await, 403);
    assert_eq!(
        status(&owner, Method::POST, &format!("{chat_path}/leave"), None).await,
        409
    );
    let transfer = Some(
        serde_json::to_value(TransferOwnershipRequest {
            user_id: admin_t.user.id,
        })
        .unwrap(),
    );
    assert_eq!(
        status(
            &member,
            Method::POST,
            &format!("{chat_path}/transfer"),
            transfer.clone()
        )
        .await,
        403
    );
    assert_eq!(
        status(
            &owner,
            Method::POST,
            &format!("{chat_path}/transfer"),
            transfer
        )
        .await,
        204
    );
    assert_eq!(
        status(&owner, Method::POST, &format!("{chat_path}/leave"), None).await,
        204
    );
    assert_eq!(status(&owner, Method::GET, &chat_path, None).await, 404);
    let detail: ChatDetail = call(&admin, Method::GET, &chat_path, None).await.unwrap();
    assert_eq!(detail.chat.role, Role::Owner);
    assert_eq!(status(&admin, Method::DELETE, &chat_path, None).await, 204);
    assert_eq!(
        status(&member, Method::GET, &chat_path, None).await,
        404,
        "deleted for everyone"
    );
    let list: ChatList = call(&member, Method::GET, "/api/chats", None)
        .await
        .unwrap();
    assert!(list.chats.is_empty());
}

#[tokio::test]
async fn slugs_are_unique_and_resolve_for_members_only() {
    let server = TestServer::start().await;
    let (owner, _) = server.user("sara").await;
    let (other, _) = server.user("tom").await;
    let req = |slug: &str| {
        Some(
            serde_json::to_value(CreateGroupRequest {
                name: "Ops".into(),
                slug: Some(slug.into()),
                participant_ids: vec![],
                ..Default::default()
            })
            .unwrap(),
        )
    };
    let chat: ChatDetail = call(&owner, Method::POST, "/api/chats/group", req("ops-team"))
        .await
        .unwrap();
    let found: ChatDetail = call(&owner, Method::GET, "/api/chats/slug/OPS-TEAM", None)
        .await
        .unwrap();
    assert_eq!(found.chat.id, chat.chat.id);
    assert_eq!(
        status(&other, Method::GET, "/api/chats/slug/ops-team", None).await,
        404
    );
    assert_eq!(
        status(&other, Method::POST, "/api/chats/group", req("ops-team")).await,
        409
    );
    assert_eq!(
        status(&other, Method::POST, "/api/chats/group", req("Bad Slug!")).await,
        400
    );
    let bad_id = format!("/api/chats/{}", ChatId::new());
    assert_eq!(status(&owner, Method::GET, &bad_id, None).await, 404);
}
