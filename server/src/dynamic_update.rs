//! RFC 2136 dynamic updates, after the DNS layer has checked the TSIG signature and turned
//! the message into these types: prerequisites (§2.4) are checked against what is served,
//! every change is checked against the key's owner and allow list, and then all of it is
//! applied in one transaction or none of it is. Addresses of hostnames go through the same
//! path as HTTP updates, so they land in the host's history and the event log.

use std::net::IpAddr;

use crate::names::DomainName;
use crate::records::{Record, RecordData, RecordKind};

/// A record type as an update names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Any,
    Kind(RecordKind),
    /// A type the appliance does not store (SOA is answered from the configuration).
    Other(u16),
}

/// Wire type code of SOA.
pub const SOA: u16 = 6;

#[derive(Debug, Clone)]
pub enum Prerequisite {
    /// Something exists at the name (`Type::Any`), or a set of the type does.
    Exists(DomainName, Type),
    /// Nothing exists at the name, or no set of the type does.
    Absent(DomainName, Type),
    /// The set at the name holds exactly these records.
    Equals(DomainName, RecordKind, Vec<RecordData>),
}

#[derive(Debug, Clone)]
pub enum Change {
    Add(Record),
    /// Delete a set (`Type::Any`: every set at the name).
    DeleteSet(DomainName, Type),
    DeleteRecord(DomainName, RecordData),
}

impl Change {
    pub fn name(&self) -> &DomainName {
        match self {
            Self::Add(r) => &r.name,
            Self::DeleteSet(n, _) | Self::DeleteRecord(n, _) => n,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Update {
    pub zone: DomainName,
    /// The verified TSIG key's name.
    pub key: String,
    pub source: IpAddr,
    pub prerequisites: Vec<Prerequisite>,
    pub changes: Vec<Change>,
}

/// Why an update was not applied; each maps to one RCODE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    FormErr(String),
    /// The zone is not served here.
    NotAuth(String),
    /// A name outside the zone.
    NotZone(String),
    Refused(String),
    YxDomain,
    NxDomain,
    YxRrset,
    NxRrset,
    ServFail(String),
}

use std::collections::BTreeMap;

use crate::Context;
use crate::error::Error;
use crate::store::{self, hostnames::HostRow, users::UserRow, zones::ZoneRow};
use crate::tsig_keys::Rule;
use crate::zones::Touched;

/// The dialect name updates made this way carry in history, log and metrics.
pub const DIALECT: &str = "rfc2136";

/// A record set being worked on: its TTL and records.
type Sets = BTreeMap<(DomainName, RecordKind), (u32, Vec<RecordData>)>;

/// Checks and applies an update in one transaction: nothing changes unless all of it may.
pub fn apply(ctx: &Context, update: Update) -> Result<(), Refusal> {
    let servfail = |e: Error| Refusal::ServFail(e.to_string());
    let (key, _) = crate::tsig_keys::find(ctx, &update.key).ok_or_else(|| Refusal::NotAuth("unknown key".into()))?;
    let rules = crate::tsig_keys::rules(&key);
    let user = ctx
        .store
        .read(|c| store::users::find_by_id(c, &key.user_id))
        .map_err(servfail)?
        .filter(|u| !u.disabled)
        .ok_or_else(|| Refusal::Refused("the key's account is disabled".into()))?;
    let outcome = ctx.store.write_then(
        |tx| {
            let Some(zone) = store::zones::find_by_name(tx, update.zone.as_str())? else {
                return Ok(Err(Refusal::NotAuth(format!("{} is not served", update.zone))));
            };
            if let Err(refusal) = check_prerequisites(ctx, &update) {
                return Ok(Err(refusal));
            }
            let hosts = match permitted(ctx, tx, &user, &zone, &update, &rules) {
                Ok(hosts) => hosts,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let (before, after) = compute(tx, &zone, &update)?;
            // A hostname has one address per family.
            for ((name, kind), (_, data)) in &after {
                if own_host(&hosts, name).is_some() && matches!(kind, RecordKind::A | RecordKind::Aaaa) && data.len() > 1 {
                    return Ok(Err(Refusal::Refused(format!("hostname {name} holds one {kind} address"))));
                }
            }
            store::tsig_keys::touch(tx, &key.id)?;
            let mut touched = Touched::default();
            write(tx, &user, &zone, &update, &hosts, &before, &after, &mut touched)?;
            Ok(Ok(touched.collect(tx, &ctx.catalog)?))
        },
        |outcome| {
            if let Ok(publication) = outcome {
                publication.publish(&ctx.catalog);
            }
        },
    );
    match outcome {
        Ok(Ok(_)) => {
            ctx.metrics.update(DIALECT, "good");
            Ok(())
        }
        Ok(Err(refusal)) => {
            ctx.metrics.update(DIALECT, "refused");
            Err(refusal)
        }
        Err(e) => Err(servfail(e)),
    }
}

/// RFC 2136 §3.2, against what is served now (the store's write lock is held, so nothing
/// else changes meanwhile).
fn check_prerequisites(ctx: &Context, update: &Update) -> Result<(), Refusal> {
    let zone = &update.zone;
    let set = |name: &DomainName, kind: RecordKind| ctx.catalog.rrset(zone, name, kind);
    for p in &update.prerequisites {
        match p {
            Prerequisite::Exists(name, Type::Any) if !ctx.catalog.name_in_use(zone, name) => return Err(Refusal::NxDomain),
            Prerequisite::Exists(name, Type::Kind(kind)) if set(name, *kind).is_empty() => return Err(Refusal::NxRrset),
            Prerequisite::Exists(name, Type::Other(t)) if !(*t == SOA && name == zone) => return Err(Refusal::NxRrset),
            Prerequisite::Absent(name, Type::Any) if ctx.catalog.name_in_use(zone, name) => return Err(Refusal::YxDomain),
            Prerequisite::Absent(name, Type::Kind(kind)) if !set(name, *kind).is_empty() => return Err(Refusal::YxRrset),
            Prerequisite::Absent(name, Type::Other(t)) if *t == SOA && name == zone => return Err(Refusal::YxRrset),
            Prerequisite::Equals(name, kind, wanted) => {
                let have: Vec<RecordData> = set(name, *kind).into_iter().map(|r| r.data).collect();
                let same = have.len() == wanted.len() && have.iter().all(|h| wanted.contains(h)) && wanted.iter().all(|w| have.contains(w));
                if !same {
                    return Err(Refusal::NxRrset);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether the key may make every change; returns, per changed name, the hostname at or
/// above it (if any).
fn permitted(
    ctx: &Context,
    conn: &rusqlite::Connection,
    user: &UserRow,
    zone: &ZoneRow,
    update: &Update,
    rules: &[Rule],
) -> Result<BTreeMap<DomainName, Option<HostRow>>, Refusal> {
    let mut hosts = BTreeMap::new();
    for change in &update.changes {
        let name = change.name();
        let kind = match change {
            Change::Add(r) => Some(r.data.kind()),
            Change::DeleteRecord(_, d) => Some(d.kind()),
            Change::DeleteSet(_, Type::Kind(k)) => Some(*k),
            Change::DeleteSet(_, _) => None,
        };
        if !rules.is_empty() && !rules.iter().any(|r| r.permits(name, kind)) {
            return Err(Refusal::Refused(format!("the key may not change {name} {}", kind.map_or("(all types)", RecordKind::as_str))));
        }
        let host = crate::records::edit::may_edit(conn, user, zone, &update.zone, name).map_err(|e| Refusal::Refused(e.to_string()))?;
        if let Change::Add(record) = change {
            crate::plans::check_record_type(ctx, user, record.data.kind()).map_err(|e| Refusal::Refused(e.to_string()))?;
            crate::records::check_ttl(record.ttl).map_err(|e| Refusal::Refused(e.to_string()))?;
        }
        if host.as_ref().is_some_and(|h| h.name == name.as_str() && h.blocked) {
            return Err(Refusal::Refused(format!("hostname {name} is blocked")));
        }
        hosts.insert(name.clone(), host);
    }
    Ok(hosts)
}

/// The sets the update touches, before and after it (RFC 2136 §3.4.2, in order).
fn compute(conn: &rusqlite::Connection, zone: &ZoneRow, update: &Update) -> crate::error::Result<(Sets, Sets)> {
    let mut before = Sets::new();
    let load = |before: &mut Sets, name: &DomainName, kind: RecordKind| -> crate::error::Result<()> {
        if let std::collections::btree_map::Entry::Vacant(slot) = before.entry((name.clone(), kind)) {
            let records = store::records::rrset(conn, &zone.id, name, kind)?;
            let ttl = records.first().map_or(0, |r| r.ttl);
            slot.insert((ttl, records.into_iter().map(|r| r.data).collect()));
        }
        Ok(())
    };
    let kinds_at = |name: &DomainName| -> crate::error::Result<Vec<RecordKind>> {
        Ok(store::records::kinds_at(conn, &zone.id, name)?.iter().filter_map(|k| RecordKind::parse(k).ok()).filter(|k| !k.is_lan()).collect())
    };
    for change in &update.changes {
        let name = change.name();
        for kind in kinds_at(name)? {
            load(&mut before, name, kind)?;
        }
        match change {
            Change::Add(r) => load(&mut before, name, r.data.kind())?,
            Change::DeleteRecord(_, d) => load(&mut before, name, d.kind())?,
            Change::DeleteSet(_, Type::Kind(k)) => load(&mut before, name, *k)?,
            Change::DeleteSet(..) => {}
        }
    }
    let mut after = before.clone();
    for change in &update.changes {
        let name = change.name();
        let apex = name == &update.zone;
        let occupied = |after: &Sets, pred: &dyn Fn(RecordKind) -> bool| after.iter().any(|((n, k), (_, d))| n == name && pred(*k) && !d.is_empty());
        match change {
            Change::Add(record) => {
                let kind = record.data.kind();
                // The apex NS set comes from the configuration; CNAME stands alone.
                if (apex && kind == RecordKind::Ns)
                    || (kind == RecordKind::Cname && occupied(&after, &|k| k != RecordKind::Cname))
                    || (kind != RecordKind::Cname && occupied(&after, &|k| k == RecordKind::Cname))
                {
                    continue;
                }
                let Some((ttl, data)) = after.get_mut(&(name.clone(), kind)) else { continue };
                if kind == RecordKind::Cname {
                    data.clear();
                }
                if !data.contains(&record.data) {
                    data.push(record.data.clone());
                }
                *ttl = record.ttl;
            }
            Change::DeleteSet(_, selected) => {
                for ((n, k), (_, data)) in after.iter_mut() {
                    let hit = match selected {
                        Type::Any => true,
                        Type::Kind(kind) => kind == k,
                        Type::Other(_) => false,
                    };
                    if n == name && hit && !(apex && *k == RecordKind::Ns) {
                        data.clear();
                    }
                }
            }
            Change::DeleteRecord(_, target) => {
                if apex && target.kind() == RecordKind::Ns {
                    continue;
                }
                if let Some((_, data)) = after.get_mut(&(name.clone(), target.kind())) {
                    data.retain(|d| d != target);
                }
            }
        }
    }
    Ok((before, after))
}

/// The hostname whose own name is `name`.
fn own_host<'a>(hosts: &'a BTreeMap<DomainName, Option<HostRow>>, name: &DomainName) -> Option<&'a HostRow> {
    hosts.get(name).and_then(Option::as_ref).filter(|h| h.name == name.as_str())
}

#[allow(clippy::too_many_arguments)]
fn write(
    tx: &rusqlite::Transaction<'_>,
    user: &UserRow,
    zone: &ZoneRow,
    update: &Update,
    hosts: &BTreeMap<DomainName, Option<HostRow>>,
    before: &Sets,
    after: &Sets,
    touched: &mut Touched,
) -> crate::error::Result<()> {
    let source = update.source.to_string();
    for ((name, kind), (ttl, data)) in after {
        let (old_ttl, old) = &before[&(name.clone(), *kind)];
        if old == data && (old_ttl == ttl || data.is_empty()) {
            continue;
        }
        if let Some(host) = own_host(hosts, name).filter(|_| matches!(kind, RecordKind::A | RecordKind::Aaaa)) {
            let request = crate::update::UpdateRequest {
                credentials: Default::default(),
                hostnames: Vec::new(),
                change: crate::update::Change::Txt(None),
                subname: None,
                source: update.source,
                user_agent: None,
                dialect: DIALECT,
                wildcard: None,
            };
            let old_text = old.first().map(|d| d.to_columns().0);
            if crate::update::set_managed(tx, &request, host, name, *kind, old_text, data.first().cloned(), touched)? {
                store::hostnames::touch(tx, &host.id)?;
            }
            continue;
        }
        // Update-managed rows (an ACME value set over HTTP, say) stay while the update keeps
        // their value; everything else at the set becomes hand-made records.
        let mut kept = Vec::new();
        for row in store::records::at_name(tx, &zone.id, name, *kind)? {
            let value = RecordData::from_columns(*kind, &row.content, row.priority, row.weight, row.port).ok();
            if row.managed && value.as_ref().is_some_and(|v| data.contains(v)) && !kept.contains(&value) {
                kept.push(value);
            } else {
                store::records::delete(tx, &row.id)?;
            }
        }
        let host_id = hosts.get(name).and_then(Option::as_ref).map(|h| h.id.as_str());
        for value in data.iter().filter(|v| !kept.contains(&Some((*v).clone()))) {
            let record = Record { name: name.clone(), ttl: *ttl, data: value.clone() };
            store::records::insert_manual(tx, &zone.id, host_id, &record)?;
        }
        if !kept.is_empty() && old_ttl != ttl {
            tx.execute("UPDATE records SET ttl = ?1 WHERE zone_id = ?2 AND name = ?3 AND type = ?4", rusqlite::params![ttl, zone.id, name.as_str(), kind.as_str()])?;
        }
        let what = if data.is_empty() { "records deleted" } else { "records set" };
        store::history::event(tx, Some(&user.id), what, name.as_str(), &format!("{kind} ({DIALECT}, key {})", update.key), &source)?;
        touched.add(&zone.id, name.clone(), *kind);
    }
    Ok(())
}
