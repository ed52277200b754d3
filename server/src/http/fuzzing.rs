//! HTTP as the fuzzer drives it (`server/fuzz`): any bytes as what a client sends on one
//! connection, and any request as each dialect reads it before the domain is called. A
//! violated invariant panics.

use std::io;
use std::net::SocketAddr;

use rouille::{Request, Response};

use super::call::Call;
use super::groups::{self, Group};
use super::request::{self, Form};
use super::server::{self, MAX_BODY, MAX_HEAD, MAX_HEADERS, Parsed};
use crate::error::{Error, Result};

/// What a client on one connection gets: the head of what it sends is read on its own (the
/// pure reader), then the whole of it goes through the connection loop, whose handler checks
/// every request it is given.
pub fn connection(bytes: &[u8]) {
    let start = bytes.iter().take_while(|b| **b == b'\r' || **b == b'\n').count();
    if let Some(Parsed::Head(head, len)) = server::parse_head(&bytes[start..]) {
        assert!(len <= MAX_HEAD, "a head of {len} bytes was accepted");
        assert!(head.headers.len() <= MAX_HEADERS);
        if let Ok(length) = server::body_length(&head) {
            assert!(length <= MAX_BODY, "a body of {length} bytes would be read");
        }
    }
    let mut wire = Wire { input: bytes, output: Vec::new() };
    let peer = SocketAddr::from(([192, 0, 2, 1], 40_000));
    let _ = server::serve_connection(&mut wire, peer, &Checker, false, &std::cell::Cell::new(std::time::Instant::now()));
    assert!(wire.output.is_empty() || wire.output.starts_with(b"HTTP/1.1 "), "every answer is a status line first");
}

/// The client's side of a connection: it sends `input`, then closes.
struct Wire<'a> {
    input: &'a [u8],
    output: Vec<u8>,
}

impl io::Read for Wire<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        io::Read::read(&mut self.input, buf)
    }
}

impl io::Write for Wire<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.output.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A handler that checks what the loop hands it.
struct Checker;

impl server::Handler for Checker {
    fn handle(&self, request: &Request) -> Response {
        let mut body = Vec::new();
        if let Some(mut data) = request.data() {
            let _ = io::Read::read_to_end(&mut data, &mut body);
        }
        assert!(body.len() <= MAX_BODY, "a body of {} bytes was read", body.len());
        assert!(request.headers().count() <= MAX_HEADERS);
        Response::text("ok")
    }

    fn refuse(&self, request: &Request, error: Error) -> Response {
        assert!(matches!(error, Error::LengthRequired | Error::TooLarge { .. }), "{error}");
        assert!(request.headers().count() <= MAX_HEADERS);
        Response::text("refused").with_status_code(413)
    }
}

/// The dialects, in the order the first byte of a [`dialect`] input picks them.
const DIALECTS: [(u8, &Group); 8] = [
    (b'd', &groups::DYNDNS2),
    (b'k', &groups::DUCKDNS),
    (b'v', &groups::IPV64),
    (b'h', &groups::HOSTUP),
    (b'r', &groups::HTTPREQ),
    (b'a', &groups::ACMEDNS_UPDATE),
    (b'p', &groups::POCKETDNS),
    (b'i', &groups::IPDOCK_UPDATE),
];

/// One request read by one dialect, up to the domain call. The input is a dialect letter
/// (`d`yndns2, duc`k`dns, ip`v`64, `h`ostup, httpreq (`r`), `a`cme-dns, `p`ocketdns,
/// `i`pdock; any other byte picks by its value), a method letter (`G`, `P`, `D`, `A` for
/// PATCH), then text: the request target on the first line, header lines, a blank line and
/// the body. A dialect may refuse the request, but only as a client error rendered in its
/// own shape.
pub fn dialect(bytes: &[u8]) {
    let [which, method, rest @ ..] = bytes else { return };
    let index = DIALECTS.iter().position(|(letter, _)| letter == which).unwrap_or(usize::from(*which) % DIALECTS.len());
    let (letter, group) = DIALECTS[index];
    let method = match method {
        b'G' => "GET",
        b'P' => "POST",
        b'D' => "DELETE",
        b'A' => "PATCH",
        other => ["GET", "POST", "DELETE", "PATCH"][usize::from(*other) % 4],
    };
    let text = String::from_utf8_lossy(rest);
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let target = lines.next().unwrap_or("/").to_string();
    let headers: Vec<(String, String)> = lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let from = SocketAddr::from(([127, 0, 0, 1], 40_000));
    let request = Request::fake_http_from(from, method.to_string(), target, headers, body.as_bytes().to_vec());
    // Forwarded headers count: the peer is a trusted proxy.
    let trusted = ["127.0.0.0/8".parse().unwrap_or_else(|_| unreachable!("a valid network"))];
    let source = request::client_ip(&request, &trusted);
    let mut call = Call { request: &request, source, credentials: Default::default(), params: path_params(letter, request.url()), caller: None, body: Default::default() };
    call.credentials = (group.credentials)(&call);
    let _ = request::named_hosts(&call);
    for error in read(letter, &call).into_iter().filter_map(Result::err) {
        let answer = (group.render)(&error, &request.url());
        assert!((400..500).contains(&answer.status_code) || answer.status_code == 200, "{error} became {}", answer.status_code);
    }
}

/// What the route table's patterns would take from the path.
fn path_params(dialect: u8, path: String) -> Vec<(&'static str, String)> {
    let segments: Vec<String> = path.trim_matches('/').split('/').map(str::to_string).collect();
    let names: &[&'static str] = match dialect {
        b'k' => &["", "domains", "token", "ip"],
        b'h' => &["", "", "", "zone", "", "id"],
        _ => &[],
    };
    names.iter().zip(segments).filter(|(name, _)| !name.is_empty()).map(|(name, value)| (*name, value)).collect()
}

/// The dialect's readings of `call` (one per endpoint that reads input): everything it
/// decides before the domain is called.
fn read(dialect: u8, call: &Call<'_>) -> Vec<Result<()>> {
    match dialect {
        b'd' => vec![super::dyndns2::read(call).map(drop)],
        b'k' => vec![super::duckdns::read(call).map(drop)],
        b'v' => vec![Form::read(call).and_then(|form| super::ipv64::verb(call, &form)).map(drop)],
        b'h' => vec![super::hostup::new_updater(call).map(drop), super::hostup::enabled(call).map(drop)],
        b'r' => vec![super::httpreq::challenge(call).map(drop)],
        b'a' => vec![super::acmedns::allow_from(call).map(drop), super::acmedns::read_update(call).map(drop)],
        b'p' => vec![super::pocketdns::new_record(call).map(drop)],
        _ => vec![super::native::update::read(call).map(drop)],
    }
}
