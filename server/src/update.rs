//! The update use case every dialect shares: authenticate the token, work out which hosts
//! the request names, change what differs in one transaction, then publish the changed
//! record sets to DNS before the answer is sent. A request that changes nothing writes
//! nothing (flash and SD cards wear out).

use std::net::IpAddr;

use crate::Context;
use crate::address::{AddressRequest, Want};
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{Account, Host, HostId, Token};
use crate::names::DomainName;
use crate::publication::Touched;
use crate::records::{RecordData, RecordKind};
use crate::store::{self, Conn, Tx};

/// Most hostnames one request may name (the DynDNS2 rule).
pub const MAX_HOSTS: usize = 20;

/// What to change on each host.
#[derive(Debug, Clone)]
pub enum Change {
    Addresses(AddressRequest),
    /// Set (Some) or clear (None) the ACME TXT value, served at the host and at
    /// `_acme-challenge.<host>`.
    Txt(Option<String>),
}

#[derive(Debug, Clone)]
pub struct UpdateRequest<'a> {
    /// The Basic (or query) user name, which may name the host.
    pub username: Option<String>,
    /// Hostnames as given (each may be a comma list); empty when none were given.
    pub hostnames: Vec<String>,
    pub change: Change,
    /// IPv64's `praefix`: the change applies to `<subname>.<host>` instead of the host.
    pub subname: Option<String>,
    pub source: IpAddr,
    pub user_agent: Option<&'a str>,
    pub dialect: &'static str,
    /// DynDNS2 `wildcard=ON/OFF` (None: `NOCHG` or absent): whether `*.<host>` follows the
    /// host, as a CNAME to it.
    pub wildcard: Option<bool>,
}

/// The result for one requested host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Good,
    NoChange,
    NoHost,
    NotFqdn,
    Abuse,
    DnsErr,
}

#[derive(Debug, Clone)]
pub struct HostResult {
    /// The hostname as the client wrote it.
    pub requested: String,
    pub outcome: Outcome,
    /// Addresses before the update (for answers that report them).
    pub previous_v4: Option<String>,
    pub previous_v6: Option<String>,
    /// The host the name resolved to, when it did and the token reaches it.
    pub host_id: Option<HostId>,
}

impl Outcome {
    /// The DynDNS2 word for the outcome, used in metrics too.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::NoChange => "nochg",
            Self::NoHost => "nohost",
            Self::NotFqdn => "notfqdn",
            Self::Abuse => "abuse",
            Self::DnsErr => "dnserr",
        }
    }
}

/// What an accepted request did: one result per requested host, in order.
#[derive(Debug, Clone)]
pub struct Report {
    pub hosts: Vec<HostResult>,
}

/// Runs one update request of `caller` (authenticated and rate-limited by its route).
/// Account-level failures are errors (the route counts them); per-host ones are outcomes,
/// each counted on its hostname and in `/metrics`.
pub fn update(ctx: &Context, caller: &Caller, req: &UpdateRequest<'_>) -> Result<Report> {
    let report = run(ctx, caller, req)?;
    let client = crate::attempts::Client { source: req.source, user_agent: req.user_agent, dialect: req.dialect };
    for result in &report.hosts {
        match DomainName::parse(&result.requested) {
            Ok(name) => crate::attempts::record(ctx, &name, result.outcome.as_str(), client),
            Err(_) => ctx.metrics.update(req.dialect, result.outcome.as_str()),
        }
    }
    Ok(report)
}

fn run(ctx: &Context, caller: &Caller, req: &UpdateRequest<'_>) -> Result<Report> {
    // Addresses are updates; an ACME value is a record (a hostname token may write its own).
    let account = caller.may(match req.change {
        Change::Addresses(_) => Permission::Update,
        Change::Txt(_) => Permission::WriteRecords,
    })?;
    let token = caller.token().ok_or_else(|| Error::Forbidden("Updates are sent with a token".into()))?;
    let updater = caller.updater();
    if let Some(updater) = updater {
        match &req.change {
            Change::Addresses(_) if req.subname.is_some() => {
                return Err(Error::Forbidden("An updater token changes only its hostname's address, not names below it".into()));
            }
            Change::Addresses(addresses) => crate::updaters::check_families(updater, addresses)?,
            Change::Txt(_) => return Err(Error::Forbidden("An updater token changes only its address record".into())),
        }
    }
    let names = requested_names(ctx, req, account, token)?;

    let (results, _) = ctx.store.write_then(
        |tx| {
            let mut touched = Touched::default();
            let mut results = names
                .iter()
                .map(|requested| update_host(ctx, tx, req, account, token, requested, &mut touched))
                .collect::<Result<Vec<_>>>()?;
            if let Some(updater) = updater
                && results.iter().any(|r| r.outcome == Outcome::Good)
                && let Change::Addresses(addresses) = &req.change
            {
                store::updaters::record_update(tx, &updater.id, &addresses.echo())?;
            }
            if let Change::Addresses(AddressRequest { prefix: Some(prefix), v6, .. }) = &req.change {
                // A host given its own IPv6 address in this request keeps it.
                let explicit: Vec<&HostId> = match v6 {
                    Want::Keep => Vec::new(),
                    _ => results.iter().filter_map(|r| r.host_id.as_ref()).collect(),
                };
                if follow_prefix(ctx, tx, req, account, *prefix, &explicit, &mut touched)? {
                    for result in results.iter_mut().filter(|r| r.outcome == Outcome::NoChange) {
                        result.outcome = Outcome::Good;
                    }
                }
            }
            Ok((results, touched.collect(tx, &ctx.catalog)?))
        },
        |(_, publication)| publication.publish(&ctx.catalog),
    )?;
    Ok(Report { hosts: results })
}

fn update_host(
    ctx: &Context,
    tx: &Tx<'_>,
    req: &UpdateRequest<'_>,
    account: &Account,
    token: &Token,
    requested: &str,
    touched: &mut Touched,
) -> Result<HostResult> {
    let mut result =
        HostResult { requested: requested.to_string(), outcome: Outcome::NoHost, previous_v4: None, previous_v6: None, host_id: None };
    let Ok(name) = DomainName::parse(requested) else {
        result.outcome = Outcome::NotFqdn;
        return Ok(result);
    };
    let Some((host, zone)) = find_host(ctx, tx, &name)? else { return Ok(result) };
    let reachable = host.user_id == account.id && token.hostname_id.as_ref().is_none_or(|id| *id == host.id);
    if !reachable {
        return Ok(result);
    }
    if host.blocked {
        result.outcome = Outcome::Abuse;
        return Ok(result);
    }
    if !ctx.catalog.serves(&zone) {
        result.outcome = Outcome::DnsErr;
        return Ok(result);
    }
    let owner = match &req.subname {
        Some(label) => subname(&host.name, label)?,
        None => host.name.clone(),
    };
    result.host_id = Some(host.id.clone());
    result.previous_v4 = store::records::managed_value(tx, &host.id, &owner, RecordKind::A)?;
    result.previous_v6 = store::records::managed_value(tx, &host.id, &owner, RecordKind::Aaaa)?;

    // (owner name, kind, old value, new value)
    let mut wanted: Vec<(DomainName, RecordKind, Option<String>, Option<RecordData>)> = Vec::new();
    match &req.change {
        Change::Addresses(AddressRequest { only_prefix: true, .. }) => {}
        Change::Addresses(AddressRequest { v4, v6, .. }) => {
            if let Some(new) = wanted_value(v4, |a| RecordData::A(*a)) {
                wanted.push((owner.clone(), RecordKind::A, result.previous_v4.clone(), new));
            }
            if let Some(new) = wanted_value(v6, |a| RecordData::Aaaa(*a)) {
                wanted.push((owner.clone(), RecordKind::Aaaa, result.previous_v6.clone(), new));
            }
        }
        Change::Txt(_) => {}
    }
    if let (Some(on), Change::Addresses(_)) = (req.wildcard, &req.change) {
        let wildcard = owner.child("*")?;
        let old = store::records::managed_value(tx, &host.id, &wildcard, RecordKind::Cname)?;
        wanted.push((wildcard, RecordKind::Cname, old, on.then(|| RecordData::Cname(owner.clone()))));
    }
    match &req.change {
        Change::Addresses(_) => {}
        Change::Txt(value) => {
            let old = store::records::managed_value(tx, &host.id, &owner, RecordKind::Txt)?;
            let new = value.clone().map(RecordData::Txt);
            wanted.push((owner.clone(), RecordKind::Txt, old.clone(), new.clone()));
            wanted.push((owner.child(crate::records::edit::CHALLENGE_LABEL)?, RecordKind::Txt, old, new));
        }
    }

    let mut changed = false;
    for (name, kind, old, new) in wanted {
        changed |= set_managed(ctx, tx, req, &host, &name, kind, old, new, touched)?;
    }
    if !changed {
        result.outcome = Outcome::NoChange;
        return Ok(result);
    }
    store::hostnames::touch(tx, &host.id)?;
    result.outcome = Outcome::Good;
    Ok(result)
}

/// What a family's wish means for its record: None = leave it, Some(None) = remove it.
fn wanted_value<A>(want: &Want<A>, data: impl Fn(&A) -> RecordData) -> Option<Option<RecordData>> {
    match want {
        Want::Keep => None,
        Want::Set { addr, .. } => Some(Some(data(addr))),
        Want::Clear => Some(None),
    }
}

/// `<label>.<host>` for IPv64's `praefix` (one or more labels, never a wildcard).
fn subname(host: &DomainName, label: &str) -> Result<DomainName> {
    let label = label.trim().trim_matches('.');
    if label.is_empty() {
        return Ok(host.clone());
    }
    if label.contains('*') {
        return Err(Error::Invalid("praefix cannot be a wildcard".into()));
    }
    host.child(label)
}

/// Sets one update-managed record set of `host` at `name` to `new` (None = remove), with
/// history and event, unless it already holds that value. Returns whether it changed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn set_managed(
    ctx: &Context,
    tx: &Tx<'_>,
    req: &UpdateRequest<'_>,
    host: &Host,
    name: &DomainName,
    kind: RecordKind,
    old: Option<String>,
    new: Option<RecordData>,
    touched: &mut Touched,
) -> Result<bool> {
    let new_text = new.as_ref().map(|d| d.to_columns().0);
    if old == new_text {
        return Ok(false);
    }
    let values: Vec<RecordData> = new.into_iter().collect();
    store::records::replace_host_rrset(tx, &host.zone_id, &host.id, name, kind, &values, host.ttl)?;
    let source = req.source.to_string();
    if *name == host.name {
        store::history::record_change(tx, &store::history::Change {
            hostname_id: &host.id,
            kind: kind.as_str(),
            old: old.as_deref(),
            new: new_text.as_deref(),
            source: &source,
            user_agent: req.user_agent,
            dialect: req.dialect,
        })?;
        if matches!(kind, RecordKind::A | RecordKind::Aaaa) {
            crate::alerts::address_changed(ctx, tx, host, kind.as_str(), old.as_deref(), new_text.as_deref())?;
        }
    }
    let detail = format!("{} -> {} ({})", old.as_deref().unwrap_or("-"), new_text.as_deref().unwrap_or("-"), req.dialect);
    store::history::event(tx, Some(&host.user_id), &format!("address {kind}"), name.as_str(), &detail, &source)?;
    touched.add(&host.zone_id, name.clone(), kind);
    Ok(true)
}

/// Moves every host of the account that follows its IPv6 prefix to `prefix`, keeping each
/// host's interface id; hosts in `skip` were given their own address. Returns whether any
/// AAAA changed.
fn follow_prefix(
    ctx: &Context,
    tx: &Tx<'_>,
    req: &UpdateRequest<'_>,
    account: &Account,
    prefix: ipnet::Ipv6Net,
    skip: &[&HostId],
    touched: &mut Touched,
) -> Result<bool> {
    let mut changed = false;
    for host in store::hostnames::following_prefix(tx, &account.id)? {
        let Some(iid) = host.ipv6_interface_id.as_deref().and_then(|i| i.parse().ok()) else { continue };
        if host.blocked || skip.contains(&&host.id) {
            continue;
        }
        let name = host.name.clone();
        let old = store::records::managed_value(tx, &host.id, &host.name, RecordKind::Aaaa)?;
        let new = RecordData::Aaaa(crate::address::with_prefix(prefix, iid));
        if set_managed(ctx, tx, req, &host, &name, RecordKind::Aaaa, old, Some(new), touched)? {
            store::hostnames::touch(tx, &host.id)?;
            changed = true;
        }
    }
    Ok(changed)
}

/// Finds the host a request names: the name itself, or a bare label relative to a served
/// zone (inadyn's DuckDNS plugin and DuckDNS clients send only the first label).
fn find_host(ctx: &Context, conn: &Conn, name: &DomainName) -> Result<Option<(Host, DomainName)>> {
    let mut candidates = vec![name.clone()];
    if crate::zones::zone_of(&ctx.zones, name).is_none() {
        for zone in &ctx.zones {
            if let Ok(full) = DomainName::parse(&format!("{name}.{}", zone.name)) {
                candidates.push(full);
            }
        }
    }
    for candidate in candidates {
        if let Some(host) = store::hostnames::find_by_name(conn, &candidate)?
            && let Some(zone) = store::zones::find_by_id(conn, &host.zone_id)?
        {
            return Ok(Some((host, zone.name)));
        }
    }
    Ok(None)
}

/// The hostnames a request names, in order: the given list; else the Basic user name if it
/// is a hostname; else the token's own host.
fn requested_names(ctx: &Context, req: &UpdateRequest<'_>, account: &Account, token: &Token) -> Result<Vec<String>> {
    let given: Vec<String> = req
        .hostnames
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|h| !h.is_empty() && !h.eq_ignore_ascii_case("YES"))
        .map(String::from)
        .collect();
    if given.len() > MAX_HOSTS {
        return Err(Error::TooManyHosts { max: MAX_HOSTS });
    }
    if !given.is_empty() {
        return Ok(given);
    }
    if let Some(user) = &req.username
        && DomainName::parse_fqdn(user).is_ok()
        && user.contains('.')
    {
        return Ok(vec![user.clone()]);
    }
    let hosts = ctx.store.read(|c| match &token.hostname_id {
        Some(id) => Ok(store::hostnames::find_by_id(c, id)?.into_iter().collect()),
        None => store::hostnames::by_user(c, &account.id),
    })?;
    match hosts.as_slice() {
        [only] => Ok(vec![only.name.to_string()]),
        [] => Err(Error::NotFound("hostname")),
        _ => Err(Error::Invalid("this token reaches several hostnames: name the one to update".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestContext;

    const HOME: &str = "home.dyn.example.test";

    fn request(hostnames: &[&str], params: &[(&str, &str)]) -> UpdateRequest<'static> {
        let source: IpAddr = [198, 51, 100, 7].into();
        let lookup = |name: &str| params.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string());
        let addresses = AddressRequest::from_params(lookup, source).unwrap_or_default();
        UpdateRequest {
            username: None,
            hostnames: hostnames.iter().map(|h| h.to_string()).collect(),
            change: Change::Addresses(addresses),
            subname: None,
            source,
            user_agent: Some("unit-test"),
            dialect: "dyndns2",
            wildcard: None,
        }
    }

    fn outcomes(report: &Report) -> Vec<Outcome> {
        report.hosts.iter().map(|h| h.outcome).collect()
    }

    #[test]
    fn an_update_publishes_at_once_and_a_repeat_writes_nothing() -> Result<()> {
        let t = TestContext::new()?;
        let (_, token) = t.host("alice@example.com", HOME)?;
        let serial = t.ctx.catalog.serial(&t.zone_name());
        let report = update(&t.ctx, &token, &request(&[HOME], &[("myip", "203.0.113.7")]))?;
        assert_eq!(outcomes(&report), vec![Outcome::Good]);
        let name = DomainName::parse(HOME)?;
        let served: Vec<RecordData> = t.ctx.catalog.rrset(&t.zone_name(), &name, RecordKind::A).into_iter().map(|r| r.data).collect();
        assert_eq!(served, vec![RecordData::A([203, 0, 113, 7].into())]);
        let after_good = t.ctx.catalog.serial(&t.zone_name());
        assert_ne!(after_good, serial);
        let history = t.ctx.store.read(|c| store::hostnames::history(c, &report.hosts[0].host_id.clone().unwrap_or_else(|| HostId::from("")), 10))?;
        assert_eq!((history.len(), history[0].dialect.as_str()), (1, "dyndns2"));
        // The same address again: nochg, and no new serial, history line or write.
        let report = update(&t.ctx, &token, &request(&[HOME], &[("myip", "203.0.113.7")]))?;
        assert_eq!(outcomes(&report), vec![Outcome::NoChange]);
        assert_eq!(t.ctx.catalog.serial(&t.zone_name()), after_good);
        Ok(())
    }

    #[test]
    fn a_hostname_token_reaches_its_own_host_only() -> Result<()> {
        let t = TestContext::new()?;
        let (_, alice) = t.host("alice@example.com", HOME)?;
        t.host("alice@example.com", "nas.dyn.example.test")?;
        t.host("bob@example.com", "lab.dyn.example.test")?;
        let report = update(&t.ctx, &alice, &request(&["nas.dyn.example.test,lab.dyn.example.test,bad..name", HOME], &[("myip", "192.0.2.1")]))?;
        assert_eq!(outcomes(&report), vec![Outcome::NoHost, Outcome::NoHost, Outcome::NotFqdn, Outcome::Good]);
        let many: Vec<String> = (0..=MAX_HOSTS).map(|i| format!("h{i}.dyn.example.test")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(matches!(update(&t.ctx, &alice, &request(&[&many.join(",")], &[])), Err(Error::TooManyHosts { .. })));
        // Without a hostname the token's own host is meant.
        assert_eq!(outcomes(&update(&t.ctx, &alice, &request(&[], &[("myip", "192.0.2.2")]))?), vec![Outcome::Good]);
        Ok(())
    }

    #[test]
    fn a_session_does_not_send_updates() -> Result<()> {
        let t = TestContext::new()?;
        let (session, _) = t.host("alice@example.com", HOME)?;
        assert!(matches!(update(&t.ctx, &session, &request(&[HOME], &[("myip", "192.0.2.1")])), Err(Error::Forbidden(_))));
        Ok(())
    }

    #[test]
    fn a_new_prefix_moves_every_following_host_and_keeps_its_interface_id() -> Result<()> {
        let t = TestContext::new()?;
        let (session, token) = t.host("alice@example.com", HOME)?;
        t.host("alice@example.com", "nas.dyn.example.test")?;
        let nas = t.ctx.store.read(|c| store::hostnames::find_by_name(c, &DomainName::parse("nas.dyn.example.test")?))?.ok_or(Error::NotFound("Hostname"))?;
        let follow = crate::hostnames::Settings { interface_id: Some(Some("::1:2:3:4")), ..Default::default() };
        crate::hostnames::configure(&t.ctx, &session, &nas.id, &follow)?;
        let report = update(&t.ctx, &token, &request(&[HOME], &[("ipv6prefix", "2001:db8:aa:bb::/64"), ("onlyprefix", "1")]))?;
        assert_eq!(outcomes(&report), vec![Outcome::Good]);
        let served = t.ctx.catalog.rrset(&t.zone_name(), &nas.name, RecordKind::Aaaa);
        assert_eq!(served.first().map(|r| r.data.clone()), Some(RecordData::Aaaa("2001:db8:aa:bb:1:2:3:4".parse().map_err(|_| Error::Invalid("ip".into()))?)));
        Ok(())
    }
}
