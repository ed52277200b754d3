//! What every listener shares: the zone view, the LAN subnets, the counters, and the way to
//! the full path on the async runtime.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::Arc;

use hickory_server::net::xfer::Protocol;
use tokio::sync::mpsc;

use super::catalog::Catalog;
use super::full::Handler;
use crate::metrics::Metrics;

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

    /// Hands a UDP request to the full path; its answer is sent from `socket`.
    pub fn slow(&self, packet: Vec<u8>, src: SocketAddr, protocol: Protocol, socket: Arc<UdpSocket>) {
        let Ok(slot) = self.slow_slots.clone().try_acquire_owned() else {
            tracing::debug!(%src, "DNS over UDP: full path busy, request dropped");
            return;
        };
        let handler = self.handler.clone();
        self.runtime.spawn(async move {
            let _slot = slot;
            let (tx, mut rx) = mpsc::channel(1);
            let answering = super::slow::answer(&handler, packet, src, protocol, tx);
            let (_, response) = tokio::join!(answering, rx.recv());
            if let Some(bytes) = response
                && let Err(error) = socket.send_to(&bytes, src)
            {
                tracing::debug!(%error, %src, "DNS over UDP: send failed");
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
