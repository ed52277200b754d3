//! Who may hold a connection: at most `total` at once, and at most `per_address` from one
//! client address (proxies whose addresses are trusted are exempt from that, since every
//! request comes through them). Both HTTP and DNS over TCP ask here before serving, so a
//! thousand slow or idle connections from one place hold a handful of slots, and the rest
//! of the world is still served.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ipnet::IpNet;

/// Connection slots, shared by one listener's connections.
pub struct Admission {
    total: usize,
    per_address: usize,
    exempt: Vec<IpNet>,
    open: AtomicUsize,
    by_address: Mutex<HashMap<IpAddr, usize>>,
}

/// Why a connection was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Every slot is taken.
    Full,
    /// This address holds as many as one address may.
    TooManyFromAddress,
}

/// A held slot, given back when dropped.
pub struct Slot {
    admission: Arc<Admission>,
    address: Option<IpAddr>,
}

impl Admission {
    pub fn new(total: usize, per_address: usize, exempt: Vec<IpNet>) -> Arc<Self> {
        Arc::new(Self { total, per_address, exempt, open: AtomicUsize::new(0), by_address: Mutex::default() })
    }

    /// Takes a slot for a connection from `address`.
    pub fn admit(self: &Arc<Self>, address: IpAddr) -> Result<Slot, Refusal> {
        if self.open.fetch_add(1, Ordering::AcqRel) >= self.total {
            self.open.fetch_sub(1, Ordering::AcqRel);
            return Err(Refusal::Full);
        }
        let address = canonical(address);
        if self.exempt.iter().any(|net| net.contains(&address)) {
            return Ok(Slot { admission: self.clone(), address: None });
        }
        let mut by_address = self.by_address.lock().unwrap_or_else(PoisonError::into_inner);
        let held = by_address.entry(address).or_insert(0);
        if *held >= self.per_address {
            drop(by_address);
            self.open.fetch_sub(1, Ordering::AcqRel);
            return Err(Refusal::TooManyFromAddress);
        }
        *held += 1;
        Ok(Slot { admission: self.clone(), address: Some(address) })
    }

    /// More than three quarters of the slots are taken: idle connections get less time.
    pub fn crowded(&self) -> bool {
        self.open.load(Ordering::Acquire) * 4 > self.total * 3
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(address) = self.address {
            let mut by_address = self.admission.by_address.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(held) = by_address.get_mut(&address) {
                *held -= 1;
                if *held == 0 {
                    by_address.remove(&address);
                }
            }
        }
        self.admission.open.fetch_sub(1, Ordering::AcqRel);
    }
}

/// An IPv4 client seen through an IPv6 socket counts as itself.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_holds_its_share_and_the_rest_are_served() {
        let admission = Admission::new(4, 2, vec!["10.0.0.0/8".parse().unwrap_or_else(|_| unreachable!())]);
        let a: IpAddr = [192, 0, 2, 1].into();
        let b: IpAddr = [192, 0, 2, 2].into();
        let first = admission.admit(a);
        let second = admission.admit(a);
        assert!(first.is_ok() && second.is_ok());
        assert_eq!(admission.admit(a).err(), Some(Refusal::TooManyFromAddress));
        let other = admission.admit(b);
        assert!(other.is_ok());
        // A trusted proxy is not held to the per-address share, only to the total.
        let proxy = admission.admit([10, 0, 0, 1].into());
        assert!(proxy.is_ok());
        assert_eq!(admission.admit(b).err(), Some(Refusal::Full));
        assert!(admission.crowded());
        drop((first, proxy));
        assert_eq!(admission.open(), 2);
        assert!(admission.admit(a).is_ok(), "a slot given back is free again");
        assert!(!admission.crowded());
    }
}
