//! Zone transfers: AXFR (RFC 5936) of the whole zone in as many TCP messages as it takes,
//! and IXFR (RFC 1995) from the journal (a signed zone: from the versions kept in memory),
//! falling back to the whole zone when neither reaches back to the client's serial. Only
//! sources and keys the zone allows get either.

use hickory_proto::op::ResponseCode;
use hickory_proto::op::LowerQuery;
use hickory_proto::rr::{RData, Record, RecordType};
use hickory_proto::serialize::binary::BinEncodable as _;
use hickory_server::net::NetError;
use hickory_server::net::xfer::Protocol;
use hickory_server::server::{ResponseHandler, ResponseInfo};

use super::Backend;
use super::catalog::Catalog;
use super::zone::ZoneIndex;
use super::records;
use super::reply::Reply;

/// Bytes of records per transfer message (well below the 64 KiB a TCP message may carry).
const MESSAGE_BYTES: usize = 16 * 1024;

pub(super) async fn answer<R: ResponseHandler>(
    catalog: &Catalog,
    backend: &dyn Backend,
    reply: &mut Reply<'_, R>,
    query: &LowerQuery,
    key: Option<&str>,
) -> Result<ResponseInfo, NetError> {
    let snapshot = catalog.snapshot();
    let Some(zone) = snapshot.zone(&super::wire::lower_wire(query.name())).cloned() else {
        return reply.code(ResponseCode::NotAuth).await;
    };
    let src = reply.request.src();
    if !zone.transfers.permits(src.ip(), key) {
        tracing::info!(zone = %zone.name, %src, key, "refused a zone transfer");
        return reply.code(ResponseCode::Refused).await;
    }
    let mut metadata = reply.metadata(ResponseCode::NoError);
    metadata.authoritative = true;
    let udp = reply.protocol() == Protocol::Udp;
    let records = if query.query_type() == RecordType::AXFR {
        if udp {
            return reply.code(ResponseCode::FormErr).await;
        }
        records::transfer(&zone)
    } else {
        let Some(theirs) = reply.request.authorities.iter().find_map(|r| match &r.data {
            RData::SOA(soa) => Some(soa.serial),
            _ => None,
        }) else {
            return reply.code(ResponseCode::FormErr).await;
        };
        let current = zone.serial;
        if !older(theirs, current) || udp {
            // Up to date; or over UDP, where the answer is the current SOA and the client
            // asks again over TCP (RFC 1995 §2).
            vec![records::soa(&zone, current)]
        } else if zone.signed.is_some() {
            // The journal holds the records, not their signatures or the NSEC3 records a
            // change re-made: a signed zone's difference is taken between the version the
            // client holds and this one (condensed into one step, RFC 1995 §4); when that
            // version is no longer kept, the zone goes whole.
            match catalog.version(&zone.origin, theirs) {
                Some(old) => {
                    let (removed, added) = records::difference(&old, &zone);
                    increments(&zone, [(theirs, current, removed, added)])
                }
                None => records::transfer(&zone),
            }
        } else {
            match tokio::task::block_in_place(|| backend.journal(&zone.name, theirs, current)) {
                Some(steps) => increments(
                    &zone,
                    steps.iter().map(|s| (s.serial.wrapping_sub(1), s.serial, s.removed.iter().map(records::record).collect(), s.added.iter().map(records::record).collect())),
                ),
                None => records::transfer(&zone),
            }
        }
    };
    tracing::info!(zone = %zone.name, %src, key, kind = %query.query_type(), records = records.len(), "zone transfer");
    send_all(reply, metadata, &records).await
}

/// An incremental transfer (RFC 1995 §4): the current SOA; per step (serial before, serial
/// after, what went, what came) the SOA before, what went, the SOA after, what came; the
/// current SOA again.
fn increments(zone: &ZoneIndex, steps: impl IntoIterator<Item = (u32, u32, Vec<Record>, Vec<Record>)>) -> Vec<Record> {
    let mut records = vec![records::soa(zone, zone.serial)];
    for (from, to, removed, added) in steps {
        records.push(records::soa(zone, from));
        records.extend(removed);
        records.push(records::soa(zone, to));
        records.extend(added);
    }
    records.push(records::soa(zone, zone.serial));
    records
}

/// Whether serial `a` is older than `b` (RFC 1982 arithmetic).
fn older(a: u32, b: u32) -> bool {
    a != b && (b.wrapping_sub(a) as i32) > 0
}

async fn send_all<R: ResponseHandler>(
    reply: &mut Reply<'_, R>,
    metadata: hickory_proto::op::Metadata,
    records: &[Record],
) -> Result<ResponseInfo, NetError> {
    let mut start = 0;
    let mut size = 0;
    let mut last = None;
    for (i, record) in records.iter().enumerate() {
        let len = record.to_bytes().map_or(512, |b| b.len());
        if size + len > MESSAGE_BYTES && i > start {
            last = Some(reply.send(metadata, &records[start..i], &[], &[]).await?);
            start = i;
            size = 0;
        }
        size += len;
    }
    if start < records.len() || last.is_none() {
        last = Some(reply.send(metadata, &records[start..], &[], &[]).await?);
    }
    last.ok_or(NetError::Message("nothing to send"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn serial_arithmetic_wraps() {
        assert!(super::older(1, 2));
        assert!(!super::older(2, 2));
        assert!(!super::older(3, 2));
        assert!(super::older(u32::MAX, 1));
    }
}
