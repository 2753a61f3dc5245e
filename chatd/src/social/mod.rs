//! The social side: contacts and blocks (`contacts`), the per-user event log (`events`),
//! notifications with mute and do-not-disturb (`notify`), the push hook (`push`) and deep
//! links (`links`). [`SocialHooks`] is what the chat and message services call into.

pub mod contacts;
pub mod events;
pub mod ip_ranges;
pub mod links;
pub mod notify;
pub mod push;
pub mod push_hosts;

use common::api::SendResult;
use uuid::Uuid;

pub use contacts::ContactService;
pub use links::LinkService;
pub use notify::{NotificationService, Notifier};
pub use push::PushService;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::fanout::BlockCache;
use crate::hub::Hub;
use crate::realtime::Presence;
use crate::store::Store;
use crate::tasks::Tasks;

/// The social services of a server, built together.
#[derive(Debug)]
pub struct SocialParts {
    /// For the chat and message services.
    pub hooks: SocialHooks,
    /// Contacts and blocks.
    pub contacts: ContactService,
    /// Notifications.
    pub notifications: NotificationService,
    /// Push devices and deliveries.
    pub push: PushService,
    /// Deep links.
    pub links: LinkService,
}

/// Builds the social services and starts the notification task under `tasks`.
pub fn assemble(
    store: &Store,
    hub: &Hub,
    presence: &Presence,
    blocks: &BlockCache,
    config: &Config,
    tasks: &Tasks,
) -> anyhow::Result<SocialParts> {
    let public_url = config.http.public_url.as_deref();
    let push = PushService::new(
        store.clone(),
        presence.clone(),
        config.push.clone(),
        public_url,
    )?;
    let notifications =
        NotificationService::new(store.clone(), hub.clone(), push.clone(), blocks.clone());
    let hooks = SocialHooks::new(
        store.clone(),
        blocks.clone(),
        config.contacts.direct_chats_require_contact,
        Notifier::start(notifications.clone(), tasks),
    );
    Ok(SocialParts {
        hooks,
        contacts: ContactService::new(
            store.clone(),
            hub.clone(),
            notifications.clone(),
            &config.contacts,
        ),
        links: LinkService::new(store.clone(), public_url),
        notifications,
        push,
    })
}

/// The checks and notifications that chats and messages need from the social side.
#[derive(Clone, Debug)]
pub struct SocialHooks {
    store: Store,
    blocks: BlockCache,
    direct_requires_contact: bool,
    notifier: Notifier,
}

impl SocialHooks {
    /// Hooks over `store` with the node's `blocks`.
    pub fn new(
        store: Store,
        blocks: BlockCache,
        direct_requires_contact: bool,
        notifier: Notifier,
    ) -> Self {
        Self {
            store,
            blocks,
            direct_requires_contact,
            notifier,
        }
    }

    /// May `caller` open a direct chat with `other`? Not across a block (either way), and
    /// with `contacts.direct_chats_require_contact` only between contacts.
    pub async fn check_direct(&self, caller: Uuid, other: Uuid) -> Result<()> {
        let (caller_blocks, other_blocks) = self.store.blocks_between(caller, other).await?;
        if other_blocks {
            return Err(Error::Blocked("this user blocked you"));
        }
        if caller_blocks {
            return Err(Error::Blocked("you blocked this user; unblock them first"));
        }
        if self.direct_requires_contact && !self.store.are_contacts(caller, other).await? {
            return Err(Error::Forbidden(
                "direct chats on this server need an accepted contact request first",
            ));
        }
        Ok(())
    }

    /// May `caller` send into `chat`? Refused in a direct chat a block separates. Senders
    /// that are in no block (nearly all) pass on an in-memory look-up, with no query.
    pub async fn check_send(&self, caller: Uuid, chat: Uuid) -> Result<()> {
        if !self.blocks.involves(caller) {
            return Ok(());
        }
        match self.store.direct_chat_block(chat, caller).await? {
            Some(false) => Err(Error::Blocked("the other member blocked you")),
            Some(true) => Err(Error::Blocked(
                "you blocked this user; unblock them to send",
            )),
            None => Ok(()),
        }
    }

    /// The users `viewer` blocked, to leave their messages out of pages and sync.
    pub fn blocked_by(&self, viewer: Uuid) -> std::collections::HashSet<Uuid> {
        self.blocks.blocked_by(viewer)
    }

    /// After a send committed: mentions and replies become notifications, off the send
    /// path.
    pub fn message_stored(&self, result: &SendResult) {
        if !result.duplicate {
            self.notifier.message(&result.message);
        }
    }

    /// After users were added to a group by `actor`.
    pub fn added_to_group(&self, chat: Uuid, actor: Uuid, users: Vec<Uuid>) {
        self.notifier.group_invite(chat, actor, users);
    }
}
