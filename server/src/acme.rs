//! ACME DNS-01 without lock-in: acme-dns accounts, and lego's `httpreq` present/cleanup.
//! Who may write a challenge is the records rule (`records::edit::authorize`): a hostname
//! token only TXT at `_acme-challenge.<its host>`, an API key with `write:records` wherever
//! its account owns the name.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::HostId;
use crate::names::DomainName;
use crate::publication::Touched;
use crate::records::edit::Input;
use crate::records::{RecordData, RecordKind};
use crate::store;

pub use crate::records::edit::CHALLENGE_LABEL;

/// A new acme-dns account; `password` exists in clear only in this value.
pub struct Registration {
    pub username: HostId,
    pub password: String,
    pub subdomain: String,
    pub fulldomain: String,
    pub allow_from: Vec<IpNet>,
}

/// TXT values an acme-dns account keeps: the newest two, so that an apex and a wildcard
/// certificate can be validated together.
const KEPT_VALUES: usize = 2;
/// Longest challenge value accepted (one TXT string).
const MAX_VALUE: usize = 255;

/// Registers an acme-dns account for `owner`: a hostname `<random>.<first zone>` with its
/// own secret. Without an owner (no credentials), only callers from the configured
/// networks may register, for the first administrator.
pub fn register(ctx: &Context, caller: Option<&Caller>, source: IpAddr, allow_from: Vec<IpNet>) -> Result<Registration> {
    let owner = match caller {
        Some(caller) => caller.may(Permission::WriteRecords)?.clone(),
        None if ctx.config.acme_dns_register_from.iter().any(|n| n.contains(&source)) => ctx
            .store
            .read(store::users::first_admin)?
            .ok_or_else(|| Error::Forbidden("Registration needs an administrator account to exist first".into()))?,
        None => return Err(Error::NoCredentials),
    };
    let settings = ctx.zones.first().ok_or_else(|| Error::Invalid("No zone is configured".into()))?;
    let zone = ctx.store.read(|c| store::zones::find_by_name(c, &settings.name))?.ok_or(Error::NotFound("Domain"))?;
    let subdomain = uuid::Uuid::new_v4().to_string();
    let name = zone.name.child(&subdomain)?;
    let created = crate::hostnames::insert(ctx, &owner, &zone, name, ctx.config.default_ttl, true)?;
    let networks: Vec<String> = allow_from.iter().map(IpNet::to_string).collect();
    ctx.store.write(|tx| store::acme::insert(tx, &created.host.id, &networks.join(" ")))?;
    Ok(Registration {
        username: created.host.id.clone(),
        password: created.secret,
        subdomain,
        fulldomain: created.host.name.to_string(),
        allow_from,
    })
}

/// acme-dns `POST /update`: the account `username` (the caller's token must be its key)
/// publishes `txt` at its name, keeping the newest two values.
pub fn update(ctx: &Context, caller: &Caller, username: &str, subdomain: &str, txt: &str, source: IpAddr) -> Result<()> {
    let account = caller.may(Permission::Update)?;
    let username = HostId::from(username.trim());
    if caller.bound_host() != Some(&username) {
        return Err(Error::BadAuth);
    }
    let allow_from = ctx.store.read(|c| store::acme::allow_from(c, &username))?.ok_or(Error::BadAuth)?;
    let allowed: Vec<IpNet> = allow_from.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    if !allowed.is_empty() && !allowed.iter().any(|n| n.contains(&source)) {
        return Err(Error::Forbidden(format!("Updates of this account are not allowed from {source}")));
    }
    let host = ctx.store.read(|c| store::hostnames::find_by_id(c, &username))?.ok_or(Error::BadAuth)?;
    let name = host.name.clone();
    if !name.first_label().eq_ignore_ascii_case(subdomain.trim()) {
        return Err(Error::Invalid("bad_subdomain".into()));
    }
    check_value(txt)?;
    ctx.store.write_then(
        |tx| {
            let mut values = store::records::managed_values(tx, &host.id, &host.name, RecordKind::Txt)?;
            let mut touched = Touched::default();
            if !values.iter().any(|v| v == txt) {
                values.truncate(KEPT_VALUES - 1);
                values.reverse();
                values.push(txt.to_string());
                let data: Vec<RecordData> = values.into_iter().map(RecordData::Txt).collect();
                store::records::replace_host_rrset(tx, &host.zone_id, &host.id, &name, RecordKind::Txt, &data, host.ttl)?;
                store::history::event(tx, Some(&account.id), "acme challenge", host.name.as_str(), "acme-dns", &source.to_string())?;
                touched.add(&host.zone_id, name.clone(), RecordKind::Txt);
            }
            touched.collect(tx, &ctx.catalog)
        },
        |publication| publication.publish(&ctx.catalog),
    )?;
    Ok(())
}

/// lego `httpreq` `/present`: adds challenge value `value` at `name` beside any others.
pub fn present(ctx: &Context, caller: &Caller, name: &DomainName, value: &str) -> Result<()> {
    crate::records::edit::check_may_write(ctx, caller, name, RecordKind::Txt)?;
    check_value(value)?;
    let input = Input { kind: "TXT".into(), name: name.to_string(), content: value.into(), ..Input::default() };
    match crate::records::edit::create_at(ctx, caller, &input) {
        // Presenting the same value twice (a retry) is fine.
        Ok(_) | Err(Error::Conflict(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// lego `httpreq` `/cleanup`: removes challenge value `value` at `name`; already gone is fine.
pub fn cleanup(ctx: &Context, caller: &Caller, name: &DomainName, value: &str) -> Result<()> {
    crate::records::edit::check_may_write(ctx, caller, name, RecordKind::Txt)?;
    match crate::records::edit::delete_matching(ctx, caller, name, RecordKind::Txt, Some(value)) {
        Ok(_) | Err(Error::NotFound(_)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The challenge value lego's RAW mode asks for: base64url(SHA-256(keyAuth)), unpadded
/// (RFC 8555 §8.4).
pub fn key_authorization_digest(key_auth: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(key_auth.as_bytes()))
}

fn check_value(value: &str) -> Result<()> {
    if value.is_empty() || value.len() > MAX_VALUE || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::Invalid(format!("A challenge value is 1 to {MAX_VALUE} printable characters without spaces")));
    }
    Ok(())
}
