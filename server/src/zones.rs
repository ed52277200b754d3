//! Zones: which ones are served, and building the DNS view of them from storage.

use crate::Context;
use crate::config::ZoneSettings;
use crate::dns::{Catalog, RrsetChange, ZoneContents};
use crate::error::Result;
use crate::names::DomainName;
use crate::records::RecordKind;
use crate::store::{self, Store};

/// Gives every configured zone its row (and stable id) in the database.
pub fn sync_builtin(store: &Store, zones: &[ZoneSettings]) -> Result<()> {
    store.write(|tx| {
        for zone in zones {
            store::zones::ensure_builtin(tx, zone.name.as_str())?;
        }
        Ok(())
    })
}

/// Rebuilds the whole DNS view from the database.
pub fn load_catalog(ctx: &Context) -> Result<()> {
    let contents = ctx.store.read(|conn| {
        let mut all = Vec::new();
        for settings in &ctx.zones {
            let Some(row) = store::zones::find_by_name(conn, settings.name.as_str())? else { continue };
            let mut records = store::records::for_zone(conn, &row.id)?;
            records.extend(settings.glue.iter().map(|(name, ip)| crate::records::Record {
                name: name.clone(),
                ttl: 3600,
                data: match ip {
                    std::net::IpAddr::V4(v4) => crate::records::RecordData::A(*v4),
                    std::net::IpAddr::V6(v6) => crate::records::RecordData::Aaaa(*v6),
                },
            }));
            all.push(ZoneContents {
                name: settings.name.clone(),
                serial: row.serial,
                nameservers: settings.nameservers.clone(),
                hostmaster: settings.hostmaster.clone(),
                records,
                transfers: settings.transfers.clone(),
            });
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
pub fn served_containing(ctx: &Context, conn: &rusqlite::Connection, name: &DomainName) -> Result<store::zones::ZoneRow> {
    let mut candidate = Some(name.clone());
    while let Some(current) = candidate {
        if ctx.catalog.serves(&current)
            && let Some(zone) = store::zones::find_by_name(conn, current.as_str())?
        {
            return Ok(zone);
        }
        candidate = current.parent();
    }
    Err(crate::error::Error::NotFound("Domain"))
}

/// Record sets changed inside a transaction. Once the changes are written, `collect`
/// raises each touched zone's serial once and re-reads the sets from the database (so a set
/// shared by a hostname's records and hand-made ones is published whole); the result is
/// published to DNS after the commit.
#[derive(Default)]
pub struct Touched(std::collections::BTreeSet<(String, DomainName, RecordKind)>);

impl Touched {
    pub fn add(&mut self, zone_id: &str, name: DomainName, kind: RecordKind) {
        self.0.insert((zone_id.to_string(), name, kind));
    }

    pub fn collect(self, tx: &rusqlite::Transaction<'_>, catalog: &Catalog) -> Result<Publication> {
        let mut by_zone: std::collections::BTreeMap<String, Vec<(DomainName, RecordKind)>> = Default::default();
        for (zone_id, name, kind) in self.0 {
            by_zone.entry(zone_id).or_default().push((name, kind));
        }
        let mut zones = Vec::new();
        for (zone_id, sets) in by_zone {
            let Some(zone) = store::zones::find_by_id(tx, &zone_id)? else { continue };
            let apex = DomainName::parse(&zone.name)?;
            let serial = store::zones::bump_serial(tx, &zone_id)?;
            let mut changes = Vec::with_capacity(sets.len());
            let mut step = store::journal::Step { serial, ..Default::default() };
            for (name, kind) in sets {
                let records = store::records::rrset(tx, &zone_id, &name, kind)?;
                if !kind.is_lan() {
                    // The catalog still serves the set as the previous commit left it.
                    diff(catalog.rrset(&apex, &name, kind), &records, &mut step);
                }
                changes.push(RrsetChange { name, kind, records });
            }
            store::journal::append(tx, &zone_id, &step)?;
            zones.push((apex, serial, changes));
        }
        Ok(Publication(zones))
    }
}

/// Adds what turns `old` into `new` to a journal step. A changed TTL replaces the whole set
/// (secondaries keep one TTL per set).
fn diff(old: Vec<crate::records::Record>, new: &[crate::records::Record], step: &mut store::journal::Step) {
    let ttl_changed = matches!((old.first(), new.first()), (Some(a), Some(b)) if a.ttl != b.ttl);
    for record in &old {
        if ttl_changed || !new.iter().any(|n| n.data == record.data) {
            step.removed.push(record.clone());
        }
    }
    for record in new {
        if ttl_changed || !old.iter().any(|o| o.data == record.data) {
            step.added.push(record.clone());
        }
    }
}

/// Changes ready to publish to DNS: per zone, its new serial and the new record sets.
pub struct Publication(Vec<(DomainName, u32, Vec<RrsetChange>)>);

impl Publication {
    pub fn publish(&self, catalog: &Catalog) {
        for (zone, serial, changes) in &self.0 {
            if !catalog.apply(zone, *serial, changes) {
                tracing::debug!(%zone, "change committed for a zone that is not served");
            }
        }
    }
}

impl crate::dns::Backend for Context {
    fn tsig_key(&self, name: &str) -> Option<crate::dns::tsig::Key> {
        crate::tsig_keys::find(self, name).map(|(_, key)| key)
    }

    fn journal(&self, zone: &DomainName, from: u32, to: u32) -> Option<Vec<store::journal::Step>> {
        let steps = self.store.read(|c| match store::zones::find_by_name(c, zone.as_str())? {
            Some(row) => store::journal::between(c, &row.id, from, to),
            None => Ok(None),
        });
        steps.unwrap_or_else(|error| {
            tracing::warn!(%zone, %error, "cannot read the zone journal");
            None
        })
    }

    fn update(&self, update: crate::dynamic_update::Update) -> std::result::Result<(), crate::dynamic_update::Refusal> {
        crate::dynamic_update::apply(self, update)
    }
}
