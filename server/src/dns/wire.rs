//! The wire form of what the zones hold: names as length-prefixed labels (lower case, never
//! compressed), and record data as it follows TYPE, CLASS, TTL and RDLENGTH on the wire.
//! The zone view stores records in this form, so an answer is a copy, not an encoding.

use std::cmp::Ordering;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::names::DomainName;
use crate::records::{RecordData, RecordKind};

/// Longest name on the wire (RFC 1035 §3.1).
pub const MAX_NAME: usize = 255;
/// Class IN.
pub const CLASS_IN: u16 = 1;

/// Wire type codes.
/// SOA timers (seconds): refresh, retry, expire, and the negative-caching TTL.
pub const SOA_TIMERS: (u32, u32, u32, u32) = (3600, 600, 1_209_600, 60);

pub mod types {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const PTR: u16 = 12;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const AAAA: u16 = 28;
    pub const SRV: u16 = 33;
    pub const DS: u16 = 43;
    pub const OPT: u16 = 41;
    pub const CAA: u16 = 257;
}

/// A name in wire form, lower case: `www.example.com` → `\x03www\x07example\x03com\x00`.
pub fn name(name: &DomainName) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.as_str().len() + 2);
    push_name(&mut out, name);
    out
}

fn push_name(out: &mut Vec<u8>, name: &DomainName) {
    for label in name.as_str().split('.') {
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
}

/// The name a wire name spells (None when it is not one this appliance could have stored).
pub fn domain_name(wire: &[u8]) -> Option<DomainName> {
    DomainName::parse(&text(wire)?).ok()
}

/// A wire name as dotted text without the final dot (`""` for the root).
pub fn text(wire: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(wire.len());
    let mut rest = wire;
    loop {
        let (&len, tail) = rest.split_first()?;
        if len == 0 {
            return Some(out);
        }
        let label = tail.get(..len as usize)?;
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(std::str::from_utf8(label).ok()?);
        rest = &tail[len as usize..];
    }
}

/// A hickory name's lower-case wire form.
pub fn lower_wire(name: &hickory_proto::rr::LowerName) -> Vec<u8> {
    let mut name = hickory_proto::rr::Name::from(name);
    name.set_fqdn(true);
    hickory_proto::serialize::binary::BinEncodable::to_bytes(&name.to_lowercase()).unwrap_or_else(|_| vec![0])
}

/// The name one label up (the root stays the root).
pub fn parent(wire: &[u8]) -> &[u8] {
    match wire.first() {
        Some(&len) if len > 0 => wire.get(1 + len as usize..).unwrap_or(&[0]),
        _ => wire,
    }
}

/// How many labels a name has (the root has none).
pub fn label_count(wire: &[u8]) -> usize {
    let mut count = 0;
    let mut rest = wire;
    while let Some(&len) = rest.first() {
        if len == 0 {
            break;
        }
        count += 1;
        rest = rest.get(1 + len as usize..).unwrap_or(&[]);
    }
    count
}

/// Whether `name` is `zone` or lies below it (both lower case).
pub fn is_within(name: &[u8], zone: &[u8]) -> bool {
    name.len() >= zone.len() && name.ends_with(zone) && {
        // The match must start at a label boundary.
        let mut at = 0;
        let start = name.len() - zone.len();
        while at < start {
            at += 1 + name[at] as usize;
        }
        at == start
    }
}

/// DNSSEC canonical order (RFC 4034 §6.1): labels compared from the right, bytewise.
pub fn canonical_cmp(a: &[u8], b: &[u8]) -> Ordering {
    fn labels(wire: &[u8]) -> Vec<&[u8]> {
        let mut list: Vec<&[u8]> = Vec::new();
        let mut rest = wire;
        while let Some((&len, tail)) = rest.split_first() {
            if len == 0 || tail.len() < len as usize {
                break;
            }
            list.push(&tail[..len as usize]);
            rest = &tail[len as usize..];
        }
        list
    }
    labels(a).iter().rev().cmp(labels(b).iter().rev())
}

/// The wire type of a record kind (LAN addresses are addresses).
pub fn type_code(kind: RecordKind) -> u16 {
    match kind {
        RecordKind::A | RecordKind::LanA => types::A,
        RecordKind::Aaaa | RecordKind::LanAaaa => types::AAAA,
        RecordKind::Cname => types::CNAME,
        RecordKind::Txt => types::TXT,
        RecordKind::Mx => types::MX,
        RecordKind::Srv => types::SRV,
        RecordKind::Caa => types::CAA,
        RecordKind::Ns => types::NS,
        RecordKind::Ptr => types::PTR,
    }
}

/// The kind a query type asks for, if it is one the zones hold.
pub fn kind_of(code: u16) -> Option<RecordKind> {
    Some(match code {
        types::A => RecordKind::A,
        types::AAAA => RecordKind::Aaaa,
        types::CNAME => RecordKind::Cname,
        types::TXT => RecordKind::Txt,
        types::MX => RecordKind::Mx,
        types::SRV => RecordKind::Srv,
        types::CAA => RecordKind::Caa,
        types::NS => RecordKind::Ns,
        types::PTR => RecordKind::Ptr,
        _ => return None,
    })
}

/// One record's data in wire form (names uncompressed, so it can be copied anywhere).
pub fn rdata(data: &RecordData) -> Vec<u8> {
    let mut out = Vec::new();
    match data {
        RecordData::A(a) | RecordData::LanA(a) => out.extend_from_slice(&a.octets()),
        RecordData::Aaaa(a) | RecordData::LanAaaa(a) => out.extend_from_slice(&a.octets()),
        RecordData::Cname(n) | RecordData::Ns(n) | RecordData::Ptr(n) => push_name(&mut out, n),
        RecordData::Txt(text) => {
            for part in split_txt(text) {
                out.push(part.len() as u8);
                out.extend_from_slice(part.as_bytes());
            }
        }
        RecordData::Mx { preference, exchange } => {
            out.extend_from_slice(&preference.to_be_bytes());
            push_name(&mut out, exchange);
        }
        RecordData::Srv { priority, weight, port, target } => {
            for n in [priority, weight, port] {
                out.extend_from_slice(&n.to_be_bytes());
            }
            push_name(&mut out, target);
        }
        RecordData::Caa { critical, tag, value } => {
            out.push(if *critical { 0x80 } else { 0 });
            out.push(tag.len() as u8);
            out.extend_from_slice(tag.as_bytes());
            out.extend_from_slice(value.as_bytes());
        }
    }
    out
}

/// Record data back from its wire form (what [`rdata`] wrote), as `kind`.
pub fn record_data(kind: RecordKind, wire: &[u8]) -> Option<RecordData> {
    let u16_at = |at: usize| wire.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    Some(match kind {
        RecordKind::A => RecordData::A(ipv4(wire)?),
        RecordKind::LanA => RecordData::LanA(ipv4(wire)?),
        RecordKind::Aaaa => RecordData::Aaaa(ipv6(wire)?),
        RecordKind::LanAaaa => RecordData::LanAaaa(ipv6(wire)?),
        RecordKind::Cname => RecordData::Cname(domain_name(wire)?),
        RecordKind::Ns => RecordData::Ns(domain_name(wire)?),
        RecordKind::Ptr => RecordData::Ptr(domain_name(wire)?),
        RecordKind::Txt => {
            let mut text = Vec::with_capacity(wire.len());
            let mut rest = wire;
            while let Some((&len, tail)) = rest.split_first() {
                text.extend_from_slice(tail.get(..len as usize)?);
                rest = &tail[len as usize..];
            }
            RecordData::Txt(String::from_utf8(text).ok()?)
        }
        RecordKind::Mx => RecordData::Mx { preference: u16_at(0)?, exchange: domain_name(wire.get(2..)?)? },
        RecordKind::Srv => {
            RecordData::Srv { priority: u16_at(0)?, weight: u16_at(2)?, port: u16_at(4)?, target: domain_name(wire.get(6..)?)? }
        }
        RecordKind::Caa => {
            let (&flags, rest) = wire.split_first()?;
            let (&len, rest) = rest.split_first()?;
            let tag = std::str::from_utf8(rest.get(..len as usize)?).ok()?.to_string();
            let value = std::str::from_utf8(&rest[len as usize..]).ok()?.to_string();
            RecordData::Caa { critical: flags & 0x80 != 0, tag, value }
        }
    })
}

fn ipv4(wire: &[u8]) -> Option<Ipv4Addr> {
    <[u8; 4]>::try_from(wire).ok().map(Ipv4Addr::from)
}

fn ipv6(wire: &[u8]) -> Option<Ipv6Addr> {
    <[u8; 16]>::try_from(wire).ok().map(Ipv6Addr::from)
}

/// Where, inside a record's data, a name another answer may be about starts: the target of
/// NS, MX and SRV (whose addresses go in the additional section), and of CNAME.
pub fn target_offset(code: u16) -> Option<usize> {
    match code {
        types::NS | types::CNAME => Some(0),
        types::MX => Some(2),
        types::SRV => Some(6),
        _ => None,
    }
}

/// TXT data travels as strings of at most 255 bytes (RFC 1035 §3.3.14); long texts such as
/// DKIM keys are split, never truncated, and never inside a UTF-8 character.
pub fn split_txt(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = text;
    while rest.len() > 255 {
        let mut cut = 255;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        parts.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    parts.push(rest);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dn(s: &str) -> DomainName {
        DomainName::parse(s).unwrap_or_else(|_| unreachable!("valid test name"))
    }

    #[test]
    fn names_round_trip_and_walk_up() {
        let wire = name(&dn("www.Example.com"));
        assert_eq!(wire, b"\x03www\x07example\x03com\x00");
        assert_eq!(text(&wire).as_deref(), Some("www.example.com"));
        assert_eq!(parent(&wire), b"\x07example\x03com\x00");
        assert_eq!(parent(b"\x00"), b"\x00");
        assert_eq!(label_count(&wire), 3);
        assert!(is_within(&wire, b"\x03com\x00"));
        assert!(is_within(&wire, &wire));
        assert!(!is_within(b"\x04xcom\x00", b"\x03com\x00"), "a suffix that is not a label boundary");
        assert_eq!(canonical_cmp(b"\x01a\x03com\x00", b"\x01b\x03com\x00"), Ordering::Less);
        assert_eq!(canonical_cmp(b"\x01b\x03com\x00", b"\x01a\x01b\x03com\x00"), Ordering::Less, "fewer labels first when the rest is equal");
        assert_eq!(canonical_cmp(b"\x01z\x03com\x00", b"\x01a\x01b\x03com\x00"), Ordering::Greater, "compared from the right");
    }

    #[test]
    fn every_kind_of_data_round_trips() {
        let cases = [
            RecordData::A([192, 0, 2, 1].into()),
            RecordData::LanAaaa("2001:db8::1".parse().unwrap_or(Ipv6Addr::LOCALHOST)),
            RecordData::Cname(dn("target.example.com")),
            RecordData::Txt("é".repeat(200)),
            RecordData::Txt("v=spf1 -all".into()),
            RecordData::Mx { preference: 10, exchange: dn("mx.example.com") },
            RecordData::Srv { priority: 0, weight: 5, port: 5060, target: dn("sip.example.com") },
            RecordData::Caa { critical: true, tag: "issue".into(), value: "letsencrypt.org".into() },
            RecordData::Ns(dn("ns1.example.com")),
        ];
        for data in cases {
            let wire = rdata(&data);
            assert_eq!(record_data(data.kind(), &wire), Some(data.clone()), "{data:?}");
        }
        assert!(split_txt(&"é".repeat(200)).iter().all(|p| p.len() <= 255));
    }
}
