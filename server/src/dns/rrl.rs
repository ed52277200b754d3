//! Response-rate limiting for DNS over UDP, as Knot and BIND do it: at most `rate` responses
//! per second towards one client prefix (/24 for IPv4, /56 for IPv6), so that queries with a
//! spoofed source cannot turn the appliance into an amplifier. Beyond the rate a response is
//! dropped, except every `slip`-th, which goes out truncated (TC, no records): a real client
//! then asks again over TCP, which cannot be spoofed. Exempt networks (loopback by default,
//! the LAN) are never limited.
//!
//! The counters are a fixed table of atomic buckets indexed by a hash of the prefix (as
//! Knot's are): no allocation, no lock; prefixes that share a bucket share its budget.

use std::net::IpAddr;
use std::time::Instant;

use portable_atomic::{AtomicU64, Ordering};

/// Buckets in the table (a power of two).
const BUCKETS: usize = 1 << 14;

/// The limits, from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Responses per second per client prefix; 0 turns limiting off.
    pub rate: u32,
    /// Every n-th limited response is sent truncated instead of dropped; 0 drops them all.
    pub slip: u32,
    pub exempt: Vec<ipnet::IpNet>,
}

/// What to do with one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Send,
    /// Send it truncated: header and question, TC set.
    Slip,
    Drop,
}

pub struct Limiter {
    settings: Settings,
    started: Instant,
    /// Each: the second (since `started`) in the high 32 bits, the responses counted in it
    /// in the low 32.
    buckets: Box<[AtomicU64]>,
    hasher: foldhash::fast::FixedState,
}

impl Limiter {
    pub fn new(settings: Settings) -> Self {
        let buckets = if settings.rate == 0 { Vec::new() } else { (0..BUCKETS).map(|_| AtomicU64::new(0)).collect() };
        Self { settings, started: Instant::now(), buckets: buckets.into_boxed_slice(), hasher: foldhash::fast::FixedState::with_seed(rand::random()) }
    }

    /// Counts one response towards `client` and says what to do with it.
    pub fn check(&self, client: IpAddr) -> Verdict {
        if self.buckets.is_empty() || self.settings.exempt.iter().any(|net| net.contains(&client)) {
            return Verdict::Send;
        }
        let prefix: u128 = match client {
            IpAddr::V4(v4) => u128::from(u32::from(v4) & 0xffff_ff00),
            IpAddr::V6(v6) => (u128::from(v6) & !((1u128 << 72) - 1)) | 1,
        };
        let index = (std::hash::BuildHasher::hash_one(&self.hasher, prefix) as usize) & (BUCKETS - 1);
        let bucket = &self.buckets[index];
        let now = u64::from(u32::try_from(self.started.elapsed().as_secs()).unwrap_or(u32::MAX));
        let mut current = bucket.load(Ordering::Relaxed);
        let count = loop {
            let (second, count) = (current >> 32, current & 0xffff_ffff);
            let next = if second == now { (now << 32) | (count + 1).min(0xffff_ffff) } else { (now << 32) | 1 };
            match bucket.compare_exchange_weak(current, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => break next & 0xffff_ffff,
                Err(seen) => current = seen,
            }
        };
        let rate = u64::from(self.settings.rate);
        if count <= rate {
            return Verdict::Send;
        }
        let slip = u64::from(self.settings.slip);
        if slip > 0 && (count - rate) % slip == 0 { Verdict::Slip } else { Verdict::Drop }
    }
}

/// Cuts the response in `message` (of `len` bytes) down to its header and question with TC
/// set; returns the new length, or None when the message is not a response to one question.
pub fn truncate(message: &mut [u8], len: usize) -> Option<usize> {
    let message = message.get_mut(..len)?;
    if message.len() < 12 || message[4..6] != [0, 1] {
        return None;
    }
    let mut at = 12;
    loop {
        let label = usize::from(*message.get(at)?);
        if label == 0 {
            at += 1;
            break;
        }
        if label & 0xc0 != 0 {
            return None;
        }
        at += 1 + label;
    }
    let end = at + 4;
    if end > message.len() {
        return None;
    }
    message[2] |= 0x02;
    message[6..12].fill(0);
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(rate: u32, slip: u32) -> Limiter {
        Limiter::new(Settings { rate, slip, exempt: vec!["127.0.0.0/8".parse().unwrap_or_else(|_| unreachable!())] })
    }

    #[test]
    fn a_prefix_gets_its_rate_then_every_slipth_truncated() {
        let rrl = limiter(3, 2);
        let client: IpAddr = "198.51.100.7".parse().unwrap_or_else(|_| unreachable!());
        let neighbour: IpAddr = "198.51.100.200".parse().unwrap_or_else(|_| unreachable!());
        let verdicts: Vec<Verdict> = (0..7).map(|i| rrl.check(if i % 2 == 0 { client } else { neighbour })).collect();
        assert_eq!(verdicts, [Verdict::Send, Verdict::Send, Verdict::Send, Verdict::Drop, Verdict::Slip, Verdict::Drop, Verdict::Slip], "one /24, one budget");
        assert_eq!(rrl.check("203.0.113.1".parse().unwrap_or_else(|_| unreachable!())), Verdict::Send, "another prefix has its own");
        assert!((0..100).all(|_| rrl.check("127.0.0.1".parse().unwrap_or_else(|_| unreachable!())) == Verdict::Send), "exempt");
        assert!((0..100).all(|_| limiter(0, 2).check(client) == Verdict::Send), "off");
        let drop_all = limiter(1, 0);
        assert_eq!((0..4).map(|_| drop_all.check(client)).filter(|v| *v == Verdict::Drop).count(), 3);
    }

    #[test]
    fn truncation_keeps_header_and_question() {
        // id 0x1234, response, one question "a.b." A IN, one answer.
        let mut m = vec![0x12, 0x34, 0x84, 0x00, 0, 1, 0, 1, 0, 0, 0, 0, 1, b'a', 1, b'b', 0, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1];
        let len = m.len();
        assert_eq!(truncate(&mut m, len), Some(21));
        assert_eq!(&m[..12], &[0x12, 0x34, 0x86, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(truncate(&mut m[..15], 15), None);
    }
}
