//! The appliance's nouns: the typed values storage returns and every layer passes around.
//! These modules hold data and its invariants only; they read no storage and do no I/O, so
//! storage, the domain rules and the transports can all depend on them.

pub mod account;
pub mod alert;
pub mod attempt;
pub mod host;
pub mod ids;
pub mod journal;
pub mod record;
pub mod token;
pub mod tsig_key;
pub mod updater;
pub mod zone;

pub use account::Account;
pub use alert::{AlertSettings, Channel, ChannelKind, Outgoing};
pub use attempt::{Attempt, Attempts};
pub use host::{HistoryEntry, Host, LogLine};
pub use ids::*;
pub use record::StoredRecord;
pub use token::{Scope, Scopes, Token};
pub use tsig_key::TsigKey;
pub use updater::Updater;
pub use zone::{CustomDomain, Zone};
