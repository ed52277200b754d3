//! Authoritative DNS: the only module that names hickory types. `catalog` is the in-memory
//! zone view; `server` puts it on the wire; `transfer`, `update` and `notify` speak to
//! secondaries and RFC 2136 clients; `tsig` signs and checks.

mod catalog;
mod catalog_zone;
mod denial;
mod engine;
#[cfg(feature = "fault-injection")]
mod fault;
mod fast;
mod full;
#[doc(hidden)]
pub mod fuzzing;
pub mod lookup;
mod notify;
mod query;
mod records;
mod reply;
mod resolve;
pub mod rrl;
mod server;
mod signing;
mod slow;
mod tcp;
mod transfer;
pub mod tsig;
mod udp;
mod update;
pub mod wire;
mod zone;

pub use catalog::{Catalog, RrsetChange, ZoneContents};
pub use server::DnsServer;
pub use signing::{REFRESH_BEFORE as SIGN_ANEW_BEFORE, VALIDITY as SIGNATURES_LAST, now as signing_time};

use crate::dynamic_update::{Refusal, Update};
use crate::names::DomainName;
use crate::model::journal::Step;

/// What the DNS layer needs from the rest of the appliance (blocking calls; the listeners
/// make them off the async path).
pub trait Backend: Send + Sync + 'static {
    /// The TSIG key called `name` (lower case, no final dot).
    fn tsig_key(&self, name: &str) -> Option<tsig::Key>;
    /// The journal's steps from serial `from` to `to`, if it reaches that far back.
    fn journal(&self, zone: &DomainName, from: u32, to: u32) -> Option<Vec<Step>>;
    /// Applies an RFC 2136 update whose signature was verified.
    fn update(&self, update: Update) -> Result<(), Refusal>;
}
