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
    /// The client cookie of a DNS COOKIE option (RFC 7873), the only option taken here;
    /// whatever server cookie came with it is replaced by a fresh one in the answer.
    pub cookie: Option<[u8; 8]>,
}

/// The COOKIE option's code.
pub const COOKIE: u16 = 10;

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
        let (edns, opt_len) = match u16_at(10) {
            0 => (None, 0),
            _ => {
                let (edns, len) = Self::opt(packet.get(question_end..)?)?;
                (Some(edns), len)
            }
        };
        let end = question_end + opt_len;
        if end != packet.len() {
            return None;
        }
        Some(Self { packet, flags: flags & 0x0110, lower, name_len, label_starts, labels, qtype, question_end, edns })
    }

    /// An OPT record of EDNS version 0 with no option or one well-formed COOKIE (else: not
    /// plain), and its length.
    fn opt(record: &[u8]) -> Option<(Edns, usize)> {
        let rr = record.get(..11)?;
        let (root, rtype, payload, ext_rcode, version, flags, rdlen) =
            (rr[0], u16::from_be_bytes([rr[1], rr[2]]), u16::from_be_bytes([rr[3], rr[4]]), rr[5], rr[6], u16::from_be_bytes([rr[7], rr[8]]), u16::from_be_bytes([rr[9], rr[10]]));
        if root != 0 || rtype != types::OPT || ext_rcode != 0 || version != 0 {
            return None;
        }
        let cookie = match rdlen {
            0 => None,
            _ => {
                let option = record.get(11..11 + usize::from(rdlen))?;
                let (code, len) = (u16::from_be_bytes([option[0], *option.get(1)?]), u16::from_be_bytes([*option.get(2)?, *option.get(3)?]));
                // A client cookie alone (8), or with a server cookie of 8 to 32 bytes.
                let well_formed = len == 8 || (16..=40).contains(&len);
                if code != COOKIE || !well_formed || usize::from(len) + 4 != option.len() {
                    return None;
                }
                Some(option.get(4..12)?.try_into().ok()?)
            }
        };
        Some((Edns { payload, dnssec_ok: flags & 0x8000 != 0, cookie }, 11 + usize::from(rdlen)))
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
        assert_eq!(q.edns, Some(Edns { payload: 1232, dnssec_ok: true, cookie: None }));
        assert_eq!(q.label_count(), 3);
        assert_eq!(q.suffix_offset(2), Some(16), "example.com starts after \\x03www");
        assert_eq!(q.suffix_offset(3), Some(12));
        assert_eq!(q.suffix_offset(0), None);
        let packet = bytes(&message("example.com.", RecordType::A, None));
        assert!(Query::parse(&packet).is_some_and(|q| q.edns.is_none() && q.question_end == packet.len()));
    }

    #[test]
    fn a_cookie_is_the_one_option_read_here() {
        let with = |option: &[u8]| {
            let mut packet = bytes(&message("example.com.", RecordType::A, Some(1232)));
            let at = packet.len() - 2;
            packet[at..].copy_from_slice(&(option.len() as u16).to_be_bytes());
            packet.extend_from_slice(option);
            packet
        };
        let client = with(b"\x00\x0a\x00\x08abcdefgh");
        assert_eq!(Query::parse(&client).and_then(|q| q.edns).and_then(|e| e.cookie), Some(*b"abcdefgh"));
        let mut both = b"\x00\x0a\x00\x18abcdefgh".to_vec();
        both.extend_from_slice(&[1; 16]);
        assert_eq!(Query::parse(&with(&both)).and_then(|q| q.edns).and_then(|e| e.cookie), Some(*b"abcdefgh"));
        // Malformed lengths (RFC 7873 section 5.2.2) and other options go to the full decoder.
        for option in [&b"\x00\x0a\x00\x09abcdefghi"[..], b"\x00\x0a\x00\x07abcdefg", b"\x00\x08\x00\x04\x00\x01\x18\x00", b"\x00\x0a\x00\x08abcd"] {
            assert!(Query::parse(&with(option)).is_none(), "{option:?}");
        }
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
