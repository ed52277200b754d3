//! Update attempts: what a hostname's clients tried last, and how often each result came.

use std::collections::BTreeMap;

/// One update attempt as a hostname's owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// Unix time.
    pub at: i64,
    /// The DynDNS2-style result code: `good`, `nochg`, `badauth`, `nohost`, `badip`,
    /// `abuse`, `ratelimited`…
    pub result: String,
    /// The client's address.
    pub source: String,
    pub user_agent: Option<String>,
    pub dialect: String,
}

impl Attempt {
    /// Whether the attempt succeeded (a changed or an unchanged address).
    pub fn succeeded(&self) -> bool {
        is_success(&self.result)
    }
}

/// Whether a result code is a success.
pub fn is_success(result: &str) -> bool {
    matches!(result, "good" | "nochg")
}

/// A hostname's update attempts: the last one, counts per result code, and the failures
/// since the last success.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attempts {
    pub last: Option<Attempt>,
    pub counts: BTreeMap<String, u64>,
    pub last_success_at: Option<i64>,
    pub failures_in_a_row: u64,
    /// When the first of the failures since the last success came.
    pub failing_since: Option<i64>,
}
