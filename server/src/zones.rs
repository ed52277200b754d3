//! Zones: which ones are served, and building the DNS view of them from storage.

use crate::Context;
use crate::config::ZoneSettings;
use crate::dns::ZoneContents;
use crate::error::Result;
use crate::names::DomainName;
use crate::model::Zone;
use crate::model::journal::Step;
use crate::store::{self, Conn, Store};

/// Gives every configured zone its row (and stable id) in the database, and a signed zone
/// its key (made once, kept): `dnssec = true` signs, `false` does not, and unset signs a
/// zone new to the database while one it already served keeps what it had.
pub fn sync_builtin(store: &Store, zones: &[ZoneSettings]) -> Result<()> {
    use crate::config::Signing;
    store.write(|tx| {
        for zone in zones {
            let (row, new) = store::zones::ensure_builtin(tx, &zone.name)?;
            let signed = !store::dnssec_keys::for_zone(tx, &row.id)?.is_empty();
            match zone.dnssec {
                Signing::On(algorithm) | Signing::NewZones(algorithm) if !signed && (new || matches!(zone.dnssec, Signing::On(_))) => {
                    crate::zone_keys::make_key(tx, &row.id, algorithm)?;
                    tracing::info!(zone = %zone.name, algorithm = algorithm.number(), "made the zone's DNSSEC key; give the parent its DS (porchlight zone ds)");
                }
                Signing::Off if signed => {
                    crate::zone_keys::remove_keys(tx, &row.id)?;
                    tracing::warn!(zone = %zone.name, "dnssec = false: the zone is no longer signed and its key is gone; remove its DS at the parent");
                }
                _ => {}
            }
        }
        Ok(())
    })
}

/// Where the serving appliance's zone settings are kept for the command line.
const SERVED_ZONES: &str = "served_zones";

/// Remembers the built-in zones a serving appliance was started with (with the glue its
/// listeners give them), so that commands run beside it work on the same zones without
/// repeating `--zone`.
pub fn remember_served(store: &Store, config: &crate::Config) -> Result<()> {
    let listeners: Vec<std::net::IpAddr> = config.dns.iter().map(|a| a.ip()).filter(|ip| !ip.is_unspecified()).collect();
    let zones: Vec<crate::config::ZoneConfig> = config
        .zone
        .iter()
        .map(|z| {
            let mut z = z.clone();
            if z.nameserver_addresses.is_empty() {
                z.nameserver_addresses.clone_from(&listeners);
            }
            z
        })
        .collect();
    let text = serde_json::to_string(&zones).map_err(|e| crate::Error::Config(format!("cannot record the served zones: {e}")))?;
    store.write(|tx| store::settings::set(tx, SERVED_ZONES, &text))
}

/// The built-in zones the appliance last served from this database (none if it never ran).
pub fn remembered(store: &Store) -> Result<Vec<crate::config::ZoneConfig>> {
    let text = store.read(|c| store::settings::get(c, SERVED_ZONES))?.unwrap_or_default();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(&text).map_err(|e| crate::Error::Config(format!("the database's record of served zones is unreadable: {e}")))
}

/// Everything needed to serve a built-in zone (None: it has no row yet).
fn builtin_contents(conn: &Conn, settings: &ZoneSettings) -> Result<Option<ZoneContents>> {
    let Some(row) = store::zones::find_by_name(conn, &settings.name)? else { return Ok(None) };
    let mut records = store::records::for_zone(conn, &row.id)?;
    records.extend(settings.glue.iter().map(|(name, ip)| crate::records::Record {
        name: name.clone(),
        ttl: 3600,
        data: match ip {
            std::net::IpAddr::V4(v4) => crate::records::RecordData::A(*v4),
            std::net::IpAddr::V6(v6) => crate::records::RecordData::Aaaa(*v6),
        },
    }));
    Ok(Some(ZoneContents {
        name: settings.name.clone(),
        serial: row.serial,
        nameservers: settings.nameservers.clone(),
        hostmaster: settings.hostmaster.clone(),
        records,
        transfers: settings.transfers.clone(),
        keys: crate::zone_keys::signing_keys(conn, &row.id)?,
        signed_at: store::zones::signed_at(conn, &row.id)?,
    }))
}

/// Rebuilds one served zone (built-in, or a verified custom domain) from the database.
fn reload_zone(ctx: &Context, name: &DomainName) -> Result<()> {
    let contents = ctx.store.read(|conn| match ctx.zones.iter().find(|z| z.name == *name) {
        Some(settings) => builtin_contents(conn, settings),
        None => match store::zones::find_by_name(conn, name)?.map(|z| z.id) {
            Some(id) => store::zones::find_custom(conn, &id)?.filter(|d| d.verified_at.is_some()).map(|d| crate::domains::contents(ctx, conn, &d)).transpose(),
            None => Ok(None),
        },
    })?;
    if let Some(contents) = contents {
        ctx.catalog.upsert(contents);
    }
    Ok(())
}

/// Starts a DNSSEC key rollover of zone `id` for `caller` — a custom domain's owner, or an
/// administrator for a built-in zone — and serves the new key beside the old one at once.
/// The appliance carries it on ([`crate::zone_keys::advance_rollovers`]).
pub fn roll_key(ctx: &Context, caller: &crate::auth::Caller, id: &crate::model::ZoneId) -> Result<crate::zone_keys::DnssecState> {
    let zone = ctx.store.read(|c| crate::ownership::manageable_zone(c, caller, id))?;
    crate::zone_keys::start_rollover(ctx, &zone.name)?;
    reload_zone(ctx, &zone.name)?;
    crate::zone_keys::dnssec_state(ctx, caller, id)
}

/// Rebuilds the whole DNS view from the database.
pub fn load_catalog(ctx: &Context) -> Result<()> {
    let contents = ctx.store.read(|conn| {
        let mut all = Vec::new();
        for settings in &ctx.zones {
            all.extend(builtin_contents(conn, settings)?);
        }
        for custom in store::zones::custom_verified(conn)? {
            all.push(crate::domains::contents(ctx, conn, &custom)?);
        }
        Ok(all)
    })?;
    ctx.catalog.replace_all(contents);
    Ok(())
}

/// The served zone a name belongs to (the most specific one).
pub fn zone_of<'a>(zones: &'a [ZoneSettings], name: &DomainName) -> Option<&'a ZoneSettings> {
    zones.iter().filter(|z| name.is_within(&z.name)).max_by_key(|z| z.name.as_str().len())
}

/// The served zone (built-in, or a verified custom domain) holding `name`: the most
/// specific one.
pub fn served_containing(ctx: &Context, conn: &Conn, name: &DomainName) -> Result<Zone> {
    let mut candidate = Some(name.clone());
    while let Some(current) = candidate {
        if ctx.catalog.serves(&current)
            && let Some(zone) = store::zones::find_by_name(conn, &current)?
        {
            return Ok(zone);
        }
        candidate = current.parent();
    }
    Err(crate::error::Error::NotFound("Domain"))
}

/// A zone `user` may put hostnames and records in: a built-in one, or its own custom domain
/// once it is served (before that, a conflict saying what to do). Anyone else's domain is
/// not found.
pub fn usable(ctx: &Context, conn: &Conn, user: &crate::model::Account, zone_id: &crate::model::ZoneId) -> Result<Zone> {
    let not_found = || crate::error::Error::NotFound("Domain");
    let zone = store::zones::find_by_id(conn, zone_id)?.ok_or_else(not_found)?;
    let custom = store::zones::find_custom(conn, zone_id)?;
    if custom.as_ref().is_some_and(|c| c.owner_id != user.id) {
        return Err(not_found());
    }
    if !ctx.catalog.serves(&zone.name) {
        return Err(match custom {
            Some(_) => crate::error::Error::Conflict(format!("{} is not served yet: delegate it to this appliance and verify it", zone.name)),
            None => not_found(),
        });
    }
    Ok(zone)
}

/// A zone whose records `caller` may read: one it may use, and for an administrator's
/// session any served zone (administrators read every record; writing still follows the
/// ownership rule).
pub fn readable(ctx: &Context, conn: &Conn, caller: &crate::auth::Caller, zone_id: &crate::model::ZoneId) -> Result<Zone> {
    if caller.is_admin_session()
        && let Some(zone) = store::zones::find_by_id(conn, zone_id)?
        && ctx.catalog.serves(&zone.name)
    {
        return Ok(zone);
    }
    usable(ctx, conn, caller.account(), zone_id)
}

/// The zone's journal steps from serial `from` to `to`, if it reaches that far back (IXFR).
pub fn journal(ctx: &Context, zone: &DomainName, from: u32, to: u32) -> Option<Vec<Step>> {
    let steps = ctx.store.read(|c| match store::zones::find_by_name(c, zone)? {
        Some(row) => store::journal::between(c, &row.id, from, to),
        None => Ok(None),
    });
    steps.unwrap_or_else(|error| {
        tracing::warn!(%zone, %error, "cannot read the zone journal");
        None
    })
}
