//! Asking another DNS server: the NS set of a name (and its DS records), for checking a
//! zone's delegation. Plain UDP with one retry, falling back to TCP when the answer is truncated.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

use hickory_proto::op::{Message, Query};
use hickory_proto::rr::{Name, RData, RecordType};

use crate::error::{Error, Result};
use crate::names::DomainName;

/// A nameserver's address as another server gives it.
pub type Glue = (DomainName, std::net::IpAddr);

const TIMEOUT: Duration = Duration::from_secs(3);

/// The NS names `server` gives for `name`: in its answer, or in a referral's authority
/// section. An NXDOMAIN or no NS set is an empty list; no answer at all is an error.
pub fn ns_set(server: SocketAddr, name: &DomainName) -> Result<Vec<DomainName>> {
    Ok(delegation(server, name)?.0)
}

/// The NS names `server` gives for `name`, with the addresses it gives for those names
/// alongside (a parent's glue, in a referral's additional section).
pub fn delegation(server: SocketAddr, name: &DomainName) -> Result<(Vec<DomainName>, Vec<Glue>)> {
    let response = ask(server, name, RecordType::NS)?;
    let mut names: Vec<DomainName> = response
        .answers
        .iter()
        .chain(response.authorities.iter())
        .filter_map(|r| match &r.data {
            RData::NS(ns) if DomainName::parse(&r.name.to_ascii()).is_ok_and(|owner| owner == *name) => {
                DomainName::parse(&ns.0.to_ascii()).ok()
            }
            _ => None,
        })
        .collect();
    names.sort();
    names.dedup();
    let mut glue: Vec<Glue> = response
        .answers
        .iter()
        .chain(response.additionals.iter())
        .filter_map(|r| {
            let owner = DomainName::parse(&r.name.to_ascii()).ok().filter(|o| names.contains(o))?;
            match &r.data {
                RData::A(a) => Some((owner, std::net::IpAddr::V4(a.0))),
                RData::AAAA(a) => Some((owner, std::net::IpAddr::V6(a.0))),
                _ => None,
            }
        })
        .collect();
    glue.sort();
    glue.dedup();
    Ok((names, glue))
}

/// The DS records `server` gives for `name` (their data, as on the wire): what the parent
/// holds for a signed child. None is an empty list; no answer at all is an error.
pub fn ds_set(server: SocketAddr, name: &DomainName) -> Result<Vec<Vec<u8>>> {
    let response = ask(server, name, RecordType::DS)?;
    Ok(response
        .answers
        .iter()
        .filter(|r| r.record_type() == RecordType::DS && DomainName::parse(&r.name.to_ascii()).is_ok_and(|owner| owner == *name))
        .filter_map(|r| {
            let mut bytes = Vec::new();
            let mut encoder = hickory_proto::serialize::binary::BinEncoder::new(&mut bytes);
            hickory_proto::serialize::binary::BinEncodable::emit(&r.data, &mut encoder).ok()?;
            Some(bytes)
        })
        .collect())
}

fn ask(server: SocketAddr, name: &DomainName, rtype: RecordType) -> Result<Message> {
    let unreachable = |e: &dyn std::fmt::Display| Error::Invalid(format!("The DNS server {server} did not answer: {e}"));
    let mut query = Message::query();
    query.metadata.id = rand::random();
    query.metadata.recursion_desired = true;
    let qname = Name::from_ascii(format!("{name}.")).map_err(|e| Error::Invalid(e.to_string()))?;
    query.add_query(Query::query(qname, rtype));
    let bytes = query.to_vec().map_err(|e| Error::Invalid(e.to_string()))?;

    let bind: SocketAddr = if server.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().map_err(|_| unreachable(&"bad address"))?;
    let socket = UdpSocket::bind(bind)?;
    socket.set_read_timeout(Some(TIMEOUT))?;
    socket.connect(server)?;
    let mut buf = [0u8; 4096];
    let mut last_error = None;
    for _ in 0..2 {
        socket.send(&bytes)?;
        match socket.recv(&mut buf) {
            Ok(n) => {
                let response = Message::from_vec(&buf[..n]).map_err(|e| unreachable(&e))?;
                if response.metadata.id != query.metadata.id {
                    continue;
                }
                if !response.metadata.truncation {
                    return Ok(response);
                }
                return ask_tcp(server, &bytes).map_err(|e| unreachable(&e));
            }
            Err(e) => last_error = Some(e),
        }
    }
    Err(unreachable(&last_error.map_or_else(|| "no answer".to_string(), |e| e.to_string())))
}

fn ask_tcp(server: SocketAddr, query: &[u8]) -> std::io::Result<Message> {
    let mut stream = TcpStream::connect_timeout(&server, TIMEOUT)?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.write_all(&(query.len() as u16).to_be_bytes())?;
    stream.write_all(query)?;
    let mut len = [0u8; 2];
    stream.read_exact(&mut len)?;
    let mut buf = vec![0u8; u16::from_be_bytes(len) as usize];
    stream.read_exact(&mut buf)?;
    Message::from_vec(&buf).map_err(std::io::Error::other)
}

/// The first `nameserver` of /etc/resolv.conf, port 53.
pub fn system_resolver() -> Option<SocketAddr> {
    let text = std::fs::read_to_string("/etc/resolv.conf").ok()?;
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("nameserver"))
        .find_map(|ip| ip.trim().parse::<std::net::IpAddr>().ok())
        .map(|ip| SocketAddr::new(ip, 53))
}
