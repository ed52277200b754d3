//! Fault injection for the isolation tests (compiled only with the `fault-injection`
//! feature, which only the test suite turns on): a question naming the label below makes
//! answering it panic, on the fast path or the full one.

/// The label that makes the fast path panic.
pub const FAST: &[u8] = b"\x0bpanic-fault";
/// The label that makes the full path panic (ask for it with a type the fast path hands on,
/// such as ANY).
pub const FULL: &[u8] = b"\x10panic-fault-full";

/// Panics when `packet` names `label`.
pub fn check(packet: &[u8], label: &[u8]) {
    let named = packet.get(12..).is_some_and(|question| question.windows(label.len()).any(|w| w.eq_ignore_ascii_case(label)));
    assert!(!named, "fault injected into answering a DNS message");
}
