//! Operational counters for `/metrics` (Prometheus text format). Counting is in memory with
//! relaxed atomics: nothing is written to disk, and the DNS query path pays one increment.

use std::fmt::Write as _;
use std::sync::Mutex;
use portable_atomic::{AtomicU64, Ordering};
use std::time::Instant;

use crate::Context;
use crate::error::Result;
use crate::store;

/// DNS response codes counted separately; anything else counts as "other".
pub const RCODES: [&str; 7] = ["NOERROR", "NXDOMAIN", "REFUSED", "FORMERR", "SERVFAIL", "NOTIMP", "other"];

pub struct Metrics {
    started: Instant,
    dns: [AtomicU64; RCODES.len()],
    /// DNS responses made by the fast path (pre-encoded answers) and by the full path.
    dns_fast: AtomicU64,
    dns_full: AtomicU64,
    /// (dialect, result) → count. Updates are few; a mutex is fine here.
    updates: Mutex<std::collections::BTreeMap<(&'static str, &'static str), u64>>,
    /// UDP responses over the rate limit: dropped, and sent truncated (slipped).
    rate_dropped: AtomicU64,
    rate_slipped: AtomicU64,
    /// Panics caught, by where: `http`, `dns`, `housekeeping`, `alerts`.
    panics: [AtomicU64; PANIC_PLACES.len()],
}

/// Where a panic can be caught and survived.
pub const PANIC_PLACES: [&str; 4] = ["http", "dns", "housekeeping", "alerts"];

impl Default for Metrics {
    fn default() -> Self {
        Self {
            started: Instant::now(),
            dns: Default::default(),
            dns_fast: AtomicU64::new(0),
            dns_full: AtomicU64::new(0),
            updates: Mutex::default(),
            panics: Default::default(),
            rate_dropped: AtomicU64::new(0),
            rate_slipped: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Counts a UDP response over the rate limit: sent truncated (`slipped`) or dropped.
    pub fn rate_limited(&self, slipped: bool) {
        if slipped { &self.rate_slipped } else { &self.rate_dropped }.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a panic caught at `place` (one of [`PANIC_PLACES`]); the panic hook has logged it
    /// with its location.
    pub fn panicked(&self, place: &str) {
        let index = PANIC_PLACES.iter().position(|p| *p == place).unwrap_or(0);
        self.panics[index].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one DNS answer of the full path by the index of its code in [`RCODES`].
    pub fn dns_answer(&self, rcode_index: usize) {
        self.dns[rcode_index.min(RCODES.len() - 1)].fetch_add(1, Ordering::Relaxed);
        self.dns_full.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts `n` fast-path DNS responses with one response code (counted per batch).
    pub fn dns_fast_answers(&self, rcode_index: usize, n: u64) {
        self.dns[rcode_index.min(RCODES.len() - 1)].fetch_add(n, Ordering::Relaxed);
        self.dns_fast.fetch_add(n, Ordering::Relaxed);
    }

    /// Counts one update result (`good`, `nochg`, `nohost`, `badauth`, …) of a dialect.
    pub fn update(&self, dialect: &'static str, result: &'static str) {
        let mut updates = self.updates.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *updates.entry((dialect, result)).or_default() += 1;
    }

    /// The Prometheus text exposition of everything.
    pub fn render(&self, ctx: &Context) -> Result<String> {
        let mut out = String::new();
        let _ = writeln!(out, "# HELP porchlight_uptime_seconds Seconds since the appliance started.");
        let _ = writeln!(out, "# TYPE porchlight_uptime_seconds gauge");
        let _ = writeln!(out, "porchlight_uptime_seconds {}", self.started.elapsed().as_secs());
        let _ = writeln!(out, "# HELP porchlight_dns_responses_total DNS responses by response code.");
        let _ = writeln!(out, "# TYPE porchlight_dns_responses_total counter");
        for (name, count) in RCODES.iter().zip(&self.dns) {
            let _ = writeln!(out, "porchlight_dns_responses_total{{rcode=\"{name}\"}} {}", count.load(Ordering::Relaxed));
        }
        let _ = writeln!(out, "# HELP porchlight_dns_responses_by_path_total DNS responses from pre-encoded answers (fast) and from the full decoder (full).");
        let _ = writeln!(out, "# TYPE porchlight_dns_responses_by_path_total counter");
        let _ = writeln!(out, "porchlight_dns_responses_by_path_total{{path=\"fast\"}} {}", self.dns_fast.load(Ordering::Relaxed));
        let _ = writeln!(out, "porchlight_dns_responses_by_path_total{{path=\"full\"}} {}", self.dns_full.load(Ordering::Relaxed));
        let _ = writeln!(out, "# HELP porchlight_dns_rate_limited_total UDP responses over dns_rate_limit: dropped, or sent truncated (slipped).");
        let _ = writeln!(out, "# TYPE porchlight_dns_rate_limited_total counter");
        let _ = writeln!(out, "porchlight_dns_rate_limited_total{{action=\"dropped\"}} {}", self.rate_dropped.load(Ordering::Relaxed));
        let _ = writeln!(out, "porchlight_dns_rate_limited_total{{action=\"slipped\"}} {}", self.rate_slipped.load(Ordering::Relaxed));
        let _ = writeln!(out, "# HELP porchlight_panics_total Panics caught and survived (the request or message was refused or dropped), by where.");
        let _ = writeln!(out, "# TYPE porchlight_panics_total counter");
        for (place, count) in PANIC_PLACES.iter().zip(&self.panics) {
            let _ = writeln!(out, "porchlight_panics_total{{where=\"{place}\"}} {}", count.load(Ordering::Relaxed));
        }
        let _ = writeln!(out, "# HELP porchlight_updates_total Update requests by dialect and result.");
        let _ = writeln!(out, "# TYPE porchlight_updates_total counter");
        let updates = self.updates.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        for ((dialect, result), count) in updates {
            let _ = writeln!(out, "porchlight_updates_total{{dialect=\"{dialect}\",result=\"{result}\"}} {count}");
        }
        let _ = writeln!(out, "# HELP porchlight_storage_writable 1 while the database can be written; 0 while the disk is full, read-only or failing.");
        let _ = writeln!(out, "# TYPE porchlight_storage_writable gauge");
        let _ = writeln!(out, "porchlight_storage_writable {}", u8::from(ctx.store.trouble().is_none()));
        let _ = writeln!(out, "# HELP porchlight_storage_write_failures_total Writes refused because of the disk (full, read-only, I/O errors).");
        let _ = writeln!(out, "# TYPE porchlight_storage_write_failures_total counter");
        let _ = writeln!(out, "porchlight_storage_write_failures_total {}", ctx.store.write_failures());
        if let Some((commits, syncs)) = ctx.store.group_commit_counts() {
            let _ = writeln!(out, "# HELP porchlight_store_commits_total Commits that changed the database (durability = full).");
            let _ = writeln!(out, "# TYPE porchlight_store_commits_total counter");
            let _ = writeln!(out, "porchlight_store_commits_total {commits}");
            let _ = writeln!(out, "# HELP porchlight_store_syncs_total Syncs of the write-ahead log; commits arriving together share one.");
            let _ = writeln!(out, "# TYPE porchlight_store_syncs_total counter");
            let _ = writeln!(out, "porchlight_store_syncs_total {syncs}");
        }
        let (hosts, users, zones) =
            ctx.store.read(|c| Ok((store::hostnames::count(c)?, store::users::count(c)?, store::zones::list(c)?)))?;
        let _ = writeln!(out, "# HELP porchlight_hostnames Hostnames on the appliance.");
        let _ = writeln!(out, "# TYPE porchlight_hostnames gauge");
        let _ = writeln!(out, "porchlight_hostnames {hosts}");
        let _ = writeln!(out, "# HELP porchlight_accounts Accounts on the appliance.");
        let _ = writeln!(out, "# TYPE porchlight_accounts gauge");
        let _ = writeln!(out, "porchlight_accounts {users}");
        let _ = writeln!(out, "# HELP porchlight_zone_serial SOA serial served for each zone.");
        let _ = writeln!(out, "# TYPE porchlight_zone_serial gauge");
        for zone in zones {
            if let Some(serial) = ctx.catalog.serial(&zone.name) {
                let _ = writeln!(out, "porchlight_zone_serial{{zone=\"{}\"}} {serial}", zone.name);
            }
        }
        Ok(out)
    }
}
