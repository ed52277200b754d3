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
    /// (dialect, result) → count. Updates are few; a mutex is fine here.
    updates: Mutex<std::collections::BTreeMap<(&'static str, &'static str), u64>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self { started: Instant::now(), dns: Default::default(), updates: Mutex::default() }
    }
}

impl Metrics {
    /// Counts one DNS answer by the index of its code in [`RCODES`].
    pub fn dns_answer(&self, rcode_index: usize) {
        self.dns_answers(rcode_index, 1);
    }

    /// Counts `n` DNS responses with one response code (the fast path counts per batch).
    pub fn dns_answers(&self, rcode_index: usize, n: u64) {
        self.dns[rcode_index.min(RCODES.len() - 1)].fetch_add(n, Ordering::Relaxed);
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
        let _ = writeln!(out, "# HELP porchlight_updates_total Update requests by dialect and result.");
        let _ = writeln!(out, "# TYPE porchlight_updates_total counter");
        let updates = self.updates.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        for ((dialect, result), count) in updates {
            let _ = writeln!(out, "porchlight_updates_total{{dialect=\"{dialect}\",result=\"{result}\"}} {count}");
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
