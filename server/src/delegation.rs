//! Delegation: the records a zone's parent must hold for the Internet to reach this
//! appliance (NS, and glue when a nameserver lies inside the zone), and what the parent
//! says now, asked through `delegation_resolver`, with what is wrong in words to act on.

use std::net::IpAddr;

use crate::Context;
use crate::auth::Caller;
use crate::error::{Error, Result};
use crate::model::ZoneId;
use crate::names::DomainName;
use crate::records::RecordKind;
use crate::store;

/// One record to enter at the registrar (in the parent zone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParentRecord {
    pub name: DomainName,
    pub kind: RecordKind,
    pub value: String,
}

/// What the parent zone says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The parent delegates to every expected nameserver, with the right glue.
    pub delegated: bool,
    /// The DNS server asked.
    pub asked: Option<std::net::SocketAddr>,
    pub found: Vec<DomainName>,
    pub glue: Vec<(DomainName, IpAddr)>,
    /// What is wrong, one sentence each; empty when delegated.
    pub problems: Vec<String>,
    /// The state in one sentence.
    pub message: String,
    /// DNSSEC: whether the parent's DS record matches the zone's key (None: the zone is not
    /// signed and the parent has no DS, or nobody could be asked).
    pub dnssec: Option<String>,
}

/// The delegation guide of one zone.
#[derive(Debug, Clone)]
pub struct Guide {
    pub zone: DomainName,
    pub records: Vec<ParentRecord>,
    pub check: Check,
}

/// The guide for zone `id`: a built-in zone for anyone who may read domains, a custom
/// domain for its owner (verified or not: that is when it is needed).
pub fn guide(ctx: &Context, caller: &Caller, id: &ZoneId) -> Result<Guide> {
    let zone = ctx.store.read(|c| crate::ownership::visible_zone(c, caller, id))?;
    guide_for(ctx, &zone.name)
}

/// The guide for the zone named `name` (the command line's `zone check`).
pub fn guide_for(ctx: &Context, name: &DomainName) -> Result<Guide> {
    let (nameservers, addresses) = match ctx.zones.iter().find(|z| z.name == *name) {
        Some(builtin) => (builtin.nameservers.clone(), builtin.glue.clone()),
        None => {
            let known = ctx.store.read(|c| store::zones::find_by_name(c, name))?.is_some();
            if !known {
                return Err(Error::Invalid(format!("{name} is not a zone of this appliance")));
            }
            (ctx.config.delegation_nameservers()?, Vec::new())
        }
    };
    let records = parent_records(name, &nameservers, &addresses);
    let check = check(ctx, name, &nameservers, &addresses);
    Ok(Guide { zone: name.clone(), records, check })
}

/// NS for each nameserver, and glue for those inside the zone.
fn parent_records(zone: &DomainName, nameservers: &[DomainName], addresses: &[(DomainName, IpAddr)]) -> Vec<ParentRecord> {
    let mut records: Vec<ParentRecord> =
        nameservers.iter().map(|ns| ParentRecord { name: zone.clone(), kind: RecordKind::Ns, value: ns.to_string() }).collect();
    for (ns, ip) in addresses.iter().filter(|(ns, _)| ns.is_within(zone)) {
        let kind = if ip.is_ipv4() { RecordKind::A } else { RecordKind::Aaaa };
        records.push(ParentRecord { name: ns.clone(), kind, value: ip.to_string() });
    }
    records
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// Whether the Internet can reach `ip` (loopback, private and link-local ones it cannot).
fn public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !(v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified()),
        IpAddr::V6(v6) => !(v6.is_loopback() || v6.is_unspecified() || v6.is_unique_local() || v6.is_unicast_link_local()),
    }
}

/// Asks the parent (through `delegation_resolver`, else the system's resolver) for `zone`'s
/// NS set and glue, and compares them with `nameservers` and `addresses`.
pub(crate) fn check(ctx: &Context, zone: &DomainName, nameservers: &[DomainName], addresses: &[(DomainName, IpAddr)]) -> Check {
    let mut problems = Vec::new();
    for ns in nameservers.iter().filter(|ns| ns.is_within(zone)) {
        let own: Vec<IpAddr> = addresses.iter().filter(|(n, _)| n == ns).map(|(_, ip)| *ip).collect();
        if own.is_empty() {
            problems.push(format!("{ns} lies inside {zone} but has no address: set nameserver_addresses for the zone to the address the Internet reaches this appliance at"));
        }
        for ip in own.iter().filter(|ip| !public(**ip)) {
            problems.push(format!("{ns} has the address {ip}, which the Internet cannot reach: set nameserver_addresses to your public address and forward port 53 (UDP and TCP) to this appliance"));
        }
    }
    let Some(resolver) = ctx.config.delegation_resolver.or_else(crate::dns::lookup::system_resolver) else {
        problems.push("There is no DNS server to ask: set delegation_resolver".into());
        return Check { delegated: false, asked: None, found: Vec::new(), glue: Vec::new(), message: problems[0].clone(), problems, dnssec: None };
    };
    let (found, glue) = match crate::dns::lookup::delegation(resolver, zone) {
        Ok(answer) => answer,
        Err(e) => {
            let message = format!("Could not look {zone} up yet ({e}); try again in a few minutes.");
            problems.push(message.clone());
            return Check { delegated: false, asked: Some(resolver), found: Vec::new(), glue: Vec::new(), problems, message, dnssec: None };
        }
    };
    let missing: Vec<DomainName> = nameservers.iter().filter(|ns| !found.contains(ns)).cloned().collect();
    let message = if found.is_empty() {
        format!("No NS records for {zone} were found yet. At your registrar, set its nameservers to: {}.", list(nameservers))
    } else if !missing.is_empty() {
        format!("{zone} is delegated to {}, which does not include {}. At your registrar, set its nameservers to: {}.", list(&found), list(&missing), list(nameservers))
    } else {
        let extra: Vec<DomainName> = found.iter().filter(|ns| !nameservers.contains(ns)).cloned().collect();
        if extra.is_empty() {
            format!("{zone} is delegated to this appliance.")
        } else {
            format!("{zone} is delegated to this appliance and also to {}, which must serve it as secondaries.", list(&extra))
        }
    };
    let mut delegated = !found.is_empty() && missing.is_empty();
    if !delegated {
        problems.push(message.clone());
    }
    for ns in nameservers.iter().filter(|ns| ns.is_within(zone) && found.contains(ns)) {
        let theirs: Vec<IpAddr> = glue.iter().filter(|(n, _)| n == ns).map(|(_, ip)| *ip).collect();
        let ours: Vec<IpAddr> = addresses.iter().filter(|(n, _)| n == ns).map(|(_, ip)| *ip).collect();
        if theirs.is_empty() || ours.iter().any(|ip| !theirs.contains(ip)) || theirs.iter().any(|ip| !ours.contains(ip)) {
            delegated = false;
        }
        if theirs.is_empty() {
            problems.push(format!("The parent zone has no glue for {ns}: enter its address ({}) at your registrar", list(&ours)));
        } else if ours.iter().any(|ip| !theirs.contains(ip)) || theirs.iter().any(|ip| !ours.contains(ip)) {
            problems.push(format!("The parent zone's glue for {ns} is {}, but this appliance's address is {}", list(&theirs), list(&ours)));
        }
    }
    // Right nameservers but wrong glue is not "delegated to this appliance" yet.
    let message = match problems.iter().find(|p| p.starts_with("The parent zone")) {
        Some(glue) if !delegated && missing.is_empty() && !found.is_empty() => format!("{zone} names this appliance's nameservers, but: {glue}."),
        _ => message,
    };
    let dnssec = if found.is_empty() { None } else { ds_check(ctx, zone, resolver, &mut problems) };
    Check { delegated, asked: Some(resolver), found, glue, problems, message, dnssec }
}

/// Whether the parent's DS matches the zone's key, in a sentence; a mismatch (or a DS for a
/// zone that is not signed here) is a problem too, since validating resolvers then reject
/// every answer.
fn ds_check(ctx: &Context, zone: &DomainName, resolver: std::net::SocketAddr, problems: &mut Vec<String>) -> Option<String> {
    let key = ctx.store.read(|c| match store::zones::find_by_name(c, zone)? {
        Some(row) => crate::zone_keys::signing_key(c, &row.id),
        None => Ok(None),
    });
    let key = key.ok().flatten();
    let theirs = match crate::dns::lookup::ds_set(resolver, zone) {
        Ok(theirs) => theirs,
        Err(e) => return key.map(|_| format!("Could not ask for {zone}'s DS record ({e}).")),
    };
    let tag_of = |ds: &[u8]| ds.get(..2).map_or(0, |t| u16::from_be_bytes([t[0], t[1]]));
    let tags = |list: &[Vec<u8>]| list.iter().map(|ds| tag_of(ds).to_string()).collect::<Vec<_>>().join(", ");
    match key {
        None if theirs.is_empty() => None,
        None => {
            let problem = format!("The parent holds a DS record for {zone} (key {}), but the zone is not signed here: validating resolvers will reject its answers. Remove the DS at your registrar, or sign the zone.", tags(&theirs));
            problems.push(problem.clone());
            Some(problem)
        }
        Some(_) if theirs.is_empty() => Some(format!("{zone} is signed, but the parent has no DS record for it yet: add the DS shown under DNSSEC at your registrar so that resolvers can validate it.")),
        Some(key) => {
            let ours = key.ds_rdata(&crate::dns::wire::name(zone));
            if theirs.contains(&ours) {
                Some(format!("The parent's DS record matches this zone's key ({}): validating resolvers can check every answer.", key.tag()))
            } else {
                let problem = format!(
                    "The parent's DS record (key {}) does not match this zone's key ({}): validating resolvers will reject its answers. Replace it at your registrar with: {}",
                    tags(&theirs),
                    key.tag(),
                    crate::dnssec::ds_line(zone, &ours)
                );
                problems.push(problem.clone());
                Some(problem)
            }
        }
    }
}
