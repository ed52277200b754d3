//! DNS record data as the domain sees it: the supported types, their validated contents,
//! and how they are written to and read from storage.

pub mod edit;

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::{Error, Result};
use crate::names::DomainName;

/// Longest TXT content, in characters.
pub const MAX_TXT: usize = 4000;

/// Lowest and highest TTL accepted for any record.
pub const MIN_TTL: u32 = 30;
pub const MAX_TTL: u32 = 86_400;

/// The record types the appliance serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    A,
    Aaaa,
    Cname,
    Txt,
    Mx,
    Srv,
    Caa,
    Ns,
    /// A pointer to another name: what a catalog zone (RFC 9432) lists its zones with. Only
    /// the appliance makes these (not the APIs, so [`RecordKind::parse`] does not take it).
    Ptr,
    /// The address LAN clients get instead of the A record (split horizon).
    LanA,
    /// The address LAN clients get instead of the AAAA record.
    LanAaaa,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::Aaaa => "AAAA",
            Self::Cname => "CNAME",
            Self::Txt => "TXT",
            Self::Mx => "MX",
            Self::Srv => "SRV",
            Self::Caa => "CAA",
            Self::Ns => "NS",
            Self::Ptr => "PTR",
            Self::LanA => "A@LAN",
            Self::LanAaaa => "AAAA@LAN",
        }
    }

    pub fn parse(input: &str) -> Result<Self> {
        Ok(match input.to_ascii_uppercase().as_str() {
            "A" => Self::A,
            "AAAA" => Self::Aaaa,
            "CNAME" => Self::Cname,
            "TXT" => Self::Txt,
            "MX" => Self::Mx,
            "SRV" => Self::Srv,
            "CAA" => Self::Caa,
            "NS" => Self::Ns,
            "A@LAN" => Self::LanA,
            "AAAA@LAN" => Self::LanAaaa,
            other => return Err(Error::Invalid(format!("record type {other} is not supported"))),
        })
    }
}

impl RecordKind {
    /// The LAN variant of an address type (what LAN clients get instead).
    pub fn for_lan(self) -> Option<Self> {
        match self {
            Self::A => Some(Self::LanA),
            Self::Aaaa => Some(Self::LanAaaa),
            _ => None,
        }
    }

    /// Whether only LAN clients see this type.
    pub fn is_lan(self) -> bool {
        matches!(self, Self::LanA | Self::LanAaaa)
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A record's data, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Cname(DomainName),
    /// The whole text; it is split into 255-byte strings only on the wire.
    Txt(String),
    Mx { preference: u16, exchange: DomainName },
    Srv { priority: u16, weight: u16, port: u16, target: DomainName },
    Caa { critical: bool, tag: String, value: String },
    Ns(DomainName),
    Ptr(DomainName),
    LanA(Ipv4Addr),
    LanAaaa(Ipv6Addr),
}

impl RecordData {
    pub fn kind(&self) -> RecordKind {
        match self {
            Self::A(_) => RecordKind::A,
            Self::Aaaa(_) => RecordKind::Aaaa,
            Self::Cname(_) => RecordKind::Cname,
            Self::Txt(_) => RecordKind::Txt,
            Self::Mx { .. } => RecordKind::Mx,
            Self::Srv { .. } => RecordKind::Srv,
            Self::Caa { .. } => RecordKind::Caa,
            Self::Ns(_) => RecordKind::Ns,
            Self::Ptr(_) => RecordKind::Ptr,
            Self::LanA(_) => RecordKind::LanA,
            Self::LanAaaa(_) => RecordKind::LanAaaa,
        }
    }

    /// The storage form: (content, priority, weight, port).
    pub fn to_columns(&self) -> (String, Option<u16>, Option<u16>, Option<u16>) {
        match self {
            Self::A(a) | Self::LanA(a) => (a.to_string(), None, None, None),
            Self::Aaaa(a) | Self::LanAaaa(a) => (a.to_string(), None, None, None),
            Self::Cname(n) | Self::Ns(n) | Self::Ptr(n) => (n.to_string(), None, None, None),
            Self::Txt(t) => (t.clone(), None, None, None),
            Self::Mx { preference, exchange } => (exchange.to_string(), Some(*preference), None, None),
            Self::Srv { priority, weight, port, target } => {
                (target.to_string(), Some(*priority), Some(*weight), Some(*port))
            }
            Self::Caa { critical, tag, value } => {
                (format!("{} {tag} \"{value}\"", u8::from(*critical) * 128), None, None, None)
            }
        }
    }

    /// Rebuilds (and validates) record data from its storage or API form.
    pub fn from_columns(
        kind: RecordKind,
        content: &str,
        priority: Option<u16>,
        weight: Option<u16>,
        port: Option<u16>,
    ) -> Result<Self> {
        let need = |v: Option<u16>, what: &str| {
            v.ok_or_else(|| Error::Invalid(format!("{kind} record needs a {what}")))
        };
        Ok(match kind {
            RecordKind::A => Self::A(content.trim().parse().map_err(|_| {
                Error::Invalid("A record content must be a valid IPv4 address".into())
            })?),
            RecordKind::Aaaa => Self::Aaaa(content.trim().parse().map_err(|_| {
                Error::Invalid("AAAA record content must be a valid IPv6 address".into())
            })?),
            RecordKind::Cname => Self::Cname(DomainName::parse_fqdn(content)?),
            RecordKind::Ns => Self::Ns(DomainName::parse_fqdn(content)?),
            RecordKind::Ptr => Self::Ptr(DomainName::parse(content)?),
            RecordKind::Txt => {
                if content.is_empty() {
                    return Err(Error::Invalid("TXT record content must not be empty".into()));
                }
                if content.chars().count() > MAX_TXT {
                    return Err(Error::Invalid(format!("TXT record content may have at most {MAX_TXT} characters")));
                }
                Self::Txt(content.to_string())
            }
            RecordKind::Mx => Self::Mx { preference: need(priority, "priority")?, exchange: DomainName::parse_fqdn(content)? },
            RecordKind::Srv => Self::Srv {
                priority: need(priority, "priority")?,
                weight: need(weight, "weight")?,
                port: need(port, "port")?,
                target: DomainName::parse_fqdn(content)?,
            },
            RecordKind::Caa => parse_caa(content)?,
            RecordKind::LanA => Self::LanA(content.trim().parse().map_err(|_| {
                Error::Invalid("The LAN IPv4 address must be a valid IPv4 address".into())
            })?),
            RecordKind::LanAaaa => Self::LanAaaa(content.trim().parse().map_err(|_| {
                Error::Invalid("The LAN IPv6 address must be a valid IPv6 address".into())
            })?),
        })
    }
}

/// `flags tag "value"`, as in zone files.
fn parse_caa(content: &str) -> Result<RecordData> {
    let bad = || Error::Invalid("CAA record content must look like: 0 issue \"letsencrypt.org\"".into());
    let mut parts = content.trim().splitn(3, ' ');
    let flags: u8 = parts.next().and_then(|f| f.parse().ok()).ok_or_else(bad)?;
    let tag = parts.next().ok_or_else(bad)?.to_ascii_lowercase();
    // No value is an empty one (`0 issue ";"` and `0 issue ""` say that no CA may issue).
    let value = parts.next().unwrap_or_default().trim().trim_matches('"').to_string();
    if !matches!(tag.as_str(), "issue" | "issuewild" | "iodef") {
        return Err(Error::Invalid("CAA tag must be issue, issuewild or iodef".into()));
    }
    Ok(RecordData::Caa { critical: flags & 128 != 0, tag, value })
}

/// One record of a zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub name: DomainName,
    pub ttl: u32,
    pub data: RecordData,
}

/// Checks a TTL against the bounds.
pub fn check_ttl(ttl: u32) -> Result<u32> {
    if (MIN_TTL..=MAX_TTL).contains(&ttl) {
        Ok(ttl)
    } else {
        Err(Error::Invalid(format!("TTL must be between {MIN_TTL} and {MAX_TTL} seconds")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_round_trip_for_every_kind() -> Result<()> {
        let name = DomainName::parse("t.example.com")?;
        let all = [
            RecordData::A("192.0.2.1".parse().map_err(|_| Error::Invalid("ip".into()))?),
            RecordData::Aaaa("2001:db8::1".parse().map_err(|_| Error::Invalid("ip".into()))?),
            RecordData::Cname(name.clone()),
            RecordData::Txt("v=spf1 -all".into()),
            RecordData::Mx { preference: 10, exchange: name.clone() },
            RecordData::Srv { priority: 1, weight: 2, port: 443, target: name.clone() },
            RecordData::Caa { critical: false, tag: "issue".into(), value: "letsencrypt.org".into() },
            RecordData::Ns(name),
        ];
        for data in all {
            let (content, p, w, port) = data.to_columns();
            assert_eq!(RecordData::from_columns(data.kind(), &content, p, w, port)?, data);
        }
        Ok(())
    }

    #[test]
    fn invalid_contents_say_why() {
        let err = RecordData::from_columns(RecordKind::A, "2001:db8::1", None, None, None);
        assert_eq!(err.err().map(|e| e.to_string()).as_deref(), Some("A record content must be a valid IPv4 address"));
        assert!(RecordData::from_columns(RecordKind::Mx, "mail.example.com", None, None, None).is_err());
        assert!(check_ttl(5).is_err());
    }
}
