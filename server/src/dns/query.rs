//! The fast path's reading of a request: the header, one question and an OPT record, parsed
//! by hand without allocating. Anything else — other opcodes and classes, more sections,
//! EDNS options, compression in the question, AXFR/IXFR/ANY, TSIG — is not a plain query and
//! is left to the full decoder.

use super::wire::{self, CLASS_IN, types};

/// Labels a name can have at most (255 bytes of one-byte labels).
const MAX_LABELS: usize = 128;

/// A plain query, as read from a request.
pub struct Query<'p> {
    pub packet: &'p [u8],
    /// The request's RD and CD flags (echoed).
    pub flags: u16,
    /// The question's name in lower case (wire form).
    lower: [u8; wire::MAX_NAME],
    name_len: usize,
    /// Where each label of the name starts, from offset 12 of the message.
    label_starts: [u8; MAX_LABELS],
    labels: usize,
    pub qtype: u16,
    /// End of the question: what a response copies, header included.
    pub question_end: usize,
    pub edns: Option<Edns>,
}

/// What the request's OPT record says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edns {
    /// The largest response the client takes over UDP.
    pub payload: u16,
    pub dnssec_ok: bool,
}

/// Query types that are not a question about one record set here.
fn is_plain_type(qtype: u16) -> bool {
    !matches!(qtype, 0 | types::OPT | 249..=255)
}

impl<'p> Query<'p> {
    /// Reads `packet` as a plain query, or says it is not one.
    pub fn parse(packet: &'p [u8]) -> Option<Self> {
        let header = packet.get(..12)?;
        let u16_at = |at: usize| u16::from_be_bytes([header[at], header[at + 1]]);
        let flags = u16_at(2);
        // QR=0, OPCODE=QUERY, TC=0, RCODE=0 (AA, RD, Z, AD, CD as they come).
        if flags & 0xfa0f != 0 {
            return None;
        }
        if u16_at(4) != 1 || u16_at(6) != 0 || u16_at(8) != 0 || u16_at(10) > 1 {
            return None;
        }
        let mut lower = [0u8; wire::MAX_NAME];
        let mut label_starts = [0u8; MAX_LABELS];
        let mut labels = 0;
        let mut at = 12;
        loop {
            let len = *packet.get(at)? as usize;
            let name_len = at - 12;
            if len == 0 {
                *lower.get_mut(name_len)? = 0;
                at += 1;
                break;
            }
            // Pointers and the reserved label types are not plain.
            if len > 63 || name_len + 1 + len >= wire::MAX_NAME {
                return None;
            }
            *label_starts.get_mut(labels)? = name_len as u8;
            labels += 1;
            lower[name_len] = len as u8;
            let label = packet.get(at + 1..at + 1 + len)?;
            for (out, byte) in lower[name_len + 1..name_len + 1 + len].iter_mut().zip(label) {
                *out = byte.to_ascii_lowercase();
            }
            at += 1 + len;
        }
        let name_len = at - 12;
        let qtype = u16::from_be_bytes([*packet.get(at)?, *packet.get(at + 1)?]);
        let qclass = u16::from_be_bytes([*packet.get(at + 2)?, *packet.get(at + 3)?]);
        if qclass != CLASS_IN || !is_plain_type(qtype) {
            return None;
        }
        let question_end = at + 4;
        let edns = match u16_at(10) {
            0 => None,
            _ => Some(Self::opt(packet.get(question_end..)?)?),
        };
        let end = question_end + if edns.is_some() { 11 } else { 0 };
        if end != packet.len() {
            return None;
        }
        Some(Self { packet, flags: flags & 0x0110, lower, name_len, label_starts, labels, qtype, question_end, edns })
    }

    /// An OPT record with no options, EDNS version 0 (else: not plain).
    fn opt(rr: &[u8]) -> Option<Edns> {
        let rr = rr.get(..11)?;
        let (root, rtype, payload, ext_rcode, version, flags, rdlen) =
            (rr[0], u16::from_be_bytes([rr[1], rr[2]]), u16::from_be_bytes([rr[3], rr[4]]), rr[5], rr[6], u16::from_be_bytes([rr[7], rr[8]]), u16::from_be_bytes([rr[9], rr[10]]));
        if root != 0 || rtype != types::OPT || ext_rcode != 0 || version != 0 || rdlen != 0 {
            return None;
        }
        Some(Edns { payload, dnssec_ok: flags & 0x8000 != 0 })
    }

    /// The question's name in lower case, wire form.
    pub fn name(&self) -> &[u8] {
        &self.lower[..self.name_len]
    }

    /// Where in the message the suffix of the question's name with `labels` labels starts
    /// (for a compression pointer to it); the root is `None`.
    pub fn suffix_offset(&self, labels: usize) -> Option<usize> {
        let skip = self.labels.checked_sub(labels)?;
        (labels > 0).then(|| 12 + self.label_starts[skip] as usize)
    }

    /// How many labels the question's name has.
    pub fn label_count(&self) -> usize {
        self.labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::{Edns as HickoryEdns, Message, OpCode, Query as HickoryQuery};
    use hickory_proto::rr::{Name, RecordType};

    fn message(name: &str, rtype: RecordType, edns: Option<u16>) -> Message {
        let mut m = Message::query();
        m.metadata.id = 7;
        m.metadata.recursion_desired = true;
        m.add_query(HickoryQuery::query(Name::from_ascii(name).unwrap_or_else(|_| Name::root()), rtype));
        if let Some(size) = edns {
            let mut e = HickoryEdns::new();
            e.set_max_payload(size);
            e.set_dnssec_ok(true);
            m.edns = Some(e);
        }
        m
    }

    fn bytes(m: &Message) -> Vec<u8> {
        m.to_vec().unwrap_or_default()
    }

    #[test]
    fn plain_queries_are_read_by_hand() {
        let packet = bytes(&message("WwW.Example.COM.", RecordType::AAAA, Some(1232)));
        let q = Query::parse(&packet).unwrap_or_else(|| unreachable!("a plain query"));
        assert_eq!((&q.packet[..2], q.qtype, q.flags), (&[0u8, 7][..], 28, 0x0100));
        assert_eq!(q.name(), b"\x03www\x07example\x03com\x00");
        assert_eq!(q.edns, Some(Edns { payload: 1232, dnssec_ok: true }));
        assert_eq!(q.label_count(), 3);
        assert_eq!(q.suffix_offset(2), Some(16), "example.com starts after \\x03www");
        assert_eq!(q.suffix_offset(3), Some(12));
        assert_eq!(q.suffix_offset(0), None);
        let packet = bytes(&message("example.com.", RecordType::A, None));
        assert!(Query::parse(&packet).is_some_and(|q| q.edns.is_none() && q.question_end == packet.len()));
    }

    #[test]
    fn anything_unusual_is_left_to_the_full_decoder() {
        for rtype in [RecordType::ANY, RecordType::AXFR, RecordType::IXFR] {
            assert!(Query::parse(&bytes(&message("example.com.", rtype, None))).is_none(), "{rtype}");
        }
        let mut notify = message("example.com.", RecordType::SOA, None);
        notify.metadata.op_code = OpCode::Notify;
        assert!(Query::parse(&bytes(&notify)).is_none());
        let mut packet = bytes(&message("example.com.", RecordType::A, None));
        packet.push(0);
        assert!(Query::parse(&packet).is_none(), "trailing bytes");
        assert!(Query::parse(&packet[..11]).is_none(), "short header");
        let packet = bytes(&message("example.com.", RecordType::A, None));
        assert!(Query::parse(&packet[..packet.len() - 1]).is_none(), "cut question");
        let mut chaos = bytes(&message("example.com.", RecordType::A, None));
        let len = chaos.len();
        chaos[len - 1] = 3;
        assert!(Query::parse(&chaos).is_none(), "class CH");
        let mut pointer = bytes(&message("example.com.", RecordType::A, None));
        pointer[12] = 0xc0;
        assert!(Query::parse(&pointer).is_none(), "a compression pointer in the question");
    }
}
