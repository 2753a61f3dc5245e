//! Notifications: mentions, replies, contact requests and answers, group invitations; the
//! list with read state, mute per chat and do-not-disturb.
//!
//! Notifications about messages are made off the send path: the send hands the stored
//! message to [`Notifier`], a bounded queue that one background task drains. Contact and
//! group notifications are written in the transaction of their change (or, for groups,
//! through the same queue). A muted chat or do-not-disturb does not drop a notification:
//! it is stored `silent`, listed and synced, and never pushed.

use common::api::{
    FOREVER, MarkNotificationsRead, Message, Notification, NotificationKind, NotificationPage,
    NotificationSettings, NotificationsMarked, Silence, SilenceRequest,
};
use common::ids::{ChatId, UserId};
use common::ws::{ChatMute, NotificationEvent, NotificationRead, ServerEvent, SettingsUpdated};
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tracing::warn;
use uuid::Uuid;

use crate::blocks::Blocks;
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::push::PushService;
use crate::store::notifications::{
    MarkRead, NewNotification, NotificationRow, insert_notification,
};
use crate::store::{Store, StoreError};
use crate::tasks::Tasks;
use crate::user_events::Outbox;

/// Jobs waiting for the notification task before new ones wait in a task of their own.
const QUEUE: usize = 4096;
const PAGE_DEFAULT: u32 = 50;
const PAGE_MAX: u32 = 100;
const MARK_IDS_MAX: usize = 500;

/// Notification operations, for REST and for the background task.
#[derive(Clone, Debug)]
pub struct NotificationService {
    store: Store,
    hub: Hub,
    push: PushService,
    blocks: Blocks,
}

impl NotificationService {
    /// Builds the service.
    pub fn new(store: Store, hub: Hub, push: PushService, blocks: Blocks) -> Self {
        Self {
            store,
            hub,
            push,
            blocks,
        }
    }

    /// A page of the caller's notifications, newest first.
    pub async fn list(
        &self,
        caller: UserId,
        unread_only: bool,
        before: Option<Uuid>,
        limit: Option<u32>,
    ) -> Result<NotificationPage> {
        let limit = limit.unwrap_or(PAGE_DEFAULT);
        if !(1..=PAGE_MAX).contains(&limit) {
            return Err(Error::field(
                "limit",
                format!("must be between 1 and {PAGE_MAX}"),
            ));
        }
        let mut rows = self
            .store
            .notifications_page(caller, unread_only, before, i64::from(limit) + 1)
            .await?;
        let has_more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        Ok(NotificationPage {
            notifications: rows.iter().map(to_api).collect(),
            has_more,
            unread_count: self.store.unread_notifications(caller).await?,
        })
    }

    /// Marks notifications read and tells the caller's other devices.
    pub async fn mark_read(
        &self,
        caller: UserId,
        req: &MarkNotificationsRead,
    ) -> Result<NotificationsMarked> {
        if req.ids.len() > MARK_IDS_MAX {
            return Err(Error::field(
                "ids",
                format!("at most {MARK_IDS_MAX} ids at once"),
            ));
        }
        if !req.ids.is_empty() && req.up_to.is_some() {
            return Err(Error::field("upTo", "use ids or upTo, not both"));
        }
        let which = match (req.ids.is_empty(), req.up_to) {
            (false, _) => MarkRead::Ids(req.ids.clone()),
            (true, Some(id)) => MarkRead::UpTo(id),
            (true, None) => MarkRead::All,
        };
        let mut txn = self.store.begin().await?;
        let marked = self
            .store
            .mark_notifications_read(&mut txn, caller, &which)
            .await?;
        let mut outbox = Outbox::default();
        if marked > 0 {
            outbox
                .record(&mut txn, caller, |user_seq| {
                    ServerEvent::NotificationRead(NotificationRead {
                        user_seq,
                        ids: req.ids.clone(),
                        up_to: req.up_to,
                        all: matches!(which, MarkRead::All),
                    })
                })
                .await?;
        }
        txn.commit().await.map_err(StoreError::from)?;
        self.publish(&mut outbox);
        Ok(NotificationsMarked {
            marked,
            unread_count: self.store.unread_notifications(caller).await?,
        })
    }

    /// The caller's notification settings.
    pub async fn settings(&self, caller: UserId) -> Result<NotificationSettings> {
        Ok(NotificationSettings {
            dnd: Silence::from_until(self.store.dnd_of(caller).await?),
        })
    }

    /// Sets (`Some`) or ends (`None`) the caller's do-not-disturb.
    pub async fn set_dnd(&self, caller: UserId, req: Option<&SilenceRequest>) -> Result<Silence> {
        let until = req.map(until_of).transpose()?;
        let silence = Silence::from_until(until);
        let mut txn = self.store.begin().await?;
        self.store.set_dnd(&mut txn, caller, until).await?;
        let mut outbox = Outbox::default();
        outbox
            .record(&mut txn, caller, |user_seq| {
                ServerEvent::SettingsUpdated(SettingsUpdated {
                    user_seq,
                    dnd: Some(silence),
                    mute: None,
                    privacy: None,
                })
            })
            .await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.publish(&mut outbox);
        Ok(silence)
    }

    /// Mutes (`Some`) or unmutes (`None`) a chat for the caller.
    pub async fn set_mute(
        &self,
        caller: UserId,
        chat: ChatId,
        req: Option<&SilenceRequest>,
    ) -> Result<Silence> {
        let until = req.map(until_of).transpose()?;
        let silence = Silence::from_until(until);
        let mut txn = self.store.begin().await?;
        if !self.store.set_mute(&mut txn, chat, caller, until).await? {
            return Err(Error::NotFound("no such chat"));
        }
        let mut outbox = Outbox::default();
        outbox
            .record(&mut txn, caller, |user_seq| {
                ServerEvent::SettingsUpdated(SettingsUpdated {
                    user_seq,
                    dnd: None,
                    mute: Some(ChatMute {
                        chat_id: chat,
                        silence,
                    }),
                    privacy: None,
                })
            })
            .await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.publish(&mut outbox);
        Ok(silence)
    }

    /// Publishes the user events of a committed transaction and pushes its notifications.
    pub fn publish(&self, outbox: &mut Outbox) {
        for (user, event) in outbox.drain() {
            if let ServerEvent::NotificationNew(e) = &event
                && !e.notification.silent
            {
                self.push.notify(user, e.notification.clone(), None);
            }
            self.hub.to_users(vec![user], &event);
        }
    }

    async fn on_message(&self, message: Message) -> Result<()> {
        let Some(sender) = message.sender_id else {
            return Ok(());
        };
        let mut targets: Vec<(UserId, NotificationKind)> = message
            .mentions
            .iter()
            .map(|u| (*u, NotificationKind::Mention))
            .filter(|(u, _)| *u != sender)
            .collect();
        if let Some(reply) = message.reply_to_id
            && let Some(author) = self.store.sender_of(reply).await?
            && author != sender
            && !targets.iter().any(|(u, _)| *u == author)
        {
            targets.push((author, NotificationKind::Reply));
        }
        targets.retain(|(user, _)| !self.blocks.silences(*user, sender));
        let chat = message.chat_id;
        // Only current members hear of the chat: the author of a replied-to message who has
        // left or was removed gets nothing (stored, live or pushed).
        if !targets.is_empty() {
            let users: Vec<UserId> = targets.iter().map(|(u, _)| *u).collect();
            let mut conn = self.store.acquire().await?;
            let members =
                crate::store::messages::tx::members_among(&mut conn, chat, &users).await?;
            drop(conn);
            targets.retain(|(user, _)| members.contains(user));
        }
        if self.push.enabled()
            && let Some(peer) = self.store.direct_peer(chat, sender).await?
            && !targets.iter().any(|(u, _)| *u == peer)
            && !self.blocks.silences(peer, sender)
            && !self.store.silenced(peer, Some(chat)).await?
        {
            self.push.notify_message(peer, &message);
        }
        for (user, kind) in targets {
            let new = NewNotification {
                user_id: user,
                kind: kind.as_str(),
                actor_id: Some(sender),
                chat_id: Some(message.chat_id),
                message_id: Some(message.id),
                contact_id: None,
                silent: false,
            };
            self.notify_one(&new, message.content.clone()).await?;
        }
        Ok(())
    }

    async fn on_group_invite(&self, chat: ChatId, actor: UserId, users: Vec<UserId>) -> Result<()> {
        for user in users {
            if user == actor || self.blocks.silences(user, actor) {
                continue;
            }
            let new = NewNotification {
                user_id: user,
                kind: NotificationKind::GroupInvite.as_str(),
                actor_id: Some(actor),
                chat_id: Some(chat),
                message_id: None,
                contact_id: None,
                silent: false,
            };
            self.notify_one(&new, None).await?;
        }
        Ok(())
    }

    async fn notify_one(&self, new: &NewNotification, text: Option<String>) -> Result<()> {
        let mut txn = self.store.begin().await?;
        let mut outbox = Outbox::default();
        let notification = create(&mut txn, &mut outbox, new).await?;
        txn.commit().await.map_err(StoreError::from)?;
        for (user, event) in outbox.drain() {
            self.hub.to_users(vec![user], &event);
        }
        if !notification.silent {
            self.push.notify(new.user_id, notification, text);
        }
        Ok(())
    }
}

/// Stores a notification and its `notification:new` user event in `txn`.
pub async fn create(
    txn: &mut sqlx::PgConnection,
    outbox: &mut Outbox,
    new: &NewNotification,
) -> Result<Notification> {
    let row = insert_notification(txn, new).await?;
    let notification = to_api(&row);
    let event_copy = notification.clone();
    outbox
        .record(txn, new.user_id, |user_seq| {
            ServerEvent::NotificationNew(NotificationEvent {
                user_seq,
                notification: event_copy,
            })
        })
        .await?;
    Ok(notification)
}

/// The API form of a row.
pub fn to_api(row: &NotificationRow) -> Notification {
    Notification {
        id: row.id,
        kind: NotificationKind::from_name(&row.kind).unwrap_or(NotificationKind::Mention),
        actor_id: row.actor_id,
        chat_id: row.chat_id,
        message_id: row.message_id,
        contact_id: row.contact_id,
        silent: row.silent,
        created_at: row.created_at,
        read_at: row.read_at,
    }
}

fn until_of(req: &SilenceRequest) -> Result<OffsetDateTime> {
    match (req.until, req.forever) {
        (Some(_), true) => Err(Error::field("until", "use until or forever, not both")),
        (None, false) => Err(Error::field(
            "until",
            "give until (RFC 3339) or forever: true",
        )),
        (None, true) => Ok(FOREVER),
        (Some(until), false) if until <= OffsetDateTime::now_utc() => {
            Err(Error::field("until", "must be in the future"))
        }
        (Some(until), false) => Ok(until.min(FOREVER)),
    }
}

enum Job {
    Message(Box<Message>),
    GroupInvite {
        chat: ChatId,
        actor: UserId,
        users: Vec<UserId>,
    },
}

/// The queue in front of the notification task. Handing it a job never blocks: a full
/// queue parks the job in a task of its own (memory grows under a sustained overload
/// rather than a notification being dropped). On shutdown the task works off the jobs
/// already queued (within the grace period) before it ends; the messages and their
/// mentions are stored regardless.
#[derive(Clone, Debug)]
pub struct Notifier {
    tx: mpsc::Sender<Job>,
    /// Every message is a job (for direct-message pushes), not only mentions and replies.
    every_message: bool,
}

impl Notifier {
    /// Starts the task that turns jobs into notifications with `service`, under `tasks`.
    pub fn start(service: NotificationService, tasks: &Tasks) -> Self {
        let every_message = service.push.enabled();
        let (tx, rx) = mpsc::channel::<Job>(QUEUE);
        // The queue outlives a task that panics: its replacement takes it over.
        let rx = std::sync::Arc::new(tokio::sync::Mutex::new(rx));
        tasks.supervise("notifier", move |token| {
            let (service, rx) = (service.clone(), rx.clone());
            async move {
                let mut rx = rx.lock().await;
                loop {
                    let job = if token.is_cancelled() {
                        rx.close();
                        rx.recv().await
                    } else {
                        tokio::select! {
                            biased;
                            job = rx.recv() => job,
                            () = token.cancelled() => continue,
                        }
                    };
                    let Some(job) = job else { return };
                    let result = match job {
                        Job::Message(message) => service.on_message(*message).await,
                        Job::GroupInvite { chat, actor, users } => {
                            service.on_group_invite(chat, actor, users).await
                        }
                    };
                    if let Err(e) = result {
                        warn!(error = %e, "notifications not created");
                    }
                }
            }
        });
        Self { tx, every_message }
    }

    /// A stored message: its mentions and reply become notifications; with push on, a
    /// direct message is pushed to an offline peer.
    pub fn message(&self, message: &Message) {
        if !self.every_message && message.mentions.is_empty() && message.reply_to_id.is_none() {
            return;
        }
        self.submit(Job::Message(Box::new(message.clone())));
    }

    /// Users added to a group by `actor`.
    pub fn group_invite(&self, chat: ChatId, actor: UserId, users: Vec<UserId>) {
        if !users.is_empty() {
            self.submit(Job::GroupInvite { chat, actor, users });
        }
    }

    fn submit(&self, job: Job) {
        match self.tx.try_send(job) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(job)) => {
                warn!("notification queue full; the job waits in a task of its own");
                let tx = self.tx.clone();
                tokio::spawn(async move {
                    let _ = tx.send(job).await;
                });
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                warn!("notification task stopped; a notification is lost");
            }
        }
    }
}
