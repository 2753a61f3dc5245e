//! The network half of the group directory, joins and invite links: each command is a REST
//! call on its own task; a join answers with the group loaded and selected.

use common::api::CreateGroupInviteRequest;
use common::client::{ClientError, PageAt};

use super::{Net, PAGE};
use crate::state::NetEvent;
use crate::state::directory::{GroupCommand, GroupEvent};
use crate::state::social::SocialEvent;

fn event(event: GroupEvent) -> NetEvent {
    NetEvent::Social(SocialEvent::Groups(event))
}

/// The joined group with its newest messages, selected.
async fn opened(
    auth: &super::Auth,
    detail: common::api::ChatDetail,
) -> Result<Option<NetEvent>, ClientError> {
    let chat_id = detail.chat.id;
    let page = auth
        .call(|c| async move { c.messages(chat_id, PageAt::Latest, Some(PAGE)).await })
        .await?;
    Ok(Some(NetEvent::ChatLoaded {
        detail: Box::new(detail),
        page: Some(Box::new(page)),
        select: true,
    }))
}

pub(super) fn run(net: &Net, command: GroupCommand) {
    match command {
        GroupCommand::Directory(q) => net.rest(move |auth, _| async move {
            let page = auth
                .call(|c| {
                    let q = q.clone();
                    async move { c.public_groups(&q, None).await }
                })
                .await?;
            Ok(Some(event(GroupEvent::Directory {
                q,
                groups: page.items,
            })))
        }),
        GroupCommand::JoinPublic(chat_id) => net.rest(move |auth, _| async move {
            let detail = auth
                .call(|c| async move { c.join_group(chat_id).await })
                .await?;
            opened(&auth, detail).await
        }),
        GroupCommand::JoinInvite(token) => net.rest(move |auth, _| async move {
            let detail = auth
                .call(|c| {
                    let token = token.clone();
                    async move { c.join_invite(&token).await }
                })
                .await?;
            opened(&auth, detail).await
        }),
        GroupCommand::CreateLink(chat_id) => net.rest(move |auth, _| async move {
            let invite = auth
                .call(|c| async move {
                    c.create_group_invite(chat_id, &CreateGroupInviteRequest::default())
                        .await
                })
                .await?;
            Ok(invite.link.map(|link| event(GroupEvent::Link(link))))
        }),
        GroupCommand::Update { chat_id, req } => net.rest(move |auth, _| async move {
            auth.call(|c| {
                let req = req.clone();
                async move { c.update_chat(chat_id, &req).await }
            })
            .await?;
            Ok(Some(NetEvent::Notice("group updated".into())))
        }),
    }
}
