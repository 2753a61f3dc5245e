//! The network task over Server-Sent Events, for networks that refuse WebSocket upgrades:
//! frames arrive on `GET /api/events` and are read like the socket's; requests go by
//! `POST /api/frames`, one at a time and in order, their answer frames read the same way.

use common::client::EventStream;
use common::ws::ClientFrame;
use tokio::sync::mpsc;

use super::auth::Auth;
use super::socket::{Outgoing, Pumped, forward};
use crate::state::Event;

/// Pumps frames both ways until the stream ends, a post cannot reach the server or the
/// network task stops.
pub(super) async fn pump(
    mut stream: EventStream,
    auth: &Auth,
    outgoing: &mut mpsc::UnboundedReceiver<Outgoing>,
    events: &mpsc::UnboundedSender<Event>,
) -> Pumped {
    loop {
        tokio::select! {
            frame = stream.next_text() => match frame {
                Ok(Some(text)) => {
                    if !forward(&text, events) {
                        return Pumped::Stop;
                    }
                }
                Ok(None) => return Pumped::Closed(stream.close().map(|(code, _)| code)),
                Err(e) => {
                    tracing::info!(error = %e, "event stream read failed");
                    return Pumped::Closed(None);
                }
            },
            out = outgoing.recv() => {
                let Some((id, request)) = out else {
                    return Pumped::Stop;
                };
                let Ok(text) = ClientFrame::encode(Some(&id), &request) else {
                    continue;
                };
                // In order, one at a time: sends of one chat keep the order they were typed
                // in. An expired access token is refreshed and the frame posted again.
                let answer = auth
                    .call(|c| {
                        let text = text.clone();
                        async move { c.post_frame_text(&text).await }
                    })
                    .await;
                match answer {
                    Ok((_, Some(frame))) => {
                        let Ok(text) = serde_json::to_string(&frame) else {
                            continue;
                        };
                        if !forward(&text, events) {
                            return Pumped::Stop;
                        }
                    }
                    Ok((_, None)) => {}
                    Err(e) => {
                        // As a socket write that failed: reconnect, resync and resend.
                        tracing::info!(error = %e, "posting a frame failed");
                        return Pumped::Closed(None);
                    }
                }
            },
        }
    }
}
