//! Alerts: each account's channels (webhook, ntfy, Gotify, e-mail) and when it is told —
//! a host gone stale, a host that keeps failing, a custom domain whose delegation broke, and
//! (opt-in) every address change. Events are queued in the database inside the transaction
//! that caused them and sent by a background worker with retries ([`deliver`]); nothing is
//! sent on a request's path except a channel's "send a test".

pub mod deliver;
pub mod watch;

use std::net::IpAddr;

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{AlertSettings, Channel, ChannelId, ChannelKind, Host, UserId};
use crate::store::{self, Tx};

/// Most channels one account may have.
pub const MAX_CHANNELS: usize = 10;
/// Longest URL, address or secret accepted.
pub const MAX_TEXT: usize = 1000;
/// Headers the appliance sets itself, so a webhook's secret cannot go in them.
pub const RESERVED_HEADERS: [&str; 6] = ["host", "content-length", "content-type", "transfer-encoding", "connection", "user-agent"];
/// Most failures in a row an account may wait for.
pub const MAX_STREAK: u32 = 10_000;

/// A channel as asked for: which fields matter depends on the kind.
#[derive(Debug, Default, Clone)]
pub struct NewChannel<'a> {
    pub kind: &'a str,
    pub url: Option<&'a str>,
    pub to: Option<&'a str>,
    /// ntfy access token or Gotify application token.
    pub token: Option<&'a str>,
    /// Webhook: the header to send `secret` in.
    pub secret_header: Option<&'a str>,
    pub secret: Option<&'a str>,
}

pub fn channels(ctx: &Context, caller: &Caller) -> Result<Vec<Channel>> {
    let user = caller.may(Permission::ReadAccount)?;
    ctx.store.read(|c| store::alerts::by_user(c, &user.id))
}

/// Adds a channel after checking it can be used: a URL the appliance may call, an e-mail
/// address with SMTP configured.
pub fn add_channel(ctx: &Context, caller: &Caller, new: &NewChannel<'_>) -> Result<Channel> {
    let user = caller.may(Permission::ManageCredentials)?;
    let kinds = || ChannelKind::ALL.map(ChannelKind::as_str).join(", ");
    let kind = ChannelKind::parse(new.kind).ok_or_else(|| Error::invalid_field("/kind", format!("kind is one of {}", kinds())))?;
    let too_long = [new.url, new.to, new.token, new.secret_header, new.secret].iter().flatten().any(|t| t.chars().count() > MAX_TEXT);
    if too_long {
        return Err(Error::Invalid(format!("Fields are at most {MAX_TEXT} characters")));
    }
    for (pointer, value) in [("/token", new.token), ("/secretHeader", new.secret_header), ("/secret", new.secret)] {
        if value.is_some_and(str::is_empty) {
            return Err(Error::invalid_field(pointer, format!("{} cannot be empty (leave it out instead)", &pointer[1..])));
        }
    }
    let url = |pointer: &str| -> Result<String> {
        let url = new.url.filter(|u| !u.is_empty()).ok_or_else(|| Error::missing_field(pointer))?;
        check_url(url, user.is_admin).map_err(|why| Error::invalid_field(pointer, why))?;
        Ok(url.to_string())
    };
    let token = new.token.map(str::to_string);
    let (target, secret, secret_header) = match kind {
        ChannelKind::Webhook => {
            let (header, secret) = (new.secret_header, new.secret);
            if header.is_some() != secret.is_some() {
                return Err(Error::invalid_field("/secretHeader", "secretHeader and secret go together"));
            }
            if let Some(h) = header
                && !h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return Err(Error::invalid_field("/secretHeader", "A header name holds letters, digits and '-'"));
            }
            if let Some(h) = header
                && RESERVED_HEADERS.contains(&h.to_ascii_lowercase().as_str())
            {
                return Err(Error::invalid_field("/secretHeader", format!("{h} is set by the appliance itself; pick another header for the secret")));
            }
            if secret.is_some_and(|s| s.chars().any(char::is_control)) {
                return Err(Error::invalid_field("/secret", "The secret cannot hold control characters"));
            }
            (url("/url")?, secret.map(str::to_string), header.map(str::to_string))
        }
        ChannelKind::Ntfy => {
            let target = url("/url")?;
            let rest = target.split("://").nth(1).unwrap_or_default();
            let tail = &rest[rest.find(['/', '?']).unwrap_or(rest.len())..];
            let path = tail.split('?').next().unwrap_or_default();
            if path.trim_start_matches('/').is_empty() {
                return Err(Error::invalid_field("/url", "An ntfy URL names the topic, e.g. https://ntfy.sh/my-porchlight"));
            }
            (target, token, None)
        }
        ChannelKind::Gotify => {
            let target = url("/url")?;
            let token = token.ok_or_else(|| Error::missing_field("/token"))?;
            (target.trim_end_matches('/').to_string(), Some(token), None)
        }
        ChannelKind::Email => {
            if ctx.config.alerts.smtp.is_none() {
                return Err(Error::Conflict("E-mail alerts need an SMTP server: set [alerts.smtp] in the configuration".into()));
            }
            let to = new.to.filter(|t| !t.is_empty()).ok_or_else(|| Error::missing_field("/to"))?;
            let to = crate::model::account::parse_email(to).map_err(|e| Error::invalid_field("/to", e.to_string()))?;
            (to, None, None)
        }
    };
    if secret.as_deref().is_some_and(|s| s.chars().any(char::is_control)) {
        return Err(Error::invalid_field("/token", "The token cannot hold control characters"));
    }
    let channel = Channel {
        id: ChannelId::random(),
        user_id: user.id.clone(),
        kind,
        target,
        secret,
        secret_header,
        created_at: crate::clock::now(),
        last_sent_at: None,
        last_error: None,
    };
    ctx.store.write(|tx| {
        if store::alerts::by_user(tx, &user.id)?.len() >= MAX_CHANNELS {
            return Err(Error::Conflict(format!("An account has at most {MAX_CHANNELS} alert channels")));
        }
        store::alerts::insert(tx, &channel)?;
        store::history::event(tx, Some(&user.id), "alert channel added", kind.as_str(), &channel.target, "api")?;
        Ok(channel.clone())
    })
}

pub fn delete_channel(ctx: &Context, caller: &Caller, id: &ChannelId) -> Result<()> {
    let user = caller.may(Permission::ManageCredentials)?;
    ctx.store.write(|tx| {
        if !store::alerts::delete(tx, &user.id, id)? {
            return Err(Error::NotFound("Alert channel"));
        }
        store::history::event(tx, Some(&user.id), "alert channel deleted", id.as_str(), "", "api")
    })
}

/// Sends a test message through the channel now and says whether it arrived (the one
/// delivery made on a request's path: the person asking waits for the answer).
pub fn test_channel(ctx: &Context, caller: &Caller, id: &ChannelId) -> Result<std::result::Result<(), String>> {
    let user = caller.may(Permission::ManageCredentials)?;
    let channel = ctx.store.read(|c| store::alerts::by_user(c, &user.id))?.into_iter().find(|c| c.id == *id).ok_or(Error::NotFound("Alert channel"))?;
    let message = Message::new("test", "porchlight test alert", &format!("This is a test from porchlight for {}. Alerts reach you here.", user.email), serde_json::json!({}));
    let outcome = deliver::send(ctx, &channel, user.is_admin, &message);
    ctx.store.write(|tx| deliver::log(tx, &channel, &message.event, outcome.as_ref().err().map(String::as_str), None))?;
    Ok(outcome)
}

pub fn settings(ctx: &Context, caller: &Caller) -> Result<AlertSettings> {
    let user = caller.may(Permission::ReadAccount)?;
    ctx.store.read(|c| store::alerts::settings(c, &user.id))
}

/// Most hours a stale window may be (a year).
pub const MAX_WINDOW_HOURS: u32 = 24 * 366;

pub fn set_settings(ctx: &Context, caller: &Caller, settings: &AlertSettings) -> Result<AlertSettings> {
    let user = caller.may(Permission::ManageCredentials)?;
    if settings.stale_after_hours > MAX_WINDOW_HOURS {
        return Err(Error::invalid_field("/staleAfterHours", format!("staleAfterHours is 0 (never) to {MAX_WINDOW_HOURS}")));
    }
    if settings.failures_in_a_row > MAX_STREAK {
        return Err(Error::invalid_field("/failuresInARow", "failuresInARow is 0 (never) to 10000"));
    }
    ctx.store.write(|tx| {
        store::alerts::set_settings(tx, &user.id, settings)?;
        store::alerts::settings(tx, &user.id)
    })
}

/// Checks a host's own stale window (None: the account's).
pub fn check_window(hours: Option<u32>) -> Result<Option<u32>> {
    match hours {
        Some(h) if h > MAX_WINDOW_HOURS => Err(Error::invalid_field("/staleAfterHours", format!("staleAfterHours is 0 (never) to {MAX_WINDOW_HOURS}"))),
        other => Ok(other),
    }
}

/// What is told, through every channel of an account.
#[derive(Debug, Clone)]
pub struct Message {
    /// `host.stale`, `host.fresh`, `host.failing`, `domain.delegation`, `domain.delegated`,
    /// `host.address`, `test`.
    pub event: String,
    pub title: String,
    pub body: String,
    /// The webhook document: these fields plus `event`, `title`, `message` and `at`.
    pub payload: serde_json::Value,
}

impl Message {
    pub fn new(event: &str, title: &str, body: &str, fields: serde_json::Value) -> Self {
        let mut payload = serde_json::json!({
            "event": event,
            "title": title,
            "message": body,
            "at": crate::clock::rfc3339(crate::clock::now()),
        });
        if let (Some(all), serde_json::Value::Object(more)) = (payload.as_object_mut(), fields) {
            all.extend(more);
        }
        Self { event: event.into(), title: title.into(), body: body.into(), payload }
    }
}

/// Queues `message` for every channel of `user_id`, inside the caller's transaction; the
/// worker picks it up once it is committed.
pub(crate) fn tell(ctx: &Context, tx: &Tx<'_>, user_id: &UserId, message: &Message) -> Result<()> {
    if store::alerts::enqueue(tx, user_id, &message.event, &message.title, &message.body, &message.payload.to_string())? > 0 {
        deliver::wake(ctx);
    }
    Ok(())
}

/// Tells of a host's address change, when its account asked to be told.
pub(crate) fn address_changed(ctx: &Context, tx: &Tx<'_>, host: &Host, kind: &str, old: Option<&str>, new: Option<&str>) -> Result<()> {
    if !store::alerts::settings(tx, &host.user_id)?.address_changes {
        return Ok(());
    }
    let body = format!("{} {kind}: {} -> {}", host.name, old.unwrap_or("-"), new.unwrap_or("-"));
    let message = Message::new(
        "host.address",
        &format!("{} has a new address", host.name),
        &body,
        serde_json::json!({"hostname": host.name.as_str(), "type": kind, "old": old, "new": new}),
    );
    tell(ctx, tx, &host.user_id, &message)
}

/// Why `url` cannot be a channel's URL, if it cannot: it must be http(s) with a host, and
/// for anyone but an administrator, not on this machine or the local network (the
/// appliance must not be a way into the LAN).
pub fn check_url(url: &str, may_reach_lan: bool) -> std::result::Result<(), String> {
    crate::config::check_url(url, true).map_err(|why| format!("The URL {why}"))?;
    if may_reach_lan {
        return Ok(());
    }
    let host = host_of(url);
    if host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| !is_public(ip)) {
        return Err("Only an administrator may send alerts to this machine or the local network".into());
    }
    Ok(())
}

/// The host part of an http(s) URL (no port, no brackets).
pub(crate) fn host_of(url: &str) -> &str {
    let rest = url.split("://").nth(1).unwrap_or_default();
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    }
}

/// Whether the Internet at large is where `ip` lives.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => !(v4.is_loopback() || v4.is_private() || v4.is_link_local() || v4.is_unspecified() || v4.is_broadcast() || v4.octets()[0] == 100 && v4.octets()[1] & 0xc0 == 64),
        IpAddr::V6(v6) => {
            let mapped = v6.to_ipv4_mapped().map(|v4| is_public(IpAddr::V4(v4)));
            mapped.unwrap_or(!(v6.is_loopback() || v6.is_unspecified() || v6.is_unique_local() || v6.is_unicast_link_local()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_administrators_point_channels_into_the_lan() {
        for url in ["http://127.0.0.1:8080/hook", "http://localhost/x", "http://192.168.1.10/x", "http://10.0.0.1", "http://100.64.0.1/"] {
            assert!(check_url(url, false).is_err(), "{url}");
            assert!(check_url(url, true).is_ok(), "{url}");
        }
        assert!(check_url("https://ntfy.sh/topic", false).is_ok());
        assert!(check_url("ftp://example.com/", true).is_err());
        assert!(check_url("http://[::1]:9/x", true).is_err(), "IPv6 literals are not taken: use a name");
        assert_eq!(host_of("https://[2001:db8::1]:8443/x"), "2001:db8::1");
        assert_eq!(host_of("http://example.com:80/x?y"), "example.com");
    }

    #[test]
    fn channels_are_checked_per_kind() -> Result<()> {
        let t = crate::testing::TestContext::new()?;
        let alice = t.session("alice@example.com", false)?;
        let bad = [
            NewChannel { kind: "pager", ..Default::default() },
            NewChannel { kind: "webhook", ..Default::default() },
            NewChannel { kind: "webhook", url: Some("https://example.com/h"), secret_header: Some("X-Secret"), ..Default::default() },
            NewChannel { kind: "webhook", url: Some("https://example.com/h"), secret_header: Some("X Secret"), secret: Some("s"), ..Default::default() },
            NewChannel { kind: "ntfy", url: Some("https://ntfy.sh/"), ..Default::default() },
            NewChannel { kind: "gotify", url: Some("https://gotify.example.com"), ..Default::default() },
            NewChannel { kind: "email", to: Some("me@example.com"), ..Default::default() },
            NewChannel { kind: "webhook", url: Some("http://192.168.1.2/hook"), ..Default::default() },
        ];
        for new in &bad {
            assert!(add_channel(&t.ctx, &alice, new).is_err(), "{new:?}");
        }
        let ok = add_channel(&t.ctx, &alice, &NewChannel { kind: "ntfy", url: Some("https://ntfy.sh/mine"), token: Some("tk_1"), ..Default::default() })?;
        assert_eq!((ok.kind, ok.secret.as_deref()), (ChannelKind::Ntfy, Some("tk_1")));
        assert_eq!(channels(&t.ctx, &alice)?.len(), 1);
        let bob = t.session("bob@example.com", false)?;
        assert!(matches!(delete_channel(&t.ctx, &bob, &ok.id), Err(Error::NotFound(_))));
        delete_channel(&t.ctx, &alice, &ok.id)?;
        assert!(channels(&t.ctx, &alice)?.is_empty());
        Ok(())
    }
}
