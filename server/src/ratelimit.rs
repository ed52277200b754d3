//! Rate limits on the update endpoints. Requests are limited per token and per source
//! address with quotas that legitimate clients (a v4 + v6 pair, forced `nochg` refreshes
//! every few minutes, many routers behind one NAT) stay far below; wrong credentials are
//! limited much more tightly per address, and an address over that limit is refused before
//! its credentials are even checked, so guessing gains nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock as _, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::RateLimitConfig;
use crate::error::{Error, Result};

const FAILURE_WINDOW: Duration = Duration::from_secs(60);
/// Addresses remembered for failed logins at most; beyond that the oldest windows go.
const MAX_TRACKED_FAILURES: usize = 10_000;

pub struct RateLimits {
    /// Management API: logins and registrations per address, everything else per account
    /// (or address), as in the ipdock document's table.
    pub login: Limiter,
    pub register: Limiter,
    pub api: Limiter,
    /// Update requests per token.
    pub updates: Limiter,
    /// The partner API per partner key: an hourly budget, and the most in any one minute.
    pub partner: Limiter,
    pub partner_burst: Limiter,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
    failure_limit: u32,
}

impl RateLimits {
    pub fn new(config: &RateLimitConfig) -> Self {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN));
        Self {
            login: Limiter::per_minute(config.logins_per_minute),
            register: Limiter::per_minute(config.registrations_per_minute),
            api: Limiter::per_minute(config.api_requests_per_minute),
            updates: Limiter::per_minute(config.updates_per_minute),
            partner: Limiter::per_hour(config.partner_requests_per_hour),
            partner_burst: Limiter::per_minute(config.partner_burst_per_minute),
            per_address: RateLimiter::keyed(quota(config.requests_per_address_per_minute)),
            failures: Mutex::new(HashMap::new()),
            failure_limit: config.failed_auth_per_minute.max(1),
        }
    }

    /// Refuses an address that has sent too many wrong credentials lately.
    pub fn check_failures(&self, addr: IpAddr) -> Result<()> {
        if let Some((start, count)) = self.failures_lock().get(&addr).copied() {
            let elapsed = start.elapsed();
            if elapsed < FAILURE_WINDOW && count >= self.failure_limit {
                return Err(Error::RateLimited { retry_after: FAILURE_WINDOW - elapsed });
            }
        }
        Ok(())
    }

    /// Counts an update request from `addr`; refuses it when the address is over its quota.
    pub fn check_address(&self, addr: IpAddr) -> Result<()> {
        self.per_address.check_key(&addr).map_err(|not_until| Error::RateLimited {
            retry_after: not_until.wait_time_from(DefaultClock::default().now()),
        })
    }


    /// Remembers a request with wrong credentials.
    pub fn note_failure(&self, addr: IpAddr) {
        let mut failures = self.failures_lock();
        if failures.len() >= MAX_TRACKED_FAILURES {
            failures.retain(|_, (start, _)| start.elapsed() < FAILURE_WINDOW);
        }
        let entry = failures.entry(addr).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= FAILURE_WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }

    /// Forgets state that no longer limits anyone (called periodically).
    pub fn forget_idle(&self) {
        self.updates.inner.retain_recent();
        self.login.inner.retain_recent();
        self.register.inner.retain_recent();
        self.api.inner.retain_recent();
        self.partner.inner.retain_recent();
        self.partner_burst.inner.retain_recent();
        self.per_address.retain_recent();
        self.failures_lock().retain(|_, (start, _)| start.elapsed() < FAILURE_WINDOW);
    }

    fn failures_lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, (Instant, u32)>> {
        self.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A keyed limit of so many requests per period that reports what is left, for
/// `X-RateLimit-*` headers.
pub struct Limiter {
    inner: RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>,
    per_period: u32,
    period: Duration,
}

/// What a caller has left of a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the full budget is back.
    pub reset: u64,
}

impl Limiter {
    pub fn per_minute(n: u32) -> Self {
        Self::per(n, Duration::from_secs(60))
    }

    pub fn per_hour(n: u32) -> Self {
        Self::per(n, Duration::from_secs(3600))
    }

    fn per(n: u32, period: Duration) -> Self {
        let n = NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::with_period(period / n.get()).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(n);
        Self { inner: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(), per_period: n.get(), period }
    }

    /// Counts one request for `key`.
    pub fn check(&self, key: &str) -> Result<Budget> {
        match self.inner.check_key(&key.to_string()) {
            Ok(state) => {
                let remaining = state.remaining_burst_capacity();
                let used = u64::from(self.per_period.saturating_sub(remaining));
                let reset = (used * self.period.as_secs()).div_ceil(u64::from(self.per_period));
                Ok(Budget { limit: self.per_period, remaining, reset })
            }
            Err(not_until) => Err(Error::RateLimited { retry_after: not_until.wait_time_from(DefaultClock::default().now()) }),
        }
    }

    pub fn limit(&self) -> u32 {
        self.per_period
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_lock_out_an_address_but_not_others() {
        let limits = RateLimits::new(&RateLimitConfig { failed_auth_per_minute: 3, ..Default::default() });
        let bad = IpAddr::from([192, 0, 2, 1]);
        for _ in 0..3 {
            assert!(limits.check_failures(bad).is_ok());
            limits.note_failure(bad);
        }
        assert!(matches!(limits.check_failures(bad), Err(Error::RateLimited { .. })));
        assert!(limits.check_failures(IpAddr::from([192, 0, 2, 2])).is_ok());
    }

    #[test]
    fn budget_counts_down_then_limits() {
        let limiter = Limiter::per_minute(3);
        let budgets: Vec<u32> = (0..3).filter_map(|_| limiter.check("a").ok()).map(|b| b.remaining).collect();
        assert_eq!(budgets, vec![2, 1, 0]);
        assert!(matches!(limiter.check("a"), Err(Error::RateLimited { .. })));
        assert_eq!(limiter.check("b").map(|b| b.remaining).ok(), Some(2));
    }

    #[test]
    fn an_hourly_budget_resets_in_hours_not_minutes() {
        let limiter = Limiter::per_hour(10);
        let budget = limiter.check("k").ok();
        assert_eq!(budget.map(|b| (b.limit, b.remaining)), Some((10, 9)));
        assert_eq!(budget.map(|b| b.reset), Some(360), "one request of ten comes back in a tenth of an hour");
    }

    #[test]
    fn token_quota_allows_bursts_up_to_the_limit() {
        let limits = RateLimits::new(&RateLimitConfig { updates_per_minute: 5, ..Default::default() });
        for _ in 0..5 {
            assert!(limits.updates.check("t").is_ok());
        }
        let Err(Error::RateLimited { retry_after }) = limits.updates.check("t") else {
            panic!("sixth request should be limited");
        };
        assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(12));
        assert!(limits.updates.check("other").is_ok());
    }
}
