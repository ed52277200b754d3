//! What the unit tests of the domain modules share: a context on an in-memory database
//! serving `dyn.example.test`, and callers made directly (no HTTP, no passwords to hash).

use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::model::{Account, ZoneId};
use crate::names::DomainName;
use crate::store::{self, Store};
use crate::{Config, Context};

/// The zone every test context serves.
pub const ZONE: &str = "dyn.example.test";
/// Its id (the first built-in zone's).
pub const ZONE_ID: &str = "00000000-0000-0000-0000-000000000001";

pub struct TestContext {
    pub ctx: Context,
}

impl TestContext {
    pub fn new() -> Result<Self> {
        Self::with_config(|_| {})
    }

    pub fn with_config(tweak: impl FnOnce(&mut Config)) -> Result<Self> {
        let mut config = Config::from_toml(&format!("[[zone]]\nname = \"{ZONE}\"\nnameserver_addresses = [\"192.0.2.53\"]\n"), "test")?;
        tweak(&mut config);
        let ctx = Context::with_store(config, Store::open_in_memory()?)?;
        Ok(Self { ctx })
    }

    /// The account with `email`, made on first use.
    pub fn account(&self, email: &str, admin: bool) -> Result<Account> {
        let existing = self.ctx.store.read(|c| store::users::find_by_email(c, email))?;
        if let Some(account) = existing {
            return Ok(account);
        }
        let id = self.ctx.store.write(|tx| store::users::insert(tx, email, "not a usable hash", admin))?;
        self.ctx.store.read(|c| store::users::find_by_id(c, &id))?.ok_or(Error::NotFound("User"))
    }

    /// A signed-in session of `email`.
    pub fn session(&self, email: &str, admin: bool) -> Result<Caller> {
        Ok(Caller::Session(self.account(email, admin)?))
    }

    /// Hostname `fqdn` of `email`: the owner's session and the hostname's own token.
    pub fn host(&self, email: &str, fqdn: &str) -> Result<(Caller, Caller)> {
        let session = self.session(email, false)?;
        let label = fqdn.strip_suffix(&format!(".{ZONE}")).unwrap_or(fqdn);
        let created = crate::hostnames::create_in_zone(&self.ctx, &session, &ZoneId::from(ZONE_ID), label, None)?;
        let token = Caller::Token { account: session.account().clone(), token: created.token, updater: None };
        Ok((session, token))
    }

    pub fn zone_name(&self) -> DomainName {
        DomainName::parse(ZONE).unwrap_or_else(|_| unreachable!("a valid name"))
    }
}
