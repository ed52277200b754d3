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
        Error::NotFound(_) | Error::Invalid(_) => "notfqdn",
        Error::Validation(_) | Error::BadRequest(_) | Error::TooLarge { .. } | Error::LengthRequired => "badrequest",
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
    /// The last attempt of each failing code, and how many distinct addresses sent it (up
    /// to a few), for the event log.
    last_failure: BTreeMap<&'static str, (Attempt, Vec<String>)>,
    /// When the batch's first attempt came: a hostname made after it (deleted and made again,
    /// perhaps by another account) does not inherit the batch.
    first_at: i64,
}

/// Distinct sources remembered per failing code in one batch.
const MAX_SOURCES: usize = 4;

impl Batch {
    fn add(&mut self, result: &'static str, attempt: Attempt) {
        if self.last.is_none() {
            self.first_at = attempt.at;
        }
        *self.counts.entry(result).or_default() += 1;
        if attempt.succeeded() {
            self.succeeded = true;
            self.last_success_at = Some(attempt.at);
            self.failures = 0;
            self.failing_since = None;
        } else {
            self.failures += 1;
            self.failing_since.get_or_insert(attempt.at);
            let entry = self.last_failure.entry(result).or_insert_with(|| (attempt.clone(), Vec::new()));
            entry.0 = attempt.clone();
            if entry.1.len() <= MAX_SOURCES && !entry.1.contains(&attempt.source) {
                entry.1.push(attempt.source.clone());
            }
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
    // A request without credentials is how wget and others begin (they send them after the
    // challenge): not a failure of the host, and no way for strangers to make one look failing.
    if result == "nocredentials" {
        return;
    }
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
            let Some(host) = store::hostnames::find_by_name(tx, name)?.filter(|h| h.created_at <= batch.first_at) else { continue };
            let merged = batch.over(store::attempts::get(tx, &host.id)?);
            store::attempts::put(tx, &host.id, &merged)?;
            for (result, (last, sources)) in &batch.last_failure {
                let times = batch.counts.get(result).copied().unwrap_or_default();
                let client = last.user_agent.as_deref().map_or_else(|| last.dialect.clone(), |ua| format!("{ua}, {}", last.dialect));
                let others = match sources.len().saturating_sub(1) {
                    0 => String::new(),
                    n if sources.len() > MAX_SOURCES => format!(" and {n} or more other addresses"),
                    1 => " and 1 other address".to_string(),
                    n => format!(" and {n} other addresses"),
                };
                let detail = format!("{result} ×{times} from {}{others} ({client})", last.source);
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
    Ok(match ctx.attempts.lock().get(&host.name).filter(|b| host.created_at <= b.first_at) {
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

    #[test]
    fn a_line_says_how_many_addresses_sent_the_code_and_a_new_host_starts_clean() -> Result<()> {
        let t = TestContext::new()?;
        let (alice, _) = t.host("alice@example.com", "home.dyn.example.test")?;
        let other = Client { source: IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 9)), ..ROUTER };
        for client in [ROUTER, other, ROUTER] {
            refused(&t.ctx, &["home.dyn.example.test".into()], &Error::BadAuth, client);
        }
        refused(&t.ctx, &["home.dyn.example.test".into()], &Error::NoCredentials, ROUTER);
        let name = DomainName::parse("home.dyn.example.test")?;
        let host = t.ctx.store.read(|c| store::hostnames::find_by_name(c, &name))?.ok_or(Error::NotFound("Hostname"))?;
        assert_eq!(t.ctx.store.read(|c| of(&t.ctx, c, &host))?.failures_in_a_row, 3, "no credentials is no failure");
        flush(&t.ctx)?;
        let detail: String = t.ctx.store.read(|c| Ok(c.query_row("SELECT detail FROM events WHERE kind = 'update failed'", [], |r| r.get(0))?))?;
        assert_eq!(detail, "badauth ×3 from 198.51.100.7 and 1 other address (ddclient/3.10, dyndns2)");

        // Attempts waiting for a hostname that is then deleted do not reach the next one made
        // under that name.
        refused(&t.ctx, &["home.dyn.example.test".into()], &Error::BadAuth, ROUTER);
        crate::hostnames::delete(&t.ctx, &alice, &host.id)?;
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let (_, _) = t.host("bob@example.com", "home.dyn.example.test")?;
        let again = t.ctx.store.read(|c| store::hostnames::find_by_name(c, &name))?.ok_or(Error::NotFound("Hostname"))?;
        assert_eq!(t.ctx.store.read(|c| of(&t.ctx, c, &again))?, Attempts::default());
        flush(&t.ctx)?;
        assert_eq!(t.ctx.store.read(|c| of(&t.ctx, c, &again))?, Attempts::default());
        Ok(())
    }
}
