//! What the listener counts: connection slots (global and per client address), and per
//! connection whether a request is in flight and since when it has been idle.

use std::collections::HashMap;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use hyper::body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Connections are counted per address; IPv6 per `/64`, which one host usually holds whole.
fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(prefix.into())
        }
        v4 @ IpAddr::V4(_) => v4,
    }
}

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_address: HashMap<IpAddr, usize>,
}

/// The open connections, against the caps.
#[derive(Clone, Debug)]
pub struct Slots {
    counts: Arc<Mutex<Counts>>,
    max: usize,
    max_per_address: Option<usize>,
}

impl Slots {
    /// At most `max` connections, `max_per_address` from one address.
    pub fn new(max: usize, max_per_address: Option<usize>) -> Self {
        Self {
            counts: Arc::new(Mutex::new(Counts::default())),
            max,
            max_per_address,
        }
    }

    /// A slot for a connection from `ip`, or `None` when a cap is reached.
    pub fn take(&self, ip: IpAddr) -> Option<Slot> {
        let key = address_key(ip);
        let mut counts = self.counts.lock().ok()?;
        let from_address = counts.per_address.get(&key).copied().unwrap_or(0);
        if counts.total >= self.max || self.max_per_address.is_some_and(|cap| from_address >= cap) {
            return None;
        }
        counts.total += 1;
        counts.per_address.insert(key, from_address + 1);
        Some(Slot {
            slots: self.clone(),
            key,
        })
    }

    fn give_back(&self, key: IpAddr) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.total = counts.total.saturating_sub(1);
            if let Some(n) = counts.per_address.get_mut(&key) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    counts.per_address.remove(&key);
                }
            }
        }
    }
}

/// One connection's place under the caps, given back on drop.
#[derive(Debug)]
pub struct Slot {
    slots: Slots,
    key: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.slots.give_back(self.key);
    }
}

/// A TCP stream that holds its slot: hyper hands the stream to an upgraded WebSocket, so
/// the slot lasts as long as the socket, whatever protocol it ends up speaking.
#[derive(Debug)]
pub struct SlotStream {
    stream: TcpStream,
    _slot: Slot,
}

impl SlotStream {
    /// `stream`, counted under `slot`.
    pub fn new(stream: TcpStream, slot: Slot) -> Self {
        Self {
            stream,
            _slot: slot,
        }
    }
}

impl AsyncRead for SlotStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for SlotStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[derive(Debug)]
struct ActivityState {
    in_flight: usize,
    served: u64,
    idle_since: Instant,
}

/// Whether a connection has a request in flight, and since when it has been idle.
#[derive(Debug)]
pub struct Activity {
    state: Mutex<ActivityState>,
    changed: Notify,
}

impl Activity {
    /// A connection just accepted: idle, nothing served.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(ActivityState {
                in_flight: 0,
                served: 0,
                idle_since: Instant::now(),
            }),
            changed: Notify::new(),
        }
    }

    /// When the connection is to be closed if nothing happens: `header_read` after it was
    /// accepted while no request head has arrived, `keep_alive_idle` after its last response;
    /// never while a request is in flight.
    pub fn deadline(&self, header_read: Duration, keep_alive_idle: Duration) -> Option<Instant> {
        let state = self.state.lock().ok()?;
        if state.in_flight > 0 {
            return None;
        }
        let timeout = if state.served == 0 {
            header_read
        } else {
            keep_alive_idle
        };
        Some(state.idle_since + timeout)
    }

    /// Resolves at the next start or end of a request.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    fn update(&self, apply: impl FnOnce(&mut ActivityState)) {
        if let Ok(mut state) = self.state.lock() {
            apply(&mut state);
        }
        self.changed.notify_one();
    }
}

/// A request in flight; its end (response sent, or dropped) makes the connection idle.
#[derive(Debug)]
pub struct Busy(Arc<Activity>);

impl Busy {
    /// Marks a request of `activity` in flight.
    pub fn new(activity: Arc<Activity>) -> Self {
        activity.update(|state| state.in_flight += 1);
        Self(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.update(|state| {
            state.in_flight = state.in_flight.saturating_sub(1);
            state.served += 1;
            state.idle_since = Instant::now();
        });
    }
}

/// A response body that keeps its request in flight until it has been sent.
#[derive(Debug)]
pub struct BusyBody {
    body: Body,
    _busy: Busy,
}

impl BusyBody {
    /// `body`, holding `busy` until it ends.
    pub fn new(body: Body, busy: Busy) -> Self {
        Self { body, _busy: busy }
    }
}

impl hyper::body::Body for BusyBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_count_per_address_and_in_total_and_free_on_drop() {
        let slots = Slots::new(3, Some(2));
        let a: IpAddr = "10.0.0.1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let b: IpAddr = "10.0.0.2".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let first = slots.take(a);
        let second = slots.take(a);
        assert!(first.is_some() && second.is_some());
        assert!(slots.take(a).is_none(), "a third from one address");
        let third = slots.take(b);
        assert!(third.is_some());
        assert!(slots.take(b).is_none(), "over the total");
        drop(first);
        assert!(slots.take(a).is_some());
    }

    #[test]
    fn ipv6_addresses_of_one_64_share_a_count() {
        let one: IpAddr = "2001:db8:1:2::1"
            .parse()
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let other: IpAddr = "2001:db8:1:2:ffff::9"
            .parse()
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(address_key(one), address_key(other));
        let mapped: IpAddr = "::ffff:10.0.0.1"
            .parse()
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(address_key(mapped), IpAddr::from([10, 0, 0, 1]));
    }
}
