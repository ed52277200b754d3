//! Hostnames: the DDNS entries users own, each created with its own update token.

use crate::Context;
use crate::error::{Error, Result};
use crate::names::DomainName;
use crate::records::RecordKind;
use crate::store::{self, hostnames::HostRow, users::UserRow};
use crate::zones::Touched;

/// A new hostname and its token, whose secret exists only in this value.
pub struct CreatedHost {
    pub host: HostRow,
    pub token_id: String,
    pub token: String,
    pub name: DomainName,
}

/// A hostname with its current addresses.
pub struct HostView {
    pub host: HostRow,
    pub v4: Option<String>,
    pub v6: Option<String>,
    /// Where the last accepted change came from: address and dialect.
    pub last_source: Option<String>,
    /// The addresses LAN clients get instead (split horizon).
    pub lan_v4: Option<String>,
    pub lan_v6: Option<String>,
}

/// Changes to a hostname's settings; `None` leaves a setting, `Some(None)` clears it.
#[derive(Debug, Default, Clone)]
pub struct Settings<'a> {
    pub ttl: Option<u32>,
    pub interface_id: Option<Option<&'a str>>,
    pub lan_v4: Option<Option<&'a str>>,
    pub lan_v6: Option<Option<&'a str>>,
}

/// Creates `fqdn` for the account with e-mail `owner` (the CLI: an administrator acts, so
/// plan limits do not apply).
pub fn create(ctx: &Context, owner: &str, fqdn: &str) -> Result<CreatedHost> {
    let name = DomainName::parse_fqdn(fqdn)?;
    let zone = crate::zones::zone_of(&ctx.zones, &name).ok_or_else(|| {
        let served: Vec<_> = ctx.zones.iter().map(|z| z.name.to_string()).collect();
        Error::Invalid(format!(
            "{name} is not inside a zone this appliance serves ({})",
            if served.is_empty() { "none configured".to_string() } else { served.join(", ") }
        ))
    })?;
    let zone_id = ctx.store.read(|c| store::zones::find_by_name(c, zone.name.as_str()))?.ok_or(Error::NotFound("Domain"))?.id;
    let user = ctx
        .store
        .read(|c| store::users::find_by_email(c, owner.trim()))?
        .ok_or_else(|| Error::Invalid(format!("no account with e-mail {owner}")))?;
    insert(ctx, &user, &zone_id, name, ctx.config.default_ttl, false)
}

/// Creates `label` (or a full name inside the zone) in zone `zone_id` for `user` (the API).
pub fn create_in_zone(ctx: &Context, user: &UserRow, zone_id: &str, label: &str, ttl: Option<u32>) -> Result<CreatedHost> {
    let zone = ctx.store.read(|c| {
        if store::zones::find_custom(c, zone_id)?.is_some() {
            crate::domains::owned(c, user, zone_id)?;
        }
        store::zones::find_by_id(c, zone_id)
    })?;
    let zone = zone.ok_or(Error::NotFound("Domain"))?;
    let zone_name = DomainName::parse(&zone.name)?;
    if !ctx.catalog.serves(&zone_name) {
        return Err(Error::NotFound("Domain"));
    }
    let label = label.trim().trim_end_matches('.');
    if label.is_empty() {
        return Err(Error::Invalid("Hostname name is required".into()));
    }
    let name = match DomainName::parse(label)? {
        full if full.is_within(&zone_name) && full != zone_name => full,
        _ => zone_name.child(label)?,
    };
    let ttl = crate::records::check_ttl(ttl.unwrap_or(ctx.config.default_ttl))?;
    insert(ctx, user, zone_id, name, ttl, true)
}

/// Creates hostname `fqdn` for `user` in whichever served zone holds it (the dialects that
/// name hosts by their full name).
pub fn create_named(ctx: &Context, user: &UserRow, fqdn: &str) -> Result<CreatedHost> {
    let name = DomainName::parse_fqdn(fqdn)?;
    let zone = ctx.store.read(|c| crate::zones::served_containing(ctx, c, &name))?;
    if zone.name == name.as_str() {
        return Err(Error::Invalid(format!("{name} is a zone; name a host inside it")));
    }
    create_in_zone(ctx, user, &zone.id, name.as_str(), None)
}

/// The account's hostname called `fqdn` (NotFound for anyone else's).
pub fn find_named(ctx: &Context, user: &UserRow, fqdn: &str) -> Result<HostRow> {
    let name = DomainName::parse(fqdn)?;
    ctx.store
        .read(|c| store::hostnames::find_by_name(c, name.as_str()))?
        .filter(|h| h.user_id == user.id)
        .ok_or(Error::NotFound("Hostname"))
}

fn insert(ctx: &Context, user: &UserRow, zone_id: &str, name: DomainName, ttl: u32, enforce_plan: bool) -> Result<CreatedHost> {
    if name.first_label() == "*" {
        return Err(Error::Invalid("A hostname cannot be a wildcard".into()));
    }
    if ctx.zones.iter().any(|z| z.nameservers.contains(&name)) {
        return Err(Error::Conflict(format!("{name} is a nameserver of its zone")));
    }
    let secret = crate::token::generate();
    ctx.store.write(|tx| {
        if enforce_plan {
            crate::plans::check_hostnames(ctx, user, store::hostnames::count_by_user(tx, &user.id)?)?;
        }
        if store::hostnames::find_by_name(tx, name.as_str())?.is_some() {
            return Err(Error::Conflict(format!("Hostname {name} already exists")));
        }
        let id = store::hostnames::insert(tx, zone_id, &user.id, name.as_str(), ttl)?;
        let token_id = store::tokens::insert(tx, &user.id, Some(&id), name.as_str(), "update", &secret)?;
        store::history::event(tx, Some(&user.id), "hostname created", name.as_str(), "", "api")?;
        let host = store::hostnames::find_by_id(tx, &id)?.ok_or(Error::NotFound("Hostname"))?;
        Ok(CreatedHost { host, token_id, token: secret.secret.clone(), name: name.clone() })
    })
}

/// The account's hostname `id` (NotFound for anyone else's, so ids cannot be probed).
pub fn owned(conn: &rusqlite::Connection, user: &UserRow, id: &str) -> Result<HostRow> {
    store::hostnames::find_by_id(conn, id)?.filter(|h| h.user_id == user.id).ok_or(Error::NotFound("Hostname"))
}

pub fn view(conn: &rusqlite::Connection, host: HostRow) -> Result<HostView> {
    Ok(HostView {
        v4: store::records::managed_value(conn, &host.id, &host.name, RecordKind::A)?,
        v6: store::records::managed_value(conn, &host.id, &host.name, RecordKind::Aaaa)?,
        lan_v4: store::records::managed_value(conn, &host.id, &host.name, RecordKind::LanA)?,
        lan_v6: store::records::managed_value(conn, &host.id, &host.name, RecordKind::LanAaaa)?,
        last_source: store::hostnames::history(conn, &host.id, 1)?
            .first()
            .map(|h| format!("{} ({})", h.source.as_deref().unwrap_or("?"), h.dialect)),
        host,
    })
}

pub fn list(ctx: &Context, user: &UserRow) -> Result<Vec<HostView>> {
    ctx.store.read(|c| store::hostnames::by_user(c, &user.id)?.into_iter().map(|h| view(c, h)).collect())
}

pub fn get(ctx: &Context, user: &UserRow, id: &str) -> Result<HostView> {
    ctx.store.read(|c| view(c, owned(c, user, id)?))
}

pub fn history(ctx: &Context, user: &UserRow, id: &str, limit: u32) -> Result<Vec<store::hostnames::HistoryRow>> {
    ctx.store.read(|c| store::hostnames::history(c, &owned(c, user, id)?.id, limit.clamp(1, 1000)))
}

/// Changes a hostname's settings: its TTL (applied to its update-managed records at once),
/// whether it follows the account's IPv6 prefix with a fixed interface id, and the addresses
/// LAN clients get instead of the public ones.
pub fn configure(ctx: &Context, user: &UserRow, id: &str, settings: &Settings<'_>) -> Result<HostView> {
    let ttl = settings.ttl.map(crate::records::check_ttl).transpose()?;
    let lan = |value: Option<Option<&str>>, kind: RecordKind| -> Result<Option<Option<crate::records::RecordData>>> {
        value.map(|v| v.map(|text| crate::records::RecordData::from_columns(kind, text, None, None, None)).transpose()).transpose()
    };
    let lan_v4 = lan(settings.lan_v4, RecordKind::LanA)?;
    let lan_v6 = lan(settings.lan_v6, RecordKind::LanAaaa)?;
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
            let mut touched = Touched::default();
            let name = DomainName::parse(&host.name)?;
            for (kind, value) in [(RecordKind::LanA, &lan_v4), (RecordKind::LanAaaa, &lan_v6)] {
                if let Some(value) = value {
                    let values: Vec<crate::records::RecordData> = value.iter().cloned().collect();
                    store::records::replace_host_rrset(tx, &host.zone_id, &host.id, &name, kind, &values, new_ttl)?;
                    touched.add(&host.zone_id, name.clone(), kind);
                }
            }
            if new_ttl != host.ttl {
                store::records::set_managed_ttl(tx, &host.id, new_ttl)?;
                for (zone_id, name, kind) in store::records::owned_by_hostname(tx, &host.id)? {
                    touched.add(&zone_id, name, kind);
                }
            }
            let detail = format!("ttl {new_ttl}, ipv6 interface id {}", new_iid.as_deref().unwrap_or("-"));
            store::history::event(tx, Some(&user.id), "hostname changed", &host.name, &detail, "api")?;
            let host = owned(tx, user, id)?;
            Ok((view(tx, host)?, touched.collect(tx, &ctx.catalog)?))
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
        return Err(Error::Invalid("The interface id cannot be all zeros".into()));
    }
    Ok(std::net::Ipv6Addr::from(iid).to_string())
}

/// Deletes the hostname with its records, history and tokens; its name leaves DNS at once.
pub fn delete(ctx: &Context, user: &UserRow, id: &str) -> Result<()> {
    ctx.store.write_then(
        |tx| {
            let host = owned(tx, user, id)?;
            let mut touched = Touched::default();
            for (zone_id, name, kind) in store::records::owned_by_hostname(tx, &host.id)? {
                touched.add(&zone_id, name, kind);
            }
            store::hostnames::delete(tx, &host.id)?;
            store::history::event(tx, Some(&user.id), "hostname deleted", &host.name, "", "api")?;
            touched.collect(tx, &ctx.catalog)
        },
        |publication| publication.publish(&ctx.catalog),
    )?;
    Ok(())
}
