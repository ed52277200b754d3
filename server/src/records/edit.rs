//! Records edited by hand: who may edit which names (the `ownership` rule, and for a
//! hostname token only its ACME challenge), the rules between records (CNAME exclusivity,
//! plan record types, TTL bounds), and publishing each change. The A and AAAA records of a
//! hostname belong to its updates.

use super::{Record, RecordData, RecordKind, check_ttl};
use crate::Context;
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{Account, RecordId, StoredRecord, Zone, ZoneId};
use crate::names::DomainName;
use crate::ownership::{self, Owner};
use crate::publication::Touched;
use crate::store::{self, Conn, Tx};

/// Label under which ACME DNS-01 challenges live.
pub const CHALLENGE_LABEL: &str = "_acme-challenge";

/// A new record as the APIs receive it.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub kind: String,
    /// Relative to the zone (`@` or empty for the apex), or a full name inside it.
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
    pub kind: Option<String>,
    pub name: Option<String>,
    pub content: Option<String>,
    pub ttl: Option<u32>,
    pub priority: Option<u16>,
    pub weight: Option<u16>,
    pub port: Option<u16>,
}

/// The records of a zone the caller may see: all of its own custom domain; in a shared zone,
/// those at or below its hostnames (every one, for an administrator's session).
pub fn list(ctx: &Context, caller: &Caller, zone_id: &ZoneId) -> Result<Vec<StoredRecord>> {
    let user = caller.may(Permission::ReadDomains)?;
    ctx.store.read(|c| {
        let zone = crate::zones::readable(ctx, c, caller, zone_id)?;
        let rows = store::records::list_zone(c, &zone.id)?;
        if caller.is_admin_session() {
            return Ok(rows);
        }
        let mut visible = Vec::new();
        for row in rows {
            if ownership::owner(c, &zone, &row.name)?.is(user) {
                visible.push(row);
            }
        }
        Ok(visible)
    })
}

pub fn create(ctx: &Context, caller: &Caller, zone_id: &ZoneId, input: &Input) -> Result<StoredRecord> {
    let user = caller.may(Permission::WriteRecords)?;
    let mut fields = Fields::default();
    let kind = fields.check("/type", RecordKind::parse(&input.kind).and_then(|kind| match kind.is_lan() {
        true => Err(Error::Invalid("LAN addresses are set on the hostname".into())),
        false => Ok(kind),
    }));
    let data = kind.and_then(|kind| fields.check("/content", RecordData::from_columns(kind, &input.content, input.priority, input.weight, input.port)));
    let explicit_ttl = fields.check("/ttl", input.ttl.map(check_ttl).transpose()).flatten();
    ctx.store.write_then(
        |tx| {
            let zone = crate::zones::usable(ctx, tx, user, zone_id)?;
            let name = fields.check("/name", owner_name(&zone.name, &input.name));
            let (Some(kind), Some(data), Some(name)) = (kind, data.clone(), name) else {
                return Err(fields.into_error());
            };
            fields.done()?;
            let owner = authorize(tx, caller, &zone, &name, Some(kind))?;
            crate::plans::check_record_type(ctx, user, kind)?;
            let ttl = set_ttl(tx, &zone.id, &name, kind, explicit_ttl, None)?.unwrap_or(ctx.config.default_ttl);
            let record = Record { name: name.clone(), ttl, data };
            check_fits(tx, &zone, &owner, &record, None)?;
            let id = store::records::insert_manual(tx, &zone.id, owner.host().map(|h| &h.id), &record)?;
            store::records::set_rrset_ttl(tx, &zone.id, &name, kind, ttl)?;
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

/// Changes a hand-made record: its content, TTL and type fields, and (where the document
/// allows it) its name and type — checked exactly as a new record would be.
pub fn update(ctx: &Context, caller: &Caller, zone_id: &ZoneId, record_id: &RecordId, patch: &Patch) -> Result<StoredRecord> {
    let user = caller.may(Permission::WriteRecords)?;
    ctx.store.write_then(
        |tx| {
            let (zone, row) = editable(ctx, tx, caller, user, zone_id, record_id, Intent::Change)?;
            let kind = match &patch.kind {
                Some(kind) => RecordKind::parse(kind)?,
                None => row.kind,
            };
            if kind.is_lan() {
                return Err(Error::Invalid("LAN addresses are set on the hostname".into()));
            }
            let name = match &patch.name {
                Some(name) => owner_name(&zone.name, name)?,
                None => row.name.clone(),
            };
            let owner = authorize(tx, caller, &zone, &name, Some(kind))?;
            crate::plans::check_record_type(ctx, user, kind)?;
            let content = patch.content.as_deref().unwrap_or(&row.content);
            // What a change leaves must fit the record's (possibly new) type: a mismatch with
            // what the record holds is a conflict with its state, not malformed input.
            let data = RecordData::from_columns(kind, content, patch.priority.or(row.priority), patch.weight.or(row.weight), patch.port.or(row.port))
                .map_err(|e| Error::Conflict(e.to_string()))?;
            let explicit_ttl = patch.ttl.map(check_ttl).transpose()?;
            let ttl = set_ttl(tx, &zone.id, &name, kind, explicit_ttl, Some(&row.id))?.unwrap_or(row.ttl);
            let record = Record { name: name.clone(), ttl, data };
            check_fits(tx, &zone, &owner, &record, Some(&row.id))?;
            store::records::update_manual(tx, &row.id, owner.host().map(|h| &h.id), &record)?;
            store::records::set_rrset_ttl(tx, &zone.id, &name, kind, ttl)?;
            store::history::event(tx, Some(&user.id), "record changed", name.as_str(), kind.as_str(), "api")?;
            let mut touched = Touched::default();
            touched.add(&zone.id, row.name.clone(), row.kind);
            touched.add(&zone.id, name, kind);
            let row = store::records::find(tx, &zone.id, &row.id)?.ok_or(Error::NotFound("Record"))?;
            Ok((row, touched.collect(tx, &ctx.catalog)?))
        },
        |(_, publication)| publication.publish(&ctx.catalog),
    )
    .map(|(row, _)| row)
}

pub fn delete(ctx: &Context, caller: &Caller, zone_id: &ZoneId, record_id: &RecordId) -> Result<()> {
    let user = caller.may(Permission::WriteRecords)?;
    ctx.store.write_then(
        |tx| {
            let (zone, row) = editable(ctx, tx, caller, user, zone_id, record_id, Intent::Delete)?;
            store::records::delete(tx, &row.id)?;
            store::history::event(tx, Some(&user.id), "record deleted", row.name.as_str(), row.kind.as_str(), "api")?;
            let mut touched = Touched::default();
            touched.add(&zone.id, row.name, row.kind);
            touched.collect(tx, &ctx.catalog)
        },
        |publication| publication.publish(&ctx.catalog),
    )?;
    Ok(())
}

/// The record `id` in whichever zone (dialects that name records by id alone).
pub fn find(ctx: &Context, caller: &Caller, record_id: &RecordId) -> Result<StoredRecord> {
    let user = caller.may(Permission::ReadDomains).or_else(|_| caller.may(Permission::WriteRecords))?;
    ctx.store.read(|c| {
        let row = store::records::find_by_id(c, record_id)?.ok_or(Error::NotFound("Record"))?;
        let zone = crate::zones::readable(ctx, c, caller, &row.zone_id).map_err(|_| Error::NotFound("Record"))?;
        visible(c, caller, user, &zone, &row)?;
        Ok(row)
    })
}

/// The record with row number `number` (IPv64's `record_id`), if the caller may edit it.
pub fn find_by_number(ctx: &Context, caller: &Caller, number: i64) -> Result<StoredRecord> {
    let user = caller.may(Permission::WriteRecords)?;
    ctx.store.read(|c| {
        let row = store::records::find_by_number(c, number)?.ok_or(Error::NotFound("Record"))?;
        let zone = crate::zones::usable(ctx, c, user, &row.zone_id).map_err(|_| Error::NotFound("Record"))?;
        authorize(c, caller, &zone, &row.name, Some(row.kind)).map_err(|_| Error::NotFound("Record"))?;
        Ok(row)
    })
}

/// Creates a record at the full name `input.name`, in whichever served zone holds it (the
/// dialects that name records by their full name rather than by zone id).
pub fn create_at(ctx: &Context, caller: &Caller, input: &Input) -> Result<StoredRecord> {
    let name = DomainName::parse(input.name.trim())?;
    let zone = ctx.store.read(|c| crate::zones::served_containing(ctx, c, &name))?;
    create(ctx, caller, &zone.id, &Input { name: name.to_string(), ..input.clone() })
}

/// Deletes the records of `kind` at `name`, never the hostname's own address (only those
/// holding `content`, when given). Returns how many went; none matching is NotFound.
pub fn delete_matching(ctx: &Context, caller: &Caller, name: &DomainName, kind: RecordKind, content: Option<&str>) -> Result<usize> {
    let user = caller.may(Permission::WriteRecords)?;
    let (count, _) = ctx.store.write_then(
        |tx| {
            let zone = crate::zones::served_containing(ctx, tx, name)?;
            let owner = authorize(tx, caller, &zone, name, Some(kind)).map_err(|_| Error::NotFound("Record"))?;
            let wanted = content.map(|c| RecordData::from_columns(kind, c, None, None, None)).transpose()?;
            let rows: Vec<StoredRecord> = store::records::at_name(tx, &zone.id, name, kind)?
                .into_iter()
                .filter(|r| !is_host_address(r, &owner))
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

/// Whether `caller` may write a `kind` record (None: every type) at `name` in `zone`, and
/// who owns the name. A hostname token writes only TXT at `_acme-challenge.<its host>`;
/// everyone else where the ownership rule lets its account.
pub(crate) fn authorize(conn: &Conn, caller: &Caller, zone: &Zone, name: &DomainName, kind: Option<RecordKind>) -> Result<Owner> {
    let user = caller.may(Permission::WriteRecords)?;
    if let Caller::Tsig { key, .. } = caller {
        let rules = crate::tsig_keys::rules(key);
        if !rules.is_empty() && !rules.iter().any(|r| r.permits(name, kind)) {
            return Err(Error::Forbidden(format!("the key may not change {name} {}", kind.map_or("(all types)", RecordKind::as_str))));
        }
    }
    if kind == Some(RecordKind::Ns)
        && let Some(theirs) = store::hostnames::below(conn, &zone.id, name)?.into_iter().find(|h| h.user_id != user.id)
    {
        // An NS set cuts the zone: everything below would be answered elsewhere.
        return Err(Error::Forbidden(format!("An NS record at {name} would delegate away {}, which belongs to another account", theirs.name)));
    }
    if let Some(host_id) = caller.bound_host() {
        let host = store::hostnames::find_by_id(conn, host_id)?.ok_or(Error::BadAuth)?;
        let challenge = host.name.child(CHALLENGE_LABEL)?;
        if kind != Some(RecordKind::Txt) || *name != challenge {
            return Err(Error::Forbidden(format!("This hostname token may only write TXT records at {challenge}")));
        }
    }
    ownership::may_write(conn, user, zone, name)
}

/// Whether `caller` may write a `kind` record at the full name `name` (in whichever served
/// zone holds it).
pub fn check_may_write(ctx: &Context, caller: &Caller, name: &DomainName, kind: RecordKind) -> Result<()> {
    ctx.store.read(|c| {
        let zone = crate::zones::served_containing(ctx, c, name)?;
        authorize(c, caller, &zone, name, Some(kind)).map(|_| ())
    })
}

/// Whether a CNAME stands at `name` (where no hostname address may go).
pub(crate) fn has_cname(conn: &Conn, zone: &Zone, name: &DomainName) -> Result<bool> {
    Ok(store::records::all_at(conn, &zone.id, name)?.iter().any(|r| r.kind == RecordKind::Cname))
}

/// A record the caller may see: its own, or (for an administrator's session) any.
fn visible(conn: &Conn, caller: &Caller, user: &Account, zone: &Zone, row: &StoredRecord) -> Result<()> {
    if caller.is_admin_session() || ownership::owner(conn, zone, &row.name)?.is(user) {
        Ok(())
    } else {
        Err(Error::NotFound("Record"))
    }
}

/// The rules between records: nothing by hand at the apex's NS or as a CNAME there; a
/// hostname's own address belongs to its updates; a CNAME stands alone; no duplicates.
fn check_fits(tx: &Tx<'_>, zone: &Zone, owner: &Owner, record: &Record, replacing: Option<&RecordId>) -> Result<()> {
    let (name, kind) = (&record.name, record.data.kind());
    if *name == zone.name && matches!(kind, RecordKind::Ns | RecordKind::Cname) {
        return Err(Error::Conflict(format!("A {kind} record cannot stand at the zone apex; its NS set comes from the configuration")));
    }
    if owner.host().is_some_and(|h| h.name == *name) && matches!(kind, RecordKind::A | RecordKind::Aaaa | RecordKind::Cname) {
        return Err(Error::Conflict(format!("The address of hostname {name} is set by its updates, so no {kind} record can stand there")));
    }
    let others: Vec<StoredRecord> =
        store::records::all_at(tx, &zone.id, name)?.into_iter().filter(|r| Some(&r.id) != replacing && !r.kind.is_lan()).collect();
    let has_cname = others.iter().any(|r| r.kind == RecordKind::Cname);
    if (kind == RecordKind::Cname && !others.is_empty()) || (kind != RecordKind::Cname && has_cname) {
        return Err(Error::Conflict(format!("A CNAME record cannot share the name {name} with other records")));
    }
    let (content, priority, weight, port) = record.data.to_columns();
    let duplicate = others.iter().any(|r| r.kind == kind && r.content == content && (r.priority, r.weight, r.port) == (priority, weight, port));
    if duplicate {
        return Err(Error::Conflict("This record already exists".into()));
    }
    Ok(())
}

/// The TTL a record joining the set `name` `kind` gets: the one asked for (which the whole
/// set then takes: one set, one TTL), else the set's own; None for a new set. `leaving` is
/// the record itself when it moves.
fn set_ttl(conn: &Conn, zone_id: &ZoneId, name: &DomainName, kind: RecordKind, explicit: Option<u32>, leaving: Option<&RecordId>) -> Result<Option<u32>> {
    if explicit.is_some() {
        return Ok(explicit);
    }
    let set = store::records::at_name(conn, zone_id, name, kind)?;
    Ok(set.iter().find(|r| Some(&r.id) != leaving).map(|r| r.ttl))
}

/// The fields of a request, checked one by one so that every bad field is reported, not
/// only the first.
#[derive(Default)]
struct Fields(Vec<crate::error::FieldError>);

impl Fields {
    /// The value, or None with the failure noted under `pointer`.
    fn check<T>(&mut self, pointer: &str, checked: Result<T>) -> Option<T> {
        checked.map_err(|e| self.0.push(crate::error::FieldError { pointer: pointer.into(), message: e.to_string(), code: "invalid_value" })).ok()
    }

    fn into_error(self) -> Error {
        Error::Validation(self.0)
    }

    fn done(&self) -> Result<()> {
        match self.0.is_empty() {
            true => Ok(()),
            false => Err(Error::Validation(self.0.clone())),
        }
    }
}

/// What is about to happen to a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Intent {
    Change,
    Delete,
}

/// A record the caller may change or delete (one it may not looks like one that does not
/// exist, so ids cannot be probed). Records that updates set are changed only by updates;
/// all of them but the hostname's own address may be deleted (a `praefix` address, an ACME
/// value, the wildcard).
fn editable(ctx: &Context, conn: &Conn, caller: &Caller, user: &Account, zone_id: &ZoneId, record_id: &RecordId, intent: Intent) -> Result<(Zone, StoredRecord)> {
    let zone = crate::zones::usable(ctx, conn, user, zone_id)?;
    let row = store::records::find(conn, &zone.id, record_id)?.ok_or(Error::NotFound("Record"))?;
    let owner = authorize(conn, caller, &zone, &row.name, Some(row.kind)).map_err(|_| Error::NotFound("Record"))?;
    let allowed = match intent {
        Intent::Change => !row.managed,
        Intent::Delete => !is_host_address(&row, &owner),
    };
    if !allowed {
        return Err(Error::Conflict(format!("This {} record is set by updates of its hostname", row.kind)));
    }
    Ok((zone, row))
}

/// Whether `row` is its hostname's own address, which only updates set and clear.
fn is_host_address(row: &StoredRecord, owner: &Owner) -> bool {
    row.managed && matches!(row.kind, RecordKind::A | RecordKind::Aaaa) && owner.host().is_some_and(|h| h.name == row.name)
}

/// `@` (or nothing) is the apex; a name inside the zone stays; anything else is relative.
pub(crate) fn owner_name(apex: &DomainName, input: &str) -> Result<DomainName> {
    let input = input.trim().trim_end_matches('.');
    if input.is_empty() || input == "@" {
        return Ok(apex.clone());
    }
    match DomainName::parse(input)? {
        full if full.is_within(apex) => Ok(full),
        _ => apex.child(input),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestContext, ZONE_ID};

    fn txt(name: &str, content: &str) -> Input {
        Input { kind: "TXT".into(), name: name.into(), content: content.into(), ..Input::default() }
    }

    #[test]
    fn records_go_only_where_the_account_owns_the_name() -> Result<()> {
        let t = TestContext::new()?;
        let zone = ZoneId::from(ZONE_ID);
        let (alice, _) = t.host("alice@example.com", "home.dyn.example.test")?;
        let bob = t.session("bob@example.com", false)?;
        let made = create(&t.ctx, &alice, &zone, &txt("_acme-challenge.home", "v1"))?;
        assert_eq!(made.name.as_str(), "_acme-challenge.home.dyn.example.test");
        assert!(made.hostname_id.is_some(), "it belongs to the hostname");
        for name in ["x.home", "home", "_acme-challenge.home"] {
            let refused = create(&t.ctx, &bob, &zone, &txt(name, "mine"));
            assert!(matches!(refused, Err(Error::Forbidden(_))), "{name}: {refused:?}");
        }
        assert!(list(&t.ctx, &bob, &zone)?.is_empty(), "and bob's listing does not show alice's records");
        assert!(matches!(delete(&t.ctx, &bob, &zone, &made.id), Err(Error::NotFound(_))));
        assert_eq!(list(&t.ctx, &alice, &zone)?.len(), 1);
        Ok(())
    }

    #[test]
    fn a_hostname_token_writes_only_its_acme_challenge() -> Result<()> {
        let t = TestContext::new()?;
        let zone = ZoneId::from(ZONE_ID);
        let (_, token) = t.host("alice@example.com", "home.dyn.example.test")?;
        assert!(create(&t.ctx, &token, &zone, &txt("_acme-challenge.home", "ok")).is_ok());
        for (name, kind) in [("home", "TXT"), ("_acme-challenge.home", "CNAME"), ("www.home", "TXT")] {
            let input = Input { kind: kind.into(), name: name.into(), content: "x.example.net".into(), ..Input::default() };
            assert!(matches!(create(&t.ctx, &token, &zone, &input), Err(Error::Forbidden(_))), "{name} {kind}");
        }
        Ok(())
    }

    #[test]
    fn a_cname_stands_alone_and_updates_own_a_hosts_address() -> Result<()> {
        let t = TestContext::new()?;
        let zone = ZoneId::from(ZONE_ID);
        let (alice, _) = t.host("alice@example.com", "home.dyn.example.test")?;
        create(&t.ctx, &alice, &zone, &txt("www.home", "hello"))?;
        let cname = Input { kind: "CNAME".into(), name: "www.home".into(), content: "home.dyn.example.test".into(), ..Input::default() };
        assert!(matches!(create(&t.ctx, &alice, &zone, &cname), Err(Error::Conflict(_))));
        let a = Input { kind: "A".into(), name: "home".into(), content: "192.0.2.1".into(), ..Input::default() };
        assert!(matches!(create(&t.ctx, &alice, &zone, &a), Err(Error::Conflict(_))));
        assert!(matches!(create(&t.ctx, &alice, &zone, &txt("www.home", "hello")), Err(Error::Conflict(_))), "duplicate");
        Ok(())
    }

    #[test]
    fn a_patch_is_checked_like_a_new_record() -> Result<()> {
        let t = TestContext::new()?;
        let zone = ZoneId::from(ZONE_ID);
        let (alice, _) = t.host("alice@example.com", "home.dyn.example.test")?;
        t.host("bob@example.com", "lab.dyn.example.test")?;
        let made = create(&t.ctx, &alice, &zone, &txt("a.home", "one"))?;
        let empty = Patch { content: Some(String::new()), ..Patch::default() };
        assert!(matches!(update(&t.ctx, &alice, &zone, &made.id, &empty), Err(Error::Conflict(_))), "an empty text does not fit the TXT record");
        let into_bobs = Patch { name: Some("x.lab".into()), ..Patch::default() };
        assert!(matches!(update(&t.ctx, &alice, &zone, &made.id, &into_bobs), Err(Error::Forbidden(_))));
        let moved = update(&t.ctx, &alice, &zone, &made.id, &Patch { name: Some("b.home".into()), ..Patch::default() })?;
        assert_eq!(moved.name.as_str(), "b.home.dyn.example.test");
        let retyped = Patch { kind: Some("CNAME".into()), content: Some("home.dyn.example.test".into()), ..Patch::default() };
        assert_eq!(update(&t.ctx, &alice, &zone, &made.id, &retyped)?.kind, RecordKind::Cname);
        assert_eq!(t.ctx.catalog.rrset(&t.zone_name(), &DomainName::parse("b.home.dyn.example.test")?, RecordKind::Cname).len(), 1);
        assert!(t.ctx.catalog.rrset(&t.zone_name(), &DomainName::parse("b.home.dyn.example.test")?, RecordKind::Txt).is_empty());
        Ok(())
    }

    #[test]
    fn one_set_has_one_ttl() -> Result<()> {
        let t = TestContext::new()?;
        let zone = ZoneId::from(ZONE_ID);
        let (alice, _) = t.host("alice@example.com", "home.dyn.example.test")?;
        let ttls = || -> Result<Vec<u32>> {
            Ok(t.ctx.store.read(|c| store::records::at_name(c, &zone, &DomainName::parse("mail.home.dyn.example.test")?, RecordKind::Txt))?.iter().map(|r| r.ttl).collect())
        };
        let first = create(&t.ctx, &alice, &zone, &Input { ttl: Some(600), ..txt("mail.home", "one") })?;
        // A record joining the set without a TTL takes the set's; one with a TTL gives it to all.
        create(&t.ctx, &alice, &zone, &txt("mail.home", "two"))?;
        assert_eq!(ttls()?, vec![600, 600]);
        create(&t.ctx, &alice, &zone, &Input { ttl: Some(120), ..txt("mail.home", "three") })?;
        assert_eq!(ttls()?, vec![120, 120, 120]);
        update(&t.ctx, &alice, &zone, &first.id, &Patch { ttl: Some(3600), ..Patch::default() })?;
        assert_eq!(ttls()?, vec![3600, 3600, 3600]);
        // A record moving into the set takes its TTL too.
        let other = create(&t.ctx, &alice, &zone, &Input { ttl: Some(60), ..txt("other.home", "four") })?;
        update(&t.ctx, &alice, &zone, &other.id, &Patch { name: Some("mail.home".into()), ..Patch::default() })?;
        assert_eq!(ttls()?, vec![3600, 3600, 3600, 3600]);
        Ok(())
    }
}
