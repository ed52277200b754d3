//! Who is acting, and what each kind of caller may do. Transports hand over the credentials
//! a request carried; [`authenticate`] turns them into a [`Caller`] (or refuses), and every
//! domain operation asks its caller for the [`Permission`] it needs. No scope is checked
//! anywhere else.

use std::net::IpAddr;

use crate::Context;
use crate::error::{Error, Result};
use crate::model::{Account, HostId, Scope, Token, TsigKey, Updater};
use crate::store;

/// What a request presented: candidate secrets (Basic password and user name, bearer or
/// query token, in that order) and the Basic (or query) user name, which may name a host.
#[derive(Debug, Default, Clone)]
pub struct Credentials {
    pub secrets: Vec<String>,
    pub username: Option<String>,
}

impl Credentials {
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }
}

/// Which kinds of caller a group of routes takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// Signed-in accounts (the web UI's session tokens).
    Sessions,
    /// Any token: hostname tokens, updaters, API keys, partner keys.
    Tokens,
    /// Account API keys only (not hostname tokens).
    ApiKeys,
    /// Tokens that may send address updates: hostname tokens (enabled updaters among them)
    /// and API keys with the `update` scope.
    Updates,
    /// A session or an API key.
    SessionsOrApiKeys,
}

/// An authenticated caller. Holding one proves the credentials were right; what it may do
/// is asked of it with [`Caller::may`].
#[derive(Debug, Clone)]
pub enum Caller {
    /// A signed-in account.
    Session(Account),
    /// A hostname token, an updater's token (with its updater), an account API key or a
    /// partner key.
    Token { account: Account, token: Token, updater: Option<Box<Updater>> },
    /// An RFC 2136 client whose TSIG signature was verified.
    Tsig { account: Account, key: TsigKey },
}

/// What a caller may be asked to be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Read the account: its details and event log.
    ReadAccount,
    /// List zones, hostnames and updaters.
    ReadDomains,
    /// Create and delete hostnames, updaters and custom domains.
    WriteDomains,
    /// Create and delete DNS records (where the name's owner lets it; see `ownership`).
    WriteRecords,
    /// Send address updates.
    Update,
    /// Make, change and revoke credentials: tokens, TSIG keys, the password.
    ManageCredentials,
    /// Administer the appliance: accounts, settings, backups.
    Administer,
    /// Act as a partner: create accounts and manage their DNS.
    Partner,
}

impl Permission {
    /// The scope an API key needs for this, if an API key can have it at all.
    fn scopes(self) -> &'static [Scope] {
        match self {
            Self::ReadAccount | Self::ReadDomains => &[Scope::ReadDomains, Scope::WriteDomains],
            Self::WriteDomains => &[Scope::WriteDomains],
            Self::WriteRecords => &[Scope::WriteRecords],
            Self::Update => &[Scope::Update],
            Self::Partner => &[Scope::Partner],
            Self::ManageCredentials | Self::Administer => &[],
        }
    }
}

impl Caller {
    /// The account acting.
    pub fn account(&self) -> &Account {
        match self {
            Self::Session(account) | Self::Token { account, .. } | Self::Tsig { account, .. } => account,
        }
    }

    /// The account, when this caller may do `what`; `Forbidden` saying why not otherwise.
    pub fn may(&self, what: Permission) -> Result<&Account> {
        let allowed = match self {
            Self::Session(account) => match what {
                Permission::Administer => account.is_admin,
                Permission::Partner => false,
                _ => true,
            },
            Self::Token { account, token, updater } => match (&token.hostname_id, what) {
                // A hostname token updates its host (the update decides which host that is)
                // and writes only its ACME challenge (the records rules decide where); an
                // updater's token only updates.
                (Some(_), Permission::Update) => true,
                (Some(_), Permission::WriteRecords) => updater.is_none(),
                (Some(_), _) => false,
                (None, Permission::Partner) => account.is_admin && token.scopes.contains(Scope::Partner),
                (None, what) => what.scopes().iter().any(|s| token.scopes.contains(*s)),
            },
            Self::Tsig { .. } => what == Permission::WriteRecords,
        };
        if allowed {
            return Ok(self.account());
        }
        Err(Error::Forbidden(match (self, what) {
            (Self::Token { updater: Some(_), .. }, _) => "An updater token can only update its hostname's address".to_string(),
            (Self::Token { token, .. }, _) if token.hostname_id.is_some() => {
                "A hostname token can only update its hostname (and write its ACME challenge)".to_string()
            }
            (_, Permission::Administer) => "Administrators only".to_string(),
            (Self::Token { .. }, Permission::ManageCredentials) => "Credentials are managed from a signed-in session".to_string(),
            (Self::Token { .. }, Permission::Partner) => "This needs an administrator's API key with the partner scope".to_string(),
            (Self::Token { .. }, what) => {
                let names: Vec<&str> = what.scopes().iter().map(|s| s.as_str()).collect();
                format!("This API key lacks the {} scope", names.join(" or "))
            }
            _ => "Not allowed".to_string(),
        }))
    }

    /// The host a hostname token is bound to.
    pub fn bound_host(&self) -> Option<&HostId> {
        match self {
            Self::Token { token, .. } => token.hostname_id.as_ref(),
            _ => None,
        }
    }

    /// The token presented, for a token caller.
    pub fn token(&self) -> Option<&Token> {
        match self {
            Self::Token { token, .. } => Some(token),
            _ => None,
        }
    }

    /// The updater whose token this is, if it is one.
    pub fn updater(&self) -> Option<&Updater> {
        match self {
            Self::Token { updater, .. } => updater.as_deref(),
            _ => None,
        }
    }

    /// Which of the presented secrets is this caller's token (dialects that echo the key
    /// the client used, such as IPv64's account information).
    pub fn presented_secret<'c>(&self, credentials: &'c Credentials) -> Option<&'c str> {
        let token = self.token()?;
        credentials.secrets.iter().map(String::as_str).find(|s| crate::token::hashes_match(&crate::token::hash(s), &token.secret_hash))
    }

    /// Whether this is an administrator's own session (administrators read everything).
    pub fn is_admin_session(&self) -> bool {
        matches!(self, Self::Session(account) if account.is_admin)
    }
}

/// Authenticates what a request presented as one of the kinds `accept` allows. Nothing
/// presented is `NoCredentials` (so HTTP can challenge); wrong credentials are `BadAuth` and
/// count against the source address, which is refused for a while after too many.
pub fn authenticate(ctx: &Context, credentials: &Credentials, accept: Accept, source: IpAddr) -> Result<Caller> {
    ctx.limits.check_failures(source)?;
    if credentials.is_empty() {
        return Err(Error::NoCredentials);
    }
    let found = match accept {
        Accept::Sessions => session(ctx, credentials),
        Accept::SessionsOrApiKeys => session(ctx, credentials).or_else(|_| token(ctx, credentials, Token::is_api_key)),
        Accept::Tokens => token(ctx, credentials, |_| true),
        Accept::ApiKeys => token(ctx, credentials, Token::is_api_key),
        Accept::Updates => token(ctx, credentials, |t| !t.is_api_key() || t.scopes.contains(Scope::Update)),
    };
    if matches!(found, Err(Error::BadAuth)) {
        ctx.limits.note_failure(source);
    }
    found
}

fn session(ctx: &Context, credentials: &Credentials) -> Result<Caller> {
    credentials
        .secrets
        .iter()
        .take(MAX_TRIED)
        .find_map(|s| crate::session::verify(ctx, s).ok())
        .map(Caller::Session)
        .ok_or(Error::BadAuth)
}

/// Secrets tried per request at most.
const MAX_TRIED: usize = 3;

/// The first of the secrets (most specific first) that is a token `accept` takes, found by
/// hash; the stored hash is compared in constant time. Disabled accounts' tokens and
/// disabled updaters do not work.
fn token(ctx: &Context, credentials: &Credentials, accept: impl Fn(&Token) -> bool) -> Result<Caller> {
    let mut tried: Vec<&str> = Vec::new();
    for secret in credentials.secrets.iter().map(String::as_str).filter(|s| crate::token::plausible(s)) {
        if tried.contains(&secret) || tried.len() >= MAX_TRIED {
            continue;
        }
        tried.push(secret);
        let hash = crate::token::hash(secret);
        let found = ctx.store.read(|c| {
            let Some(token) = store::tokens::find_by_hash(c, &hash)? else { return Ok(None) };
            let account = store::users::find_by_id(c, &token.user_id)?;
            let updater = if token.is_api_key() { None } else { store::updaters::find_by_token(c, &token.id)? };
            let updater_off = updater.as_ref().is_some_and(|u| !u.enabled);
            Ok(account.filter(|a| !a.disabled && !updater_off).map(|a| (a, token, updater)))
        })?;
        if let Some((account, token, updater)) = found
            && crate::token::hashes_match(&token.secret_hash, &hash)
            && accept(&token)
        {
            ctx.last_used.note(&token.id);
            return Ok(Caller::Token { account, token, updater: updater.map(Box::new) });
        }
    }
    Err(Error::BadAuth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Scopes, TokenId, UserId};

    fn account(is_admin: bool) -> Account {
        Account {
            id: UserId::from("u1"),
            email: "a@example.com".into(),
            is_admin,
            plan: "free".into(),
            password_hash: String::new(),
            session_version: 0,
            disabled: false,
            created_at: 0,
            totp_enabled: false,
        }
    }

    fn key(scopes: &[Scope], host: Option<&str>) -> Token {
        Token {
            id: TokenId::from("t1"),
            user_id: UserId::from("u1"),
            hostname_id: host.map(HostId::from),
            secret_hash: String::new(),
            scopes: Scopes::new(scopes.iter().copied()),
            label: String::new(),
            prefix: String::new(),
            created_at: 0,
            last_used_at: None,
        }
    }

    #[test]
    fn sessions_do_everything_but_partner_and_admin_needs_an_administrator() {
        let user = Caller::Session(account(false));
        assert!(user.may(Permission::WriteRecords).is_ok() && user.may(Permission::ManageCredentials).is_ok());
        assert!(user.may(Permission::Administer).is_err() && user.may(Permission::Partner).is_err());
        assert!(Caller::Session(account(true)).may(Permission::Administer).is_ok());
    }

    #[test]
    fn api_keys_do_what_their_scopes_say() {
        let reader = Caller::Token { account: account(false), token: key(&[Scope::ReadDomains], None), updater: None };
        assert!(reader.may(Permission::ReadDomains).is_ok() && reader.may(Permission::ReadAccount).is_ok());
        let denied = reader.may(Permission::WriteDomains).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(denied.contains("write:domains"), "{denied}");
        assert!(reader.may(Permission::ManageCredentials).is_err());
        let writer = Caller::Token { account: account(false), token: key(&[Scope::WriteDomains], None), updater: None };
        assert!(writer.may(Permission::ReadDomains).is_ok(), "write implies read");
        let partner = |admin| Caller::Token { account: account(admin), token: key(&[Scope::Partner], None), updater: None };
        assert!(partner(true).may(Permission::Partner).is_ok());
        assert!(partner(false).may(Permission::Partner).is_err(), "a partner key works only for an administrator");
    }

    #[test]
    fn hostname_tokens_update_and_nothing_else() {
        let host = Caller::Token { account: account(false), token: key(&[Scope::Update], Some("h1")), updater: None };
        assert!(host.may(Permission::Update).is_ok());
        assert_eq!(host.bound_host(), Some(&HostId::from("h1")));
        for other in [Permission::ReadAccount, Permission::ReadDomains, Permission::WriteDomains, Permission::ManageCredentials] {
            assert!(host.may(other).is_err(), "{other:?}");
        }
    }
}
