//! Every update attempt accounted for, per hostname: the last one (time, result, source,
//! client, dialect), counts of each result code, and the failures since the last success.
//! Attempts are gathered in memory and written once a minute in one transaction, as token
//! use times are, so neither a `nochg` every few minutes nor a router hammering a wrong
//! token costs a write per request; each batch puts one event-log line per hostname per
//! failing result code. Readers see the stored figures with the pending ones added.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::Context;
use crate::error::{Error, Result};
use crate::model::{Attempt, Attempts, Host};
use crate::names::DomainName;
use crate::store::{self, Conn};

/// Most hostnames with attempts waiting to be written; names beyond it (a flood of made-up
/// ones) are counted in `/metrics` only.
const MAX_PENDING: usize = 10_000;
/// Longest user agent kept.
const MAX_USER_AGENT: usize = 200;

/// The result code of an update refused as a whole (the DynDNS2 word where there is one).
pub fn refusal_code(error: &Error) -> &'static str {
    match error {
        Error::NoCredentials => "nocredentials",
        Error::BadAuth | Error::Forbidden(_) => "badauth",
        Error::RateLimited { .. } => "ratelimited",
        Error::BadAddress(_) => "badip",
        Error::TooManyHosts { .. } => "numhost",
        Error::NotFound(_) | Error::Invalid(_) | Error::Validation(_) => "notfqdn",
        _ => "error",
    }
}

/// Who tried, and how.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a> {
    pub source: IpAddr,
    pub user_agent: Option<&'a str>,
    pub dialect: &'static str,
}

/// Attempts not yet written, by hostname.
#[derive(Default)]
pub struct Pending(Mutex<HashMap<DomainName, Batch>>);

/// One hostname's attempts since the last write.
#[derive(Debug, Clone, Default)]
struct Batch {
    last: Option<Attempt>,
    counts: BTreeMap<&'static str, u64>,
    /// A success came in this batch: the stored failure streak is over.
    succeeded: bool,
    last_success_at: Option<i64>,
    /// Failures since the batch began, or since its last success.
    failures: u64,
    failing_since: Option<i64>,
    /// The last attempt of each failing code, for the event log.
    last_failure: BTreeMap<&'static str, Attempt>,
}

impl Batch {
    fn add(&mut self, result: &'static str, attempt: Attempt) {
        *self.counts.entry(result).or_default() += 1;
        if attempt.succeeded() {
            self.succeeded = true;
            self.last_success_at = Some(attempt.at);
            self.failures = 0;
            self.failing_since = None;
        } else {
            self.failures += 1;
            self.failing_since.get_or_insert(attempt.at);
            self.last_failure.insert(result, attempt.clone());
        }
        self.last = Some(attempt);
    }

    /// `stored` with this batch on top.
    fn over(&self, mut stored: Attempts) -> Attempts {
        if self.last.is_some() {
            stored.last.clone_from(&self.last);
        }
        for (result, n) in &self.counts {
            *stored.counts.entry((*result).to_string()).or_default() += n;
        }
        if self.last_success_at.is_some() {
            stored.last_success_at = self.last_success_at;
        }
        if self.succeeded {
            stored.failures_in_a_row = self.failures;
            stored.failing_since = self.failing_since;
        } else {
            stored.failures_in_a_row += self.failures;
            stored.failing_since = stored.failing_since.or(self.failing_since);
        }
        stored
    }
}

impl Pending {
    fn note(&self, name: &DomainName, result: &'static str, client: Client<'_>) {
        let attempt = Attempt {
            at: crate::clock::now(),
            result: result.to_string(),
            source: client.source.to_string(),
            user_agent: client.user_agent.map(|ua| ua.chars().take(MAX_USER_AGENT).collect()),
            dialect: client.dialect.to_string(),
        };
        let mut pending = self.lock();
        let full = pending.len() >= MAX_PENDING;
        match pending.get_mut(name) {
            Some(batch) => batch.add(result, attempt),
            None if full => {}
            None => pending.entry(name.clone()).or_default().add(result, attempt),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<DomainName, Batch>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Counts an attempt on hostname `name` with result `result` (`/metrics` included).
pub fn record(ctx: &Context, name: &DomainName, result: &'static str, client: Client<'_>) {
    ctx.metrics.update(client.dialect, result);
    ctx.attempts.note(name, result, client);
}

/// Counts an update refused as a whole, on every hostname the request names (a request
/// that names none, or names that are no hostname, counts in `/metrics` only).
pub fn refused(ctx: &Context, names: &[String], error: &Error, client: Client<'_>) {
    let result = refusal_code(error);
    ctx.metrics.update(client.dialect, result);
    for name in names.iter().filter_map(|n| DomainName::parse(n).ok()) {
        ctx.attempts.note(&name, result, client);
    }
}

/// Writes the pending attempts of hostnames that exist in one transaction, with one event
/// line per hostname per failing code; returns how many hostnames were written.
pub fn flush(ctx: &Context) -> Result<usize> {
    let pending: Vec<(DomainName, Batch)> = ctx.attempts.lock().drain().collect();
    if pending.is_empty() {
        return Ok(0);
    }
    ctx.store.write(|tx| {
        let mut written = 0;
        for (name, batch) in &pending {
            let Some(host) = store::hostnames::find_by_name(tx, name)? else { continue };
            let merged = batch.over(store::attempts::get(tx, &host.id)?);
            store::attempts::put(tx, &host.id, &merged)?;
            for (result, last) in &batch.last_failure {
                let times = batch.counts.get(result).copied().unwrap_or_default();
                let client = last.user_agent.as_deref().map_or_else(|| last.dialect.clone(), |ua| format!("{ua}, {}", last.dialect));
                let detail = format!("{result} ×{times} from {} ({client})", last.source);
                store::history::event(tx, Some(&host.user_id), "update failed", host.name.as_str(), &detail, &last.source)?;
            }
            written += 1;
        }
        Ok(written)
    })
}

/// Hostname `host`'s attempts: what is stored with what is pending on top.
pub fn of(ctx: &Context, conn: &Conn, host: &Host) -> Result<Attempts> {
    let stored = store::attempts::get(conn, &host.id)?;
    Ok(match ctx.attempts.lock().get(&host.name) {
        Some(batch) => batch.over(stored),
        None => stored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestContext;

    const ROUTER: Client<'static> = Client { source: IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7)), user_agent: Some("ddclient/3.10"), dialect: "dyndns2" };

    #[test]
    fn failures_are_counted_in_memory_then_written_once_with_one_line_per_code() -> Result<()> {
        let t = TestContext::new()?;
        let (_, _) = t.host("alice@example.com", "home.dyn.example.test")?;
        let name = DomainName::parse("home.dyn.example.test")?;
        let host = t.ctx.store.read(|c| store::hostnames::find_by_name(c, &name))?.ok_or(Error::NotFound("Hostname"))?;
        for _ in 0..12 {
            refused(&t.ctx, &["HOME.dyn.example.test".into()], &Error::BadAuth, ROUTER);
        }
        refused(&t.ctx, &["home.dyn.example.test".into(), "no-such.dyn.example.test".into()], &Error::BadAddress("x".into()), ROUTER);
        let events = |ctx: &Context| ctx.store.read(|c| Ok(c.query_row("SELECT count(*) FROM events WHERE kind = 'update failed'", [], |r| r.get::<_, i64>(0))?));
        assert_eq!(events(&t.ctx)?, 0, "nothing is written per attempt");
        let seen = t.ctx.store.read(|c| of(&t.ctx, c, &host))?;
        assert_eq!(seen.counts.get("badauth"), Some(&12));
        assert_eq!(seen.failures_in_a_row, 13);
        assert_eq!(seen.last.as_ref().map(|l| (l.result.as_str(), l.user_agent.as_deref())), Some(("badip", Some("ddclient/3.10"))));

        assert_eq!(flush(&t.ctx)?, 1, "the made-up name is not written");
        assert_eq!(events(&t.ctx)?, 2, "one line per failing code");
        let stored = t.ctx.store.read(|c| of(&t.ctx, c, &host))?;
        assert_eq!(stored, seen);
        let detail: String = t.ctx.store.read(|c| Ok(c.query_row("SELECT detail FROM events WHERE detail LIKE 'badauth%'", [], |r| r.get(0))?))?;
        assert_eq!(detail, "badauth ×12 from 198.51.100.7 (ddclient/3.10, dyndns2)");

        // A success ends the streak; counts keep adding up across batches.
        record(&t.ctx, &name, "nochg", ROUTER);
        refused(&t.ctx, &["home.dyn.example.test".into()], &Error::BadAuth, ROUTER);
        flush(&t.ctx)?;
        let after = t.ctx.store.read(|c| of(&t.ctx, c, &host))?;
        assert_eq!((after.counts.get("badauth"), after.counts.get("nochg")), (Some(&13), Some(&1)));
        assert_eq!(after.failures_in_a_row, 1);
        assert!(after.last_success_at.is_some() && after.failing_since.is_some());
        Ok(())
    }

    #[test]
    fn pending_names_are_bounded() -> Result<()> {
        let t = TestContext::new()?;
        for i in 0..MAX_PENDING + 50 {
            refused(&t.ctx, &[format!("h{i}.dyn.example.test")], &Error::BadAuth, ROUTER);
        }
        assert_eq!(t.ctx.attempts.lock().len(), MAX_PENDING);
        Ok(())
    }
}
