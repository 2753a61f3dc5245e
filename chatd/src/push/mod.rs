//! The push hook: for a user with no live connection on any node, each notification is
//! posted as JSON to every push endpoint the user registered (an ntfy topic, a `UnifiedPush`
//! distributor). It runs in background tasks, retried with a doubling backoff, so nothing
//! waits on an endpoint; at most [`CONCURRENT`] POSTs run at once on a node. `hosts`: which
//! hosts pushes may reach; `ip_ranges`: the special-purpose address blocks refused.

use std::sync::Arc;
use std::time::Duration;

use common::api::{
    Message, Notification, NotificationKind, PushDevice, PushDeviceList, PushPayload, PushedMessage,
};
use common::ids::UserId;
use common::links::{ChatLink, ChatTarget};
use common::ws::PresenceStatus;
use tokio::sync::Semaphore;
use tracing::{debug, warn};
use uuid::Uuid;

pub mod hosts;
pub mod ip_ranges;

use hosts::{GuardedResolver, HostPolicy, RefusedHost};

use crate::config::{PushConfig, link_host};
use crate::error::{Error, Result};
use crate::realtime::Presence;
use crate::store::Store;
use crate::store::notifications::PushDeviceRow;

/// POSTs in flight at once on a node.
const CONCURRENT: usize = 64;
const ENDPOINT_MAX: usize = 2048;
const NAME_MAX: usize = 100;

/// Push devices and deliveries.
#[derive(Clone, Debug)]
pub struct PushService {
    store: Store,
    presence: Presence,
    config: Arc<PushConfig>,
    link_host: Option<String>,
    http: reqwest::Client,
    hosts: Arc<HostPolicy>,
    permits: Arc<Semaphore>,
}

impl PushService {
    /// Builds the service; `public_url` names the host of the links in pushes.
    pub fn new(
        store: Store,
        presence: Presence,
        config: PushConfig,
        public_url: Option<&str>,
    ) -> anyhow::Result<Self> {
        let hosts = Arc::new(HostPolicy::new(&config));
        let http = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver::new(hosts.clone())))
            .timeout(Duration::from_secs(config.timeout_secs))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("chatd/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            store,
            presence,
            config: Arc::new(config),
            link_host: link_host(public_url),
            http,
            hosts,
            permits: Arc::new(Semaphore::new(CONCURRENT)),
        })
    }

    /// The caller's devices.
    pub async fn devices(&self, caller: UserId) -> Result<PushDeviceList> {
        Ok(PushDeviceList {
            devices: self
                .store
                .push_devices_of(caller)
                .await?
                .iter()
                .map(device)
                .collect(),
        })
    }

    /// Registers an endpoint (again: the existing device).
    pub async fn register(
        &self,
        caller: UserId,
        endpoint: &str,
        name: Option<&str>,
    ) -> Result<PushDevice> {
        let endpoint = endpoint.trim();
        let parsed = url::Url::parse(endpoint).ok();
        let allowed = match &parsed {
            Some(url) if url.host_str().is_none_or(str::is_empty) => false,
            Some(url) => {
                url.scheme() == "https" || (self.config.allow_http && url.scheme() == "http")
            }
            None => false,
        };
        if !allowed || endpoint.len() > ENDPOINT_MAX {
            let schemes = if self.config.allow_http {
                "an https:// or http://"
            } else {
                "an https://"
            };
            return Err(Error::field(
                "endpoint",
                format!("must be {schemes} URL of at most {ENDPOINT_MAX} characters"),
            ));
        }
        if !parsed.is_some_and(|url| self.hosts.allows(&url)) {
            return Err(Error::Forbidden(
                "push endpoints on loopback, private or link-local addresses are not allowed \
                 on this server (push.allowed_hosts)",
            ));
        }
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        if name.is_some_and(|n| n.chars().count() > NAME_MAX || n.chars().any(char::is_control)) {
            return Err(Error::field(
                "name",
                format!("at most {NAME_MAX} characters, no control characters"),
            ));
        }
        let row = self
            .store
            .add_push_device(
                Uuid::now_v7(),
                caller,
                endpoint,
                name,
                i64::from(self.config.max_devices_per_user),
            )
            .await?
            .ok_or(Error::Conflict(
                "too many push devices; remove one first (push.max_devices_per_user)",
            ))?;
        Ok(device(&row))
    }

    /// Removes one of the caller's devices.
    pub async fn remove(&self, caller: UserId, id: Uuid) -> Result<()> {
        if self.store.delete_push_device(caller, id).await? {
            Ok(())
        } else {
            Err(Error::NotFound("no such push device"))
        }
    }

    /// Whether pushes are sent at all.
    pub fn enabled(&self) -> bool {
        self.config.enabled
    }

    /// Pushes a direct message to `user` (its other member) when offline everywhere.
    pub fn notify_message(&self, user: UserId, message: &Message) {
        let Some(sender) = message.sender_id else {
            return;
        };
        if !self.config.enabled {
            return;
        }
        let pushed = PushedMessage {
            chat_id: message.chat_id,
            message_id: message.id,
            sender_id: sender,
        };
        let text = message.content.clone();
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(e) = this.deliver_message(user, pushed, text).await {
                warn!(error = %e, %user, "push not sent");
            }
        });
    }

    async fn deliver_message(
        &self,
        user: UserId,
        pushed: PushedMessage,
        text: Option<String>,
    ) -> Result<()> {
        let Some(devices) = self.offline_devices(user).await? else {
            return Ok(());
        };
        let who = self.username(Some(pushed.sender_id)).await?;
        let payload = PushPayload {
            kind: "message".into(),
            title: format!("{who} sent you a message"),
            text: text.filter(|_| self.config.include_text),
            notification: None,
            message: Some(pushed),
            link: self.link(Some(pushed.chat_id), Some(pushed.message_id)),
        };
        self.post_all(devices, payload);
        Ok(())
    }

    /// The user's devices, if the user is offline everywhere and has any.
    async fn offline_devices(&self, user: UserId) -> Result<Option<Vec<PushDeviceRow>>> {
        if self.presence.status_of(user).await.0 != PresenceStatus::Offline {
            return Ok(None);
        }
        let devices = self.store.push_devices_of(user).await?;
        Ok((!devices.is_empty()).then_some(devices))
    }

    async fn username(&self, user: Option<UserId>) -> Result<String> {
        let row = match user {
            Some(user) => self.store.user_by_id(user).await?,
            None => None,
        };
        Ok(row.map_or_else(|| "someone".to_owned(), |u| u.username))
    }

    fn link(
        &self,
        chat: Option<common::ChatId>,
        message: Option<common::MessageId>,
    ) -> Option<String> {
        let (host, chat) = (self.link_host.as_ref()?, chat?);
        Some(
            match message {
                Some(message) => ChatLink::message(host, ChatTarget::Id(chat), message),
                None => ChatLink::chat(host, ChatTarget::Id(chat)),
            }
            .to_app_url(),
        )
    }

    fn post_all(&self, devices: Vec<PushDeviceRow>, payload: PushPayload) {
        let payload = Arc::new(payload);
        for device in devices {
            let this = self.clone();
            let payload = payload.clone();
            tokio::spawn(async move { this.post_with_retries(&device, &payload).await });
        }
    }

    /// Pushes `notification` to `user`'s devices if push is on and the user has no live
    /// connection anywhere. Returns at once; the work runs in a task.
    pub fn notify(&self, user: UserId, notification: Notification, text: Option<String>) {
        if !self.config.enabled {
            return;
        }
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(e) = this.deliver(user, notification, text).await {
                warn!(error = %e, %user, "push not sent");
            }
        });
    }

    async fn deliver(
        &self,
        user: UserId,
        notification: Notification,
        text: Option<String>,
    ) -> Result<()> {
        let Some(devices) = self.offline_devices(user).await? else {
            return Ok(());
        };
        let who = self.username(notification.actor_id).await?;
        let text = if self.config.include_text {
            match (text, notification.message_id) {
                (Some(text), _) => Some(text),
                (None, Some(message)) => self.store.content_of(message).await?,
                (None, None) => None,
            }
        } else {
            None
        };
        let payload = PushPayload {
            kind: "notification".into(),
            title: title(notification.kind, &who),
            text,
            link: self.link(notification.chat_id, notification.message_id),
            notification: Some(notification),
            message: None,
        };
        self.post_all(devices, payload);
        Ok(())
    }

    async fn post_with_retries(&self, device: &PushDeviceRow, payload: &PushPayload) {
        // Registered before the operator narrowed `[push]`: refused like a new one.
        if !url::Url::parse(&device.endpoint).is_ok_and(|url| self.hosts.allows(&url)) {
            warn!(device = %device.id, "push endpoint not allowed (push.allowed_hosts)");
            let _ = self.store.push_outcome(device.id, false).await;
            return;
        }
        let mut wait = Duration::from_millis(self.config.backoff_ms);
        for attempt in 0..=self.config.retries {
            if attempt > 0 {
                tokio::time::sleep(wait).await;
                wait = wait.saturating_mul(2);
            }
            let Ok(_permit) = self.permits.acquire().await else {
                return;
            };
            match self.http.post(&device.endpoint).json(payload).send().await {
                Ok(response) if response.status().is_success() => {
                    let _ = self.store.push_outcome(device.id, true).await;
                    return;
                }
                Ok(response) => {
                    debug!(status = %response.status(), device = %device.id, attempt, "push refused");
                }
                Err(e) if RefusedHost::caused(&e) => {
                    // Resolving again soon is unlikely to give another answer.
                    warn!(error = %e, device = %device.id, "push endpoint not allowed");
                    let _ = self.store.push_outcome(device.id, false).await;
                    return;
                }
                Err(e) => debug!(error = %e, device = %device.id, attempt, "push failed"),
            }
        }
        warn!(device = %device.id, "push failed after every retry");
        let _ = self.store.push_outcome(device.id, false).await;
    }
}

fn title(kind: NotificationKind, who: &str) -> String {
    match kind {
        NotificationKind::Mention => format!("{who} mentioned you"),
        NotificationKind::Reply => format!("{who} replied to you"),
        NotificationKind::ContactRequest => format!("{who} wants to add you as a contact"),
        NotificationKind::ContactAccepted => format!("{who} accepted your contact request"),
        NotificationKind::GroupInvite => format!("{who} added you to a group"),
    }
}

fn device(row: &PushDeviceRow) -> PushDevice {
    PushDevice {
        id: row.id,
        endpoint: row.endpoint.clone(),
        name: row.name.clone(),
        created_at: row.created_at,
        last_success_at: row.last_success_at,
        failures: row.failures,
    }
}
