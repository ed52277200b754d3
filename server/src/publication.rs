//! Publishing committed changes to DNS: the record sets a transaction touched, each zone's
//! serial raised once, the IXFR journal step written, and after the commit the new sets
//! handed to the in-memory view in commit order.

use crate::dns::{Catalog, RrsetChange};
use crate::error::Result;
use crate::model::ZoneId;
use crate::names::DomainName;
use crate::records::RecordKind;
use crate::store;

/// Record sets changed inside a transaction. Once the changes are written, `collect`
/// raises each touched zone's serial once and re-reads the sets from the database (so a set
/// shared by a hostname's records and hand-made ones is published whole); the result is
/// published to DNS after the commit.
#[derive(Default)]
pub struct Touched(std::collections::BTreeSet<(ZoneId, DomainName, RecordKind)>);

impl Touched {
    pub fn add(&mut self, zone_id: &ZoneId, name: DomainName, kind: RecordKind) {
        self.0.insert((zone_id.clone(), name, kind));
    }

    pub fn collect(self, tx: &store::Tx<'_>, catalog: &Catalog) -> Result<Publication> {
        let mut by_zone: std::collections::BTreeMap<ZoneId, Vec<(DomainName, RecordKind)>> = Default::default();
        for (zone_id, name, kind) in self.0 {
            by_zone.entry(zone_id).or_default().push((name, kind));
        }
        let mut zones = Vec::new();
        for (zone_id, sets) in by_zone {
            let Some(zone) = store::zones::find_by_id(tx, &zone_id)? else { continue };
            let apex = zone.name;
            let serial = store::zones::bump_serial(tx, &zone_id)?;
            let mut changes = Vec::with_capacity(sets.len());
            let mut step = crate::model::journal::Step { serial, ..Default::default() };
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
fn diff(old: Vec<crate::records::Record>, new: &[crate::records::Record], step: &mut crate::model::journal::Step) {
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
