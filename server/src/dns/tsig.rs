//! TSIG (RFC 8945): checking signed requests and signing their answers, with every HMAC
//! that DNS clients use (md5 and sha1 are what nsupdate and certbot default to).

use hickory_proto::op::{Header, Query};
use hickory_proto::rr::rdata::tsig::{TSIG, TsigAlgorithm, TsigError, make_tsig_record};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use hickory_proto::serialize::binary::{BinDecodable, BinDecoder, BinEncodable, BinEncoder};
use hmac::{Hmac, Mac};

/// Seconds a signature's time may differ from ours (RFC 8945 recommends 300).
pub const FUDGE: u16 = 300;

/// The HMAC algorithms a key may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    HmacMd5,
    HmacSha1,
    HmacSha224,
    HmacSha256,
    HmacSha384,
    HmacSha512,
}

pub const ALGORITHMS: [Algorithm; 6] =
    [Algorithm::HmacMd5, Algorithm::HmacSha1, Algorithm::HmacSha224, Algorithm::HmacSha256, Algorithm::HmacSha384, Algorithm::HmacSha512];

impl Algorithm {
    /// The name as nsupdate and BIND key files spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HmacMd5 => "hmac-md5",
            Self::HmacSha1 => "hmac-sha1",
            Self::HmacSha224 => "hmac-sha224",
            Self::HmacSha256 => "hmac-sha256",
            Self::HmacSha384 => "hmac-sha384",
            Self::HmacSha512 => "hmac-sha512",
        }
    }

    /// Accepts the short names and the wire names (`hmac-md5.sig-alg.reg.int`), any case.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim_end_matches('.').to_ascii_lowercase();
        let text = text.strip_suffix(".sig-alg.reg.int").unwrap_or(&text);
        ALGORITHMS.into_iter().find(|a| a.as_str() == text)
    }

    /// Length of the full MAC in bytes.
    pub fn mac_len(self) -> usize {
        match self {
            Self::HmacMd5 => 16,
            Self::HmacSha1 => 20,
            Self::HmacSha224 => 28,
            Self::HmacSha256 => 32,
            Self::HmacSha384 => 48,
            Self::HmacSha512 => 64,
        }
    }

    pub fn mac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], data: &[u8]) -> Vec<u8> {
            let mut mac = <M as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        }
        match self {
            Self::HmacMd5 => run::<Hmac<md5::Md5>>(key, data),
            Self::HmacSha1 => run::<Hmac<sha1::Sha1>>(key, data),
            Self::HmacSha224 => run::<Hmac<sha2::Sha224>>(key, data),
            Self::HmacSha256 => run::<Hmac<sha2::Sha256>>(key, data),
            Self::HmacSha384 => run::<Hmac<sha2::Sha384>>(key, data),
            Self::HmacSha512 => run::<Hmac<sha2::Sha512>>(key, data),
        }
    }

    pub(super) fn wire(self) -> TsigAlgorithm {
        match self {
            Self::HmacMd5 => TsigAlgorithm::HmacMd5,
            Self::HmacSha1 => TsigAlgorithm::HmacSha1,
            Self::HmacSha224 => TsigAlgorithm::HmacSha224,
            Self::HmacSha256 => TsigAlgorithm::HmacSha256,
            Self::HmacSha384 => TsigAlgorithm::HmacSha384,
            Self::HmacSha512 => TsigAlgorithm::HmacSha512,
        }
    }
}

/// A shared secret as the server knows it.
#[derive(Debug, Clone)]
pub struct Key {
    /// Lower case, without the final dot.
    pub name: String,
    pub algorithm: Algorithm,
    pub secret: Vec<u8>,
}

/// A message that could not be read far enough to find its signature.
#[derive(Debug, Clone, Copy)]
pub struct Malformed;

/// The TSIG record of a request, with what its MAC covers.
pub struct Signed {
    pub key_name: Name,
    pub tsig: TSIG,
    /// The request as it was before signing, followed by the TSIG variables.
    covered: Vec<u8>,
}

impl Signed {
    /// Finds the TSIG record of a raw message (the last additional record) and rebuilds the
    /// bytes its MAC covers. `None`: the message is not signed. `Err`: it is malformed.
    pub fn parse(raw: &[u8]) -> Result<Option<Self>, Malformed> {
        let mut decoder = BinDecoder::new(raw);
        let Header { mut metadata, mut counts } = Header::read(&mut decoder).map_err(|_| Malformed)?;
        if counts.additionals == 0 {
            return Ok(None);
        }
        let start = raw.len() - decoder.len();
        for _ in 0..counts.queries {
            Query::read(&mut decoder).map_err(|_| Malformed)?;
        }
        let before = usize::from(counts.answers) + usize::from(counts.authorities) + usize::from(counts.additionals) - 1;
        for _ in 0..before {
            Record::read(&mut decoder).map_err(|_| Malformed)?;
        }
        let end = raw.len() - decoder.len();
        let record = Record::read(&mut decoder).map_err(|_| Malformed)?;
        let RData::TSIG(tsig) = record.data else {
            if record.record_type() == RecordType::TSIG {
                return Err(Malformed);
            }
            return Ok(None);
        };
        counts.additionals -= 1;
        metadata.id = tsig.oid;
        let mut covered = Vec::with_capacity(raw.len());
        let mut encoder = BinEncoder::new(&mut covered);
        Header { metadata, counts }.emit(&mut encoder).map_err(|_| Malformed)?;
        encoder.emit_vec(&raw[start..end]).map_err(|_| Malformed)?;
        tsig.emit_tsig_for_mac(&mut encoder, &record.name).map_err(|_| Malformed)?;
        Ok(Some(Self { key_name: record.name, tsig, covered }))
    }

    pub fn key_name(&self) -> String {
        self.key_name.to_ascii().trim_end_matches('.').to_ascii_lowercase()
    }

    /// Checks the MAC and the time (RFC 8945 §5.2). The error is the TSIG error to answer.
    pub fn verify(&self, key: Option<&Key>, now: u64) -> Result<(), TsigError> {
        let Some(key) = key.filter(|k| Algorithm::parse(&self.tsig.algorithm.to_name().to_ascii()) == Some(k.algorithm)) else {
            return Err(TsigError::BadKey);
        };
        let full = key.algorithm.mac(&key.secret, &self.covered);
        let given = &self.tsig.mac;
        // Truncated MACs are allowed down to half the hash and never below 10 bytes.
        if given.len() > full.len() || given.len() < (full.len() / 2).max(10) {
            return Err(TsigError::BadSig);
        }
        if !bool::from(subtle::ConstantTimeEq::ct_eq(&full[..given.len()], given.as_slice())) {
            return Err(TsigError::BadSig);
        }
        if now.abs_diff(self.tsig.time) > u64::from(self.tsig.fudge) {
            return Err(TsigError::BadTime);
        }
        Ok(())
    }
}

/// Signs the answers to one signed request: the first covers the request's MAC, later ones
/// (the messages of a zone transfer) the previous answer's MAC (RFC 8945 §5.3.1).
pub struct Signer {
    key: Key,
    key_name: Name,
    previous_mac: Vec<u8>,
    first: bool,
}

impl Signer {
    pub fn new(key: Key, request: &Signed) -> Self {
        Self { key, key_name: request.key_name.clone(), previous_mac: request.tsig.mac.clone(), first: true }
    }

    /// The TSIG record for an answer whose bytes (without it) are `message`.
    pub fn sign(&mut self, message: &[u8], now: u64) -> Record<TSIG> {
        let oid = u16::from_be_bytes([message[0], message[1]]);
        let stub = TSIG::new(self.key.algorithm.wire(), now, FUDGE, Vec::new(), oid, None, Vec::new());
        let mut data = Vec::with_capacity(message.len() + 128);
        let mut encoder = BinEncoder::new(&mut data);
        let emitted = (|| {
            encoder.emit_u16(self.previous_mac.len() as u16)?;
            encoder.emit_vec(&self.previous_mac)?;
            encoder.emit_vec(message)?;
            if self.first {
                stub.emit_tsig_for_mac(&mut encoder, &self.key_name)
            } else {
                encoder.emit_u16((now >> 32) as u16)?;
                encoder.emit_u32(now as u32)?;
                encoder.emit_u16(FUDGE)
            }
        })();
        if emitted.is_err() {
            tracing::warn!("could not encode TSIG data");
        }
        let mac = self.key.algorithm.mac(&self.key.secret, &data);
        self.previous_mac.clone_from(&mac);
        self.first = false;
        make_tsig_record(self.key_name.clone(), stub.set_mac(mac))
    }
}

/// The unsigned TSIG record that reports an error to a request that could not be verified.
pub fn error_record(request: &Signed, error: TsigError, now: u64) -> Record<TSIG> {
    let other = if error == TsigError::BadTime { now.to_be_bytes()[2..].to_vec() } else { Vec::new() };
    let tsig = TSIG::new(request.tsig.algorithm.clone(), request.tsig.time, request.tsig.fudge, Vec::new(), request.tsig.oid, Some(error), other);
    make_tsig_record(request.key_name.clone(), tsig)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_in_every_spelling() {
        assert_eq!(Algorithm::parse("HMAC-MD5.SIG-ALG.REG.INT."), Some(Algorithm::HmacMd5));
        assert_eq!(Algorithm::parse("hmac-sha224"), Some(Algorithm::HmacSha224));
        assert_eq!(Algorithm::parse("hmac-sha256-128"), None);
        for a in ALGORITHMS {
            assert_eq!(a.mac(b"k", b"m").len(), a.mac_len());
        }
    }

    #[test]
    fn rfc_4231_test_case_2() {
        // HMAC-SHA-256 with key "Jefe" and data "what do ya want for nothing?".
        let mac = Algorithm::HmacSha256.mac(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
