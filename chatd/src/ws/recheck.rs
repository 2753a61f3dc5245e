//! The backstop for sessions that end without a word on the bus (they expire): every
//! `ws.session_recheck_secs` the node asks PostgreSQL, in one query for all its sockets,
//! which of their sessions have ended, and closes those sockets with 4001. One query per
//! node per interval, whatever the number of sockets.

use std::sync::Arc;
use std::time::Duration;

use tracing::warn;

use crate::auth::AuthService;
use crate::fanout::Registry;
use crate::tasks::Tasks;

/// Sessions asked about in one query at most.
const BATCH: usize = 10_000;

/// Starts the supervised recheck task.
pub fn start(auth: AuthService, registry: Arc<Registry>, every: Duration, tasks: &Tasks) {
    tasks.supervise("session-recheck", move |token| {
        let (auth, registry) = (auth.clone(), registry.clone());
        async move {
            let mut timer = tokio::time::interval(every);
            timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            timer.tick().await;
            while token.run_until_cancelled(timer.tick()).await.is_some() {
                recheck(&auth, &registry).await;
            }
        }
    });
}

async fn recheck(auth: &AuthService, registry: &Registry) {
    let sessions = registry.sessions();
    for batch in sessions.chunks(BATCH) {
        match auth.ended_sessions(batch).await {
            Ok(ended) => {
                for session in ended {
                    registry.kill_session(session);
                }
            }
            // The next interval tries again; the bus still closes revoked sessions.
            Err(error) => warn!(%error, "session recheck failed"),
        }
    }
}
