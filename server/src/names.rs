//! Domain names as the appliance stores and compares them: lower case, no trailing dot,
//! validated once at the edge so that everything past it can trust the value.

use std::fmt;

use crate::error::{Error, Result};

/// Longest name, as written (a final dot included).
pub const MAX_NAME: usize = 253;
/// One label: letters, digits, `_` and `-`, not starting or ending with `-`, 1 to 63 long.
const LABEL: &str = "[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
/// A name of one label or more, a final dot allowed (ECMA-262, for the API document).
pub fn name_pattern() -> String {
    format!("^{LABEL}(?:\\.{LABEL})*\\.?$")
}
/// A fully qualified name: two labels or more.
pub fn fqdn_pattern() -> String {
    format!("^{LABEL}(?:\\.{LABEL})+\\.?$")
}
/// A record's owner: `@` or nothing for the apex, else a name, its first label possibly `*`.
pub fn owner_pattern() -> String {
    format!("^(?:@|(?:\\*|{LABEL})(?:\\.{LABEL})*\\.?)?$")
}

/// A syntactically valid DNS name (RFC 1035 lengths; letters, digits, hyphens and the
/// underscores that service labels such as `_acme-challenge` need), stored in lower case
/// without the trailing dot.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainName(String);

impl DomainName {
    /// Parses user input, saying precisely why it is not a usable name.
    pub fn parse(input: &str) -> Result<Self> {
        let trimmed = input.trim();
        let name = trimmed.strip_suffix('.').unwrap_or(trimmed).to_ascii_lowercase();
        if name.is_empty() {
            return Err(Error::Invalid("a domain name must not be empty".into()));
        }
        if trimmed.len() > MAX_NAME {
            return Err(Error::Invalid(format!("'{trimmed}' is longer than 253 characters")));
        }
        for (i, label) in name.split('.').enumerate() {
            if label.is_empty() {
                return Err(Error::Invalid(format!("'{trimmed}' has an empty label")));
            }
            if label.len() > 63 {
                return Err(Error::Invalid(format!(
                    "label '{label}' in '{trimmed}' is longer than 63 characters"
                )));
            }
            if i == 0 && label == "*" {
                continue;
            }
            if !label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                return Err(Error::Invalid(format!(
                    "label '{label}' in '{trimmed}' may only hold letters, digits, '-' and '_'"
                )));
            }
            if label.starts_with('-') || label.ends_with('-') {
                return Err(Error::Invalid(format!(
                    "label '{label}' in '{trimmed}' must not start or end with '-'"
                )));
            }
        }
        Ok(Self(name))
    }

    /// Parses a name that must be fully qualified: at least two labels.
    pub fn parse_fqdn(input: &str) -> Result<Self> {
        let name = Self::parse(input)?;
        if !name.0.contains('.') {
            return Err(Error::Invalid(format!("'{}' is not a fully qualified domain name", input.trim())));
        }
        Ok(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `self` equals `zone` or lies below it.
    pub fn is_within(&self, zone: &DomainName) -> bool {
        self.0 == zone.0
            || (self.0.len() > zone.0.len()
                && self.0.ends_with(&zone.0)
                && self.0.as_bytes()[self.0.len() - zone.0.len() - 1] == b'.')
    }

    /// The leftmost label.
    pub fn first_label(&self) -> &str {
        self.0.split('.').next().unwrap_or(&self.0)
    }

    /// `label.self`, validated.
    /// The name one label up, if any.
    pub fn parent(&self) -> Option<Self> {
        self.as_str().split_once('.').and_then(|(_, parent)| Self::parse(parent).ok())
    }

    pub fn child(&self, label: &str) -> Result<Self> {
        Self::parse(&format!("{label}.{}", self.0))
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DomainName({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_trailing_dot() -> Result<()> {
        assert_eq!(DomainName::parse("Home.Dyn.Example.COM.")?.as_str(), "home.dyn.example.com");
        Ok(())
    }

    #[test]
    fn rejects_bad_names_with_reasons() {
        for (input, why) in [
            ("", "empty"),
            ("a..b", "empty label"),
            ("-a.b", "start or end"),
            ("a b.c", "letters, digits"),
            (&"x".repeat(64), "63"),
        ] {
            let err = DomainName::parse(input).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains(why), "{input:?}: {err}");
        }
        assert!(DomainName::parse_fqdn("localhost").is_err());
        assert!(DomainName::parse("_acme-challenge.h.example.com").is_ok());
    }

    #[test]
    fn within_respects_label_boundaries() -> Result<()> {
        let zone = DomainName::parse("dyn.example.com")?;
        assert!(DomainName::parse("a.dyn.example.com")?.is_within(&zone));
        assert!(zone.is_within(&zone));
        assert!(!DomainName::parse("xdyn.example.com")?.is_within(&zone));
        Ok(())
    }
}
