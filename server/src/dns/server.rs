//! DNS listeners: hickory-server owns the sockets and the wire format (UDP and TCP on every
//! configured address); answers come from the catalog's snapshot, never from SQLite.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::op::{Edns, Metadata, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::DNSClass;
use hickory_server::net::runtime::Time;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;
use hickory_server::Server;
use tokio::net::{TcpListener, UdpSocket};

use super::catalog::Catalog;
use crate::error::{Error, Result};
use crate::metrics::Metrics;

/// The EDNS payload size we advertise and honour (the DNS Flag Day 2020 value).
const EDNS_PAYLOAD: u16 = 1232;
/// Idle TCP connections are closed after this.
const TCP_TIMEOUT: Duration = Duration::from_secs(10);

struct Handler {
    catalog: Arc<Catalog>,
    metrics: Arc<Metrics>,
    /// Clients in these subnets get hosts' LAN addresses (split horizon).
    lan: Vec<ipnet::IpNet>,
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
    async fn handle_request<R: ResponseHandler, T: Time>(&self, request: &Request, mut response: R) -> ResponseInfo {
        let builder = MessageResponseBuilder::from_message_request(request);
        let mut edns = Edns::new();
        edns.set_max_payload(EDNS_PAYLOAD);
        let mut builder = builder;
        if request.edns.is_some() {
            builder.edns(&edns);
        }
        let mut metadata = Metadata::response_from_request(&request.metadata);
        metadata.recursion_available = false;

        let base = metadata;
        let refuse = move |code: ResponseCode| {
            let mut m = base;
            m.response_code = code;
            m
        };
        let result = if request.metadata.message_type != MessageType::Query {
            return ResponseInfo::from(hickory_proto::op::Header { metadata: refuse(ResponseCode::FormErr), counts: Default::default() });
        } else if request.metadata.op_code != OpCode::Query {
            response.send_response(builder.build_no_records(refuse(ResponseCode::NotImp))).await
        } else {
            match request.request_info() {
                Err(_) => response.send_response(builder.build_no_records(refuse(ResponseCode::FormErr))).await,
                Ok(info) if info.query.query_class() != DNSClass::IN => {
                    response.send_response(builder.build_no_records(refuse(ResponseCode::Refused))).await
                }
                Ok(info) => {
                    let snapshot = self.catalog.snapshot();
                    let answer = snapshot.resolve(info.query.name(), info.query.original().name(), info.query.query_type(), self.is_lan(info.src.ip()));
                    metadata.response_code = answer.rcode;
                    metadata.authoritative = answer.authoritative;
                    let message = builder.build(metadata, answer.answers.iter(), answer.authority.iter(), std::iter::empty(), std::iter::empty());
                    response.send_response(message).await
                }
            }
        };
        let info = result.unwrap_or_else(|error| {
            tracing::debug!(%error, "could not send DNS response");
            ResponseInfo::from(hickory_proto::op::Header { metadata: refuse(ResponseCode::ServFail), counts: Default::default() })
        });
        self.metrics.dns_answer(rcode_index(info.response_code));
        info
    }
}

/// Running DNS listeners.
pub struct DnsServer {
    server: Server<Handler>,
    addrs: Vec<SocketAddr>,
}

impl DnsServer {
    /// Binds UDP and TCP on each address (port 0 picks one port for both) and starts serving.
    /// Must be called inside the runtime that will drive the sockets.
    pub async fn start(catalog: Arc<Catalog>, metrics: Arc<Metrics>, addrs: &[SocketAddr], lan: &[ipnet::IpNet]) -> Result<Self> {
        let mut server = Server::new(Handler { catalog, metrics, lan: lan.to_vec() });
        let mut bound = Vec::new();
        for addr in addrs {
            let (udp, tcp) = bind_pair(*addr).await?;
            bound.push(udp.local_addr()?);
            server.register_socket(udp);
            server.register_listener(tcp, TCP_TIMEOUT, 65_535);
        }
        Ok(Self { server, addrs: bound })
    }

    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Serves until `shutdown` resolves.
    pub async fn run(mut self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::select! {
            result = self.server.block_until_done() => {
                if let Err(error) = result { tracing::error!(%error, "DNS server stopped"); }
            }
            () = shutdown => {
                let _ = self.server.shutdown_gracefully().await;
            }
        }
    }
}

/// UDP and TCP on the same port; with port 0 the UDP port is chosen first and TCP follows.
async fn bind_pair(addr: SocketAddr) -> Result<(UdpSocket, TcpListener)> {
    let mut last_error = None;
    for _ in 0..16 {
        let udp = UdpSocket::bind(addr).await.map_err(|e| bind_error("UDP", addr, e))?;
        let port = udp.local_addr()?.port();
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
