//! Tokens and what they may do. A hostname token updates one hostname; an account API key
//! carries scopes. Secrets are never kept: only their hash and a short prefix for listings.

use std::fmt;

use super::{HostId, TokenId, UserId};

/// What an account API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// List the account's zones and hostnames.
    ReadDomains,
    /// Create and delete hostnames and updaters (and read them).
    WriteDomains,
    /// Create and delete DNS records (ACME DNS-01 tools).
    WriteRecords,
    /// Send address updates for any of the account's hostnames.
    Update,
    /// Act as a partner (the PocketDNS API): administrators only.
    Partner,
}

impl Scope {
    pub const ALL: [Scope; 5] = [Self::ReadDomains, Self::WriteDomains, Self::WriteRecords, Self::Update, Self::Partner];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReadDomains => "read:domains",
            Self::WriteDomains => "write:domains",
            Self::WriteRecords => "write:records",
            Self::Update => "update",
            Self::Partner => "partner",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text.trim())
    }

    /// Only administrators may give a key this scope.
    pub fn admin_only(self) -> bool {
        self == Self::Partner
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of scopes, in a fixed order, without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> Self {
        let mut list: Vec<Scope> = scopes.into_iter().collect();
        list.sort();
        list.dedup();
        Self(list)
    }

    /// The stored form: space-separated names. Unknown names (from a newer version) are
    /// dropped, never widened into something else.
    pub fn from_stored(text: &str) -> Self {
        Self::new(text.split_whitespace().filter_map(Scope::parse))
    }

    pub fn to_stored(&self) -> String {
        self.0.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ")
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[derive(Debug, Clone)]
pub struct Token {
    pub id: TokenId,
    pub user_id: UserId,
    /// Set for a hostname token: it may update that hostname only.
    pub hostname_id: Option<HostId>,
    pub secret_hash: String,
    pub scopes: Scopes,
    pub label: String,
    /// The secret's first characters, for recognising it in listings.
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

impl Token {
    /// An account API key (not bound to one hostname).
    pub fn is_api_key(&self) -> bool {
        self.hostname_id.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_and_ignore_unknown_names() {
        let scopes = Scopes::from_stored("write:records update update bogus");
        assert_eq!(scopes.to_stored(), "write:records update");
        assert!(scopes.contains(Scope::Update) && !scopes.contains(Scope::Partner));
        assert_eq!(Scope::parse(" partner "), Some(Scope::Partner));
        assert!(Scope::Partner.admin_only() && !Scope::Update.admin_only());
    }
}
