//! The full path's handler: requests the fast path leaves alone, decoded whole by hickory.
//! Signed requests are checked here (TSIG) and their answers signed; zone transfers and
//! RFC 2136 updates go to `transfer` and `update`; other queries to the resolver.

use std::net::IpAddr;
use std::sync::Arc;

use hickory_proto::op::{Edns, Metadata, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::opt::{EdnsCode, EdnsOption};
use hickory_proto::rr::{DNSClass, RecordType};
use hickory_server::net::NetError;
use hickory_server::net::runtime::Time;
use hickory_server::net::xfer::Protocol;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;

use super::Backend;
use super::catalog::Catalog;
use super::fast::EDNS_PAYLOAD;
use super::reply::{Reply, now};
use super::tsig::{self, Signed, Signer};
use crate::metrics::Metrics;

/// The largest response a request may get: 512 bytes over UDP without EDNS, the client's
/// EDNS size (within ours) with it, anything over TCP.
pub fn size_limit(request: &Request) -> u16 {
    match (&request.edns, request.protocol()) {
        (_, Protocol::Tcp) => u16::MAX,
        (Some(edns), _) => edns.max_payload().clamp(512, EDNS_PAYLOAD),
        (None, _) => 512,
    }
}

pub struct Handler {
    pub catalog: Arc<Catalog>,
    pub metrics: Arc<Metrics>,
    /// Clients in these subnets get hosts' LAN addresses (split horizon).
    pub lan: Vec<ipnet::IpNet>,
    pub backend: Arc<dyn Backend>,
    /// The secret server cookies are made with (RFC 9018), new at every start.
    pub cookie_secret: [u64; 2],
}

/// The position of a response code in the metrics' list.
fn rcode_index(code: ResponseCode) -> usize {
    match code {
        ResponseCode::NoError => 0,
        ResponseCode::NXDomain => 1,
        ResponseCode::Refused => 2,
        ResponseCode::FormErr => 3,
        ResponseCode::ServFail => 4,
        ResponseCode::NotImp => 5,
        _ => 6,
    }
}

impl Handler {
    /// This server's cookie for `client_cookie` from `client` (RFC 9018): version 1, three
    /// reserved bytes, the time, and a SipHash-2-4 of all that with the client's address
    /// under a secret made at start.
    pub fn server_cookie(&self, client_cookie: &[u8; 8], client: IpAddr) -> [u8; 16] {
        use std::hash::Hasher as _;
        let now = u32::try_from(crate::clock::now()).unwrap_or(u32::MAX).to_be_bytes();
        let mut cookie = [0u8; 16];
        cookie[0] = 1;
        cookie[4..8].copy_from_slice(&now);
        #[allow(deprecated)] // SipHash-2-4 is what RFC 9018 names; std's is that one.
        let mut hash = std::hash::SipHasher::new_with_keys(self.cookie_secret[0], self.cookie_secret[1]);
        hash.write(client_cookie);
        hash.write(&cookie[..8]);
        match client {
            IpAddr::V4(v4) => hash.write(&v4.octets()),
            IpAddr::V6(v6) => hash.write(&v6.octets()),
        }
        cookie[8..].copy_from_slice(&hash.finish().to_le_bytes());
        cookie
    }

    /// Whether `client` is in a LAN subnet (so a host's LAN address wins).
    pub fn is_lan(&self, client: std::net::IpAddr) -> bool {
        if self.lan.is_empty() {
            return false;
        }
        let client = crate::address::canonical(client);
        self.lan.iter().any(|net| net.contains(&client))
    }
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(&self, request: &Request, response: R) -> ResponseInfo {
        let mut base = Metadata::response_from_request(&request.metadata);
        base.recursion_available = false;
        let fail = |code: ResponseCode| {
            let mut m = base;
            m.response_code = code;
            ResponseInfo::from(hickory_proto::op::Header { metadata: m, counts: Default::default() })
        };
        if request.metadata.message_type != MessageType::Query {
            return fail(ResponseCode::FormErr);
        }
        // The client's size, within what we are willing to send; 512 without EDNS.
        let limit = size_limit(request);
        // DO is echoed (RFC 3225 §3): the answer then carries DNSSEC records.
        let dnssec_ok = request.edns.as_ref().is_some_and(|e| e.flags().dnssec_ok);
        let edns = request.edns.as_ref().map(|asked| {
            let mut edns = Edns::new();
            edns.set_max_payload(EDNS_PAYLOAD);
            edns.set_dnssec_ok(dnssec_ok);
            // A well-formed COOKIE (RFC 7873: the client's 8 bytes, maybe a server cookie of
            // 8 to 32) gets the client's back with a fresh server cookie, as on the fast path.
            if let Some(EdnsOption::Unknown(_, data)) = asked.options().get(EdnsCode::Cookie)
                && (data.len() == 8 || (16..=40).contains(&data.len()))
                && let Ok(client) = <[u8; 8]>::try_from(&data[..8])
            {
                let server = self.server_cookie(&client, request.src().ip());
                edns.options_mut().insert(EdnsOption::Unknown(super::query::COOKIE, [&client[..], &server[..]].concat()));
            }
            edns
        });
        let mut reply = Reply { request, response, edns, signer: None, limit, base };

        // hickory has parsed the message already: only a signed one (TSIG last) is read again
        // for the bytes its MAC covers, so plain queries pay nothing.
        let has_tsig = request.additionals.last().is_some_and(|r| r.record_type() == RecordType::TSIG);
        let signed = match if has_tsig { Signed::parse(request.as_slice()) } else { Ok(None) } {
            Ok(signed) => signed,
            Err(tsig::Malformed) => return self.finish(reply.code(ResponseCode::FormErr).await, fail),
        };
        let mut key_name = None;
        if let Some(signed) = &signed {
            let name = signed.key_name();
            let key = tokio::task::block_in_place(|| self.backend.tsig_key(&name));
            match signed.verify(key.as_ref(), now()) {
                Ok(()) => {
                    reply.signer = key.map(|k| Signer::new(k, signed));
                    key_name = Some(name);
                }
                Err(error) => {
                    tracing::info!(key = name, src = %request.src(), ?error, "refused a badly signed request");
                    let metadata = reply.metadata(ResponseCode::NotAuth);
                    let mut builder = MessageResponseBuilder::from_message_request(request);
                    if let Some(edns) = reply.edns.as_ref() {
                        builder.edns(edns);
                    }
                    let mut message = builder.build_no_records(metadata);
                    message.set_signature(Box::new(tsig::error_record(signed, error, now())));
                    let sent = reply.response.send_response(message).await;
                    return self.finish(sent, fail);
                }
            }
        }

        let sent = match request.metadata.op_code {
            OpCode::Query => match request.request_info() {
                Err(_) => reply.code(ResponseCode::FormErr).await,
                Ok(info) if matches!(info.query.query_type(), RecordType::AXFR | RecordType::IXFR) => {
                    super::transfer::answer(&self.catalog, self.backend.as_ref(), &mut reply, info.query, key_name.as_deref()).await
                }
                Ok(info) if info.query.query_class() != DNSClass::IN => reply.code(ResponseCode::Refused).await,
                Ok(info) => {
                    let snapshot = self.catalog.snapshot();
                    let answer = super::resolve::resolve(&snapshot, info.query.name(), info.query.original().name(), info.query.query_type(), self.is_lan(info.src.ip()), dnssec_ok);
                    let mut metadata = reply.metadata(answer.rcode);
                    metadata.authoritative = answer.authoritative;
                    reply.send(metadata, &answer.answers, &answer.authority, &answer.additional).await
                }
            },
            OpCode::Update => super::update::answer(&self.catalog, self.backend.as_ref(), &mut reply, request, key_name).await,
            _ => reply.code(ResponseCode::NotImp).await,
        };
        self.finish(sent, fail)
    }
}

impl Handler {
    fn finish(&self, sent: Result<ResponseInfo, NetError>, fail: impl Fn(ResponseCode) -> ResponseInfo) -> ResponseInfo {
        let info = sent.unwrap_or_else(|error| {
            tracing::debug!(%error, "could not send DNS response");
            fail(ResponseCode::ServFail)
        });
        self.metrics.dns_answer(rcode_index(info.response_code));
        info
    }
}
