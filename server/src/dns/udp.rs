//! UDP: one socket per worker thread on the same address (`SO_REUSEPORT`, so the kernel
//! spreads clients over them), each receiving and sending in batches (`recvmmsg`,
//! `sendmmsg`). Plain queries are answered on the spot from the zone view; everything else
//! goes to the full path on the async runtime, which sends its answer itself.

use std::io::{IoSlice, IoSliceMut};
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use hickory_server::net::xfer::Protocol;
use nix::sys::socket::{MsgFlags, MultiHeaders, SockaddrStorage, recvmmsg, sendmmsg};
use socket2::{Domain, Socket, Type};

use super::engine::Engine;
use super::fast::EDNS_PAYLOAD;

/// Datagrams received (and answers sent) per system call at most.
const BATCH: usize = 32;
/// Largest request read; a bigger datagram is cut and then not a plain query.
const MAX_REQUEST: usize = 4096;
/// Socket buffers asked for, each way.
const SOCKET_BUFFER: usize = 1 << 20;
/// How often an idle worker looks whether it is to stop.
const POLL: Duration = Duration::from_millis(200);

/// Binds `count` sockets on `addr`. Port 0 is first resolved to a free port by a plain
/// socket: a socket that asks for port 0 with `SO_REUSEPORT` set may be given a port another
/// such group of the same user already holds, and would share its traffic.
pub fn bind(addr: SocketAddr, count: usize) -> std::io::Result<Vec<UdpSocket>> {
    let mut sockets = Vec::with_capacity(count);
    let at = match addr.port() {
        0 => UdpSocket::bind(addr)?.local_addr()?,
        _ => addr,
    };
    for _ in 0..count.max(1) {
        let socket = Socket::new(Domain::for_address(at), Type::DGRAM, None)?;
        if at.is_ipv6() {
            socket.set_only_v6(true)?;
        }
        socket.set_reuse_port(true)?;
        // Room for bursts while a worker waits for the CPU (the kernel caps it at rmem_max).
        let _ = socket.set_recv_buffer_size(SOCKET_BUFFER);
        let _ = socket.set_send_buffer_size(SOCKET_BUFFER);
        socket.bind(&at.into())?;
        socket.set_read_timeout(Some(POLL))?;
        sockets.push(socket.into());
    }
    Ok(sockets)
}

/// Starts one worker per socket; they run until `stop` is set (and [`wake`] hurries them).
pub fn start(sockets: &[Arc<UdpSocket>], engine: &Arc<Engine>, stop: &Arc<AtomicBool>) -> std::io::Result<Vec<JoinHandle<()>>> {
    sockets
        .iter()
        .enumerate()
        .map(|(i, socket)| {
            let (socket, engine, stop) = (socket.clone(), engine.clone(), stop.clone());
            std::thread::Builder::new().name(format!("dns-udp-{i}")).spawn(move || Worker::new(socket, engine).run(&stop))
        })
        .collect()
}

/// Ends a worker's wait for datagrams at once (it then sees that it is to stop): a socket
/// shut down for reading wakes its readers, even unconnected (Linux).
pub fn wake(socket: &UdpSocket) {
    let _ = nix::sys::socket::shutdown(socket.as_raw_fd(), nix::sys::socket::Shutdown::Read);
}

struct Worker {
    socket: Arc<UdpSocket>,
    engine: Arc<Engine>,
    requests: Box<[[u8; MAX_REQUEST]; BATCH]>,
    responses: Box<[[u8; EDNS_PAYLOAD as usize]; BATCH]>,
    /// The batch received: request lengths and senders.
    received: [(usize, Option<SocketAddr>); BATCH],
    received_count: usize,
    /// The answers ready: lengths and receivers.
    lengths: [usize; BATCH],
    receivers: [Option<SockaddrStorage>; BATCH],
}

impl Worker {
    fn new(socket: Arc<UdpSocket>, engine: Arc<Engine>) -> Self {
        Self {
            socket,
            engine,
            requests: Box::new([[0; MAX_REQUEST]; BATCH]),
            responses: Box::new([[0; EDNS_PAYLOAD as usize]; BATCH]),
            received: [(0, None); BATCH],
            received_count: 0,
            lengths: [0; BATCH],
            receivers: [None; BATCH],
        }
    }

    fn run(mut self, stop: &AtomicBool) {
        let mut receive = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
        let mut send = MultiHeaders::<SockaddrStorage>::preallocate(BATCH, None);
        while !stop.load(Ordering::Relaxed) {
            if let Err(error) = self.receive(&mut receive) {
                if !matches!(error, nix::errno::Errno::EAGAIN | nix::errno::Errno::EINTR) {
                    tracing::warn!(%error, "DNS over UDP: receive failed");
                    std::thread::sleep(POLL);
                }
                continue;
            }
            self.answer_batch(&mut send);
        }
    }

    /// Waits for at least one datagram, and takes as many as are there (up to a batch).
    fn receive(&mut self, headers: &mut MultiHeaders<SockaddrStorage>) -> nix::Result<()> {
        self.received_count = 0;
        let mut slices = self.requests.each_mut().map(|b| [IoSliceMut::new(b)]);
        let results = recvmmsg(self.socket.as_raw_fd(), headers, slices.iter_mut(), MsgFlags::MSG_WAITFORONE, None)?;
        for (slot, message) in self.received.iter_mut().zip(results) {
            *slot = (message.bytes, message.address.and_then(|a| socket_addr(&a)));
            self.received_count += 1;
        }
        Ok(())
    }

    /// Answers the batch: plain queries here (sent together), the rest on the full path.
    fn answer_batch(&mut self, headers: &mut MultiHeaders<SockaddrStorage>) {
        let view = self.engine.catalog.view();
        let mut counts = [0u64; super::engine::RCODES];
        let mut ready = 0;
        for i in 0..self.received_count {
            let (len, src) = self.received[i];
            // No answer to nobody: port 0 or an unknown sender (reflection).
            let Some(src) = src.filter(|s| s.port() != 0) else { continue };
            let packet = &self.requests[i][..len.min(MAX_REQUEST)];
            let Ok(answered) = self.engine.fast_answer(&view, packet, src.ip(), &mut self.responses[ready], true) else { continue };
            match answered {
                Some(n) => {
                    let Some(n) = self.engine.limit(src.ip(), &mut self.responses[ready], n) else { continue };
                    counts[super::engine::rcode_of(&self.responses[ready][..n])] += 1;
                    self.lengths[ready] = n;
                    self.receivers[ready] = Some(SockaddrStorage::from(src));
                    ready += 1;
                }
                None => self.engine.slow(packet.to_vec(), src, Protocol::Udp, self.socket.clone()),
            }
        }
        self.engine.count(&counts);
        if ready == 0 {
            return;
        }
        let lengths = self.lengths;
        let slices: [[IoSlice<'_>; 1]; BATCH] = std::array::from_fn(|i| [IoSlice::new(&self.responses[i][..lengths[i].min(EDNS_PAYLOAD as usize)])]);
        // A send may stop early (an error on one datagram): the rest is tried again, a little.
        let mut sent = 0;
        for _ in 0..3 {
            match sendmmsg(self.socket.as_raw_fd(), headers, slices[sent..ready].iter(), &self.receivers[sent..ready], [], MsgFlags::empty()) {
                Ok(results) => sent += results.count().max(1),
                Err(error) => {
                    tracing::debug!(%error, "DNS over UDP: send failed");
                    sent += 1;
                }
            }
            if sent >= ready {
                break;
            }
        }
    }
}

fn socket_addr(address: &SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = address.as_sockaddr_in() {
        return Some(SocketAddr::from((v4.ip(), v4.port())));
    }
    address.as_sockaddr_in6().map(|v6| SocketAddr::from((v6.ip(), v6.port())))
}
