//! What the unit tests of the domain modules and the fuzz harnesses share: a context on an
//! in-memory database serving `dyn.example.test`, and callers and keys made directly (no
//! HTTP, no passwords to hash, a TSIG secret known to the test).

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
        Ok(Self { ctx: context(config)? })
    }

    /// The account with `email`, made on first use.
    pub fn account(&self, email: &str, admin: bool) -> Result<Account> {
        account(&self.ctx, email, admin)
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

/// The account with `email` in `ctx`, made on first use (with no usable password).
pub fn account(ctx: &Context, email: &str, admin: bool) -> Result<Account> {
    let existing = ctx.store.read(|c| store::users::find_by_email(c, email))?;
    if let Some(account) = existing {
        return Ok(account);
    }
    let id = ctx.store.write(|tx| store::users::insert(tx, email, "not a usable hash", admin))?;
    ctx.store.read(|c| store::users::find_by_id(c, &id))?.ok_or(Error::NotFound("User"))
}

/// A TSIG key of `owner` whose secret the caller chose (the product makes random ones).
pub fn tsig_key(ctx: &Context, owner: &Account, name: &str, algorithm: &str, secret: &[u8]) -> Result<()> {
    let row = crate::model::TsigKey {
        id: crate::model::TsigKeyId::random(),
        user_id: owner.id.clone(),
        name: name.into(),
        algorithm: algorithm.into(),
        secret: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, secret),
        allow: String::new(),
        created_at: crate::clock::now(),
        last_used_at: None,
    };
    ctx.store.write(|tx| store::tsig_keys::insert(tx, &row))
}

/// A context for `config` on a database in memory.
pub fn context(config: Config) -> Result<Context> {
    Context::with_store(config, Store::open_in_memory()?)
}
