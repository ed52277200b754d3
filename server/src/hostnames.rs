//! Hostnames: the DDNS entries users own, each created with its own update token.

use crate::Context;
use crate::error::{Error, Result};
use crate::names::DomainName;
use crate::store;

/// A new hostname and its token, whose secret exists only in this value.
pub struct CreatedHost {
    pub id: String,
    pub name: DomainName,
    pub token: String,
}

/// Creates `fqdn` for the account `owner` inside a served zone, with a fresh token.
pub fn create(ctx: &Context, owner: &str, fqdn: &str) -> Result<CreatedHost> {
    let name = DomainName::parse_fqdn(fqdn)?;
    if name.first_label() == "*" {
        return Err(Error::Invalid("a hostname cannot be a wildcard".into()));
    }
    let zone = crate::zones::zone_of(&ctx.zones, &name).ok_or_else(|| {
        let served: Vec<_> = ctx.zones.iter().map(|z| z.name.to_string()).collect();
        Error::Invalid(format!(
            "{name} is not inside a zone this appliance serves ({})",
            if served.is_empty() { "none configured".to_string() } else { served.join(", ") }
        ))
    })?;
    let secret = crate::token::generate();
    let ttl = ctx.config.default_ttl;
    let id = ctx.store.write(|tx| {
        let user = store::users::find_by_email(tx, owner.trim())?
            .ok_or_else(|| Error::Invalid(format!("no account with e-mail {owner}")))?;
        if store::hostnames::find_by_name(tx, name.as_str())?.is_some() {
            return Err(Error::Conflict(format!("hostname {name} already exists")));
        }
        let zone_row = store::zones::find_by_name(tx, zone.name.as_str())?.ok_or(Error::NotFound("zone"))?;
        let id = store::hostnames::insert(tx, &zone_row.id, &user.id, name.as_str(), ttl)?;
        store::tokens::insert(tx, &user.id, Some(&id), name.as_str(), &secret)?;
        store::history::event(tx, Some(&user.id), "hostname created", name.as_str(), "", "cli")?;
        Ok(id)
    })?;
    Ok(CreatedHost { id, name, token: secret.secret })
}
