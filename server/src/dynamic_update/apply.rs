//! Applying a verified RFC 2136 update: prerequisites against what is served, every change
//! against the key's owner and allow list, then all of it in one transaction or none of it.

use std::collections::BTreeMap;

use super::{Change, Prerequisite, Refusal, SOA, Type, Update};
use crate::Context;
use crate::names::DomainName;
use crate::records::{Record, RecordData, RecordKind};
use crate::auth::Caller;
use crate::error::Error;
use crate::model::{Account, Host, Zone};
use crate::publication::Touched;
use crate::store::{self, Conn, Tx};

/// The dialect name updates made this way carry in history, log and metrics.
pub const DIALECT: &str = "rfc2136";

/// A record set being worked on: its TTL and records.
type Sets = BTreeMap<(DomainName, RecordKind), (u32, Vec<RecordData>)>;

/// Checks and applies an update in one transaction: nothing changes unless all of it may.
pub fn apply(ctx: &Context, update: Update) -> Result<(), Refusal> {
    let servfail = |e: Error| Refusal::ServFail(e.to_string());
    let (key, _) = crate::tsig_keys::find(ctx, &update.key).ok_or_else(|| Refusal::NotAuth("unknown key".into()))?;
    let user = ctx
        .store
        .read(|c| store::users::find_by_id(c, &key.user_id))
        .map_err(servfail)?
        .filter(|u| !u.disabled)
        .ok_or_else(|| Refusal::Refused("the key's account is disabled".into()))?;
    let key_id = key.id.clone();
    let caller = Caller::Tsig { account: user, key };
    let user = caller.account();
    let outcome = ctx.store.write_then(
        |tx| {
            let Some(zone) = store::zones::find_by_name(tx, &update.zone)? else {
                return Ok(Err(Refusal::NotAuth(format!("{} is not served", update.zone))));
            };
            if let Err(refusal) = check_prerequisites(ctx, &update) {
                return Ok(Err(refusal));
            }
            let hosts = match permitted(ctx, tx, &caller, &zone, &update) {
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
            store::tsig_keys::touch(tx, &key_id)?;
            let mut touched = Touched::default();
            write(ctx, tx, user, &zone, &update, &hosts, &before, &after, &mut touched)?;
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
fn permitted(ctx: &Context, conn: &Conn, caller: &Caller, zone: &Zone, update: &Update) -> Result<BTreeMap<DomainName, Option<Host>>, Refusal> {
    let user = caller.account();
    let mut hosts = BTreeMap::new();
    for change in &update.changes {
        let name = change.name();
        let kind = match change {
            Change::Add(r) => Some(r.data.kind()),
            Change::DeleteRecord(_, d) => Some(d.kind()),
            Change::DeleteSet(_, Type::Kind(k)) => Some(*k),
            Change::DeleteSet(_, _) => None,
        };
        let owner = crate::records::edit::authorize(conn, caller, zone, name, kind).map_err(|e| Refusal::Refused(e.to_string()))?;
        let host = owner.host().cloned();
        if let Change::Add(record) = change {
            crate::plans::check_record_type(ctx, user, record.data.kind()).map_err(|e| Refusal::Refused(e.to_string()))?;
            crate::records::check_ttl(record.ttl).map_err(|e| Refusal::Refused(e.to_string()))?;
        }
        if host.as_ref().is_some_and(|h| h.name == *name && h.blocked) {
            return Err(Refusal::Refused(format!("hostname {name} is blocked")));
        }
        hosts.insert(name.clone(), host);
    }
    Ok(hosts)
}

/// The sets the update touches, before and after it (RFC 2136 §3.4.2, in order).
fn compute(conn: &Conn, zone: &Zone, update: &Update) -> crate::error::Result<(Sets, Sets)> {
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
        Ok(store::records::kinds_at(conn, &zone.id, name)?.into_iter().filter(|k| !k.is_lan()).collect())
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
fn own_host<'a>(hosts: &'a BTreeMap<DomainName, Option<Host>>, name: &DomainName) -> Option<&'a Host> {
    hosts.get(name).and_then(Option::as_ref).filter(|h| h.name == *name)
}

#[allow(clippy::too_many_arguments)]
fn write(
    ctx: &Context,
    tx: &Tx<'_>,
    user: &Account,
    zone: &Zone,
    update: &Update,
    hosts: &BTreeMap<DomainName, Option<Host>>,
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
                username: None,
                hostnames: Vec::new(),
                change: crate::update::Change::Txt(None),
                subname: None,
                source: update.source,
                user_agent: None,
                dialect: DIALECT,
                wildcard: None,
            };
            let old_text = old.first().map(|d| d.to_columns().0);
            if crate::update::set_managed(ctx, tx, &request, host, name, *kind, old_text, data.first().cloned(), touched)? {
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
        let host_id = hosts.get(name).and_then(Option::as_ref).map(|h| &h.id);
        for value in data.iter().filter(|v| !kept.contains(&Some((*v).clone()))) {
            let record = Record { name: name.clone(), ttl: *ttl, data: value.clone() };
            store::records::insert_manual(tx, &zone.id, host_id, &record)?;
        }
        if !kept.is_empty() && old_ttl != ttl {
            store::records::set_rrset_ttl(tx, &zone.id, name, *kind, *ttl)?;
        }
        let what = if data.is_empty() { "records deleted" } else { "records set" };
        store::history::event(tx, Some(&user.id), what, name.as_str(), &format!("{kind} ({DIALECT}, key {})", update.key), &source)?;
        touched.add(&zone.id, name.clone(), *kind);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestContext;

    /// A lab with alice's `home` and bob's `lab`, and a TSIG key of alice's allowed `allow`.
    fn setup(allow: &[&str]) -> crate::error::Result<(TestContext, String)> {
        let t = TestContext::new()?;
        let (alice, _) = t.host("alice@example.com", "home.dyn.example.test")?;
        t.host("bob@example.com", "lab.dyn.example.test")?;
        let allow: Vec<String> = allow.iter().map(|a| a.to_string()).collect();
        let key = crate::tsig_keys::create(&t.ctx, &alice, "alice.key", "hmac-sha256", &allow)?;
        Ok((t, key.key.name))
    }

    fn name(text: &str) -> DomainName {
        DomainName::parse(text).unwrap_or_else(|_| unreachable!("a valid test name"))
    }

    fn txt(owner: &str, text: &str) -> Change {
        Change::Add(Record { name: name(owner), ttl: 60, data: RecordData::Txt(text.into()) })
    }

    fn update(key: &str, prerequisites: Vec<Prerequisite>, changes: Vec<Change>) -> Update {
        Update { zone: name("dyn.example.test"), key: key.into(), source: [127, 0, 0, 1].into(), prerequisites, changes }
    }

    #[test]
    fn a_key_writes_where_its_account_may_and_all_or_nothing() -> crate::error::Result<()> {
        let (t, key) = setup(&[])?;
        let zone = t.zone_name();
        assert!(apply(&t.ctx, update(&key, vec![], vec![txt("_acme-challenge.home.dyn.example.test", "v1")])).is_ok());
        assert_eq!(t.ctx.catalog.rrset(&zone, &name("_acme-challenge.home.dyn.example.test"), RecordKind::Txt).len(), 1);
        // One change inside bob's name refuses the whole update.
        let serial = t.ctx.catalog.serial(&zone);
        let mixed = update(&key, vec![], vec![txt("a.home.dyn.example.test", "ok"), txt("x.lab.dyn.example.test", "stolen")]);
        assert!(matches!(apply(&t.ctx, mixed), Err(Refusal::Refused(_))));
        assert!(t.ctx.catalog.rrset(&zone, &name("a.home.dyn.example.test"), RecordKind::Txt).is_empty(), "nothing of it applied");
        assert_eq!(t.ctx.catalog.serial(&zone), serial);
        Ok(())
    }

    #[test]
    fn the_allow_list_narrows_the_key() -> crate::error::Result<()> {
        let (t, key) = setup(&["_acme-challenge.*:TXT"])?;
        assert!(apply(&t.ctx, update(&key, vec![], vec![txt("_acme-challenge.home.dyn.example.test", "v")])).is_ok());
        assert!(matches!(apply(&t.ctx, update(&key, vec![], vec![txt("www.home.dyn.example.test", "v")])), Err(Refusal::Refused(_))));
        Ok(())
    }

    #[test]
    fn prerequisites_are_checked_against_what_is_served() -> crate::error::Result<()> {
        let (t, key) = setup(&[])?;
        let absent = Prerequisite::Exists(name("nothing.home.dyn.example.test"), Type::Any);
        assert_eq!(apply(&t.ctx, update(&key, vec![absent], vec![txt("a.home.dyn.example.test", "v")])), Err(Refusal::NxDomain));
        let free = Prerequisite::Absent(name("a.home.dyn.example.test"), Type::Any);
        assert!(apply(&t.ctx, update(&key, vec![free.clone()], vec![txt("a.home.dyn.example.test", "v")])).is_ok());
        assert_eq!(apply(&t.ctx, update(&key, vec![free], vec![txt("a.home.dyn.example.test", "w")])), Err(Refusal::YxDomain));
        Ok(())
    }

    #[test]
    fn a_hostnames_address_goes_through_its_history() -> crate::error::Result<()> {
        let (t, key) = setup(&[])?;
        let a = Change::Add(Record { name: name("home.dyn.example.test"), ttl: 60, data: RecordData::A([192, 0, 2, 44].into()) });
        assert!(apply(&t.ctx, update(&key, vec![], vec![a])).is_ok());
        let host = t.ctx.store.read(|c| store::hostnames::find_by_name(c, &name("home.dyn.example.test")))?.ok_or(Error::NotFound("Hostname"))?;
        let history = t.ctx.store.read(|c| store::hostnames::history(c, &host.id, 5))?;
        assert_eq!((history[0].new.as_deref(), history[0].dialect.as_str()), (Some("192.0.2.44"), DIALECT));
        Ok(())
    }
}
