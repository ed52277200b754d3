//! NOTIFY (RFC 1996): after a zone changes, each of its configured secondaries is told the
//! new serial. Changes arriving in a burst are coalesced into one NOTIFY; an unanswered one
//! is sent again with a doubling interval, and a newer change replaces a pending retry.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, OpCode, Query};
use hickory_proto::rr::{Name, RecordType};
use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

use super::catalog::Catalog;
use crate::names::DomainName;

/// How long a burst of changes may last before the NOTIFY goes out.
const COALESCE: Duration = Duration::from_millis(100);
/// First wait for an answer; doubled after each try.
const FIRST_TIMEOUT: Duration = Duration::from_secs(2);
/// Retransmissions after the first NOTIFY (RFC 1996 §3.6 suggests 5 for UDP).
const RETRIES: u32 = 5;

pub(super) async fn run(catalog: Arc<Catalog>) {
    let mut pending: HashMap<(DomainName, SocketAddr), JoinHandle<()>> = HashMap::new();
    loop {
        let mut zones = catalog.changes().await;
        tokio::time::sleep(COALESCE).await;
        zones.extend(catalog.take_changes());
        zones.sort();
        zones.dedup();
        pending.retain(|_, task| !task.is_finished());
        let snapshot = catalog.snapshot();
        for zone in zones {
            let Some(index) = snapshot.zone_named(&zone) else { continue };
            for target in &index.transfers.notify {
                let soa = super::records::soa(index, index.serial);
                let task = tokio::spawn(notify(zone.clone(), index.serial, soa, *target));
                if let Some(older) = pending.insert((zone.clone(), *target), task) {
                    older.abort();
                }
            }
        }
    }
}

async fn notify(zone: DomainName, serial: u32, soa: hickory_proto::rr::Record, target: SocketAddr) {
    let Ok(apex) = Name::from_ascii(format!("{zone}.")) else { return };
    let mut message = Message::query();
    message.metadata.id = rand::random();
    message.metadata.op_code = OpCode::Notify;
    message.metadata.authoritative = true;
    message.metadata.recursion_desired = false;
    message.add_query(Query::query(apex, RecordType::SOA));
    message.add_answer(soa);
    let Ok(bytes) = message.to_vec() else { return };
    let bind: SocketAddr = if target.is_ipv4() { ([0, 0, 0, 0], 0).into() } else { (std::net::Ipv6Addr::UNSPECIFIED, 0).into() };
    let socket = match UdpSocket::bind(bind).await {
        Ok(socket) => socket,
        Err(error) => return tracing::warn!(%zone, %target, %error, "cannot send NOTIFY"),
    };
    if let Err(error) = socket.connect(target).await {
        return tracing::warn!(%zone, %target, %error, "cannot send NOTIFY");
    }
    let mut wait = FIRST_TIMEOUT;
    let mut buf = [0u8; 1024];
    for attempt in 0..=RETRIES {
        if let Err(error) = socket.send(&bytes).await {
            tracing::debug!(%zone, %target, %error, "NOTIFY not sent");
        }
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, socket.recv(&mut buf)).await {
                Err(_) => break,
                // Nothing listens there (yet): wait out the interval all the same.
                Ok(Err(_)) => {
                    tokio::time::sleep_until(deadline).await;
                    break;
                }
                Ok(Ok(n)) => {
                    let Ok(answer) = Message::from_vec(&buf[..n]) else { continue };
                    if answer.metadata.id == message.metadata.id && answer.metadata.message_type == MessageType::Response {
                        tracing::info!(%zone, serial, %target, attempt, rcode = %answer.metadata.response_code, "secondary answered NOTIFY");
                        return;
                    }
                }
            }
        }
        wait *= 2;
    }
    tracing::warn!(%zone, serial, %target, "secondary never answered NOTIFY");
}
