//! Who owns a name — one rule, asked by every surface (native API, dialects, RFC 2136, UI).
//!
//! A custom domain and everything below it belongs to its account. In a shared (built-in)
//! zone a name belongs to the account whose hostname is that name or its closest enclosing
//! hostname; a name under no hostname belongs to nobody, and the apex to the configuration.
//! Nobody creates a hostname, record, updater, TSIG permission or ACME registration at a
//! name that belongs to another account, nor a hostname that would enclose another
//! account's hostname.

use crate::error::{Error, Result};
use crate::model::{Account, Host, UserId, Zone};
use crate::names::DomainName;
use crate::store::{self, Conn};

/// A zone `caller` may look at (its delegation guide, its DNSSEC state): a built-in one, or a
/// custom domain of its own (any, for an administrator's session). Anyone else's domain is
/// not found.
pub fn visible_zone(conn: &Conn, caller: &crate::auth::Caller, id: &crate::model::ZoneId) -> Result<Zone> {
    let user = caller.may(crate::auth::Permission::ReadDomains)?;
    let zone = store::zones::find_by_id(conn, id)?.ok_or(Error::NotFound("Domain"))?;
    match store::zones::find_custom(conn, id)? {
        Some(domain) if domain.owner_id != user.id && !caller.is_admin_session() => Err(Error::NotFound("Domain")),
        _ => Ok(zone),
    }
}

/// A zone `caller` may manage (its keys): its own custom domain, or, for an administrator's
/// session, a built-in zone. Anyone else's domain is not found; a built-in zone is the
/// administrators'.
pub fn manageable_zone(conn: &Conn, caller: &crate::auth::Caller, id: &crate::model::ZoneId) -> Result<Zone> {
    let user = caller.may(crate::auth::Permission::WriteDomains)?;
    let zone = store::zones::find_by_id(conn, id)?.ok_or(Error::NotFound("Domain"))?;
    match store::zones::find_custom(conn, id)? {
        Some(domain) if domain.owner_id == user.id => Ok(zone),
        Some(_) => Err(Error::NotFound("Domain")),
        None if caller.is_admin_session() => Ok(zone),
        None => Err(Error::Forbidden("only an administrator manages a built-in zone's keys".into())),
    }
}

/// Whom a name belongs to.
#[derive(Debug, Clone)]
pub enum Owner {
    /// The zone's apex: its SOA and NS come from the configuration (custom domains aside).
    Apex,
    /// An account: through its custom domain (`host`: a hostname of exactly this name), or
    /// through `host`, the hostname at or above the name in a shared zone.
    Account { id: UserId, host: Option<Host> },
    /// Nobody: a name in a shared zone under no hostname.
    Nobody,
}

impl Owner {
    /// Whether `account` owns the name.
    pub fn is(&self, account: &Account) -> bool {
        matches!(self, Self::Account { id, .. } if *id == account.id)
    }

    /// The hostname at or above the name, when one is.
    pub fn host(&self) -> Option<&Host> {
        match self {
            Self::Account { host, .. } => host.as_ref(),
            _ => None,
        }
    }
}

/// Who owns `name`, which lies in `zone`.
pub fn owner(conn: &Conn, zone: &Zone, name: &DomainName) -> Result<Owner> {
    if let Some(domain) = store::zones::find_custom(conn, &zone.id)? {
        // Only a hostname of exactly this name: hand-made records of a custom domain belong to
        // the domain, not to a hostname above them (deleting an apex updater's hostname must
        // not take the whole zone with it).
        let host = store::hostnames::find_by_name(conn, name)?.filter(|h| h.zone_id == zone.id);
        return Ok(Owner::Account { id: domain.owner_id, host });
    }
    if *name == zone.name {
        return Ok(Owner::Apex);
    }
    Ok(match enclosing_host(conn, zone, name)? {
        Some(host) => Owner::Account { id: host.user_id.clone(), host: Some(host) },
        None => Owner::Nobody,
    })
}

/// The hostname that is `name` or encloses it most closely, within `zone`.
fn enclosing_host(conn: &Conn, zone: &Zone, name: &DomainName) -> Result<Option<Host>> {
    let mut candidate = Some(name.clone());
    while let Some(current) = candidate {
        if !current.is_within(&zone.name) {
            break;
        }
        if let Some(host) = store::hostnames::find_by_name(conn, &current)?
            && host.zone_id == zone.id
        {
            return Ok(Some(host));
        }
        candidate = current.parent();
    }
    Ok(None)
}

/// Whether `account` may write records at `name` in `zone`: its own names, and (for an
/// administrator) names in a shared zone that belong to nobody. Returns the hostname at or
/// above the name, if any. Another account's name is refused as not found, so that names
/// cannot be probed.
pub fn may_write(conn: &Conn, account: &Account, zone: &Zone, name: &DomainName) -> Result<Owner> {
    let owner = owner(conn, zone, name)?;
    match &owner {
        owner if owner.is(account) => Ok(owner.clone()),
        Owner::Apex => Err(Error::Forbidden("The zone apex (SOA and NS) comes from the configuration".into())),
        Owner::Nobody if account.is_admin => Ok(Owner::Nobody),
        Owner::Nobody => {
            Err(Error::Forbidden(format!("You may only edit records at or below your own hostnames, and {name} is not one")))
        }
        Owner::Account { .. } => Err(Error::Forbidden(format!("{name} belongs to another account"))),
    }
}

/// Whether `account` may make a new hostname `name` in `zone`: the name must be free, not
/// inside another account's name, and not enclose another account's hostname — nor, in a
/// shared zone, records an administrator made under no hostname.
pub fn may_claim(conn: &Conn, account: &Account, zone: &Zone, name: &DomainName) -> Result<()> {
    if store::hostnames::find_by_name(conn, name)?.is_some() {
        return Err(Error::Conflict(format!("Hostname {name} already exists")));
    }
    let owner = owner(conn, zone, name)?;
    if matches!(owner, Owner::Nobody)
        && !account.is_admin
        && let Some(taken) = store::records::unowned_at_or_below(conn, &zone.id, name)?
    {
        return Err(Error::Conflict(format!("{name} would take over {taken}, which an administrator keeps")));
    }
    match owner {
        Owner::Apex => return Err(Error::Conflict(format!("{name} is the zone itself, shared by every account; name a host inside it"))),
        Owner::Account { id, host } if id != account.id => {
            let within = host.map_or_else(|| zone.name.to_string(), |h| h.name.to_string());
            return Err(Error::Conflict(format!("{name} lies inside {within}, which belongs to another account")));
        }
        _ => {}
    }
    let below = store::hostnames::below(conn, &zone.id, name)?;
    if let Some(theirs) = below.iter().find(|h| h.user_id != account.id) {
        return Err(Error::Conflict(format!("{name} would enclose {}, which belongs to another account", theirs.name)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ZoneId;
    use crate::store::Store;

    struct Fixture {
        store: Store,
        zone: Zone,
        alice: Account,
        bob: Account,
        admin: Account,
    }

    fn fixture() -> Result<Fixture> {
        let store = Store::open_in_memory()?;
        let zone = store.write(|tx| store::zones::ensure_builtin(tx, &DomainName::parse("dyn.example.test")?).map(|(zone, _)| zone))?;
        let mut accounts = Vec::new();
        for (email, admin) in [("alice@example.com", false), ("bob@example.com", false), ("root@example.com", true)] {
            let id = store.write(|tx| store::users::insert(tx, email, "x", admin))?;
            accounts.push(store.read(|c| store::users::find_by_id(c, &id))?.ok_or(Error::NotFound("User"))?);
        }
        let admin = accounts.pop().ok_or(Error::NotFound("User"))?;
        let bob = accounts.pop().ok_or(Error::NotFound("User"))?;
        let alice = accounts.pop().ok_or(Error::NotFound("User"))?;
        store.write(|tx| store::hostnames::insert(tx, &zone.id, &alice.id, &DomainName::parse("home.dyn.example.test")?, 60))?;
        Ok(Fixture { store, zone, alice, bob, admin })
    }

    fn name(text: &str) -> DomainName {
        DomainName::parse(text).unwrap_or_else(|_| unreachable!("valid test name"))
    }

    #[test]
    fn a_hostname_owns_itself_and_everything_below() -> Result<()> {
        let f = fixture()?;
        f.store.read(|c| {
            assert!(owner(c, &f.zone, &name("home.dyn.example.test"))?.is(&f.alice));
            assert!(owner(c, &f.zone, &name("_acme-challenge.x.home.dyn.example.test"))?.is(&f.alice));
            assert!(matches!(owner(c, &f.zone, &name("other.dyn.example.test"))?, Owner::Nobody));
            assert!(matches!(owner(c, &f.zone, &name("dyn.example.test"))?, Owner::Apex));
            Ok(())
        })
    }

    #[test]
    fn nobody_writes_or_claims_inside_another_accounts_name() -> Result<()> {
        let f = fixture()?;
        f.store.read(|c| {
            let inside = name("x.home.dyn.example.test");
            assert!(may_write(c, &f.alice, &f.zone, &inside).is_ok());
            assert!(matches!(may_write(c, &f.bob, &f.zone, &inside), Err(Error::Forbidden(_))));
            assert!(matches!(may_write(c, &f.admin, &f.zone, &inside), Err(Error::Forbidden(_))), "not even an administrator");
            assert!(matches!(may_claim(c, &f.bob, &f.zone, &inside), Err(Error::Conflict(_))));
            assert!(may_claim(c, &f.alice, &f.zone, &inside).is_ok(), "the owner nests freely");
            assert!(matches!(may_claim(c, &f.bob, &f.zone, &name("home.dyn.example.test")), Err(Error::Conflict(_))));
            Ok(())
        })
    }

    #[test]
    fn nobody_claims_a_name_enclosing_another_accounts_hostname() -> Result<()> {
        let f = fixture()?;
        f.store.write(|tx| store::hostnames::insert(tx, &f.zone.id, &f.bob.id, &name("sub.lab.dyn.example.test"), 60))?;
        f.store.read(|c| {
            let above = name("lab.dyn.example.test");
            let refused = may_claim(c, &f.alice, &f.zone, &above).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(refused.contains("sub.lab.dyn.example.test"), "{refused}");
            assert!(may_claim(c, &f.bob, &f.zone, &above).is_ok());
            Ok(())
        })
    }

    #[test]
    fn nobody_claims_a_name_over_an_administrators_records() -> Result<()> {
        let f = fixture()?;
        let kept = name("deep.notes.dyn.example.test");
        let record = crate::records::Record { name: kept.clone(), ttl: 300, data: crate::records::RecordData::Txt("kept by root".into()) };
        f.store.write(|tx| store::records::insert_manual(tx, &f.zone.id, None, &record))?;
        f.store.read(|c| {
            for claimed in ["deep.notes.dyn.example.test", "notes.dyn.example.test"] {
                let refused = may_claim(c, &f.alice, &f.zone, &name(claimed)).err().map(|e| e.to_string()).unwrap_or_default();
                assert!(refused.contains("administrator"), "{claimed}: {refused}");
            }
            // A name below the records, or beside them, takes nothing.
            assert!(may_claim(c, &f.alice, &f.zone, &name("x.deep.notes.dyn.example.test")).is_ok());
            assert!(may_claim(c, &f.alice, &f.zone, &name("other.notes.dyn.example.test")).is_ok());
            assert!(may_claim(c, &f.admin, &f.zone, &kept).is_ok(), "an administrator may");
            Ok(())
        })
    }

    #[test]
    fn a_custom_domain_belongs_wholly_to_its_account() -> Result<()> {
        let f = fixture()?;
        let id: ZoneId = f.store.write(|tx| store::zones::insert_custom(tx, &name("pocket.test"), &f.bob.id))?;
        let zone = f.store.read(|c| store::zones::find_by_id(c, &id))?.ok_or(Error::NotFound("Domain"))?;
        f.store.read(|c| {
            assert!(owner(c, &zone, &name("pocket.test"))?.is(&f.bob), "the apex too");
            assert!(may_write(c, &f.bob, &zone, &name("www.pocket.test")).is_ok());
            assert!(may_write(c, &f.alice, &zone, &name("www.pocket.test")).is_err());
            assert!(may_claim(c, &f.alice, &zone, &name("www.pocket.test")).is_err());
            Ok(())
        })
    }
}
