//! Delivering alerts: one message through one channel (webhook JSON, ntfy, Gotify, SMTP),
//! and the worker that sends what is queued, retrying with backoff. Every delivery and
//! every failure lands in the owner's event log.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::Message;
use crate::Context;
use crate::model::{Channel, ChannelKind};
use crate::store::{self, Tx};

/// How long one delivery may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Waits before each retry; after the last, the message is dropped (and that is logged).
pub const BACKOFF_SECONDS: [i64; 5] = [30, 120, 600, 1800, 7200];
/// Messages sent per round.
const BATCH: u32 = 20;

/// Sends `message` through `channel` now. `may_reach_lan`: the owner is an administrator.
pub fn send(ctx: &Context, channel: &Channel, may_reach_lan: bool, message: &Message) -> Result<(), String> {
    match channel.kind {
        ChannelKind::Email => email(ctx, channel, message),
        _ => http(channel, may_reach_lan, message),
    }
}

fn http(channel: &Channel, may_reach_lan: bool, message: &Message) -> Result<(), String> {
    let url = match channel.kind {
        ChannelKind::Gotify => format!("{}/message", channel.target),
        _ => channel.target.clone(),
    };
    super::check_url(&url, may_reach_lan)?;
    if !may_reach_lan {
        // The name may point into the LAN even when the URL does not say so.
        let host = super::host_of(&url);
        let port = if url.starts_with("https") { 443 } else { 80 };
        let resolved = std::net::ToSocketAddrs::to_socket_addrs(&(host, port)).map_err(|e| format!("cannot resolve {host}: {e}"))?;
        if resolved.into_iter().any(|a| !super::is_public(a.ip())) {
            return Err(format!("{host} resolves to an address on this machine or the local network"));
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(TIMEOUT)).http_status_as_error(false).max_redirects(0).build().into();
    let request = agent.post(&url).header("User-Agent", concat!("porchlight/", env!("CARGO_PKG_VERSION")));
    let sent = match channel.kind {
        ChannelKind::Webhook => {
            let mut request = request.header("Content-Type", "application/json");
            if let (Some(header), Some(secret)) = (&channel.secret_header, &channel.secret) {
                request = request.header(header.as_str(), secret.as_str());
            }
            request.send(message.payload.to_string())
        }
        ChannelKind::Ntfy => {
            let priority = if matches!(message.event.as_str(), "host.failing" | "host.stale" | "domain.delegation") { "high" } else { "default" };
            let mut request = request.header("Title", message.title.as_str()).header("Priority", priority).header("Tags", "porchlight");
            if let Some(token) = &channel.secret {
                request = request.header("Authorization", format!("Bearer {token}"));
            }
            request.send(message.body.as_str())
        }
        ChannelKind::Gotify => {
            let priority = if message.event == "host.address" || message.event == "test" { 4 } else { 8 };
            let body = serde_json::json!({"title": message.title, "message": message.body, "priority": priority});
            request
                .header("Content-Type", "application/json")
                .header("X-Gotify-Key", channel.secret.as_deref().unwrap_or_default())
                .send(body.to_string())
        }
        ChannelKind::Email => return Err("not an HTTP channel".into()),
    };
    let response = sent.map_err(|e| {
        let e = e.to_string();
        if e.contains(&url) { e } else { format!("{url}: {e}") }
    })?;
    let status = response.status();
    if status.is_success() { Ok(()) } else { Err(format!("{url} answered {status}")) }
}

fn email(ctx: &Context, channel: &Channel, message: &Message) -> Result<(), String> {
    use lettre::Transport as _;
    let smtp = ctx.config.alerts.smtp.as_ref().ok_or("no SMTP server is configured ([alerts.smtp])")?;
    let mail = lettre::Message::builder()
        .from(smtp.from.parse().map_err(|e| format!("alerts.smtp.from: {e}"))?)
        .to(channel.target.parse().map_err(|e| format!("{}: {e}", channel.target))?)
        .subject(message.title.as_str())
        .message_id(Some(format!("<{}@porchlight>", uuid::Uuid::new_v4())))
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(message.body.clone())
        .map_err(|e| e.to_string())?;
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    let mut tls = TlsParameters::builder(smtp.host.clone());
    if let Some(ca) = &smtp.ca_file {
        let pem = std::fs::read(ca).map_err(|e| format!("alerts.smtp.ca_file {}: {e}", ca.display()))?;
        tls = tls.add_root_certificate(Certificate::from_pem(&pem).map_err(|e| format!("alerts.smtp.ca_file {}: {e}", ca.display()))?);
    }
    let tls = tls.build_rustls().map_err(|e| e.to_string())?;
    let plain = lettre::SmtpTransport::builder_dangerous(&smtp.host);
    let builder = match smtp.security.as_str() {
        "tls" => plain.port(smtp.port.unwrap_or(465)).tls(Tls::Wrapper(tls)),
        "none" => plain.port(smtp.port.unwrap_or(25)),
        _ => plain.port(smtp.port.unwrap_or(587)).tls(Tls::Required(tls)),
    };
    let builder = match (&smtp.username, &smtp.password) {
        (Some(user), Some(password)) => builder.credentials(lettre::transport::smtp::authentication::Credentials::new(user.clone(), password.clone())),
        _ => builder,
    };
    let port = smtp.port.unwrap_or(match smtp.security.as_str() {
        "tls" => 465,
        "none" => 25,
        _ => 587,
    });
    builder.timeout(Some(TIMEOUT)).build().send(&mail).map(drop).map_err(|e| format!("SMTP {}:{port}: {e}", smtp.host))
}

/// Puts a delivery's outcome in the owner's event log and on the channel.
pub(crate) fn log(tx: &Tx<'_>, channel: &Channel, event: &str, error: Option<&str>, retry_in: Option<i64>) -> crate::Result<()> {
    store::alerts::set_result(tx, &channel.id, error)?;
    let to = format!("{} {}", channel.kind.as_str(), channel.target);
    match (error, retry_in) {
        (None, _) => store::history::event(tx, Some(&channel.user_id), "alert sent", event, &to, "alerts"),
        (Some(e), Some(wait)) => store::history::event(tx, Some(&channel.user_id), "alert failed", event, &format!("{to}: {e}; retrying in {wait} s"), "alerts"),
        (Some(e), None) => store::history::event(tx, Some(&channel.user_id), "alert failed", event, &format!("{to}: {e}"), "alerts"),
    }
}

/// Tells the worker that something was queued.
pub(crate) fn wake(ctx: &Context) {
    ctx.alert_queued.store(true, Ordering::Release);
}

/// Sends every message that is due; returns how many were tried.
pub fn round(ctx: &Context) -> crate::Result<usize> {
    let due = ctx.store.read(|c| store::alerts::due(c, BATCH))?;
    for outgoing in &due {
        let owner_is_admin = ctx.store.read(|c| store::users::find_by_id(c, &outgoing.channel.user_id))?.is_some_and(|u| u.is_admin);
        let payload: serde_json::Value = serde_json::from_str(&outgoing.payload).unwrap_or_default();
        let message = Message { event: outgoing.event.clone(), title: outgoing.title.clone(), body: outgoing.body.clone(), payload };
        let outcome = send(ctx, &outgoing.channel, owner_is_admin, &message);
        ctx.store.write(|tx| match &outcome {
            Ok(()) => {
                store::alerts::delivered(tx, outgoing.id)?;
                log(tx, &outgoing.channel, &outgoing.event, None, None)
            }
            Err(error) => match BACKOFF_SECONDS.get(outgoing.tries as usize) {
                Some(wait) => {
                    store::alerts::retry_at(tx, outgoing.id, outgoing.tries + 1, crate::clock::now() + wait)?;
                    log(tx, &outgoing.channel, &outgoing.event, Some(error), Some(*wait))
                }
                None => {
                    store::alerts::delivered(tx, outgoing.id)?;
                    log(tx, &outgoing.channel, &outgoing.event, Some(&format!("{error}; given up after {} tries", outgoing.tries + 1)), None)
                }
            },
        })?;
    }
    Ok(due.len())
}

/// Runs the alert worker: checks hosts and delegations every `alerts.check_seconds` and
/// sends what is queued, until `stopping`.
pub fn spawn(ctx: Arc<Context>, stopping: Arc<AtomicBool>) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new().name("alerts".into()).spawn(move || {
        let every = Duration::from_secs(u64::from(ctx.config.alerts.check_seconds));
        let mut last_check: Option<Instant> = None;
        let mut last_delegation: Option<Instant> = None;
        let mut next_due: Option<i64> = ctx.store.read(store::alerts::next_due).unwrap_or(None);
        let mut rechecks = 0u8;
        while !stopping.load(Ordering::Acquire) {
            std::thread::park_timeout(Duration::from_millis(500));
            // A panic in one round is logged and counted; the worker goes on.
            let survived = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                if last_check.is_none_or(|t| t.elapsed() >= every) {
                    last_check = Some(Instant::now());
                    let delegations = last_delegation.is_none_or(|t| t.elapsed().as_secs() >= 60 * u64::from(ctx.config.alerts.delegation_check_minutes));
                    if delegations {
                        last_delegation = Some(Instant::now());
                    }
                    if let Err(error) = super::watch::check(&ctx, delegations) {
                        tracing::warn!(%error, "checking hosts for alerts failed");
                    }
                    next_due = ctx.store.read(store::alerts::next_due).unwrap_or(None);
                }
                if ctx.alert_queued.swap(false, Ordering::AcqRel) {
                    next_due = Some(crate::clock::now());
                    rechecks = 2;
                }
                if next_due.is_some_and(|at| at <= crate::clock::now()) {
                    if let Err(error) = round(&ctx) {
                        tracing::warn!(%error, "sending alerts failed");
                    }
                    next_due = ctx.store.read(store::alerts::next_due).unwrap_or(None);
                    if next_due.is_none() && rechecks > 0 {
                        // Woken from inside a transaction that may not have committed yet.
                        rechecks -= 1;
                        next_due = Some(crate::clock::now());
                    }
                }
            }));
            if survived.is_err() {
                ctx.metrics.panicked("alerts");
            }
        }
    })
}
