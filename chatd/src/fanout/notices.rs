//! Operator notices: an account disabled or deleted, sessions revoked (by `chatctl`, which
//! changes the database directly). Every node closes the connections they concern with
//! 4001. They travel through PostgreSQL (`NOTIFY chatd_admin`, which every node listens to,
//! so a single node without Redis hears them too) and, with Redis, on `<prefix>admin`.

use std::sync::Arc;
use std::time::Duration;

use common::ids::{SessionId, UserId};
use serde::{Deserialize, Serialize};
use tracing::{debug, info, warn};

use super::Registry;
use crate::store::Store;

/// The PostgreSQL channel of operator notices.
pub const CHANNEL: &str = "chatd_admin";

/// One notice, e.g. `{"type": "user:disabled", "userId": "..."}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum AdminNotice {
    /// Every connection of the user closes.
    #[serde(rename = "user:disabled", rename_all = "camelCase")]
    UserDisabled {
        /// The account.
        user_id: UserId,
    },
    /// Every connection of the user closes.
    #[serde(rename = "user:deleted", rename_all = "camelCase")]
    UserDeleted {
        /// The account.
        user_id: UserId,
    },
    /// The connections of these sessions close.
    #[serde(rename = "sessions:revoked", rename_all = "camelCase")]
    SessionsRevoked {
        /// Their user.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_id: Option<UserId>,
        /// The sessions.
        session_ids: Vec<SessionId>,
    },
}

/// Closes the connections a notice (as received, JSON) concerns; unknown types are ignored.
pub fn apply(registry: &Registry, text: &str) {
    match serde_json::from_str::<AdminNotice>(text) {
        Ok(AdminNotice::UserDisabled { user_id } | AdminNotice::UserDeleted { user_id }) => {
            registry.kill_user(user_id, common::ws::close::UNAUTHORIZED, "account disabled");
        }
        Ok(AdminNotice::SessionsRevoked { session_ids, .. }) => {
            for session in session_ids {
                registry.kill_session(session);
            }
        }
        Err(e) => debug!(error = %e, "ignoring an unknown admin notice"),
    }
}

/// Sends `notice` to every node through PostgreSQL.
pub async fn notify(store: &Store, notice: &AdminNotice) -> Result<(), crate::error::Error> {
    let text = serde_json::to_string(notice).map_err(anyhow::Error::from)?;
    store.notify(CHANNEL, &text).await?;
    Ok(())
}

/// Listens for notices until the server stops or the store's pool closes; a lost
/// connection is re-established.
pub fn start_listener(store: Store, registry: Arc<Registry>, tasks: &crate::tasks::Tasks) {
    tasks.supervise("operator-notices", move |token| {
        let store = store.clone();
        let registry = registry.clone();
        async move {
            let closed = store.pool().close_event();
            tokio::select! {
                () = token.cancelled() => {}
                () = listen(&store, &registry) => {}
                () = closed => debug!("operator notice listener stopped with the pool"),
            }
        }
    });
}

async fn listen(store: &Store, registry: &Registry) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match store.listen(CHANNEL).await {
            Ok(mut listener) => {
                info!(channel = CHANNEL, "listening for operator notices");
                backoff = Duration::from_millis(100);
                loop {
                    match listener.recv().await {
                        Ok(notification) => apply(registry, notification.payload()),
                        Err(e) => {
                            warn!(error = %e, "operator notice listener failed; reconnecting");
                            break;
                        }
                    }
                }
            }
            Err(e) => warn!(error = %e, "cannot listen for operator notices; retrying"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}
