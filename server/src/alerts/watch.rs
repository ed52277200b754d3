//! Watching for trouble: hosts gone stale (no successful update within their window), hosts
//! that keep failing (N failed updates in a row), custom domains whose delegation broke.
//! Each alert is raised once per episode and told again when it is over.

use super::{Message, tell};
use crate::Context;
use crate::error::Result;
use crate::store::{self, alerts::Watched};

/// Checks every host (and, with `delegations`, every served custom domain) and queues what
/// changed.
pub fn check(ctx: &Context, delegations: bool) -> Result<()> {
    // The failure streaks of the last minute are in memory until written.
    crate::attempts::flush(ctx)?;
    let now = crate::clock::now();
    let hosts = ctx.store.read(|c| store::alerts::watched(c, now))?;
    if hosts.is_empty() {
        return if delegations { check_delegations(ctx) } else { Ok(()) };
    }
    ctx.store.write(|tx| {
        for host in &hosts {
            let stale = host.stale_after_hours > 0 && host.last_success.is_some_and(|at| now - at > i64::from(host.stale_after_hours) * 3600);
            if stale && store::alerts::raise(tx, host.id.as_str(), "stale")? {
                tell(ctx, tx, &host.user_id, &stale_message(host, now))?;
            } else if !stale && store::alerts::clear(tx, host.id.as_str(), "stale")? {
                let body = format!("{} is updating again.", host.name);
                tell(ctx, tx, &host.user_id, &Message::new("host.fresh", &format!("{} is fresh again", host.name), &body, serde_json::json!({"hostname": host.name})))?;
            }
            let limit = u64::from(host.failures_in_a_row_limit);
            let failing = limit > 0 && host.failures_in_a_row >= limit;
            if failing && store::alerts::raise(tx, host.id.as_str(), "failing")? {
                tell(ctx, tx, &host.user_id, &failing_message(host))?;
            } else if host.failures_in_a_row == 0 && store::alerts::clear(tx, host.id.as_str(), "failing")? {
                let body = format!("{} updated successfully again.", host.name);
                tell(ctx, tx, &host.user_id, &Message::new("host.recovered", &format!("{} works again", host.name), &body, serde_json::json!({"hostname": host.name})))?;
            }
        }
        Ok(())
    })?;
    if delegations {
        check_delegations(ctx)?;
    }
    Ok(())
}

fn stale_message(host: &Watched, now: i64) -> Message {
    let hours = host.last_success.map_or(0, |at| (now - at) / 3600);
    let mut body = format!("{} has had no successful update for {hours} h (its window is {} h).", host.name, host.stale_after_hours);
    if let (Some(result), Some(source)) = (&host.last_result, &host.last_source)
        && !crate::model::attempt::is_success(result)
    {
        body.push_str(&format!(" Last attempt: {result} from {source}{}.", client(host)));
    }
    Message::new(
        "host.stale",
        &format!("{} is stale", host.name),
        &body,
        serde_json::json!({"hostname": host.name, "lastSuccess": host.last_success.map(crate::clock::rfc3339), "staleAfterHours": host.stale_after_hours}),
    )
}

fn failing_message(host: &Watched) -> Message {
    let since = host.failing_since.map(crate::clock::rfc3339).unwrap_or_default();
    let result = host.last_result.as_deref().unwrap_or("error");
    let body = format!(
        "{} failed {} updates in a row since {since}: {result} from {}{}.",
        host.name,
        host.failures_in_a_row,
        host.last_source.as_deref().unwrap_or("?"),
        client(host)
    );
    Message::new(
        "host.failing",
        &format!("{} keeps failing", host.name),
        &body,
        serde_json::json!({"hostname": host.name, "failures": host.failures_in_a_row, "result": result, "source": host.last_source, "userAgent": host.last_user_agent, "since": since}),
    )
}

fn client(host: &Watched) -> String {
    host.last_user_agent.as_deref().map(|ua| format!(" ({ua})")).unwrap_or_default()
}

/// Asks the parent of every served custom domain whether it still delegates here.
fn check_delegations(ctx: &Context) -> Result<()> {
    let expected = ctx.config.delegation_nameservers()?;
    for domain in ctx.store.read(store::zones::custom_verified)? {
        // Nobody to tell: no need to ask.
        if ctx.store.read(|c| store::alerts::by_user(c, &domain.owner_id))?.is_empty() {
            continue;
        }
        let found = crate::delegation::check(ctx, &domain.name, &expected, &[]);
        // No answer at all says nothing about the delegation.
        if found.asked.is_none() || found.message.starts_with("Could not look") {
            continue;
        }
        ctx.store.write(|tx| {
            let subject = domain.id.as_str();
            if !found.delegated && store::alerts::raise(tx, subject, "delegation")? {
                let message = Message::new(
                    "domain.delegation",
                    &format!("The delegation of {} is broken", domain.name),
                    &found.message,
                    serde_json::json!({"domain": domain.name.as_str(), "found": found.found.iter().map(ToString::to_string).collect::<Vec<_>>()}),
                );
                tell(ctx, tx, &domain.owner_id, &message)?;
            } else if found.delegated && store::alerts::clear(tx, subject, "delegation")? {
                let message = Message::new("domain.delegated", &format!("{} is delegated again", domain.name), &found.message, serde_json::json!({"domain": domain.name.as_str()}));
                tell(ctx, tx, &domain.owner_id, &message)?;
            }
            Ok(())
        })?;
    }
    Ok(())
}
