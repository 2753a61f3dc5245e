//! Deep links on the server: building a chat's or a message's link, and resolving a link
//! for a member. Anyone else, and any link that names nothing, gets `NOT_FOUND`: a link
//! tells an outsider nothing, not even whether the chat exists.

use common::api::ResolvedLink;
use common::ids::{ChatId, MessageId, UserId};
use common::links::{self, ChatLink, ChatTarget};

use crate::config::link_host;
use crate::error::{Error, Result};
use crate::store::{ChatRow, Store};

const NOT_FOUND: Error = Error::NotFound("no such chat or message");

/// Deep links.
#[derive(Clone, Debug)]
pub struct LinkService {
    store: Store,
    host: Option<String>,
}

impl LinkService {
    /// Links name the host of `public_url`, or else the host a request came to.
    pub fn new(store: Store, public_url: Option<&str>) -> Self {
        Self {
            store,
            host: link_host(public_url),
        }
    }

    /// What `url` points at, for a member of its chat.
    pub async fn resolve(
        &self,
        caller: UserId,
        url: &str,
        request_host: &str,
    ) -> Result<ResolvedLink> {
        let link = links::parse(url).map_err(|e| Error::field("url", e.to_string()))?;
        let chat = match &link.chat {
            ChatTarget::Id(id) => self.store.chat_for(caller, *id).await?,
            ChatTarget::Slug(slug) => self.store.chat_by_slug_for(caller, slug).await?,
        }
        .ok_or(NOT_FOUND)?;
        if let Some(message) = link.message {
            self.store
                .message_for(caller, message)
                .await?
                .filter(|m| m.chat_id == chat.id)
                .ok_or(NOT_FOUND)?;
        }
        Ok(self.resolved(&chat, link.message, request_host))
    }

    /// The link of a chat the caller is in.
    pub async fn chat_link(
        &self,
        caller: UserId,
        chat: ChatId,
        request_host: &str,
    ) -> Result<ResolvedLink> {
        let chat = self.store.chat_for(caller, chat).await?.ok_or(NOT_FOUND)?;
        Ok(self.resolved(&chat, None, request_host))
    }

    /// The link of a message in a chat the caller is in.
    pub async fn message_link(
        &self,
        caller: UserId,
        message: MessageId,
        request_host: &str,
    ) -> Result<ResolvedLink> {
        let row = self
            .store
            .message_for(caller, message)
            .await?
            .ok_or(NOT_FOUND)?;
        let chat = self
            .store
            .chat_for(caller, row.chat_id)
            .await?
            .ok_or(NOT_FOUND)?;
        Ok(self.resolved(&chat, Some(message), request_host))
    }

    /// Groups with a slug are linked by slug (readable, and stable across renames of the
    /// name); everything else by id.
    fn resolved(
        &self,
        chat: &ChatRow,
        message: Option<MessageId>,
        request_host: &str,
    ) -> ResolvedLink {
        let host = self.host.as_deref().unwrap_or(request_host);
        let target = match &chat.slug {
            Some(slug) => ChatTarget::Slug(slug.clone()),
            None => ChatTarget::Id(chat.id),
        };
        let link = ChatLink {
            host: host.to_owned(),
            chat: target,
            message,
        };
        ResolvedLink {
            chat_id: chat.id,
            message_id: message,
            slug: chat.slug.clone(),
            link: link.to_app_url(),
            web_link: link.to_https_url(),
        }
    }
}

/// The `chat://` link of a message (by the group's slug where it has one, else by id),
/// for texts built outside a request (the missed-message mail).
pub fn message_link(host: &str, chat: ChatId, slug: Option<&str>, message: MessageId) -> String {
    ChatLink {
        host: host.to_owned(),
        chat: slug.map_or_else(
            || ChatTarget::Id(chat),
            |slug| ChatTarget::Slug(slug.to_owned()),
        ),
        message: Some(message),
    }
    .to_app_url()
}
