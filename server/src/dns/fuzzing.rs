//! DNS as the fuzzer drives it (`server/fuzz`). Here, the fast path on its own: any bytes
//! are read as a request; a plain query is answered from a zone with every feature the fast
//! path knows, in every size a client may ask for, and each answer must be a well-formed
//! message that echoes the question. The other targets put messages to an appliance in
//! memory through both paths, as the listeners do: any message (`message`), RFC 2136 updates
//! signed or not (`update`), zone transfer requests (`transfer`). A violation panics.

mod appliance;
mod message;
mod transfer;
mod update;

use hickory_proto::op::Message;

use super::catalog::{Catalog, ZoneContents};
use super::fast::{EDNS_PAYLOAD, answer};
use super::query::Query;
use crate::names::DomainName;
use crate::records::{Record, RecordData};
use crate::transfers::Policy;

pub use message::Messages;
pub use transfer::Transfers;
pub use update::Updates;

/// A zone to answer from.
pub struct Target {
    catalog: Catalog,
}

impl Default for Target {
    fn default() -> Self {
        let name = |s: &str| DomainName::parse(s).unwrap_or_else(|_| unreachable!("a valid name"));
        let record = |n: &str, data: RecordData| Record { name: name(n), ttl: 60, data };
        let records = vec![
            record("www.z.test", RecordData::A([192, 0, 2, 1].into())),
            record("www.z.test", RecordData::Aaaa("2001:db8::1".parse().unwrap_or(std::net::Ipv6Addr::LOCALHOST))),
            record("www.z.test", RecordData::LanA([10, 0, 0, 1].into())),
            record("alias.z.test", RecordData::Cname(name("www.z.test"))),
            record("loop1.z.test", RecordData::Cname(name("loop2.z.test"))),
            record("loop2.z.test", RecordData::Cname(name("loop1.z.test"))),
            record("out.z.test", RecordData::Cname(name("elsewhere.example.org"))),
            record("*.wild.z.test", RecordData::A([192, 0, 2, 2].into())),
            record("a.b.c.z.test", RecordData::Txt("x".repeat(600))),
            record("mail.z.test", RecordData::Mx { preference: 10, exchange: name("www.z.test") }),
            record("_sip._tcp.z.test", RecordData::Srv { priority: 0, weight: 5, port: 5060, target: name("www.z.test") }),
            record("sub.z.test", RecordData::Ns(name("ns.sub.z.test"))),
            record("ns.sub.z.test", RecordData::A([192, 0, 2, 3].into())),
            record("z.test", RecordData::Caa { critical: false, tag: "issue".into(), value: "ca.example".into() }),
        ];
        let catalog = Catalog::default();
        catalog.replace_all(vec![ZoneContents {
            name: name("z.test"),
            serial: 1,
            nameservers: vec![name("ns1.z.test")],
            hostmaster: name("hostmaster.z.test"),
            records,
            transfers: Policy::default(),
            // Signed: a query with DO takes the DNSSEC answers, one without the plain ones.
            keys: crate::dnssec::generate(crate::dnssec::Algorithm::Ed25519)
                .and_then(|pkcs8| crate::dnssec::ZoneKey::from_pkcs8(crate::dnssec::Algorithm::Ed25519, &pkcs8))
                .map(|key| vec![std::sync::Arc::new(key)])
                .unwrap_or_default(),
            signed_at: 0,
        }]);
        Self { catalog }
    }
}

impl Target {
    /// Reads and (when it is a plain query) answers `packet`, checking every answer.
    pub fn run(&self, packet: &[u8]) {
        let Some(query) = Query::parse(packet) else { return };
        assert!(query.question_end <= packet.len() && query.name().len() <= super::wire::MAX_NAME);
        let view = self.catalog.view();
        let mut out = vec![0u8; 65_535];
        for (lan, max) in [(false, 512), (true, 512), (false, usize::from(EDNS_PAYLOAD)), (false, 65_535)] {
            let Some(len) = answer(&view, &query, lan, &mut out, max, Some(&[7; 16])) else { continue };
            assert!(len <= max, "{len} bytes for a client that takes {max}");
            let message = Message::from_vec(&out[..len]).unwrap_or_else(|e| panic!("an undecodable answer: {e}"));
            assert_eq!(out[..2], packet[..2], "the ID is echoed");
            assert_eq!(out[12..query.question_end], packet[12..query.question_end], "the question is echoed");
            assert!(message.metadata.message_type == hickory_proto::op::MessageType::Response);
        }
    }
}
