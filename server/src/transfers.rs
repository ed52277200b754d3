//! Who may pull a zone by AXFR/IXFR and which secondaries hear of its changes by NOTIFY.
//! Nothing is allowed unless configured: per built-in zone in the configuration (or with
//! `--allow-transfer`/`--notify` for `--zone` zones), per custom domain through the API.

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;

use crate::error::{Error, Result};

/// One `allow_transfer` entry: a source network, or a TSIG key by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allow {
    Net(IpNet),
    Key(String),
}

impl Allow {
    /// `CIDR`, a bare address, or `key:NAME`.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        if let Some(name) = text.strip_prefix("key:") {
            let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
            crate::names::DomainName::parse(&name).map_err(|e| Error::Invalid(format!("allow-transfer key:{name}: {e}")))?;
            return Ok(Self::Key(name));
        }
        let net = text
            .parse::<IpNet>()
            .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
            .map_err(|_| Error::Invalid(format!("allow-transfer {text:?}: expected a network such as 192.0.2.0/24, an address, or key:NAME")))?;
        Ok(Self::Net(net.trunc()))
    }
}

impl std::fmt::Display for Allow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Net(net) => write!(f, "{net}"),
            Self::Key(name) => write!(f, "key:{name}"),
        }
    }
}

/// A zone's transfer settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    pub allow: Vec<Allow>,
    pub notify: Vec<SocketAddr>,
}

impl Policy {
    pub fn parse(allow: &[String], notify: &[String]) -> Result<Self> {
        let allow = allow.iter().map(|a| Allow::parse(a)).collect::<Result<_>>()?;
        let notify = notify
            .iter()
            .map(|n| n.trim().parse::<SocketAddr>().map_err(|_| Error::Invalid(format!("notify {n:?}: expected ADDRESS:PORT, e.g. 192.0.2.2:53 or [2001:db8::2]:53"))))
            .collect::<Result<_>>()?;
        Ok(Self { allow, notify })
    }

    /// Whether a transfer request from `source`, signed with the verified key `key` (if
    /// any), may have the zone.
    pub fn permits(&self, source: IpAddr, key: Option<&str>) -> bool {
        let source = crate::address::canonical(source);
        self.allow.iter().any(|a| match a {
            Allow::Net(net) => net.contains(&source),
            Allow::Key(name) => key == Some(name.as_str()),
        })
    }

    /// Adds what `other` allows and notifies (once each).
    pub fn merge(&mut self, other: &Policy) {
        for allow in &other.allow {
            if !self.allow.contains(allow) {
                self.allow.push(allow.clone());
            }
        }
        for target in &other.notify {
            if !self.notify.contains(target) {
                self.notify.push(*target);
            }
        }
    }

    /// The settings as stored for a custom domain: one entry per line.
    pub fn to_lines(&self) -> (String, String) {
        let allow: Vec<String> = self.allow.iter().map(ToString::to_string).collect();
        let notify: Vec<String> = self.notify.iter().map(ToString::to_string).collect();
        (allow.join("\n"), notify.join("\n"))
    }

    pub fn from_lines(allow: &str, notify: &str) -> Result<Self> {
        let lines = |s: &str| s.lines().filter(|l| !l.trim().is_empty()).map(String::from).collect::<Vec<_>>();
        Self::parse(&lines(allow), &lines(notify))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_parse_and_permit() -> Result<()> {
        let policy = Policy::parse(&["192.0.2.0/24".into(), "2001:db8::1".into(), "key:XFR.example.".into()], &["127.0.0.1:5300".into()])?;
        assert!(policy.permits("192.0.2.9".parse().map_err(|_| Error::Invalid("ip".into()))?, None));
        assert!(policy.permits("::ffff:192.0.2.9".parse().map_err(|_| Error::Invalid("ip".into()))?, None));
        assert!(!policy.permits("198.51.100.1".parse().map_err(|_| Error::Invalid("ip".into()))?, None));
        assert!(policy.permits("198.51.100.1".parse().map_err(|_| Error::Invalid("ip".into()))?, Some("xfr.example")));
        assert!(Allow::parse("everyone").is_err());
        assert!(Policy::parse(&[], &["localhost".into()]).is_err());
        assert!(!Policy::default().permits("127.0.0.1".parse().map_err(|_| Error::Invalid("ip".into()))?, None));
        let (a, n) = policy.to_lines();
        assert_eq!(Policy::from_lines(&a, &n)?, policy);
        Ok(())
    }
}
