//! A zone's DNSSEC keys: made when a zone is to be signed, kept in the database (and so in
//! backups), loaded to sign, and shown — the public half, the DS for the parent and the
//! registrar's steps — never the private half.

use std::sync::Arc;

use crate::Context;
use crate::dnssec::{Algorithm, ZoneKey};
use crate::error::{Error, Result};
use crate::model::ZoneId;
use crate::names::DomainName;
use crate::store::{self, Conn};

/// Makes a zone's signing key and keeps it.
pub fn make_key(conn: &Conn, zone_id: &ZoneId, algorithm: Algorithm) -> Result<()> {
    make(conn, zone_id, algorithm, "active")
}

fn make(conn: &Conn, zone_id: &ZoneId, algorithm: Algorithm, state: &str) -> Result<()> {
    let private_key = crate::dnssec::generate(algorithm)?;
    store::dnssec_keys::insert(conn, zone_id, &store::dnssec_keys::StoredKey { algorithm: algorithm.number(), private_key }, state)?;
    signed_anew(conn, zone_id)
}

/// Removes a zone's keys: it is served unsigned from its next serial.
pub fn remove_keys(conn: &Conn, zone_id: &ZoneId) -> Result<()> {
    store::dnssec_keys::delete_for_zone(conn, zone_id)?;
    signed_anew(conn, zone_id)
}

/// The zone's DNSSEC records change without its records changing (a key came or went, or
/// the signatures are made anew): a new serial, so that secondaries, which transfer only a
/// newer serial, pick the change up; a new validity window from now; and the IXFR journal
/// of record changes forgotten, so that a secondary behind gets the zone whole.
fn signed_anew(conn: &Conn, zone_id: &ZoneId) -> Result<()> {
    let serial = store::zones::bump_serial(conn, zone_id)?;
    store::zones::set_signed_at(conn, zone_id, crate::dns::signing_time())?;
    store::journal::forget(conn, zone_id)?;
    store::journal::append(conn, zone_id, &crate::model::journal::Step { serial, ..Default::default() })
}

/// Signs anew every zone whose signatures come within a week of their end (RFC 6781 §4.4.2:
/// well before; secondaries get them with the new serial). Returns whether any was.
pub fn resign_due(ctx: &Context) -> Result<bool> {
    let made_before = crate::dns::signing_time().saturating_sub(crate::dns::SIGNATURES_LAST - crate::dns::SIGN_ANEW_BEFORE);
    ctx.store.write(|tx| {
        let due = store::zones::signed_before(tx, made_before)?;
        for zone_id in &due {
            signed_anew(tx, zone_id)?;
        }
        Ok(!due.is_empty())
    })
}

fn load(row: &store::dnssec_keys::KeyRow) -> Result<Arc<ZoneKey>> {
    let algorithm = Algorithm::from_number(row.key.algorithm)?;
    Ok(Arc::new(ZoneKey::from_pkcs8(algorithm, &row.key.private_key)?))
}

/// The keys that sign a zone now, the active one first (none: the zone is not signed).
pub fn signing_keys(conn: &Conn, zone_id: &ZoneId) -> Result<Vec<Arc<ZoneKey>>> {
    store::dnssec_keys::for_zone(conn, zone_id)?.iter().map(load).collect()
}

/// The key the parent's DS should name: the newest (a rollover's incoming key).
pub fn signing_key(conn: &Conn, zone_id: &ZoneId) -> Result<Option<Arc<ZoneKey>>> {
    Ok(signing_keys(conn, zone_id)?.pop())
}

/// The DS record (presentation format) a served, signed zone's parent should hold.
pub fn ds_records(ctx: &Context, name: &DomainName) -> Result<Vec<String>> {
    let key = ctx.store.read(|c| match store::zones::find_by_name(c, name)? {
        Some(row) => signing_key(c, &row.id),
        None => Err(Error::NotFound("Domain")),
    })?;
    let Some(key) = key else {
        return Err(Error::Conflict(format!("{name} is not signed: set dnssec = true in its [[zone]] (or --dnssec)")));
    };
    let origin = crate::dns::wire::name(name);
    Ok(vec![crate::dnssec::ds_line(name, &key.ds_rdata(&origin))])
}

/// Starts a key rollover (RFC 7583, double signature): a new key of the same algorithm is
/// published and signs every set beside the old one, and CDS/CDNSKEY name it. Once the parent
/// names it and `dnssec_rollover_hold_seconds` have passed, the appliance removes the old key
/// ([`advance_rollovers`]). Returns the new key's tag; DNS picks the key up when the zones are
/// rebuilt (the caller's, or the serving appliance's on seeing the change).
pub fn start_rollover(ctx: &Context, name: &DomainName) -> Result<u16> {
    let zone_id = ctx.store.write(|tx| {
        let zone = store::zones::find_by_name(tx, name)?.ok_or(Error::NotFound("Domain"))?;
        let keys = store::dnssec_keys::for_zone(tx, &zone.id)?;
        let Some(active) = keys.first() else {
            return Err(Error::Conflict(format!("{name} is not signed: there is no key to roll")));
        };
        if keys.iter().any(|k| k.state == "incoming") {
            return Err(Error::Conflict(format!("a key rollover of {name} is under way already (porchlight zone keys {name})")));
        }
        make(tx, &zone.id, Algorithm::from_number(active.key.algorithm)?, "incoming")?;
        store::history::event(tx, None, "DNSSEC key rollover started", name.as_str(), "give the parent the new DS", "cli")?;
        Ok(zone.id)
    })?;
    let key = ctx.store.read(|c| signing_key(c, &zone_id))?.ok_or(Error::NotFound("Domain"))?;
    Ok(key.tag())
}

/// Ends a rollover now, whatever the parent holds: the old key goes (the operator's call,
/// for a parent that cannot be asked).
pub fn finish_rollover(ctx: &Context, name: &DomainName) -> Result<()> {
    ctx.store.write(|tx| {
        let zone = store::zones::find_by_name(tx, name)?.ok_or(Error::NotFound("Domain"))?;
        let keys = store::dnssec_keys::for_zone(tx, &zone.id)?;
        let incoming = keys.iter().find(|k| k.state == "incoming").ok_or_else(|| Error::Conflict(format!("no key rollover of {name} is under way")))?;
        store::dnssec_keys::promote(tx, &incoming.id, &zone.id)?;
        signed_anew(tx, &zone.id)?;
        store::history::event(tx, None, "DNSSEC key rollover finished", name.as_str(), "by hand", "cli")
    })
}

/// Carries every rollover on: when the parent (asked through `delegation_resolver`) names a
/// zone's incoming key, and has for `dnssec_rollover_hold_seconds`, the old key is removed
/// and the incoming one becomes the zone's key. Returns whether any zone's keys changed (the
/// caller then rebuilds DNS).
pub fn advance_rollovers(ctx: &Context) -> Result<bool> {
    let incoming = ctx.store.read(store::dnssec_keys::incoming)?;
    if incoming.is_empty() {
        return Ok(false);
    }
    let Some(resolver) = ctx.config.delegation_resolver.or_else(crate::dns::lookup::system_resolver) else { return Ok(false) };
    let mut changed = false;
    for row in incoming {
        let Some(zone) = ctx.store.read(|c| store::zones::find_by_id(c, &row.zone_id))? else { continue };
        let ours = load(&row)?.ds_rdata(&crate::dns::wire::name(&zone.name));
        let Ok(theirs) = crate::dns::lookup::ds_set(resolver, &zone.name) else { continue };
        let now = crate::clock::now();
        match (theirs.contains(&ours), row.ds_seen_at) {
            (false, Some(_)) => ctx.store.write(|tx| store::dnssec_keys::set_ds_seen(tx, &row.id, None))?,
            (true, None) => {
                tracing::info!(zone = %zone.name, "the parent names the new DNSSEC key; the old one goes once the hold time has passed");
                ctx.store.write(|tx| store::dnssec_keys::set_ds_seen(tx, &row.id, Some(now)))?;
            }
            (true, Some(seen)) if now - seen >= i64::from(ctx.config.dnssec_rollover_hold_seconds) => {
                ctx.store.write(|tx| {
                    store::dnssec_keys::promote(tx, &row.id, &zone.id)?;
                    signed_anew(tx, &zone.id)?;
                    store::history::event(tx, None, "DNSSEC key rollover finished", zone.name.as_str(), "the parent names the new key", "housekeeping")
                })?;
                tracing::info!(zone = %zone.name, "DNSSEC key rollover finished: the old key is gone");
                changed = true;
            }
            _ => {}
        }
    }
    Ok(changed)
}

/// A zone's keys as the operator sees them: tag, algorithm, state, and the rollover's stage.
pub fn describe(ctx: &Context, name: &DomainName) -> Result<Vec<String>> {
    ctx.store.read(|c| {
        let zone = store::zones::find_by_name(c, name)?.ok_or(Error::NotFound("Domain"))?;
        let rows = store::dnssec_keys::for_zone(c, &zone.id)?;
        rows.iter().map(|row| Ok(format!("key {} algorithm {} {}", load(row)?.tag(), row.key.algorithm, stage(row)))).collect()
    })
}

fn stage(row: &store::dnssec_keys::KeyRow) -> String {
    match (row.state.as_str(), row.ds_seen_at) {
        ("active", _) => "active (signing; the key the parent's DS should name)".to_string(),
        (_, None) => "incoming (published and signing; waiting for the parent to name it: give it the new DS)".to_string(),
        (_, Some(_)) => "incoming (the parent names it; the old key goes after the hold time)".to_string(),
    }
}

/// A zone's DNSSEC state for the UI and the API: its key's public half, the DS for the
/// parent and what to do at the registrar.
pub struct DnssecState {
    pub zone: DomainName,
    /// The key the parent should name (the newest).
    pub key: Option<Arc<ZoneKey>>,
    /// Each key, with its stage, while a rollover runs (empty otherwise).
    pub rollover: Vec<String>,
}

pub fn dnssec_state(ctx: &Context, caller: &crate::auth::Caller, id: &ZoneId) -> Result<DnssecState> {
    let zone = ctx.store.read(|c| crate::ownership::visible_zone(c, caller, id))?;
    let (key, rows) = ctx.store.read(|c| Ok((signing_key(c, &zone.id)?, store::dnssec_keys::for_zone(c, &zone.id)?)))?;
    let rollover = if rows.len() > 1 { rows.iter().map(|row| Ok(format!("key {}: {}", load(row)?.tag(), stage(row)))).collect::<Result<_>>()? } else { Vec::new() };
    Ok(DnssecState { zone: zone.name, key, rollover })
}

impl DnssecState {
    pub fn ds(&self) -> Option<String> {
        let key = self.key.as_ref()?;
        Some(crate::dnssec::ds_line(&self.zone, &key.ds_rdata(&crate::dns::wire::name(&self.zone))))
    }

    pub fn dnskey(&self) -> Option<String> {
        use data_encoding::BASE64;
        let key = self.key.as_ref()?;
        let data = key.dnskey_rdata();
        Some(format!("{}. 3600 IN DNSKEY {} {} {} {}", self.zone, u16::from_be_bytes([data[0], data[1]]), data[2], data[3], BASE64.encode(&data[4..])))
    }

    /// The registrar's part, step by step.
    pub fn steps(&self) -> Vec<String> {
        let Some(key) = &self.key else {
            return vec![format!("{} is not signed. To sign it, set dnssec = true in its [[zone]] block (or start with --dnssec) and restart.", self.zone)];
        };
        let parent = self.zone.parent().map_or_else(|| "the parent zone".to_string(), |p| p.to_string());
        let ds = self.ds().unwrap_or_default();
        let digest = ds.rsplit(' ').next().unwrap_or_default().to_string();
        let algorithm = match key.algorithm {
            Algorithm::EcdsaP256Sha256 => "13 (ECDSAP256SHA256)",
            Algorithm::Ed25519 => "15 (ED25519)",
        };
        vec![
            format!("At the registrar of {} (where {parent} delegates it), open its DNSSEC settings.", self.zone),
            format!("Add a DS record: key tag {}, algorithm {algorithm}, digest type 2 (SHA-256), digest {digest}.", key.tag()),
            "If the registrar asks for the key instead: flags 257, protocol 3, the same algorithm, and the public key of the DNSKEY record shown here.".to_string(),
            "Parents that read CDS/CDNSKEY records (RFC 8078) find the key published in the zone and may add it by themselves.".to_string(),
            "Once the parent has it, validating resolvers check every answer; `delv` or an online DNSSEC checker shows the chain.".to_string(),
        ]
    }
}
