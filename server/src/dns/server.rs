//! DNS listeners and the full path's handler. UDP and TCP on every configured address are
//! served by `udp` and `tcp`, which answer plain queries from the pre-encoded zone view
//! (`fast`) and hand everything else to [`Handler`]: signed requests are checked here (TSIG)
//! and their answers signed; zone transfers and RFC 2136 updates go to `transfer` and
//! `update`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use hickory_proto::op::{Edns, Metadata, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::{DNSClass, RecordType};
use hickory_server::net::NetError;
use hickory_server::net::runtime::Time;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;
use tokio::net::TcpListener;

use super::Backend;
use super::catalog::Catalog;
use super::engine::Engine;
use super::fast::EDNS_PAYLOAD;
use super::reply::{Reply, now};
use super::tsig::{self, Signed, Signer};
use crate::error::{Error, Result};
use crate::metrics::Metrics;

pub struct Handler {
    catalog: Arc<Catalog>,
    metrics: Arc<Metrics>,
    /// Clients in these subnets get hosts' LAN addresses (split horizon).
    lan: Vec<ipnet::IpNet>,
    backend: Arc<dyn Backend>,
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
    fn is_lan(&self, client: std::net::IpAddr) -> bool {
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
        let limit = super::slow::size_limit(request);
        let edns = request.edns.as_ref().map(|_| {
            let mut edns = Edns::new();
            edns.set_max_payload(EDNS_PAYLOAD);
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
                    let answer = super::resolve::resolve(&snapshot, info.query.name(), info.query.original().name(), info.query.query_type(), self.is_lan(info.src.ip()));
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

/// Running DNS listeners.
pub struct DnsServer {
    addrs: Vec<SocketAddr>,
    catalog: Arc<Catalog>,
    stop: Arc<AtomicBool>,
    sockets: Vec<Arc<std::net::UdpSocket>>,
    workers: Vec<std::thread::JoinHandle<()>>,
    tcp: Vec<tokio::task::JoinHandle<()>>,
}

impl DnsServer {
    /// Binds UDP and TCP on each address (port 0 picks one port for both) and starts serving:
    /// one UDP worker thread per core and address, TCP on the runtime. Must be called inside
    /// the runtime that will run the full path.
    pub async fn start(
        catalog: Arc<Catalog>,
        metrics: Arc<Metrics>,
        addrs: &[SocketAddr],
        lan: &[ipnet::IpNet],
        backend: Arc<dyn Backend>,
    ) -> Result<Self> {
        let handler = Arc::new(Handler { catalog: catalog.clone(), metrics: metrics.clone(), lan: lan.to_vec(), backend });
        let engine = Arc::new(Engine {
            catalog: catalog.clone(),
            metrics,
            lan: lan.to_vec(),
            handler,
            runtime: tokio::runtime::Handle::current(),
            slow_slots: Arc::new(tokio::sync::Semaphore::new(super::engine::SLOW_SLOTS)),
        });
        let per_address = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let stop = Arc::new(AtomicBool::new(false));
        let (mut bound, mut all_sockets, mut workers, mut tcp) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for addr in addrs {
            let (sockets, listener) = bind_pair(*addr, per_address).await?;
            bound.push(sockets[0].local_addr()?);
            let sockets: Vec<Arc<std::net::UdpSocket>> = sockets.into_iter().map(Arc::new).collect();
            workers.extend(super::udp::start(&sockets, &engine, &stop)?);
            all_sockets.extend(sockets);
            tcp.push(tokio::spawn(super::tcp::serve(listener, engine.clone())));
        }
        Ok(Self { addrs: bound, catalog, stop, sockets: all_sockets, workers, tcp })
    }

    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Serves (and sends NOTIFY after changes) until `shutdown` resolves.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        let notifier = tokio::spawn(super::notify::run(self.catalog.clone()));
        shutdown.await;
        notifier.abort();
        for task in &self.tcp {
            task.abort();
        }
        self.stop.store(true, Ordering::Relaxed);
        self.sockets.iter().for_each(|s| super::udp::wake(s));
        let workers = self.workers;
        let _ = tokio::task::spawn_blocking(move || workers.into_iter().for_each(|w| drop(w.join()))).await;
    }
}

/// UDP sockets (`count`, sharing the port) and TCP on the same port; with port 0 the UDP
/// port is chosen first and TCP follows.
async fn bind_pair(addr: SocketAddr, count: usize) -> Result<(Vec<std::net::UdpSocket>, TcpListener)> {
    let mut last_error = None;
    for _ in 0..16 {
        let udp = match super::udp::bind(addr, count) {
            Ok(udp) => udp,
            // A port just found free was taken in between: try another.
            Err(e) if addr.port() == 0 && e.kind() == std::io::ErrorKind::AddrInUse => {
                last_error = Some(e);
                continue;
            }
            Err(e) => return Err(bind_error("UDP", addr, e)),
        };
        let port = udp[0].local_addr()?.port();
        match TcpListener::bind(SocketAddr::new(addr.ip(), port)).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(e) if addr.port() == 0 => last_error = Some(e),
            Err(e) => return Err(bind_error("TCP", addr, e)),
        }
    }
    Err(bind_error("TCP", addr, last_error.unwrap_or_else(|| std::io::Error::other("no free port"))))
}

fn bind_error(proto: &str, addr: SocketAddr, e: std::io::Error) -> Error {
    let hint = if e.kind() == std::io::ErrorKind::PermissionDenied && addr.port() < 1024 {
        " (ports below 1024 need root or CAP_NET_BIND_SERVICE; use e.g. --dns 127.0.0.1:5353)"
    } else {
        ""
    };
    Error::Config(format!("cannot listen for DNS on {proto} {addr}: {e}{hint}"))
}
