//! DNS listeners: on every configured address, UDP (one worker thread per core, `udp`) and
//! TCP (`tcp`) on the same port. Both answer plain queries from the pre-encoded zone view
//! (`fast`) and hand everything else to the full path (`full`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::TcpListener;

use super::Backend;
use super::catalog::Catalog;
use super::engine::Engine;
use super::full::Handler;
use crate::error::{Error, Result};
use crate::metrics::Metrics;

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
        limits: super::rrl::Settings,
        tcp_per_address: usize,
        backend: Arc<dyn Backend>,
    ) -> Result<Self> {
        let handler = Arc::new(Handler { catalog: catalog.clone(), metrics: metrics.clone(), lan: lan.to_vec(), backend, cookie_secret: [rand::random(), rand::random()] });
        let engine = Arc::new(Engine {
            catalog: catalog.clone(),
            metrics,
            handler,
            runtime: tokio::runtime::Handle::current(),
            slow_slots: Arc::new(tokio::sync::Semaphore::new(super::engine::SLOW_SLOTS)),
            rrl: super::rrl::Limiter::new(limits),
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
            tcp.push(tokio::spawn(super::tcp::serve(listener, engine.clone(), tcp_per_address)));
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
