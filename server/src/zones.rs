//! Zones: which ones are served, and building the DNS view of them from storage.

use crate::Context;
use crate::config::ZoneSettings;
use crate::dns::ZoneContents;
use crate::error::Result;
use crate::names::DomainName;
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
            all.push(ZoneContents {
                name: settings.name.clone(),
                serial: row.serial,
                nameservers: settings.nameservers.clone(),
                hostmaster: settings.hostmaster.clone(),
                records: store::records::for_zone(conn, &row.id)?,
            });
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
