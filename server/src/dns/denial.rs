//! Authenticated denial: which NSEC3 records prove what an answer says is not there
//! (RFC 5155 §7.2). One plan for both answer paths — the pre-built fast path and the full
//! resolver — which differ only in how they write the records.

use super::signing::Entry;
use super::wire;
use super::zone::{Signed, ZoneIndex, next_closer, wildcard_of};

/// One NSEC3 record an answer needs: the one whose owner is a name's hash, or the one whose
/// span covers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    Matching([u8; 20]),
    Covering([u8; 20]),
}

impl Proof {
    /// The record in the zone's chain.
    pub fn find(self, signed: &Signed) -> Option<Entry<'_>> {
        match self {
            Self::Matching(hash) => signed.chain.matching(&hash),
            Self::Covering(hash) => signed.chain.covering(&hash),
        }
    }
}

/// NXDOMAIN (§7.2.2): the closest encloser exists, the next closer name does not, and
/// neither does the wildcard that could have made it.
pub fn name_error(zone: &ZoneIndex, signed: &Signed, name: &[u8]) -> [Proof; 3] {
    let encloser = zone.closest_encloser(name);
    [
        Proof::Matching(signed.hash_of(encloser)),
        Proof::Covering(signed.hash_of(next_closer(name, encloser))),
        Proof::Covering(signed.hash_of(&wildcard_of(encloser))),
    ]
}

/// NODATA at `owner`, the node that answered (§7.2.3): its own record lists the types there
/// are; when the node is a wildcard (§7.2.5), the closest encloser's record comes first.
pub fn no_data(signed: &Signed, owner: &[u8], wildcard: bool) -> impl Iterator<Item = Proof> {
    let encloser = wildcard.then(|| Proof::Matching(signed.hash_of(wire::parent(owner))));
    encloser.into_iter().chain([Proof::Matching(signed.hash_of(owner))])
}

/// An answer made by the wildcard `owner` for `name` (§7.2.6): no closer name matched.
pub fn wildcard_answer(signed: &Signed, name: &[u8], owner: &[u8]) -> Proof {
    Proof::Covering(signed.hash_of(next_closer(name, wire::parent(owner))))
}

/// A zone cut has no DS (§7.2.4, §7.2.7 without opt-out): the cut's own record says so.
pub fn no_ds(signed: &Signed, cut: &[u8]) -> Proof {
    Proof::Matching(signed.hash_of(cut))
}
