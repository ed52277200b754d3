//! An appliance in memory as the DNS listeners see it, for the fuzz targets of the full
//! path: a zone with a record of every type, a journal, a TSIG key whose secret is known
//! here, and transfers allowed to loopback clients and to that key. Messages are answered
//! the way the UDP and TCP listeners answer them: the fast path first, the full path when
//! it declines.

use std::net::SocketAddr;
use std::sync::Arc;

use hickory_proto::op::Message;
use hickory_proto::rr::Name;
use hickory_proto::rr::rdata::tsig::{TSIG, make_tsig_record};
use hickory_proto::serialize::binary::{BinEncodable as _, BinEncoder};
use hickory_server::net::xfer::Protocol;
use tokio::sync::mpsc;

use super::super::engine::Engine;
use super::super::full::Handler;
use super::super::tsig::{Algorithm, FUDGE, Key};
use crate::auth::Caller;
use crate::error::Result;
use crate::names::DomainName;
use crate::records::edit::Input;
use crate::{Config, Context};

/// The zone served.
pub const ZONE: &str = "dyn.example.test";
/// The TSIG key that may update the zone and transfer it.
pub const KEY_NAME: &str = "fuzz.key";
const KEY_SECRET: &[u8] = b"a secret the fuzzer never sees...";

pub struct Appliance {
    pub ctx: Arc<Context>,
    engine: Engine,
    runtime: tokio::runtime::Runtime,
    pub key: Key,
}

impl Appliance {
    pub fn new() -> Result<Self> {
        let config = Config::from_toml(
            // Signed: messages with DO take the DNSSEC paths, the rest the unsigned ones.
            &format!("[[zone]]\nname = \"{ZONE}\"\nnameserver_addresses = [\"192.0.2.53\"]\nallow_transfer = [\"127.0.0.0/8\", \"key:{KEY_NAME}\"]\ndnssec = true\n"),
            "fuzzing",
        )?;
        let ctx = Arc::new(crate::testing::context(config)?);
        let account = crate::testing::account(&ctx, "owner@example.test", true)?;
        let key = Key { name: KEY_NAME.into(), algorithm: Algorithm::HmacSha256, secret: KEY_SECRET.to_vec() };
        crate::testing::tsig_key(&ctx, &account, KEY_NAME, key.algorithm.as_str(), KEY_SECRET)?;
        let session = Caller::Session(account);
        let records: [(&str, &str, &str, Option<u16>); 10] = [
            ("A", "www", "192.0.2.1", None),
            ("AAAA", "www", "2001:db8::1", None),
            ("A", "www", "192.0.2.2", None),
            ("CNAME", "alias", "www.dyn.example.test", None),
            ("MX", "mail", "www.dyn.example.test", Some(10)),
            ("TXT", "txt", "v=spf1 -all", None),
            ("CAA", "www", "0 issue \"ca.example\"", None),
            ("NS", "sub", "ns.sub.dyn.example.test", None),
            ("A", "ns.sub", "192.0.2.3", None),
            ("A", "*.wild", "192.0.2.4", None),
        ];
        for (kind, name, content, priority) in records {
            let input = Input { kind: kind.into(), name: format!("{name}.{ZONE}"), content: content.into(), priority, ..Input::default() };
            crate::records::edit::create_at(&ctx, &session, &input)?;
        }
        let srv = Input { kind: "SRV".into(), name: format!("_sip._tcp.{ZONE}"), content: format!("www.{ZONE}"), priority: Some(0), weight: Some(5), port: Some(5060), ttl: None };
        crate::records::edit::create_at(&ctx, &session, &srv)?;
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
        let handler = Arc::new(Handler { catalog: ctx.catalog.clone(), metrics: ctx.metrics.clone(), lan: vec!["10.0.0.0/8".parse().map_err(|_| crate::Error::Invalid("lan".into()))?], backend: ctx.clone(), cookie_secret: [1, 2] });
        let engine = Engine {
            catalog: ctx.catalog.clone(),
            metrics: ctx.metrics.clone(),
            handler,
            runtime: runtime.handle().clone(),
            slow_slots: Arc::new(tokio::sync::Semaphore::new(1)),
            rrl: super::super::rrl::Limiter::new(super::super::rrl::Settings { rate: 0, slip: 0, exempt: Vec::new() }),
        };
        Ok(Self { ctx, engine, runtime, key })
    }

    /// The zone's serial now: it moves with every change.
    pub fn serial(&self) -> Option<u32> {
        self.ctx.catalog.serial(&zone())
    }

    /// Every message the appliance answers `packet` with, from `client` over `protocol`: the
    /// fast path's answer, or the full path's messages (several for a zone transfer).
    pub fn answers(&self, packet: &[u8], client: SocketAddr, protocol: Protocol) -> Vec<Vec<u8>> {
        let udp = protocol == Protocol::Udp;
        let mut out = vec![0u8; 65_535];
        let fast = self.engine.fast_answer(&self.engine.catalog.view(), packet, client.ip(), &mut out, udp);
        match fast {
            Ok(Some(len)) => return vec![out[..len].to_vec()],
            Ok(None) => {}
            Err(_) => panic!("the fast path panicked"),
        }
        let handler = &self.engine.handler;
        self.runtime.block_on(async {
            let (tx, mut rx) = mpsc::channel(4);
            let answering = super::super::slow::answer(handler, packet.to_vec(), client, protocol, tx);
            let collecting = async {
                let mut all = Vec::new();
                while let Some(message) = rx.recv().await {
                    all.push(message);
                }
                all
            };
            tokio::join!(answering, collecting).1
        })
    }

    /// `message` signed with `key` as a client signs a request (RFC 8945 §4.2), or None when
    /// it has no room for another additional record.
    pub fn sign(message: &[u8], key: &Key) -> Option<Vec<u8>> {
        let (header, _) = message.split_at_checked(12)?;
        let additionals = u16::from_be_bytes([header[10], header[11]]).checked_add(1)?;
        let name = Name::from_ascii(format!("{}.", key.name)).ok()?;
        let now = super::super::reply::now();
        let stub = TSIG::new(key.algorithm.wire(), now, FUDGE, Vec::new(), u16::from_be_bytes([header[0], header[1]]), None, Vec::new());
        let mut covered = Vec::with_capacity(message.len() + 128);
        let mut encoder = BinEncoder::new(&mut covered);
        encoder.emit_vec(message).ok()?;
        stub.emit_tsig_for_mac(&mut encoder, &name).ok()?;
        let mac = key.algorithm.mac(&key.secret, &covered);
        let record = make_tsig_record(name, stub.set_mac(mac)).into_record_of_rdata().to_bytes().ok()?;
        let mut signed = message.to_vec();
        signed[10..12].copy_from_slice(&additionals.to_be_bytes());
        signed.extend_from_slice(&record);
        Some(signed)
    }
}

/// Each answer decodes, is a response, and carries the request's ID.
pub fn check_answers(request: &[u8], answers: &[Vec<u8>]) {
    for answer in answers {
        let message = Message::from_vec(answer).unwrap_or_else(|e| panic!("an undecodable answer ({e}): {}", hex(answer)));
        assert_eq!(answer[..2], request[..2], "the ID is echoed");
        assert_eq!(message.metadata.message_type, hickory_proto::op::MessageType::Response);
    }
}

pub fn zone() -> DomainName {
    DomainName::parse(ZONE).unwrap_or_else(|_| unreachable!("a valid name"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
