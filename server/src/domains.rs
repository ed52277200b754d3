//! Custom domains: an account brings its own domain, delegates it at its registrar to the
//! appliance's nameservers, and verifies. Only a verified domain is served, and only its
//! owner (or an administrator) manages its hostnames and records.

use crate::Context;
use crate::dns::ZoneContents;
use crate::error::{Error, Result};
use crate::names::DomainName;
use crate::store::{self, users::UserRow, zones::CustomRow};

/// What the parent zone says about a domain's delegation, in words a user can act on.
#[derive(Debug, Clone)]
pub struct Delegation {
    pub verified: bool,
    pub expected: Vec<DomainName>,
    pub found: Vec<DomainName>,
    pub missing: Vec<DomainName>,
    pub message: String,
}

pub fn add(ctx: &Context, user: &UserRow, name: &str) -> Result<CustomRow> {
    let name = DomainName::parse_fqdn(name)?;
    if let Some(zone) = ctx.zones.iter().find(|z| name.is_within(&z.name) || z.name.is_within(&name)) {
        return Err(Error::Conflict(format!("{name} overlaps {}, a zone this appliance serves for everyone", zone.name)));
    }
    ctx.store.write(|tx| {
        crate::plans::check_custom_domains(ctx, user, store::zones::count_custom(tx, &user.id)?)?;
        if store::zones::find_by_name(tx, name.as_str())?.is_some() {
            return Err(Error::Conflict(format!("{name} has already been added")));
        }
        let id = store::zones::insert_custom(tx, name.as_str(), &user.id)?;
        store::history::event(tx, Some(&user.id), "domain added", name.as_str(), "", "api")?;
        store::zones::find_custom(tx, &id)?.ok_or(Error::NotFound("Domain"))
    })
}

pub fn list(ctx: &Context, user: &UserRow) -> Result<Vec<CustomRow>> {
    ctx.store.read(|c| store::zones::custom_by_owner(c, &user.id))
}

/// The zones an account can put hosts in, as (id, name): the built-in zones, then its
/// verified custom domains.
pub fn visible(ctx: &Context, user: &UserRow) -> Result<Vec<(String, String)>> {
    ctx.store.read(|c| {
        let mut zones: Vec<(String, String)> = store::zones::list(c)?
            .into_iter()
            .filter(|z| ctx.zones.iter().any(|s| s.name.as_str() == z.name))
            .map(|z| (z.id, z.name))
            .collect();
        zones.extend(store::zones::custom_by_owner(c, &user.id)?.into_iter().filter(|d| d.verified_at.is_some()).map(|d| (d.id, d.name)));
        Ok(zones)
    })
}

/// The account's custom domain `id` (NotFound for anyone else's, unless an administrator).
pub fn owned(conn: &rusqlite::Connection, user: &UserRow, id: &str) -> Result<CustomRow> {
    store::zones::find_custom(conn, id)?.filter(|d| d.owner_id == user.id || user.is_admin).ok_or(Error::NotFound("Domain"))
}

/// Checks the delegation without changing anything.
pub fn delegation(ctx: &Context, user: &UserRow, id: &str) -> Result<(CustomRow, Delegation)> {
    let domain = ctx.store.read(|c| owned(c, user, id))?;
    let status = check(ctx, &DomainName::parse(&domain.name)?)?;
    Ok((domain, status))
}

/// Checks the delegation and, when it is right, starts serving the domain.
pub fn verify(ctx: &Context, user: &UserRow, id: &str) -> Result<(CustomRow, Delegation)> {
    let (domain, status) = delegation(ctx, user, id)?;
    if !status.verified || domain.verified_at.is_some() {
        return Ok((domain, status));
    }
    let domain = ctx.store.write_then(
        |tx| {
            store::zones::set_verified(tx, &domain.id)?;
            store::history::event(tx, Some(&domain.owner_id), "domain verified", &domain.name, "", "api")?;
            let verified = store::zones::find_custom(tx, &domain.id)?.ok_or(Error::NotFound("Domain"))?;
            let contents = contents(ctx, tx, &verified)?;
            Ok((verified, contents))
        },
        |(_, contents)| ctx.catalog.upsert(contents.clone()),
    )?;
    Ok((domain.0, status))
}

/// Sets who may transfer the domain and which secondaries to NOTIFY; a served domain takes
/// the new settings at once.
pub fn set_transfers(ctx: &Context, user: &UserRow, id: &str, policy: &crate::transfers::Policy) -> Result<CustomRow> {
    let (domain, _) = ctx.store.write_then(
        |tx| {
            let domain = owned(tx, user, id)?;
            let (allow, notify) = policy.to_lines();
            store::zones::set_transfers(tx, &domain.id, &allow, &notify)?;
            store::history::event(tx, Some(&domain.owner_id), "transfer settings changed", &domain.name, &allow.replace('\n', ", "), "api")?;
            let domain = store::zones::find_custom(tx, &domain.id)?.ok_or(Error::NotFound("Domain"))?;
            let contents = if domain.verified_at.is_some() { Some(contents(ctx, tx, &domain)?) } else { None };
            Ok((domain, contents))
        },
        |(_, contents)| {
            if let Some(contents) = contents {
                ctx.catalog.upsert(contents.clone());
            }
        },
    )?;
    Ok(domain)
}

/// Deletes the domain with its hostnames, records and tokens; it leaves DNS at once.
pub fn delete(ctx: &Context, user: &UserRow, id: &str) -> Result<()> {
    ctx.store.write_then(
        |tx| {
            let domain = owned(tx, user, id)?;
            store::zones::delete(tx, &domain.id)?;
            store::history::event(tx, Some(&domain.owner_id), "domain deleted", &domain.name, "", "api")?;
            DomainName::parse(&domain.name)
        },
        |name| ctx.catalog.remove(name),
    )?;
    Ok(())
}

/// Everything needed to serve a verified custom domain.
pub fn contents(ctx: &Context, conn: &rusqlite::Connection, domain: &CustomRow) -> Result<ZoneContents> {
    let name = DomainName::parse(&domain.name)?;
    Ok(ZoneContents {
        nameservers: ctx.config.delegation_nameservers()?,
        hostmaster: name.child("hostmaster")?,
        serial: domain.serial,
        records: store::records::for_zone(conn, &domain.id)?,
        transfers: crate::transfers::Policy::from_lines(&domain.allow_transfer, &domain.notify).unwrap_or_else(|error| {
            tracing::warn!(domain = domain.name, %error, "ignoring unreadable transfer settings");
            crate::transfers::Policy::default()
        }),
        name,
    })
}

fn check(ctx: &Context, name: &DomainName) -> Result<Delegation> {
    let expected = ctx.config.delegation_nameservers()?;
    let list = |names: &[DomainName]| names.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    let resolver = ctx.config.delegation_resolver.or_else(crate::dns::lookup::system_resolver).ok_or_else(|| {
        Error::Config("no DNS server to check delegations with: set delegation_resolver".into())
    })?;
    let found = match crate::dns::lookup::ns_set(resolver, name) {
        Ok(found) => found,
        Err(e) => {
            return Ok(Delegation {
                verified: false,
                missing: expected.clone(),
                message: format!("Could not look {name} up yet ({e}); try again in a few minutes."),
                expected,
                found: Vec::new(),
            });
        }
    };
    let missing: Vec<DomainName> = expected.iter().filter(|ns| !found.contains(ns)).cloned().collect();
    let message = if found.is_empty() {
        format!("No NS records for {name} were found yet. At your registrar, set its nameservers to: {}.", list(&expected))
    } else if !missing.is_empty() {
        format!(
            "{name} is delegated to {}, which does not include {}. At your registrar, set its nameservers to: {}.",
            list(&found),
            list(&missing),
            list(&expected)
        )
    } else {
        let extra: Vec<DomainName> = found.iter().filter(|ns| !expected.contains(ns)).cloned().collect();
        if extra.is_empty() {
            format!("{name} is delegated to this appliance.")
        } else {
            format!("{name} is delegated to this appliance and also to {}, which must serve it as secondaries.", list(&extra))
        }
    };
    Ok(Delegation { verified: missing.is_empty() && !found.is_empty(), expected, found, missing, message })
}
