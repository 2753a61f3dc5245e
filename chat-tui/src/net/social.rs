//! The network half of search, contacts, blocks, mutes, links and roles: each command is a
//! REST call (or a few) on its own task; answers come back as [`SocialEvent`]s, refusals as
//! notices.

use common::api::{ContactRequest, FOREVER, Role, SilenceRequest};
use common::client::search::MessageSearch;
use common::client::{ClientError, PageAt};

use super::{Auth, Net, PAGE, describe, find_user};
use crate::state::NetEvent;
use crate::state::social::{SocialCommand, SocialEvent, Until};

/// Search results per page.
const SEARCH_PAGE: u32 = 30;

#[allow(clippy::unnecessary_wraps)] // the shape every REST task returns
fn social(event: SocialEvent) -> Result<Option<NetEvent>, ClientError> {
    Ok(Some(NetEvent::Social(event)))
}

#[allow(clippy::unnecessary_wraps)] // the shape every REST task returns
fn notice(text: impl Into<String>) -> Result<Option<NetEvent>, ClientError> {
    Ok(Some(NetEvent::Notice(text.into())))
}

fn silence(until: Until) -> SilenceRequest {
    match until {
        Until::Forever => SilenceRequest {
            until: None,
            forever: true,
        },
        Until::Time(at) => SilenceRequest {
            until: Some(at),
            forever: false,
        },
    }
}

/// Contacts, requests and blocks, all fresh.
async fn book(auth: &Auth) -> Result<Option<NetEvent>, ClientError> {
    let contacts = auth.call(|c| async move { c.contacts().await }).await?;
    let pending = auth
        .call(|c| async move { c.pending_contacts().await })
        .await?;
    let blocks = auth.call(|c| async move { c.blocks().await }).await?;
    social(SocialEvent::Book {
        contacts: contacts.contacts,
        incoming: pending.incoming,
        outgoing: pending.outgoing,
        blocks: blocks.blocks,
    })
}

/// After an action on contacts or blocks: the fresh book (the live events arrive too, but
/// a second device's view must not depend on them alone).
async fn then_book<F, Fut>(auth: &Auth, action: F) -> Result<Option<NetEvent>, ClientError>
where
    F: Fn(common::client::Client) -> Fut,
    Fut: std::future::Future<Output = Result<(), ClientError>>,
{
    auth.call(action).await?;
    book(auth).await
}

#[allow(clippy::too_many_lines)] // one arm per command reads best as one table
pub(super) fn run(net: &Net, command: SocialCommand) {
    match command {
        SocialCommand::Search { q, chat_id, cursor } => net.rest(move |auth, _| async move {
            let more = cursor.is_some();
            let search = MessageSearch {
                q: q.clone(),
                chat_id,
                limit: Some(SEARCH_PAGE),
                cursor,
                ..MessageSearch::default()
            };
            let answer = auth
                .call(|c| {
                    let search = search.clone();
                    async move { c.search_messages(&search).await }
                })
                .await;
            match answer {
                Ok(results) => social(SocialEvent::SearchResults {
                    q,
                    chat_id,
                    more,
                    results,
                }),
                Err(e) => social(SocialEvent::SearchFailed(describe(&e))),
            }
        }),
        SocialCommand::JumpTo {
            chat_id,
            message_id,
        } => net.rest(move |auth, _| async move {
            let detail = auth.call(|c| async move { c.chat(chat_id).await }).await?;
            let page = auth
                .call(|c| async move {
                    c.messages(chat_id, PageAt::Around(message_id), Some(PAGE))
                        .await
                })
                .await?;
            social(SocialEvent::Jumped {
                detail: Box::new(detail),
                page: Box::new(page),
                message_id,
            })
        }),
        SocialCommand::OpenLink(url) => net.rest(move |auth, _| async move {
            let link = auth
                .call(|c| {
                    let url = url.clone();
                    async move { c.resolve_link(&url).await }
                })
                .await?;
            let chat_id = link.chat_id;
            let detail = auth.call(|c| async move { c.chat(chat_id).await }).await?;
            let at = link.message_id.map_or(PageAt::Latest, PageAt::Around);
            let page = auth
                .call(|c| async move { c.messages(chat_id, at, Some(PAGE)).await })
                .await?;
            Ok(Some(match link.message_id {
                Some(message_id) => NetEvent::Social(SocialEvent::Jumped {
                    detail: Box::new(detail),
                    page: Box::new(page),
                    message_id,
                }),
                None => NetEvent::ChatLoaded {
                    detail: Box::new(detail),
                    page: Some(Box::new(page)),
                    select: true,
                },
            }))
        }),
        SocialCommand::LoadNewer { chat_id, after } => net.rest(move |auth, _| async move {
            let page = auth
                .call(
                    |c| async move { c.messages(chat_id, PageAt::After(after), Some(PAGE)).await },
                )
                .await?;
            social(SocialEvent::Newer { chat_id, page })
        }),
        SocialCommand::MessageLink(id) => net.rest(move |auth, _| async move {
            let link = auth
                .call(|c| async move { c.message_link(id).await })
                .await?;
            social(SocialEvent::MessageLink(link))
        }),
        SocialCommand::Groups(command) => super::directory::run(net, command),
        SocialCommand::LoadContacts => net.rest(|auth, _| async move { book(&auth).await }),
        SocialCommand::LoadSettings => net.rest(|auth, _| async move {
            let settings = auth
                .call(|c| async move { c.notification_settings().await })
                .await?;
            // Mutes set on another device meanwhile come with the chat list.
            let chats = auth.call(|c| async move { c.chats().await }).await?;
            let mutes = chats
                .chats
                .into_iter()
                .map(|c| (c.id, c.muted_until))
                .collect();
            social(SocialEvent::Settings { settings, mutes })
        }),
        SocialCommand::LoadPrivacy => net.rest(|auth, _| async move {
            let privacy = auth.call(|c| async move { c.privacy().await }).await?;
            social(SocialEvent::Privacy(privacy))
        }),
        SocialCommand::SetPrivacy(req) => net.rest(move |auth, _| async move {
            let privacy = auth
                .call(|c| async move { c.set_privacy(&req).await })
                .await?;
            social(SocialEvent::Privacy(privacy))
        }),
        SocialCommand::LoadNotifications => net.rest(|auth, _| async move {
            let page = auth
                .call(|c| async move { c.notifications().await })
                .await?;
            social(SocialEvent::Notifications(page))
        }),
        SocialCommand::MarkNotificationsRead(req) => net.rest(move |auth, _| async move {
            // The notification:read event that follows updates every device, this one too.
            auth.call(|c| {
                let req = req.clone();
                async move { c.mark_notifications_read(&req).await }
            })
            .await?;
            Ok(None)
        }),
        SocialCommand::RequestContact(user_id) => net.rest(move |auth, _| async move {
            let req = ContactRequest {
                user_id,
                message: None,
            };
            auth.call(|c| {
                let req = req.clone();
                async move { c.request_contact(&req).await }
            })
            .await?;
            book(&auth).await
        }),
        SocialCommand::AcceptContact(id) => net.rest(move |auth, _| async move {
            auth.call(|c| async move { c.accept_contact(id).await })
                .await?;
            book(&auth).await
        }),
        SocialCommand::DeclineContact(id) => net.rest(move |auth, _| async move {
            then_book(&auth, |c| async move { c.decline_contact(id).await }).await
        }),
        SocialCommand::CancelContact(id) => net.rest(move |auth, _| async move {
            then_book(&auth, |c| async move { c.cancel_contact(id).await }).await
        }),
        SocialCommand::RemoveContact(id) => net.rest(move |auth, _| async move {
            then_book(&auth, |c| async move { c.remove_contact(id).await }).await
        }),
        SocialCommand::SetBlocked { user_id, blocked } => {
            net.rest(move |auth, _| async move { set_blocked(&auth, user_id, blocked).await });
        }
        SocialCommand::SetBlockedByName { username, blocked } => {
            net.rest(move |auth, _| async move {
                match find_user(&auth, &username).await? {
                    Some(user) => set_blocked(&auth, user.id, blocked).await,
                    None => notice(format!("no user {username}")),
                }
            });
        }
        SocialCommand::Mute { chat_id, until } => net.rest(move |auth, _| async move {
            let until = if let Some(until) = until {
                let req = silence(until);
                let answer = auth
                    .call(|c| async move { c.mute_chat(chat_id, &req).await })
                    .await?;
                answer.until.filter(|_| answer.active)
            } else {
                auth.call(|c| async move { c.unmute_chat(chat_id).await })
                    .await?;
                None
            };
            social(SocialEvent::Muted { chat_id, until })
        }),
        SocialCommand::Dnd(until) => net.rest(move |auth, _| async move {
            let until = if let Some(until) = until {
                let req = silence(until);
                let answer = auth.call(|c| async move { c.set_dnd(&req).await }).await?;
                answer
                    .until
                    .filter(|_| answer.active)
                    .or(answer.forever.then_some(FOREVER))
            } else {
                auth.call(|c| async move { c.end_dnd().await }).await?;
                None
            };
            social(SocialEvent::Dnd(until))
        }),
        SocialCommand::SetRole {
            chat_id,
            user_id,
            role,
        } => net.rest(move |auth, _| async move {
            auth.call(|c| async move { c.set_role(chat_id, user_id, role).await })
                .await?;
            notice(match role {
                Role::Admin => "made an admin",
                _ => "made a member",
            })
        }),
        SocialCommand::SetEmail { email, password } => net.rest(move |auth, _| async move {
            let status = auth
                .call(|c| {
                    let (email, password) = (email.clone(), password.0.clone());
                    async move { c.set_email(&email, &password).await }
                })
                .await?;
            notice(format!(
                "a code was mailed to {}: /verify CODE",
                status.email.unwrap_or_default()
            ))
        }),
        SocialCommand::VerifyEmail(code) => net.rest(move |auth, _| async move {
            let status = auth
                .call(|c| {
                    let code = code.clone();
                    async move { c.verify_email(&code).await }
                })
                .await?;
            notice(format!(
                "{} is verified",
                status.email.unwrap_or_else(|| "your email address".into())
            ))
        }),
        SocialCommand::Retention { chat_id, days } => net.rest(move |auth, _| async move {
            auth.call(|c| async move { c.set_chat_retention(chat_id, days).await })
                .await?;
            notice(match days {
                Some(days) => format!("messages older than {days} days will be deleted here"),
                None => "this group follows the server's retention again".to_owned(),
            })
        }),
        SocialCommand::Transfer { chat_id, user_id } => net.rest(move |auth, _| async move {
            auth.call(|c| async move { c.transfer_ownership(chat_id, user_id).await })
                .await?;
            notice("ownership handed over; you are an admin now")
        }),
    }
}

async fn set_blocked(
    auth: &Auth,
    user_id: common::UserId,
    blocked: bool,
) -> Result<Option<NetEvent>, ClientError> {
    then_book(auth, |c| async move {
        if blocked {
            c.block(user_id).await
        } else {
            c.unblock(user_id).await
        }
    })
    .await
}
