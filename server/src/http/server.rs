//! The HTTP/1.x connection loop. rouille supplies request and response types and routing;
//! this loop owns the sockets because rouille's own server (tiny_http) accepts only CRLF line
//! ends — ddclient 3.9.1 and inadyn send bare LF — and bounds neither the size of a request
//! head nor its number of headers. httparse accepts both line ends and parses into a
//! fixed-size header array. Every answer carries Content-Length; nothing is chunked.

use std::io::{self, Read as _, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rouille::{Request, Response};

use crate::admission::{self, Admission};
use crate::error::{Error, Result};

/// Largest request head (request line and headers).
pub const MAX_HEAD: usize = 8 * 1024;
/// Most headers in one request.
pub const MAX_HEADERS: usize = 64;
/// Largest request body.
pub const MAX_BODY: usize = 64 * 1024;
/// A client that sends nothing for this long is disconnected.
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
/// A request's head and body must have arrived this long after its first byte was awaited,
/// however slowly they trickle in (slow-loris bound).
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);
/// Between requests on a kept-alive connection while most slots are taken.
const CROWDED_IDLE: Duration = Duration::from_secs(1);
/// Requests served on one kept-alive connection before it is closed.
const MAX_REQUESTS_PER_CONNECTION: usize = 100;

/// What answers requests.
pub trait Handler: Send + Sync {
    fn handle(&self, request: &Request) -> Response;
    /// The answer to a request refused before its body was read (too large, or without a
    /// length); `request` has its head and no body.
    fn refuse(&self, request: &Request, error: Error) -> Response;
    /// Called when answering a request panicked (it was answered 500 and its connection closed).
    fn panicked(&self) {}
}

/// A running HTTP listener.
pub struct HttpServer {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Listens on `addr`; with `tls`, every connection speaks HTTPS.
    pub fn start(addr: SocketAddr, admission: Arc<Admission>, handler: Arc<dyn Handler>, tls: Option<Arc<rustls::ServerConfig>>) -> Result<Self> {
        let listener = TcpListener::bind(addr).map_err(|e| {
            let hint = if e.kind() == io::ErrorKind::PermissionDenied { " (use a port above 1024, e.g. --http 127.0.0.1:8080)" } else { "" };
            Error::Config(format!("cannot listen for HTTP on {addr}: {e}{hint}"))
        })?;
        let addr = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let stop = stopping.clone();
        let acceptor = std::thread::Builder::new().name("http-accept".into()).spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::Acquire) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let Ok(peer) = stream.peer_addr() else { continue };
                let slot = match admission.admit(peer.ip()) {
                    Ok(slot) => slot,
                    Err(refusal) => {
                        let _ = reject_busy(stream, refusal);
                        continue;
                    }
                };
                let (handler, tls, admission) = (handler.clone(), tls.clone(), admission.clone());
                // A thread that cannot be made drops the slot and the connection with it.
                let _ = std::thread::Builder::new().name("http-conn".into()).stack_size(512 * 1024).spawn(move || {
                    if let Err(error) = serve_socket(stream, peer, handler.as_ref(), tls, admission) {
                        tracing::trace!(%peer, %error, "connection ended");
                    }
                    drop(slot);
                });
            }
        })?;
        Ok(Self { addr, stopping, acceptor: Some(acceptor) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting; connections in progress finish on their own.
    pub fn stop(&mut self) {
        self.stopping.store(true, Ordering::Release);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Answers a connection that got no slot, from the acceptor, without waiting on the client.
fn reject_busy(stream: TcpStream, refusal: admission::Refusal) -> io::Result<()> {
    stream.set_nonblocking(true)?;
    let answer: &[u8] = match refusal {
        admission::Refusal::Full => b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
        admission::Refusal::TooManyFromAddress => b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n",
    };
    (&stream).write(answer).map(drop)
}

/// The socket with a deadline for the request being read: its head and body must arrive
/// within `REQUEST_DEADLINE` of when it was awaited (`CROWDED_IDLE` while most slots are
/// taken), so a client trickling a byte at a time cannot hold its connection for long.
struct Timed {
    stream: TcpStream,
    awaited_since: std::rc::Rc<std::cell::Cell<Instant>>,
    admission: Arc<Admission>,
}

impl io::Read for Timed {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let allowed = if self.admission.crowded() { CROWDED_IDLE } else { REQUEST_DEADLINE };
        let left = (self.awaited_since.get() + allowed).saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left.min(IDLE_TIMEOUT)))?;
        self.stream.read(buf)
    }
}

impl Write for Timed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// One request head, owned.
pub(super) struct Head {
    pub(super) method: String,
    pub(super) target: String,
    minor_version: u8,
    pub(super) headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn wants_close(&self) -> bool {
        let connection = self.header("connection").unwrap_or("").to_ascii_lowercase();
        connection.contains("close") || (self.minor_version == 0 && !connection.contains("keep-alive"))
    }
}

/// Serves one accepted socket, in TLS when configured.
fn serve_socket(stream: TcpStream, peer: SocketAddr, handler: &dyn Handler, tls: Option<Arc<rustls::ServerConfig>>, admission: Arc<Admission>) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_write_timeout(Some(IDLE_TIMEOUT))?;
    stream.set_nodelay(true)?;
    let awaited_since = std::rc::Rc::new(std::cell::Cell::new(Instant::now()));
    let stream = Timed { stream, awaited_since: awaited_since.clone(), admission };
    let Some(tls) = tls else { return serve_connection(stream, peer, handler, false, &awaited_since) };
    let connection = rustls::ServerConnection::new(tls).map_err(io::Error::other)?;
    let mut stream = rustls::StreamOwned::new(connection, stream);
    let result = serve_connection(&mut stream, peer, handler, true, &awaited_since);
    stream.conn.send_close_notify();
    let _ = stream.flush();
    result
}

pub(super) fn serve_connection<S: io::Read + Write>(
    mut stream: S,
    peer: SocketAddr,
    handler: &dyn Handler,
    https: bool,
    awaited_since: &std::cell::Cell<Instant>,
) -> io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(2048);
    for served in 1..=MAX_REQUESTS_PER_CONNECTION {
        // The TLS handshake and the first request share the first deadline; each later
        // request gets its own.
        if served > 1 {
            awaited_since.set(Instant::now());
        }
        let (head, head_len) = match read_head(&mut stream, &mut buf)? {
            Parsed::Head(head, len) => (head, len),
            Parsed::Closed => return Ok(()),
            Parsed::Reject(status, reason) => return write_plain(&mut stream, status, reason),
        };
        buf.drain(..head_len);
        let is_head = head.method == "HEAD";
        let request = |body: Vec<u8>| {
            let method = if is_head { "GET".to_string() } else { head.method.clone() };
            if https {
                Request::fake_https_from(peer, method, head.target.clone(), head.headers.clone(), body)
            } else {
                Request::fake_http_from(peer, method, head.target.clone(), head.headers.clone(), body)
            }
        };
        let length = match body_length(&head) {
            Ok(length) => length,
            Err(Refusal::BadLength) => return write_plain(&mut stream, 400, "bad Content-Length"),
            Err(Refusal::Unread(error)) => {
                // The body is never read, so the connection cannot carry another request.
                let response = handler.refuse(&request(Vec::new()), error);
                return write_response(&mut stream, response, is_head, true);
            }
        };
        if length > buf.len() && head.header("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
            stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        }
        while buf.len() < length {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body: Vec<u8> = buf.drain(..length).collect();
        // The last request a connection may carry is told so, and the client reconnects.
        let close = head.wants_close() || served == MAX_REQUESTS_PER_CONNECTION;
        let request = request(body);
        // A panic answers this request 500 and ends its connection; nothing else notices.
        let Ok(response) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler.handle(&request))) else {
            handler.panicked();
            return write_plain(&mut stream, 500, "internal error");
        };
        write_response(&mut stream, response, is_head, close)?;
        if close {
            return Ok(());
        }
    }
    Ok(())
}

pub(super) enum Parsed {
    Head(Head, usize),
    Closed,
    Reject(u16, &'static str),
}

fn read_head(stream: &mut impl io::Read, buf: &mut Vec<u8>) -> io::Result<Parsed> {
    loop {
        // Tolerate blank lines before a request (RFC 9112 §2.2).
        let blank = buf.iter().take_while(|b| **b == b'\r' || **b == b'\n').count();
        buf.drain(..blank);
        if !buf.is_empty()
            && let Some(parsed) = parse_head(buf)
        {
            return Ok(parsed);
        }
        let mut chunk = [0u8; 2048];
        let n = match stream.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => return Ok(Parsed::Closed),
            Err(e) => return Err(e),
        };
        if n == 0 {
            return Ok(Parsed::Closed);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// What `buf`, starting at a request line, makes of a request head: the head and its
/// length, a refusal, or None while more bytes are needed.
pub(super) fn parse_head(buf: &[u8]) -> Option<Parsed> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(buf) {
        // A head read in chunks can complete past the limit in its last chunk.
        Ok(httparse::Status::Complete(len)) if len > MAX_HEAD => Some(Parsed::Reject(431, "request head too large")),
        Ok(httparse::Status::Complete(len)) => {
            let head = Head {
                method: request.method.unwrap_or("GET").to_string(),
                target: request.path.unwrap_or("/").to_string(),
                minor_version: request.version.unwrap_or(1),
                headers: request
                    .headers
                    .iter()
                    .map(|h| (h.name.to_string(), String::from_utf8_lossy(h.value).trim().to_string()))
                    .collect(),
            };
            Some(Parsed::Head(head, len))
        }
        Ok(httparse::Status::Partial) if buf.len() >= MAX_HEAD => Some(Parsed::Reject(431, "request head too large")),
        Ok(httparse::Status::Partial) => None,
        Err(httparse::Error::TooManyHeaders) => Some(Parsed::Reject(431, "too many headers")),
        Err(_) => Some(Parsed::Reject(400, "malformed request")),
    }
}

/// Why a request's body is not read.
pub(super) enum Refusal {
    /// Content-Length is not a number: answered 400 before any handler sees the request.
    BadLength,
    /// Chunked, or longer than [`MAX_BODY`]: the handler answers, in its API's shape.
    Unread(Error),
}

/// The length of the body that follows `head` (0 when it names none).
pub(super) fn body_length(head: &Head) -> std::result::Result<usize, Refusal> {
    if head.header("transfer-encoding").is_some() {
        return Err(Refusal::Unread(Error::LengthRequired));
    }
    match head.header("content-length").map(|v| v.trim().parse::<usize>()) {
        Some(Ok(n)) if n > MAX_BODY => Err(Refusal::Unread(Error::TooLarge { max: MAX_BODY })),
        Some(Ok(n)) => Ok(n),
        Some(Err(_)) => Err(Refusal::BadLength),
        None => Ok(0),
    }
}

fn write_plain(stream: &mut impl Write, status: u16, reason: &'static str) -> io::Result<()> {
    let response = Response::text(reason).with_status_code(status);
    write_response(stream, response, false, true)
}

fn write_response(stream: &mut impl Write, response: Response, is_head: bool, close: bool) -> io::Result<()> {
    let (mut reader, _) = response.data.into_reader_and_size();
    let mut body = Vec::new();
    reader.read_to_end(&mut body)?;
    let mut out = Vec::with_capacity(256 + body.len());
    write!(out, "HTTP/1.1 {} {}\r\n", response.status_code, reason(response.status_code))?;
    for (name, value) in &response.headers {
        let skip = ["content-length", "connection", "transfer-encoding"].iter().any(|h| name.eq_ignore_ascii_case(h));
        if !skip {
            write!(out, "{name}: {value}\r\n")?;
        }
    }
    write!(out, "Content-Length: {}\r\nConnection: {}\r\n\r\n", body.len(), if close { "close" } else { "keep-alive" })?;
    if !is_head {
        out.extend_from_slice(&body);
    }
    stream.write_all(&out)?;
    stream.flush()
}

/// The standard reason phrase of a status (RFC 9110 §15).
fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_the_appliance_sends_has_its_standard_reason() {
        for status in [200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 411, 413, 422, 429, 431, 500, 503] {
            assert_ne!(reason(status), "Unknown", "{status}");
        }
        assert_eq!(reason(202), "Accepted");
        assert_eq!(reason(409), "Conflict");
    }

    #[test]
    fn a_head_over_the_limit_is_refused_even_when_it_arrives_whole() {
        let head = |filler: usize| format!("GET / HTTP/1.1\r\nCookie: {}\r\n\r\n", "a".repeat(filler)).into_bytes();
        let just_under = head(MAX_HEAD - 32);
        assert!(just_under.len() <= MAX_HEAD);
        assert!(matches!(parse_head(&just_under), Some(Parsed::Head(_, len)) if len == just_under.len()));
        let over = head(MAX_HEAD + 800);
        assert!(matches!(parse_head(&over), Some(Parsed::Reject(431, _))));
        // As the connection loop reads it, 2 KiB at a time: refused, never handed on.
        let mut buf = Vec::new();
        let mut client = io::Cursor::new(over);
        assert!(matches!(read_head(&mut client, &mut buf), Ok(Parsed::Reject(431, _))));
    }
}
