//! Records edited by hand through the API: who may edit which names, the rules between
//! records (CNAME exclusivity, plan record types, TTL bounds), and publishing each change.
//!
//! Built-in zones are shared by every account, so a user edits only at or below their own
//! hostnames; administrators edit anywhere below the apex. The A and AAAA records of a
//! hostname belong to its updates.

use super::{Record, RecordData, RecordKind, check_ttl};
use crate::Context;
use crate::error::{Error, Result};
use crate::names::DomainName;
use crate::store::{self, records::RecordRow, users::UserRow, zones::ZoneRow};
use crate::zones::Touched;

/// A new record as the API receives it.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub kind: String,
    pub name: String,
    pub content: String,
    pub ttl: Option<u32>,
    pub priority: Option<u16>,
    pub weight: Option<u16>,
    pub port: Option<u16>,
}

/// Changes to an existing record; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct Patch {
    pub content: Option<String>,
    pub ttl: Option<u32>,
    pub priority: Option<u16>,
    pub weight: Option<u16>,
    pub port: Option<u16>,
}

/// The records of a zone the user may see: all for administrators, else those at or below
/// the user's hostnames.
pub fn list(ctx: &Context, user: &UserRow, zone_id: &str) -> Result<Vec<RecordRow>> {
    ctx.store.read(|c| {
        let (zone, apex) = served_zone(ctx, c, zone_id)?;
        let hosts = store::hostnames::by_user(c, &user.id)?;
        let rows = store::records::list_zone(c, &zone.id)?;
        if crate::domains::owned(c, user, &zone.id).is_ok() {
            return Ok(rows);
        }
        Ok(rows
            .into_iter()
            .filter(|r| {
                user.is_admin
                    || DomainName::parse(&r.name).is_ok_and(|n| n != apex && hosts.iter().any(|h| DomainName::parse(&h.name).is_ok_and(|h| n.is_within(&h))))
            })
            .collect())
    })
}

pub fn create(ctx: &Context, user: &UserRow, zone_id: &str, input: &Input) -> Result<RecordRow> {
    let kind = RecordKind::parse(&input.kind)?;
    crate::plans::check_record_type(ctx, user, kind)?;
    let data = RecordData::from_columns(kind, &input.content, input.priority, input.weight, input.port)?;
    let ttl = check_ttl(input.ttl.unwrap_or(ctx.config.default_ttl))?;
    ctx.store.write_then(
        |tx| {
            let (zone, apex) = served_zone(ctx, tx, zone_id)?;
            let name = owner_name(&apex, &input.name)?;
            let host = may_edit(tx, user, &zone, &apex, &name)?;
            if name == apex && matches!(kind, RecordKind::Ns | RecordKind::Cname) {
                return Err(Error::Conflict(format!("A {kind} record cannot stand at the zone apex; its NS set comes from the configuration")));
            }
            if host.as_ref().is_some_and(|h| h.name == name.as_str()) && matches!(kind, RecordKind::A | RecordKind::Aaaa) {
                return Err(Error::Conflict(format!("The {kind} record of hostname {name} is set by its updates")));
            }
            let present = store::records::kinds_at(tx, &zone.id, &name)?;
            let has_cname = present.iter().any(|k| k == "CNAME");
            if (kind == RecordKind::Cname && !present.is_empty()) || (kind != RecordKind::Cname && has_cname) {
                return Err(Error::Conflict(format!("A CNAME record cannot share the name {name} with other records")));
            }
            let record = Record { name: name.clone(), ttl, data };
            let duplicate = store::records::rrset(tx, &zone.id, &name, kind)?.iter().any(|r| r.data == record.data);
            if duplicate {
                return Err(Error::Conflict("This record already exists".into()));
            }
            let id = store::records::insert_manual(tx, &zone.id, host.as_ref().map(|h| h.id.as_str()), &record)?;
            store::history::event(tx, Some(&user.id), "record created", name.as_str(), kind.as_str(), "api")?;
            let mut touched = Touched::default();
            touched.add(&zone.id, name, kind);
            let row = store::records::find(tx, &zone.id, &id)?.ok_or(Error::NotFound("Record"))?;
            Ok((row, touched.collect(tx, &ctx.catalog)?))
        },
        |(_, publication)| publication.publish(&ctx.catalog),
    )
    .map(|(row, _)| row)
}

pub fn update(ctx: &Context, user: &UserRow, zone_id: &str, record_id: &str, patch: &Patch) -> Result<RecordRow> {
    ctx.store.write_then(
        |tx| {
            let (zone, _, row, name, kind) = editable(ctx, tx, user, zone_id, record_id)?;
            crate::plans::check_record_type(ctx, user, kind)?;
            let content = patch.content.as_deref().unwrap_or(&row.content);
            let data = RecordData::from_columns(
                kind,
                content,
                patch.priority.or(row.priority),
                patch.weight.or(row.weight),
                patch.port.or(row.port),
            )?;
            let ttl = check_ttl(patch.ttl.unwrap_or(row.ttl))?;
            store::records::update_manual(tx, &row.id, &Record { name: name.clone(), ttl, data })?;
            store::history::event(tx, Some(&user.id), "record changed", name.as_str(), kind.as_str(), "api")?;
            let mut touched = Touched::default();
            touched.add(&zone.id, name, kind);
            let row = store::records::find(tx, &zone.id, &row.id)?.ok_or(Error::NotFound("Record"))?;
            Ok((row, touched.collect(tx, &ctx.catalog)?))
        },
        |(_, publication)| publication.publish(&ctx.catalog),
    )
    .map(|(row, _)| row)
}

pub fn delete(ctx: &Context, user: &UserRow, zone_id: &str, record_id: &str) -> Result<()> {
    ctx.store.write_then(
        |tx| {
            let (zone, _, row, name, kind) = editable(ctx, tx, user, zone_id, record_id)?;
            store::records::delete(tx, &row.id)?;
            store::history::event(tx, Some(&user.id), "record deleted", name.as_str(), kind.as_str(), "api")?;
            let mut touched = Touched::default();
            touched.add(&zone.id, name, kind);
            touched.collect(tx, &ctx.catalog)
        },
        |publication| publication.publish(&ctx.catalog),
    )?;
    Ok(())
}

/// Creates a record at the full name `input.name`, in whichever served zone holds it (the
/// dialects that name records by their full name rather than by zone id).
pub fn create_at(ctx: &Context, user: &UserRow, input: &Input) -> Result<RecordRow> {
    let name = DomainName::parse(input.name.trim())?;
    let zone = ctx.store.read(|c| crate::zones::served_containing(ctx, c, &name))?;
    create(ctx, user, &zone.id, &Input { name: name.to_string(), ..input.clone() })
}

/// Deletes the hand-made records of `kind` at `name` (only those holding `content`, when
/// given). Returns how many went; none matching is NotFound.
pub fn delete_matching(ctx: &Context, user: &UserRow, name: &DomainName, kind: RecordKind, content: Option<&str>) -> Result<usize> {
    let (count, _) = ctx.store.write_then(
        |tx| {
            let zone = crate::zones::served_containing(ctx, tx, name)?;
            let apex = DomainName::parse(&zone.name)?;
            may_edit(tx, user, &zone, &apex, name).map_err(|_| Error::NotFound("Record"))?;
            let wanted = content.map(|c| RecordData::from_columns(kind, c, None, None, None)).transpose()?;
            let rows: Vec<RecordRow> = store::records::at_name(tx, &zone.id, name, kind)?
                .into_iter()
                .filter(|r| !r.managed)
                .filter(|r| match (&wanted, content) {
                    (None, _) => true,
                    (Some(data), Some(text)) => r.content == text || r.content == data.to_columns().0,
                    (Some(_), None) => false,
                })
                .collect();
            if rows.is_empty() {
                return Err(Error::NotFound("Record"));
            }
            for row in &rows {
                store::records::delete(tx, &row.id)?;
            }
            store::history::event(tx, Some(&user.id), "record deleted", name.as_str(), kind.as_str(), "api")?;
            let mut touched = Touched::default();
            touched.add(&zone.id, name.clone(), kind);
            Ok((rows.len(), touched.collect(tx, &ctx.catalog)?))
        },
        |(_, publication)| publication.publish(&ctx.catalog),
    )?;
    Ok(count)
}

/// A hand-made record the user may change.
fn editable(
    ctx: &Context,
    conn: &rusqlite::Connection,
    user: &UserRow,
    zone_id: &str,
    record_id: &str,
) -> Result<(ZoneRow, DomainName, RecordRow, DomainName, RecordKind)> {
    let (zone, apex) = served_zone(ctx, conn, zone_id)?;
    let row = store::records::find(conn, &zone.id, record_id)?.ok_or(Error::NotFound("Record"))?;
    let name = DomainName::parse(&row.name)?;
    // Not being allowed to edit a record looks like it not existing: ids cannot be probed.
    may_edit(conn, user, &zone, &apex, &name).map_err(|_| Error::NotFound("Record"))?;
    if row.managed {
        return Err(Error::Conflict(format!("This {} record is set by updates of its hostname", row.kind)));
    }
    let kind = RecordKind::parse(&row.kind)?;
    Ok((zone, apex, row, name, kind))
}

/// The zone, if it exists and is served.
fn served_zone(ctx: &Context, conn: &rusqlite::Connection, zone_id: &str) -> Result<(ZoneRow, DomainName)> {
    let zone = store::zones::find_by_id(conn, zone_id)?.ok_or(Error::NotFound("Domain"))?;
    let apex = DomainName::parse(&zone.name)?;
    if !ctx.catalog.serves(&apex) {
        return Err(Error::NotFound("Domain"));
    }
    Ok((zone, apex))
}

/// `@` (or nothing) is the apex; a name inside the zone stays; anything else is relative.
fn owner_name(apex: &DomainName, input: &str) -> Result<DomainName> {
    let input = input.trim().trim_end_matches('.');
    if input.is_empty() || input == "@" {
        return Ok(apex.clone());
    }
    match DomainName::parse(input)? {
        full if full.is_within(apex) => Ok(full),
        _ => apex.child(input),
    }
}

/// Whether `user` may edit records at `name`; returns the hostname covering it, if any.
pub(crate) fn may_edit(
    conn: &rusqlite::Connection,
    user: &UserRow,
    zone: &ZoneRow,
    apex: &DomainName,
    name: &DomainName,
) -> Result<Option<store::hostnames::HostRow>> {
    // The owner of a custom domain edits anywhere in it, the apex included.
    if store::zones::find_custom(conn, &zone.id)?.is_some() {
        crate::domains::owned(conn, user, &zone.id).map_err(|_| Error::NotFound("Domain"))?;
        return Ok(store::hostnames::find_by_name(conn, name.as_str())?.filter(|h| h.zone_id == zone.id));
    }
    if name == apex {
        return Err(Error::Forbidden("The zone apex (SOA and NS) comes from the configuration".into()));
    }
    let mut candidate = Some(name.clone());
    while let Some(current) = candidate {
        if &current == apex {
            break;
        }
        if let Some(host) = store::hostnames::find_by_name(conn, current.as_str())?
            && host.zone_id == zone.id
            && (host.user_id == user.id || user.is_admin)
        {
            return Ok(Some(host));
        }
        candidate = current.as_str().split_once('.').and_then(|(_, parent)| DomainName::parse(parent).ok());
    }
    if user.is_admin {
        Ok(None)
    } else {
        Err(Error::Forbidden(format!("You may only edit records at or below your own hostnames, and {name} is not one")))
    }
}
