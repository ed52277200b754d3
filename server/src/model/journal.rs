//! The IXFR journal's unit: what one serial of a zone removed and added.

use crate::records::Record;

/// Steps kept per zone; an IXFR from an older serial is answered with the whole zone.
pub const KEEP_STEPS: u32 = 1000;

/// One change of serial: `serial - 1` became `serial`.
#[derive(Debug, Clone, Default)]
pub struct Step {
    pub serial: u32,
    pub removed: Vec<Record>,
    pub added: Vec<Record>,
}
