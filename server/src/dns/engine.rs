//! What every listener shares: the zone view, the LAN subnets, the counters, and the way to
//! the full path on the async runtime.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::Arc;

use hickory_server::net::xfer::Protocol;
use tokio::sync::mpsc;

use super::catalog::{Catalog, Snapshot};
use super::full::Handler;
use super::query::Query;
use crate::metrics::Metrics;

/// Answering a message panicked (and the panic was caught and counted).
#[derive(Debug)]
pub struct Panicked;

/// Response codes counted apart (the last one counts the rest).
pub const RCODES: usize = 7;

pub struct Engine {
    pub catalog: Arc<Catalog>,
    pub metrics: Arc<Metrics>,
    pub handler: Arc<Handler>,
    pub runtime: tokio::runtime::Handle,
    /// UDP requests on the full path at once; beyond this they are dropped, as a full
    /// socket buffer would (a flood of unusual queries must not pile up tasks).
    pub slow_slots: Arc<tokio::sync::Semaphore>,
    /// Response-rate limiting over UDP.
    pub rrl: super::rrl::Limiter,
}

/// How many UDP requests may be on the full path at once.
pub const SLOW_SLOTS: usize = 256;

impl Engine {
    pub fn is_lan(&self, client: IpAddr) -> bool {
        self.handler.is_lan(client)
    }

    /// Counts answers by response code (index as [`rcode_of`] gives it).
    pub fn count(&self, counts: &[u64; RCODES]) {
        for (index, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
            self.metrics.dns_fast_answers(index, n);
        }
    }

    /// The fast path's answer to `packet` in `out` (its length), None when the full path
    /// must answer, or `Err` when answering panicked: the message is dropped, the panic
    /// counted (the hook logged where), and the listener goes on. Over UDP the answer fits
    /// the client's EDNS size (512 without EDNS); over TCP, a whole message.
    pub fn fast_answer(&self, view: &Snapshot, packet: &[u8], client: IpAddr, out: &mut [u8], udp: bool) -> Result<Option<usize>, Panicked> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            #[cfg(feature = "fault-injection")]
            super::fault::check(packet, super::fault::FAST);
            let query = Query::parse(packet)?;
            let limit = if udp { query.edns.map_or(512, |e| usize::from(e.payload.clamp(512, super::fast::EDNS_PAYLOAD))) } else { usize::from(u16::MAX) };
            let cookie = query.edns.and_then(|e| e.cookie).map(|c| self.handler.server_cookie(&c, client));
            super::fast::answer(view, &query, self.is_lan(client), out, limit, cookie.as_ref())
        }))
        .map_err(|_| {
            self.metrics.panicked("dns");
            Panicked
        })
    }

    /// Applies response-rate limiting to a UDP response of `len` bytes in `message` towards
    /// `client`: the length to send (the whole, or a truncated stub), or None to drop it.
    pub fn limit(&self, client: IpAddr, message: &mut [u8], len: usize) -> Option<usize> {
        match self.rrl.check(client) {
            super::rrl::Verdict::Send => Some(len),
            super::rrl::Verdict::Slip => {
                self.metrics.rate_limited(true);
                super::rrl::truncate(message, len)
            }
            super::rrl::Verdict::Drop => {
                self.metrics.rate_limited(false);
                None
            }
        }
    }

    /// Hands a UDP request to the full path; its answer is sent from `socket`.
    pub fn slow(self: &Arc<Self>, packet: Vec<u8>, src: SocketAddr, protocol: Protocol, socket: Arc<UdpSocket>) {
        let Ok(slot) = self.slow_slots.clone().try_acquire_owned() else {
            tracing::debug!(%src, "DNS over UDP: full path busy, request dropped");
            return;
        };
        let handler = self.handler.clone();
        let engine = Arc::clone(self);
        let task = self.runtime.spawn(async move {
            let _slot = slot;
            let (tx, mut rx) = mpsc::channel(1);
            let answering = super::slow::answer(&handler, packet, src, protocol, tx);
            let (_, response) = tokio::join!(answering, rx.recv());
            let Some(mut bytes) = response else { return };
            let len = bytes.len();
            let Some(len) = engine.limit(src.ip(), &mut bytes, len) else { return };
            if let Err(error) = socket.send_to(&bytes[..len], src) {
                tracing::debug!(%error, %src, "DNS over UDP: send failed");
            }
        });
        let metrics = self.metrics.clone();
        self.runtime.spawn(async move {
            if task.await.is_err_and(|e| e.is_panic()) {
                metrics.panicked("dns");
            }
        });
    }
}

/// The counter a response belongs to: NOERROR, NXDOMAIN, REFUSED, FORMERR, SERVFAIL,
/// NOTIMP, other.
pub fn rcode_of(response: &[u8]) -> usize {
    match response.get(3).map(|b| b & 0x0f) {
        Some(0) => 0,
        Some(3) => 1,
        Some(5) => 2,
        Some(1) => 3,
        Some(2) => 4,
        Some(4) => 5,
        _ => 6,
    }
}
