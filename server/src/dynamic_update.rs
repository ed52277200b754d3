//! RFC 2136 dynamic updates, after the DNS layer has checked the TSIG signature and turned
//! the message into these types: prerequisites (§2.4) are checked against what is served,
//! every change is checked against the key's owner and allow list, and then all of it is
//! applied in one transaction or none of it is. Addresses of hostnames go through the same
//! path as HTTP updates, so they land in the host's history and the event log.

use std::net::IpAddr;

use crate::names::DomainName;
use crate::records::{Record, RecordData, RecordKind};

/// A record type as an update names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Any,
    Kind(RecordKind),
    /// A type the appliance does not store (SOA is answered from the configuration).
    Other(u16),
}

/// Wire type code of SOA.
pub const SOA: u16 = 6;

#[derive(Debug, Clone)]
pub enum Prerequisite {
    /// Something exists at the name (`Type::Any`), or a set of the type does.
    Exists(DomainName, Type),
    /// Nothing exists at the name, or no set of the type does.
    Absent(DomainName, Type),
    /// The set at the name holds exactly these records.
    Equals(DomainName, RecordKind, Vec<RecordData>),
}

#[derive(Debug, Clone)]
pub enum Change {
    Add(Record),
    /// Delete a set (`Type::Any`: every set at the name).
    DeleteSet(DomainName, Type),
    DeleteRecord(DomainName, RecordData),
}

impl Change {
    pub fn name(&self) -> &DomainName {
        match self {
            Self::Add(r) => &r.name,
            Self::DeleteSet(n, _) | Self::DeleteRecord(n, _) => n,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Update {
    pub zone: DomainName,
    /// The verified TSIG key's name.
    pub key: String,
    pub source: IpAddr,
    pub prerequisites: Vec<Prerequisite>,
    pub changes: Vec<Change>,
}

/// Why an update was not applied; each maps to one RCODE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    FormErr(String),
    /// The zone is not served here.
    NotAuth(String),
    /// A name outside the zone.
    NotZone(String),
    Refused(String),
    YxDomain,
    NxDomain,
    YxRrset,
    NxRrset,
    ServFail(String),
}

mod apply;

pub use apply::{DIALECT, apply};
