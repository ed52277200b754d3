//! Hostnames: the DDNS entries accounts own, each created with its own update token. Who may
//! have which name is decided by `ownership`.

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{Account, HistoryEntry, Host, HostId, Scope, Scopes, Token, Zone, ZoneId};
use crate::names::DomainName;
use crate::publication::Touched;
use crate::records::{RecordData, RecordKind};
use crate::store::{self, Conn};

/// A new hostname and its token, whose secret exists only in this value.
#[derive(Debug)]
pub struct CreatedHost {
    pub host: Host,
    pub token: Token,
    pub secret: String,
}

/// A hostname with its current addresses.
#[derive(Debug, Clone)]
pub struct HostView {
    pub host: Host,
    pub v4: Option<String>,
    pub v6: Option<String>,
    /// Where the last accepted change came from: address and dialect.
    pub last_source: Option<String>,
    /// The addresses LAN clients get instead (split horizon).
    pub lan_v4: Option<String>,
    pub lan_v6: Option<String>,
    /// Every update attempt, accepted or not.
    pub attempts: crate::model::Attempts,
}

/// Changes to a hostname's settings; `None` leaves a setting, `Some(None)` clears it.
#[derive(Debug, Default, Clone)]
pub struct Settings<'a> {
    pub ttl: Option<u32>,
    pub interface_id: Option<Option<&'a str>>,
    pub lan_v4: Option<Option<&'a str>>,
    pub lan_v6: Option<Option<&'a str>>,
    /// The host's own stale window in hours; `Some(None)` takes the account's.
    pub stale_after_hours: Option<Option<u32>>,
}

/// Creates `fqdn` for the account with e-mail `owner` (the command line: the operator acts,
/// so plan limits do not apply; the ownership rule does).
pub fn create_for(ctx: &Context, owner: &str, fqdn: &str) -> Result<CreatedHost> {
    let name = DomainName::parse_fqdn(fqdn)?;
    let zone = ctx.store.read(|c| crate::zones::served_containing(ctx, c, &name)).map_err(|_| {
        let served: Vec<String> = ctx.catalog.zone_names().iter().map(ToString::to_string).collect();
        Error::Invalid(format!(
            "{name} is not inside a zone this appliance serves ({})",
            if served.is_empty() { "none configured".to_string() } else { served.join(", ") }
        ))
    })?;
    let account = crate::accounts::find_by_email(ctx, owner)?;
    insert(ctx, &account, &zone, name, ctx.config.default_ttl, false)
}

/// Creates `label` (or a full name inside the zone) in zone `zone_id` (the native API).
pub fn create_in_zone(ctx: &Context, caller: &Caller, zone_id: &ZoneId, label: &str, ttl: Option<u32>) -> Result<CreatedHost> {
    let user = caller.may(Permission::WriteDomains)?;
    let zone = usable_zone(ctx, user, zone_id)?;
    let label = label.trim().trim_end_matches('.');
    if label.is_empty() {
        return Err(Error::Invalid("Hostname name is required".into()));
    }
    let name = match DomainName::parse(label)? {
        full if full.is_within(&zone.name) => full,
        _ => zone.name.child(label)?,
    };
    let ttl = crate::records::check_ttl(ttl.unwrap_or(ctx.config.default_ttl))?;
    insert(ctx, user, &zone, name, ttl, true)
}

/// Creates hostname `fqdn` in whichever served zone holds it (dialects that name hosts by
/// their full name).
pub fn create_named(ctx: &Context, caller: &Caller, fqdn: &str) -> Result<CreatedHost> {
    let user = caller.may(Permission::WriteDomains)?;
    let name = DomainName::parse_fqdn(fqdn)?;
    let zone = ctx.store.read(|c| crate::zones::served_containing(ctx, c, &name))?;
    let zone = usable_zone(ctx, user, &zone.id)?;
    insert(ctx, user, &zone, name, ctx.config.default_ttl, true)
}

/// A served zone `user` may put hostnames in: a built-in one, or its own custom domain.
pub(crate) fn usable_zone(ctx: &Context, user: &Account, zone_id: &ZoneId) -> Result<Zone> {
    ctx.store.read(|c| crate::zones::usable(ctx, c, user, zone_id))
}

/// The account's hostname called `fqdn` (NotFound for anyone else's).
pub fn find_named(ctx: &Context, caller: &Caller, fqdn: &str) -> Result<Host> {
    let user = caller.may(Permission::ReadDomains)?;
    let name = DomainName::parse(fqdn)?;
    ctx.store.read(|c| store::hostnames::find_by_name(c, &name))?.filter(|h| h.user_id == user.id).ok_or(Error::NotFound("Hostname"))
}

/// Makes hostname `name` in `zone` for `user`, with its token; the ownership rule and (when
/// `enforce_plan`) the plan decide whether it may.
pub(crate) fn insert(ctx: &Context, user: &Account, zone: &Zone, name: DomainName, ttl: u32, enforce_plan: bool) -> Result<CreatedHost> {
    if name.first_label() == "*" {
        return Err(Error::Invalid("A hostname cannot be a wildcard".into()));
    }
    if ctx.zones.iter().any(|z| z.nameservers.contains(&name)) {
        return Err(Error::Conflict(format!("{name} is a nameserver of its zone")));
    }
    let secret = crate::token::generate();
    ctx.store.write(|tx| {
        crate::ownership::may_claim(tx, user, zone, &name)?;
        if crate::records::edit::has_cname(tx, zone, &name)? {
            return Err(Error::Conflict(format!("{name} holds a CNAME record, which cannot stand beside a hostname's address")));
        }
        if enforce_plan {
            crate::plans::check_hostnames(ctx, user, store::hostnames::count_by_user(tx, &user.id)?)?;
        }
        let id = store::hostnames::insert(tx, &zone.id, &user.id, &name, ttl)?;
        let token_id = store::tokens::insert(tx, &user.id, Some(&id), name.as_str(), &Scopes::new([Scope::Update]), &secret)?;
        store::history::event(tx, Some(&user.id), "hostname created", name.as_str(), "", "api")?;
        let host = store::hostnames::find_by_id(tx, &id)?.ok_or(Error::NotFound("Hostname"))?;
        let token = store::tokens::find_for_user(tx, &user.id, &token_id)?.ok_or(Error::NotFound("Token"))?;
        Ok(CreatedHost { host, token, secret: secret.secret.clone() })
    })
}

/// The account's hostname `id` (NotFound for anyone else's, so ids cannot be probed).
fn owned(conn: &Conn, user: &Account, id: &HostId) -> Result<Host> {
    store::hostnames::find_by_id(conn, id)?.filter(|h| h.user_id == user.id).ok_or(Error::NotFound("Hostname"))
}

fn view(ctx: &Context, conn: &Conn, host: Host) -> Result<HostView> {
    let value = |kind| store::records::managed_value(conn, &host.id, &host.name, kind);
    Ok(HostView {
        v4: value(RecordKind::A)?,
        v6: value(RecordKind::Aaaa)?,
        lan_v4: value(RecordKind::LanA)?,
        lan_v6: value(RecordKind::LanAaaa)?,
        last_source: store::hostnames::history(conn, &host.id, 1)?
            .first()
            .map(|h| format!("{} ({})", h.source.as_deref().unwrap_or("?"), h.dialect)),
        attempts: crate::attempts::of(ctx, conn, &host)?,
        host,
    })
}

pub fn list(ctx: &Context, caller: &Caller) -> Result<Vec<HostView>> {
    let user = caller.may(Permission::ReadDomains)?;
    ctx.store.read(|c| store::hostnames::by_user(c, &user.id)?.into_iter().map(|h| view(ctx, c, h)).collect())
}

/// The account's hostnames with every record at or below each (IPv64's `get_domains`), and
/// each one's number of accepted changes.
pub fn list_with_records(ctx: &Context, caller: &Caller) -> Result<Vec<(Host, i64, Vec<crate::model::StoredRecord>)>> {
    let user = caller.may(Permission::ReadDomains)?;
    ctx.store.read(|c| {
        store::hostnames::by_user(c, &user.id)?
            .into_iter()
            .map(|h| Ok((h.clone(), store::hostnames::change_count(c, &h.id)?, store::records::for_hostname(c, &h.id)?)))
            .collect()
    })
}

pub fn get(ctx: &Context, caller: &Caller, id: &HostId) -> Result<HostView> {
    let user = caller.may(Permission::ReadDomains)?;
    ctx.store.read(|c| view(ctx, c, owned(c, user, id)?))
}

/// Most history entries one request returns.
pub const MAX_HISTORY: u32 = 1000;

/// The newest `limit` (1 to [`MAX_HISTORY`]) accepted changes of hostname `id`.
pub fn history(ctx: &Context, caller: &Caller, id: &HostId, limit: u32) -> Result<Vec<HistoryEntry>> {
    let user = caller.may(Permission::ReadDomains)?;
    if !(1..=MAX_HISTORY).contains(&limit) {
        return Err(Error::invalid_field("/limit", format!("limit is 1 to {MAX_HISTORY}")));
    }
    ctx.store.read(|c| store::hostnames::history(c, &owned(c, user, id)?.id, limit))
}

/// Changes a hostname's settings: its TTL (applied to its update-managed records at once),
/// whether it follows the account's IPv6 prefix with a fixed interface id, and the addresses
/// LAN clients get instead of the public ones.
pub fn configure(ctx: &Context, caller: &Caller, id: &HostId, settings: &Settings<'_>) -> Result<HostView> {
    let user = caller.may(Permission::WriteDomains)?;
    let ttl = settings.ttl.map(crate::records::check_ttl).transpose()?;
    let lan = |value: Option<Option<&str>>, kind: RecordKind| -> Result<Option<Option<RecordData>>> {
        value.map(|v| v.map(|text| RecordData::from_columns(kind, text, None, None, None)).transpose()).transpose()
    };
    let lan_v4 = lan(settings.lan_v4, RecordKind::LanA)?;
    let lan_v6 = lan(settings.lan_v6, RecordKind::LanAaaa)?;
    let stale_window = settings.stale_after_hours.map(crate::alerts::check_window).transpose()?;
    let interface_id = match settings.interface_id {
        Some(Some(text)) => Some(Some(parse_interface_id(text)?)),
        Some(None) => Some(None),
        None => None,
    };
    let (view, _) = ctx.store.write_then(
        |tx| {
            let host = owned(tx, user, id)?;
            let new_ttl = ttl.unwrap_or(host.ttl);
            let new_iid = interface_id.clone().unwrap_or_else(|| host.ipv6_interface_id.clone());
            store::hostnames::set_settings(tx, &host.id, new_ttl, new_iid.as_deref())?;
            if let Some(window) = stale_window {
                store::alerts::set_host_window(tx, &host.id, window)?;
            }
            let mut touched = Touched::default();
            for (kind, value) in [(RecordKind::LanA, &lan_v4), (RecordKind::LanAaaa, &lan_v6)] {
                if let Some(value) = value {
                    let values: Vec<RecordData> = value.iter().cloned().collect();
                    store::records::replace_host_rrset(tx, &host.zone_id, &host.id, &host.name, kind, &values, new_ttl)?;
                    touched.add(&host.zone_id, host.name.clone(), kind);
                }
            }
            if new_ttl != host.ttl {
                store::records::set_managed_ttl(tx, &host.id, new_ttl)?;
                for (zone_id, name, kind) in store::records::owned_by_hostname(tx, &host.id)? {
                    touched.add(&zone_id, name, kind);
                }
            }
            let detail = format!("ttl {new_ttl}, ipv6 interface id {}", new_iid.as_deref().unwrap_or("-"));
            store::history::event(tx, Some(&user.id), "hostname changed", host.name.as_str(), &detail, "api")?;
            let host = owned(tx, user, id)?;
            Ok((view(ctx, tx, host)?, touched.collect(tx, &ctx.catalog)?))
        },
        |(_, publication)| publication.publish(&ctx.catalog),
    )?;
    Ok(view)
}

/// An interface id as an IPv6 address whose upper 64 bits are zero (`::1:2:3:4`); a whole
/// address is accepted and its lower 64 bits kept.
fn parse_interface_id(text: &str) -> Result<String> {
    let addr: std::net::Ipv6Addr = text
        .trim()
        .parse()
        .map_err(|_| Error::Invalid(format!("{text} is not an interface id (write it like ::1a2b:3c4d:5e6f:7080)")))?;
    let iid = u128::from(addr) & u128::from(u64::MAX);
    if iid == 0 {
        // All zeros is the prefix's own address (the subnet-router anycast, RFC 4291).
        return Err(Error::Conflict("The interface id cannot be all zeros: that is the prefix's own address".into()));
    }
    Ok(std::net::Ipv6Addr::from(iid).to_string())
}

/// Deletes the hostname with its records, history and tokens; its name leaves DNS at once.
pub fn delete(ctx: &Context, caller: &Caller, id: &HostId) -> Result<()> {
    let user = caller.may(Permission::WriteDomains)?;
    ctx.store.write_then(
        |tx| {
            let host = owned(tx, user, id)?;
            let mut touched = Touched::default();
            for (zone_id, name, kind) in store::records::owned_by_hostname(tx, &host.id)? {
                touched.add(&zone_id, name, kind);
            }
            store::hostnames::delete(tx, &host.id)?;
            store::history::event(tx, Some(&user.id), "hostname deleted", host.name.as_str(), "", "api")?;
            touched.collect(tx, &ctx.catalog)
        },
        |publication| publication.publish(&ctx.catalog),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{TestContext, ZONE_ID};

    #[test]
    fn a_hostname_comes_with_its_own_update_token() -> Result<()> {
        let t = TestContext::new()?;
        let alice = t.session("alice@example.com", false)?;
        let created = create_in_zone(&t.ctx, &alice, &ZoneId::from(ZONE_ID), "home", None)?;
        assert_eq!(created.host.name.as_str(), "home.dyn.example.test");
        assert_eq!(created.token.hostname_id.as_ref(), Some(&created.host.id));
        assert_eq!(crate::token::hash(&created.secret), created.token.secret_hash);
        assert_eq!(list(&t.ctx, &alice)?.len(), 1);
        Ok(())
    }

    #[test]
    fn names_inside_or_around_another_accounts_hostname_are_refused_everywhere() -> Result<()> {
        let t = TestContext::new()?;
        let alice = t.session("alice@example.com", false)?;
        let bob = t.session("bob@example.com", false)?;
        let zone = ZoneId::from(ZONE_ID);
        create_in_zone(&t.ctx, &alice, &zone, "home", None)?;
        for attempt in [create_in_zone(&t.ctx, &bob, &zone, "x.home", None), create_named(&t.ctx, &bob, "x.home.dyn.example.test")] {
            assert!(matches!(attempt, Err(Error::Conflict(_))), "{attempt:?}");
        }
        create_in_zone(&t.ctx, &bob, &zone, "sub.lab", None)?;
        let around = create_in_zone(&t.ctx, &alice, &zone, "lab", None);
        assert!(matches!(around, Err(Error::Conflict(ref m)) if m.contains("sub.lab")), "{around:?}");
        // The owner nests as deep as it likes.
        create_in_zone(&t.ctx, &alice, &zone, "nas.home", None)?;
        assert_eq!(list(&t.ctx, &bob)?.len(), 1);
        Ok(())
    }

    #[test]
    fn another_accounts_hostname_looks_like_nothing() -> Result<()> {
        let t = TestContext::new()?;
        let alice = t.session("alice@example.com", false)?;
        let bob = t.session("bob@example.com", false)?;
        let created = create_in_zone(&t.ctx, &alice, &ZoneId::from(ZONE_ID), "home", None)?;
        assert!(matches!(get(&t.ctx, &bob, &created.host.id), Err(Error::NotFound(_))));
        assert!(matches!(delete(&t.ctx, &bob, &created.host.id), Err(Error::NotFound(_))));
        assert!(matches!(configure(&t.ctx, &bob, &created.host.id, &Settings { ttl: Some(300), ..Default::default() }), Err(Error::NotFound(_))));
        assert_eq!(get(&t.ctx, &alice, &created.host.id)?.host.ttl, 60);
        Ok(())
    }
}
