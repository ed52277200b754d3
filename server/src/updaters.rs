//! Per-hostname updaters: a token that may update one record type (A or AAAA) of one
//! hostname, which its owner can disable, re-enable or delete. Made through the HostUp v2
//! dialect; honoured by every update endpoint.

use crate::Context;
use crate::address::{AddressRequest, Want};
use crate::error::{Error, Result};
use crate::names::DomainName;
use crate::records::RecordKind;
use crate::store::{self, updaters::UpdaterRow, users::UserRow};

/// A new updater with its token, which exists in clear only in this value.
pub struct Created {
    pub updater: UpdaterRow,
    pub token: String,
}

/// Makes an updater for `hostname` (the domain itself or a name below it) in zone
/// `zone_id`, creating the hostname for `user` when it does not exist yet.
pub fn create(ctx: &Context, user: &UserRow, zone_id: &str, hostname: &str, record_type: &str) -> Result<Created> {
    let kind = match RecordKind::parse(record_type) {
        Ok(kind @ (RecordKind::A | RecordKind::Aaaa)) => kind,
        _ => return Err(Error::Invalid("recordType must be A or AAAA".into())),
    };
    let (zone, custom) = ctx.store.read(|c| visible_zone(ctx, c, user, zone_id))?;
    let apex = DomainName::parse(&zone.name)?;
    let name = DomainName::parse(hostname.trim())?;
    if !name.is_within(&apex) {
        return Err(Error::Invalid(format!("The hostname must be {apex} or a name below it")));
    }
    let host = match ctx.store.read(|c| store::hostnames::find_by_name(c, name.as_str()))? {
        Some(host) if host.user_id == user.id => host,
        Some(_) => return Err(Error::Conflict(format!("{name} belongs to another account"))),
        None if name == apex && !custom => {
            return Err(Error::Invalid(format!("{apex} is shared by every account; name a host below it")));
        }
        None => crate::hostnames::create_in_zone(ctx, user, &zone.id, name.as_str(), None)?.host,
    };
    let secret = crate::token::generate_hex();
    let id = format!("ddns_{}", store::new_id().replace('-', ""));
    ctx.store.write(|tx| {
        let label = format!("updater {kind} {name}");
        let token_id = store::tokens::insert(tx, &user.id, Some(&host.id), &label, "update", &secret)?;
        store::updaters::insert(tx, &id, &token_id, &host.id, kind.as_str())?;
        store::history::event(tx, Some(&user.id), "updater created", name.as_str(), kind.as_str(), "api")?;
        let updater = store::updaters::find(tx, &user.id, &zone.id, &id)?.ok_or(Error::NotFound("Updater"))?;
        Ok(Created { updater, token: secret.secret.clone() })
    })
}

pub fn list(ctx: &Context, user: &UserRow, zone_id: &str) -> Result<Vec<UpdaterRow>> {
    ctx.store.read(|c| {
        let (zone, _) = visible_zone(ctx, c, user, zone_id)?;
        store::updaters::in_zone(c, &user.id, &zone.id)
    })
}

pub fn get(ctx: &Context, user: &UserRow, zone_id: &str, id: &str) -> Result<UpdaterRow> {
    ctx.store.read(|c| store::updaters::find(c, &user.id, zone_id, id)?.ok_or(Error::NotFound("Updater")))
}

pub fn set_enabled(ctx: &Context, user: &UserRow, zone_id: &str, id: &str, enabled: bool) -> Result<UpdaterRow> {
    ctx.store.write(|tx| {
        let updater = store::updaters::find(tx, &user.id, zone_id, id)?.ok_or(Error::NotFound("Updater"))?;
        store::updaters::set_enabled(tx, &updater.id, enabled)?;
        let kind = if enabled { "updater enabled" } else { "updater disabled" };
        store::history::event(tx, Some(&user.id), kind, &updater.hostname, &updater.record_type, "api")?;
        store::updaters::find(tx, &user.id, zone_id, id)?.ok_or(Error::NotFound("Updater"))
    })
}

/// Deletes the updater and its token; the hostname and its records stay.
pub fn delete(ctx: &Context, user: &UserRow, zone_id: &str, id: &str) -> Result<()> {
    ctx.store.write(|tx| {
        let updater = store::updaters::find(tx, &user.id, zone_id, id)?.ok_or(Error::NotFound("Updater"))?;
        store::tokens::delete(tx, &updater.token_id)?;
        store::history::event(tx, Some(&user.id), "updater deleted", &updater.hostname, &updater.record_type, "api")
    })
}

/// The updater behind `token_id`, if it is one; a disabled one does not authenticate.
pub fn for_token(conn: &rusqlite::Connection, token_id: &str) -> Result<Option<UpdaterRow>> {
    match store::updaters::find_by_token(conn, token_id)? {
        Some(updater) if !updater.enabled => Err(Error::BadAuth),
        found => Ok(found),
    }
}

/// Refuses a change of the family the updater is not for.
pub fn check_families(updater: &UpdaterRow, request: &AddressRequest) -> Result<()> {
    let (other, other_name) = match updater.record_type.as_str() {
        "A" => (!matches!(request.v6, Want::Keep) || request.prefix.is_some(), "AAAA"),
        _ => (!matches!(request.v4, Want::Keep), "A"),
    };
    if other {
        return Err(Error::Forbidden(format!("This updater token changes only the {} record, not {other_name}", updater.record_type)));
    }
    Ok(())
}

/// A zone a user may make updaters in: a built-in one or their own custom domain, served;
/// with whether it is custom.
fn visible_zone(ctx: &Context, conn: &rusqlite::Connection, user: &UserRow, zone_id: &str) -> Result<(store::zones::ZoneRow, bool)> {
    let zone = store::zones::find_by_id(conn, zone_id)?.ok_or(Error::NotFound("Domain"))?;
    let custom = store::zones::find_custom(conn, zone_id)?.is_some();
    if custom {
        crate::domains::owned(conn, user, zone_id).map_err(|_| Error::NotFound("Domain"))?;
    }
    if !ctx.catalog.serves(&DomainName::parse(&zone.name)?) {
        return Err(Error::NotFound("Domain"));
    }
    Ok((zone, custom))
}
