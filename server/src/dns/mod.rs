//! Authoritative DNS: the only module that names hickory types. `catalog` is the in-memory
//! zone view; `server` puts it on the wire.

mod catalog;
pub mod lookup;
mod server;

pub use catalog::{Catalog, RrsetChange, ZoneContents};
pub use server::DnsServer;
