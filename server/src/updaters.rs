//! Per-hostname updaters: a token that may update one record type (A or AAAA) of one
//! hostname, which its owner can disable, re-enable or delete. Made through the HostUp v2
//! dialect; honoured by every update endpoint.

use crate::Context;
use crate::address::{AddressRequest, Want};
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{Scope, Scopes, Updater, UpdaterId, ZoneId};
use crate::names::DomainName;
use crate::records::RecordKind;
use crate::store;

/// A new updater with its token, which exists in clear only in this value.
#[derive(Debug)]
pub struct Created {
    pub updater: Updater,
    pub token: String,
}

/// Makes an updater for `hostname` (the domain itself or a name below it) in zone
/// `zone_id`, creating the hostname for the caller's account when it does not exist yet.
pub fn create(ctx: &Context, caller: &Caller, zone_id: &ZoneId, hostname: &str, record_type: &str) -> Result<Created> {
    let user = caller.may(Permission::WriteDomains)?;
    let kind = match RecordKind::parse(record_type) {
        Ok(kind @ (RecordKind::A | RecordKind::Aaaa)) => kind,
        _ => return Err(Error::invalid_field("/recordType", "`recordType` must be A or AAAA.")),
    };
    let zone = crate::hostnames::usable_zone(ctx, user, zone_id)?;
    let name = DomainName::parse(hostname.trim()).map_err(|e| Error::invalid_field("/hostname", e.to_string()))?;
    if !name.is_within(&zone.name) {
        return Err(Error::invalid_field("/hostname", format!("The hostname must be {} or a name below it.", zone.name)));
    }
    if name == zone.name && ctx.store.read(|c| store::zones::find_custom(c, &zone.id))?.is_none() {
        return Err(Error::invalid_field("/hostname", format!("{} is shared by every account; name a host below it", zone.name)));
    }
    let (existing, cname) =
        ctx.store.read(|c| Ok((store::hostnames::find_by_name(c, &name)?, crate::records::edit::has_cname(c, &zone, &name)?)))?;
    if cname {
        return Err(Error::Conflict(format!("{name} holds a CNAME record, which cannot stand beside an address")));
    }
    let host = match existing {
        Some(host) if host.user_id == user.id => host,
        Some(_) => return Err(Error::Conflict(format!("{name} belongs to another account"))),
        None => crate::hostnames::insert(ctx, user, &zone, name.clone(), ctx.config.default_ttl, true)
            .map_err(|e| match e {
                Error::Invalid(message) => Error::invalid_field("/hostname", message),
                other => other,
            })?
            .host,
    };
    let secret = crate::token::generate_hex();
    let id = UpdaterId::from_text(format!("ddns_{}", uuid::Uuid::new_v4().simple()));
    ctx.store.write(|tx| {
        let label = format!("updater {kind} {name}");
        let token_id = store::tokens::insert(tx, &user.id, Some(&host.id), &label, &Scopes::new([Scope::Update]), &secret)?;
        store::updaters::insert(tx, &id, &token_id, &host.id, kind)?;
        store::history::event(tx, Some(&user.id), "updater created", name.as_str(), kind.as_str(), "api")?;
        let updater = store::updaters::find(tx, &user.id, &zone.id, &id)?.ok_or(Error::NotFound("Updater"))?;
        Ok(Created { updater, token: secret.secret.clone() })
    })
}

pub fn list(ctx: &Context, caller: &Caller, zone_id: &ZoneId) -> Result<Vec<Updater>> {
    let user = caller.may(Permission::ReadDomains)?;
    let zone = crate::hostnames::usable_zone(ctx, user, zone_id)?;
    ctx.store.read(|c| store::updaters::in_zone(c, &user.id, &zone.id))
}

pub fn get(ctx: &Context, caller: &Caller, zone_id: &ZoneId, id: &UpdaterId) -> Result<Updater> {
    let user = caller.may(Permission::ReadDomains)?;
    ctx.store.read(|c| store::updaters::find(c, &user.id, zone_id, id)?.ok_or(Error::NotFound("Updater")))
}

pub fn set_enabled(ctx: &Context, caller: &Caller, zone_id: &ZoneId, id: &UpdaterId, enabled: bool) -> Result<Updater> {
    let user = caller.may(Permission::WriteDomains)?;
    ctx.store.write(|tx| {
        let updater = store::updaters::find(tx, &user.id, zone_id, id)?.ok_or(Error::NotFound("Updater"))?;
        store::updaters::set_enabled(tx, &updater.id, enabled)?;
        let kind = if enabled { "updater enabled" } else { "updater disabled" };
        store::history::event(tx, Some(&user.id), kind, updater.hostname.as_str(), updater.record_type.as_str(), "api")?;
        store::updaters::find(tx, &user.id, zone_id, id)?.ok_or(Error::NotFound("Updater"))
    })
}

/// Deletes the updater and its token; the hostname and its records stay.
pub fn delete(ctx: &Context, caller: &Caller, zone_id: &ZoneId, id: &UpdaterId) -> Result<()> {
    let user = caller.may(Permission::WriteDomains)?;
    ctx.store.write(|tx| {
        let updater = store::updaters::find(tx, &user.id, zone_id, id)?.ok_or(Error::NotFound("Updater"))?;
        store::tokens::delete(tx, &updater.token_id)?;
        store::history::event(tx, Some(&user.id), "updater deleted", updater.hostname.as_str(), updater.record_type.as_str(), "api")
    })
}

/// Refuses a change of the family the updater is not for.
pub(crate) fn check_families(updater: &Updater, request: &AddressRequest) -> Result<()> {
    let (other, other_name) = match updater.record_type {
        RecordKind::A => (!matches!(request.v6, Want::Keep) || request.prefix.is_some(), "AAAA"),
        _ => (!matches!(request.v4, Want::Keep), "A"),
    };
    if other {
        return Err(Error::Forbidden(format!("This updater token changes only the {} record, not {other_name}", updater.record_type)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestContext, ZONE_ID};

    #[test]
    fn an_updater_is_refused_at_the_shared_apex_inside_others_and_beside_a_cname() -> Result<()> {
        let t = TestContext::new()?;
        let zone = ZoneId::from(ZONE_ID);
        let alice = t.session("alice@example.com", false)?;
        t.host("bob@example.com", "lab.dyn.example.test")?;
        assert!(matches!(create(&t.ctx, &alice, &zone, "dyn.example.test", "A"), Err(Error::Validation(_))));
        assert!(matches!(create(&t.ctx, &alice, &zone, "x.lab.dyn.example.test", "A"), Err(Error::Conflict(_))));
        assert!(matches!(create(&t.ctx, &alice, &zone, "lab.dyn.example.test", "A"), Err(Error::Conflict(_))));
        assert!(matches!(create(&t.ctx, &alice, &zone, "home.dyn.example.test", "MX"), Err(Error::Validation(_))));
        let made = create(&t.ctx, &alice, &zone, "home.dyn.example.test", "AAAA")?;
        assert_eq!(made.token.len(), 64);
        assert_eq!(list(&t.ctx, &alice, &zone)?.len(), 1);
        let cname = crate::records::edit::Input { kind: "CNAME".into(), name: "www.home".into(), content: "home.dyn.example.test".into(), ..Default::default() };
        crate::records::edit::create(&t.ctx, &alice, &zone, &cname)?;
        assert!(matches!(create(&t.ctx, &alice, &zone, "www.home.dyn.example.test", "A"), Err(Error::Conflict(_))));
        Ok(())
    }
}
