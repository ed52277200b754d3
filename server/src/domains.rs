//! Custom domains: an account brings its own domain, delegates it at its registrar to the
//! appliance's nameservers, and verifies. Only a verified domain is served, and only its
//! owner (or an administrator) manages its hostnames and records.

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::dns::ZoneContents;
use crate::error::{Error, Result};
use crate::model::{Account, CustomDomain, Zone, ZoneId};
use crate::names::DomainName;
use crate::store::{self, Conn};

/// What the parent zone says about a domain's delegation, in words a user can act on.
#[derive(Debug, Clone)]
pub struct Delegation {
    pub verified: bool,
    pub expected: Vec<DomainName>,
    pub found: Vec<DomainName>,
    pub missing: Vec<DomainName>,
    pub message: String,
}

/// A zone as an account sees it in listings.
#[derive(Debug, Clone)]
pub enum Listed {
    /// A zone every account may put hostnames in.
    Builtin(Zone),
    /// The account's own domain.
    Custom(CustomDomain),
}

pub fn add(ctx: &Context, caller: &Caller, name: &str) -> Result<CustomDomain> {
    let user = caller.may(Permission::WriteDomains)?;
    let name = DomainName::parse_fqdn(name)?;
    if name.first_label() == "*" {
        return Err(Error::Invalid(format!("{name} is a wildcard, not a domain")));
    }
    if let Some(zone) = ctx.zones.iter().find(|z| name.is_within(&z.name) || z.name.is_within(&name)) {
        return Err(Error::Conflict(format!("{name} overlaps {}, a zone this appliance serves for everyone", zone.name)));
    }
    ctx.store.write(|tx| {
        crate::plans::check_custom_domains(ctx, user, store::zones::count_custom(tx, &user.id)?)?;
        if store::zones::find_by_name(tx, &name)?.is_some() {
            return Err(Error::Conflict(format!("{name} has already been added")));
        }
        // A domain and everything below it belong to one account: no domain inside or
        // around another account's.
        if let Some(theirs) = store::zones::custom_overlapping(tx, &name)?.into_iter().find(|d| d.owner_id != user.id) {
            return Err(Error::Conflict(format!("{name} overlaps {}, which belongs to another account", theirs.name)));
        }
        let id = store::zones::insert_custom(tx, &name, &user.id)?;
        // Signed from the start (DNSSEC); the owner may turn it off.
        crate::zone_keys::make_key(tx, &id, crate::dnssec::Algorithm::EcdsaP256Sha256)?;
        store::history::event(tx, Some(&user.id), "domain added", name.as_str(), "", "api")?;
        store::zones::find_custom(tx, &id)?.ok_or(Error::NotFound("Domain"))
    })
}

/// The account's custom domains.
pub fn list(ctx: &Context, caller: &Caller) -> Result<Vec<CustomDomain>> {
    let user = caller.may(Permission::ReadDomains)?;
    owned_by(ctx, user)
}

pub(crate) fn owned_by(ctx: &Context, user: &Account) -> Result<Vec<CustomDomain>> {
    ctx.store.read(|c| store::zones::custom_by_owner(c, &user.id))
}

/// Every zone the account sees: the built-in zones, then its custom domains (verified or
/// not, when `unverified`).
pub fn visible(ctx: &Context, caller: &Caller, unverified: bool) -> Result<Vec<Listed>> {
    let user = caller.may(Permission::ReadDomains)?;
    ctx.store.read(|c| {
        let mut zones: Vec<Listed> =
            store::zones::list(c)?.into_iter().filter(|z| ctx.zones.iter().any(|s| s.name == z.name)).map(Listed::Builtin).collect();
        let custom = store::zones::custom_by_owner(c, &user.id)?;
        zones.extend(custom.into_iter().filter(|d| unverified || d.verified_at.is_some()).map(Listed::Custom));
        Ok(zones)
    })
}

/// The nameservers custom domains must be delegated to.
pub fn expected_nameservers(ctx: &Context) -> Result<Vec<DomainName>> {
    ctx.config.delegation_nameservers()
}

/// The account's custom domain `id` (NotFound for anyone else's).
pub(crate) fn owned(conn: &Conn, user: &Account, id: &ZoneId) -> Result<CustomDomain> {
    store::zones::find_custom(conn, id)?.filter(|d| d.owner_id == user.id).ok_or(Error::NotFound("Domain"))
}

/// Checks the delegation without changing anything.
pub fn delegation(ctx: &Context, caller: &Caller, id: &ZoneId) -> Result<(CustomDomain, Delegation)> {
    let user = caller.may(Permission::ReadDomains)?;
    let domain = ctx.store.read(|c| owned(c, user, id))?;
    let status = check(ctx, &domain.name)?;
    Ok((domain, status))
}

/// Checks the delegation and, when it is right, starts serving the domain.
pub fn verify(ctx: &Context, caller: &Caller, id: &ZoneId) -> Result<(CustomDomain, Delegation)> {
    caller.may(Permission::WriteDomains)?;
    let (domain, status) = delegation(ctx, caller, id)?;
    if !status.verified || domain.verified_at.is_some() {
        return Ok((domain, status));
    }
    let domain = ctx.store.write_then(
        |tx| {
            store::zones::set_verified(tx, &domain.id)?;
            store::history::event(tx, Some(&domain.owner_id), "domain verified", domain.name.as_str(), "", "api")?;
            let verified = store::zones::find_custom(tx, &domain.id)?.ok_or(Error::NotFound("Domain"))?;
            let contents = contents(ctx, tx, &verified)?;
            Ok((verified, contents))
        },
        |(_, contents)| ctx.catalog.upsert(contents.clone()),
    )?;
    Ok((domain.0, status))
}

/// Changes to a custom domain's settings; `None`: unchanged.
#[derive(Debug, Default)]
pub struct Settings {
    /// Who may transfer the domain.
    pub allow: Option<Vec<crate::transfers::Allow>>,
    /// Which secondaries to NOTIFY.
    pub notify: Option<Vec<std::net::SocketAddr>>,
    /// Whether it is signed: `true` on a signed domain keeps its key, on an unsigned one makes
    /// a new key; `false` removes the key.
    pub dnssec: Option<bool>,
}

/// Changes a custom domain's settings; a served domain takes them at once.
pub fn configure(ctx: &Context, caller: &Caller, id: &ZoneId, settings: &Settings) -> Result<CustomDomain> {
    let user = caller.may(Permission::WriteDomains)?;
    let (domain, _) = ctx.store.write_then(
        |tx| {
            let domain = owned(tx, user, id)?;
            if settings.allow.is_some() || settings.notify.is_some() {
                let mut policy = crate::transfers::Policy::from_lines(&domain.allow_transfer, &domain.notify).unwrap_or_default();
                if let Some(allow) = &settings.allow {
                    policy.allow.clone_from(allow);
                }
                if let Some(notify) = &settings.notify {
                    policy.notify.clone_from(notify);
                }
                let (allow, notify) = policy.to_lines();
                store::zones::set_transfers(tx, &domain.id, &allow, &notify)?;
                store::history::event(tx, Some(&domain.owner_id), "transfer settings changed", domain.name.as_str(), &allow.replace('\n', ", "), "api")?;
            }
            let signed = !store::dnssec_keys::for_zone(tx, &domain.id)?.is_empty();
            match settings.dnssec {
                Some(true) if !signed => {
                    crate::zone_keys::make_key(tx, &domain.id, crate::dnssec::Algorithm::EcdsaP256Sha256)?;
                    store::history::event(tx, Some(&domain.owner_id), "DNSSEC turned on", domain.name.as_str(), "a new key: give the parent its DS", "api")?;
                }
                Some(false) if signed => {
                    crate::zone_keys::remove_keys(tx, &domain.id)?;
                    store::history::event(tx, Some(&domain.owner_id), "DNSSEC turned off", domain.name.as_str(), "remove the DS at the parent", "api")?;
                }
                _ => {}
            }
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
pub fn delete(ctx: &Context, caller: &Caller, id: &ZoneId) -> Result<()> {
    let user = caller.may(Permission::WriteDomains)?;
    ctx.store.write_then(
        |tx| {
            let domain = owned(tx, user, id)?;
            store::zones::delete(tx, &domain.id)?;
            store::history::event(tx, Some(&domain.owner_id), "domain deleted", domain.name.as_str(), "", "api")?;
            Ok(domain.name)
        },
        |name| ctx.catalog.remove(name),
    )?;
    Ok(())
}

/// Everything needed to serve a verified custom domain.
pub fn contents(ctx: &Context, conn: &Conn, domain: &CustomDomain) -> Result<ZoneContents> {
    let name = domain.name.clone();
    Ok(ZoneContents {
        nameservers: ctx.config.delegation_nameservers()?,
        hostmaster: name.child("hostmaster")?,
        serial: domain.serial,
        records: store::records::for_zone(conn, &domain.id)?,
        transfers: crate::transfers::Policy::from_lines(&domain.allow_transfer, &domain.notify).unwrap_or_else(|error| {
            tracing::warn!(domain = %domain.name, %error, "ignoring unreadable transfer settings");
            crate::transfers::Policy::default()
        }),
        keys: crate::zone_keys::signing_keys(conn, &domain.id)?,
        signed_at: store::zones::signed_at(conn, &domain.id)?,
        name,
    })
}

/// A served zone as a zone file: a custom domain for its owner, a built-in zone (which
/// holds every account's names) for administrators.
pub fn export(ctx: &Context, caller: &Caller, id: &ZoneId) -> Result<(DomainName, String)> {
    let user = caller.may(Permission::ReadDomains)?;
    let (zone, own) = ctx.store.read(|c| {
        let own = owned(c, user, id).is_ok();
        if !own && !caller.is_admin_session() {
            return Err(Error::Forbidden("Administrators only".into()));
        }
        Ok((store::zones::find_by_id(c, id)?.ok_or(Error::NotFound("Domain"))?, own))
    })?;
    let text = ctx.catalog.export(&zone.name).ok_or_else(|| match own {
        true => Error::Conflict(format!("{} is not served yet: delegate it to this appliance and verify it", zone.name)),
        false => Error::NotFound("Domain"),
    })?;
    Ok((zone.name, text))
}

fn check(ctx: &Context, name: &DomainName) -> Result<Delegation> {
    let expected = ctx.config.delegation_nameservers()?;
    let found = crate::delegation::check(ctx, name, &expected, &[]);
    if found.asked.is_none() {
        return Err(Error::Config("no DNS server to check delegations with: set delegation_resolver".into()));
    }
    let missing: Vec<DomainName> = expected.iter().filter(|ns| !found.found.contains(ns)).cloned().collect();
    Ok(Delegation { verified: found.delegated, expected, found: found.found, missing, message: found.message })
}
