//! Which update parameters carry which address, and what an update asks of each address
//! family. The rules are shared by every dialect (see "Update semantics" in the design).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::Ipv6Net;

use crate::error::{Error, Result};

/// Parameters searched for an IPv4 address, in order.
const V4_PARAMS: [&str; 5] = ["myip", "myipv4", "ipv4", "ip4", "ip"];
/// Parameters searched for an IPv6 address, in order.
const V6_PARAMS: [&str; 6] = ["myipv6", "myip6", "ipv6", "ip6", "myip", "ip"];
/// Parameters that carry only an IPv6 prefix (FritzBox `<ip6lanprefix>`, dynv6, IPv64).
const PREFIX_PARAMS: [&str; 2] = ["ipv6prefix", "ip6lanprefix"];
/// Prefix length assumed when a prefix parameter holds a bare address.
const DEFAULT_PREFIX_LEN: u8 = 64;

/// What an update asks for one address family.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Want<A> {
    /// Leave the family as it is.
    #[default]
    Keep,
    /// Point the host at `addr`; `text` is the address exactly as the client sent it, so
    /// that answers can echo it byte for byte (pfSense compares `good %IP%` literally).
    Set { addr: A, text: String },
    /// Remove the family's record.
    Clear,
}

/// The addresses one update asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddressRequest {
    pub v4: Want<Ipv4Addr>,
    pub v6: Want<Ipv6Addr>,
    /// A new IPv6 prefix for every host that follows its owner's prefix.
    pub prefix: Option<Ipv6Net>,
    /// `onlyprefix`: move the prefix, leave the named host's own addresses alone.
    pub only_prefix: bool,
}


impl AddressRequest {
    /// Reads the address parameters. `param` looks a parameter up by name; `peer` is the
    /// caller's address, used for `auto` and when no address is given at all.
    pub fn from_params(param: impl Fn(&str) -> Option<String>, peer: IpAddr) -> Result<Self> {
        let mut request = Self::default();
        let mut anything_given = false;
        let (mut v4_decided, mut v6_decided) = (false, false);
        let names = V4_PARAMS.iter().chain(V6_PARAMS.iter());
        let mut seen: Vec<&str> = Vec::new();
        for name in names {
            if seen.contains(name) {
                continue;
            }
            seen.push(name);
            let Some(value) = param(name) else { continue };
            let takes_v4 = V4_PARAMS.contains(name);
            let takes_v6 = V6_PARAMS.contains(name);
            for element in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                anything_given = true;
                match classify(element, peer)? {
                    Element::Address(IpAddr::V4(addr)) if takes_v4 => {
                        if !v4_decided {
                            request.v4 = Want::Set { addr, text: echo(element, addr.into()) };
                            v4_decided = true;
                        }
                    }
                    Element::Address(IpAddr::V6(addr)) if takes_v6 => {
                        if !v6_decided {
                            request.v6 = Want::Set { addr, text: echo(element, addr.into()) };
                            v6_decided = true;
                        }
                    }
                    Element::Address(_) => {
                        return Err(Error::BadAddress(format!("{element} (in parameter {name})")));
                    }
                    Element::Keep => {
                        v4_decided |= takes_v4 && !takes_v6;
                        v6_decided |= takes_v6 && !takes_v4;
                    }
                    // Prefixes (`2001:db8::/64`) are for hosts that follow an IPv6 prefix;
                    // they never become a host's own address.
                    Element::Prefix(net) if takes_v6 => {
                        request.prefix.get_or_insert(net);
                    }
                    Element::Prefix(_) => return Err(Error::BadAddress(format!("{element} (in parameter {name})"))),
                }
            }
        }
        for name in PREFIX_PARAMS {
            let Some(value) = param(name).filter(|v| !v.trim().is_empty()) else { continue };
            anything_given = true;
            request.prefix = Some(parse_prefix(value.trim(), peer).map_err(|_| Error::BadAddress(format!("{value} (in parameter {name})")))?);
            break;
        }
        request.only_prefix = param("onlyprefix").is_some_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "0" | "false" | "no" | "off"));
        if request.only_prefix && request.prefix.is_none() {
            return Err(Error::BadAddress("onlyprefix was given without a prefix (ipv6prefix, ip6lanprefix or myipv6=…/64)".into()));
        }
        if !anything_given {
            request.set_peer(peer);
        }
        Ok(request)
    }

    /// Asks for the caller's own address, in its family only.
    pub fn peer(peer: IpAddr) -> Self {
        let mut request = Self::default();
        request.set_peer(peer);
        request
    }

    fn set_peer(&mut self, peer: IpAddr) {
        match canonical(peer) {
            IpAddr::V4(addr) => self.v4 = Want::Set { addr, text: addr.to_string() },
            IpAddr::V6(addr) => self.v6 = Want::Set { addr, text: addr.to_string() },
        }
    }

    /// The addresses asked for, as the client wrote them, comma-separated (v4 first).
    pub fn echo(&self) -> String {
        let mut parts = Vec::new();
        if let Want::Set { text, .. } = &self.v4 {
            parts.push(text.as_str());
        }
        if let Want::Set { text, .. } = &self.v6 {
            parts.push(text.as_str());
        }
        parts.join(",")
    }
}

enum Element {
    Address(IpAddr),
    Keep,
    Prefix(Ipv6Net),
}

fn classify(element: &str, peer: IpAddr) -> Result<Element> {
    match element.to_ascii_lowercase().as_str() {
        "auto" => return Ok(Element::Address(canonical(peer))),
        "preserve" | "no" => return Ok(Element::Keep),
        _ => {}
    }
    if element.contains('/') {
        return parse_prefix(element, peer).map(Element::Prefix);
    }
    element
        .parse::<IpAddr>()
        .map(|a| Element::Address(canonical(a)))
        .map_err(|_| Error::BadAddress(element.to_string()))
}

/// An IPv6 prefix: `2001:db8:1:2::/64`, a bare address (taken as its /64), or `auto` (the
/// caller's /64). The host bits are cleared; lengths outside 1–127 are refused.
fn parse_prefix(text: &str, peer: IpAddr) -> Result<Ipv6Net> {
    let bad = || Error::BadAddress(text.to_string());
    let (addr, len) = match text.split_once('/') {
        Some((addr, len)) => (addr, len.parse::<u8>().map_err(|_| bad())?),
        None => (text, DEFAULT_PREFIX_LEN),
    };
    let addr = match (addr.eq_ignore_ascii_case("auto"), canonical(peer)) {
        (true, IpAddr::V6(peer)) => peer,
        (true, IpAddr::V4(_)) => return Err(Error::BadAddress("auto prefix asked over IPv4".into())),
        (false, _) => addr.parse::<Ipv6Addr>().map_err(|_| bad())?,
    };
    if !(1..=127).contains(&len) {
        return Err(bad());
    }
    Ipv6Net::new(addr, len).map(|n| n.trunc()).map_err(|_| bad())
}

/// The address a host that follows `prefix` gets: the prefix's bits, then the host's own
/// interface-id bits.
pub fn with_prefix(prefix: Ipv6Net, interface_id: Ipv6Addr) -> Ipv6Addr {
    let mask = u128::from(prefix.netmask());
    Ipv6Addr::from((u128::from(prefix.network()) & mask) | (u128::from(interface_id) & !mask))
}

/// The text to echo: the client's own spelling unless `auto` stood for the address.
fn echo(element: &str, addr: IpAddr) -> String {
    if element.eq_ignore_ascii_case("auto") { addr.to_string() } else { element.to_string() }
}

/// IPv4-mapped IPv6 addresses (a dual-stack socket's view of an IPv4 peer) are IPv4.
pub fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &[(&str, &str)]) -> Result<AddressRequest> {
        let peer: IpAddr = "198.51.100.9".parse().map_err(|_| Error::Invalid("peer".into()))?;
        AddressRequest::from_params(|n| query.iter().find(|(k, _)| *k == n).map(|(_, v)| v.to_string()), peer)
    }

    #[test]
    fn dual_stack_comma_list_with_empty_elements() -> Result<()> {
        let r = parse(&[("myip", "203.0.113.7,,2001:DB8::1")])?;
        assert_eq!(r.echo(), "203.0.113.7,2001:DB8::1");
        assert!(matches!(r.v6, Want::Set { .. }));
        let r = parse(&[("myip", "203.0.113.7,")])?;
        assert_eq!(r.v6, Want::Keep);
        Ok(())
    }

    #[test]
    fn absent_family_is_kept_and_no_address_means_peer() -> Result<()> {
        let r = parse(&[("myipv6", "2001:db8::2")])?;
        assert_eq!(r.v4, Want::Keep);
        let r = parse(&[("hostname", "h.example.com")])?;
        assert_eq!(r.echo(), "198.51.100.9");
        let r = parse(&[("myip", "")])?;
        assert_eq!(r.echo(), "198.51.100.9");
        Ok(())
    }

    #[test]
    fn malformed_and_wrong_family_are_rejected() {
        assert!(matches!(parse(&[("myip", "300.1.1.1")]), Err(Error::BadAddress(_))));
        assert!(matches!(parse(&[("myipv6", "192.0.2.1")]), Err(Error::BadAddress(_))));
        assert!(matches!(parse(&[("ipv4", "2001:db8::1")]), Err(Error::BadAddress(_))));
    }

    #[test]
    fn prefixes_and_preserve_do_not_become_addresses() -> Result<()> {
        let r = parse(&[("myip", "203.0.113.7,2001:db8:1::/64")])?;
        assert_eq!(r.v6, Want::Keep);
        assert_eq!(r.prefix.map(|p| p.to_string()).as_deref(), Some("2001:db8:1::/64"));
        let r = parse(&[("ip6lanprefix", "2001:db8:5:6:7::/64"), ("onlyprefix", "1")])?;
        assert_eq!(r.prefix.map(|p| p.to_string()).as_deref(), Some("2001:db8:5:6::/64"));
        assert!(r.only_prefix);
        assert_eq!(r.v4, Want::Keep, "a prefix alone does not mean the caller's address");
        assert!(matches!(parse(&[("ipv6prefix", "2001:db8::/0")]), Err(Error::BadAddress(_))));
        assert!(matches!(parse(&[("ipv4", "192.0.2.0/24")]), Err(Error::BadAddress(_))));
        assert!(matches!(parse(&[("onlyprefix", "1")]), Err(Error::BadAddress(_))));
        let r = parse(&[("myipv4", "203.0.113.7"), ("myipv6", "preserve")])?;
        assert_eq!(r.v6, Want::Keep);
        Ok(())
    }

    #[test]
    fn a_prefix_keeps_each_interface_id() -> Result<()> {
        let prefix: Ipv6Net = "2001:db8:aa:bb::/64".parse().map_err(|_| Error::Invalid("net".into()))?;
        let iid: Ipv6Addr = "::1:2:3:4".parse().map_err(|_| Error::Invalid("iid".into()))?;
        assert_eq!(with_prefix(prefix, iid).to_string(), "2001:db8:aa:bb:1:2:3:4");
        let old: Ipv6Addr = "2001:db8:ff:ff:1:2:3:4".parse().map_err(|_| Error::Invalid("old".into()))?;
        assert_eq!(with_prefix(prefix, old).to_string(), "2001:db8:aa:bb:1:2:3:4");
        Ok(())
    }
}
