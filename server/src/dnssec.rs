//! DNSSEC keys: a zone's combined signing key (CSK, RFC 6781 §3.1.4), made and used with
//! ring — ECDSA P-256/SHA-256 (algorithm 13) by default, Ed25519 (15) on request. The private
//! half is PKCS#8, kept in the database (and so in backups) and never returned by any API;
//! the public half gives the DNSKEY record, its key tag and the DS record for the parent.

use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};

use crate::error::{Error, Result};

/// DNSKEY flags of a combined signing key: zone key (256) and secure entry point (1).
pub const CSK_FLAGS: u16 = 257;
/// The DNSKEY protocol field, always 3 (RFC 4034 §2.1.2).
const PROTOCOL: u8 = 3;
/// DS digest type SHA-256 (RFC 4509).
pub const DIGEST_SHA256: u8 = 2;

/// The signing algorithms offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// ECDSA P-256 with SHA-256 (13): small signatures, what most zones use.
    EcdsaP256Sha256,
    /// Ed25519 (15).
    Ed25519,
}

impl Algorithm {
    pub fn number(self) -> u8 {
        match self {
            Self::EcdsaP256Sha256 => 13,
            Self::Ed25519 => 15,
        }
    }

    pub fn from_number(number: u8) -> Result<Self> {
        match number {
            13 => Ok(Self::EcdsaP256Sha256),
            15 => Ok(Self::Ed25519),
            other => Err(Error::Invalid(format!("DNSSEC algorithm {other} is not supported (13 or 15)"))),
        }
    }

    /// `ecdsap256sha256` / `13`, `ed25519` / `15`.
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ecdsap256sha256" | "ecdsa" | "13" => Ok(Self::EcdsaP256Sha256),
            "ed25519" | "15" => Ok(Self::Ed25519),
            other => Err(Error::Invalid(format!("DNSSEC algorithm {other:?}: use ecdsap256sha256 (13) or ed25519 (15)"))),
        }
    }
}

enum Pair {
    Ecdsa(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

/// A zone's signing key, ready to sign.
pub struct ZoneKey {
    pub algorithm: Algorithm,
    pair: Pair,
    /// The public key as DNSKEY carries it: x‖y for P-256 (RFC 6605), the 32 bytes for Ed25519.
    public: Vec<u8>,
    rng: SystemRandom,
}

impl std::fmt::Debug for ZoneKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZoneKey").field("algorithm", &self.algorithm).field("tag", &self.tag()).finish_non_exhaustive()
    }
}

/// A new private key (PKCS#8) for `algorithm`.
pub fn generate(algorithm: Algorithm) -> Result<Vec<u8>> {
    let rng = SystemRandom::new();
    let document = match algorithm {
        Algorithm::EcdsaP256Sha256 => EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng),
        Algorithm::Ed25519 => Ed25519KeyPair::generate_pkcs8(&rng),
    }
    .map_err(|_| Error::Unavailable("cannot make a DNSSEC key".into()))?;
    Ok(document.as_ref().to_vec())
}

impl ZoneKey {
    /// The key from its stored private half.
    pub fn from_pkcs8(algorithm: Algorithm, pkcs8: &[u8]) -> Result<Self> {
        let rng = SystemRandom::new();
        let bad = |_| Error::Unavailable("a stored DNSSEC key is unreadable".into());
        let (pair, public) = match algorithm {
            Algorithm::EcdsaP256Sha256 => {
                let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8, &rng).map_err(bad)?;
                // ring gives the uncompressed point 0x04‖x‖y.
                let public = pair.public_key().as_ref().get(1..).unwrap_or_default().to_vec();
                (Pair::Ecdsa(pair), public)
            }
            Algorithm::Ed25519 => {
                let pair = Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).map_err(bad)?;
                let public = pair.public_key().as_ref().to_vec();
                (Pair::Ed25519(pair), public)
            }
        };
        Ok(Self { algorithm, pair, public, rng })
    }

    /// The DNSKEY record's data: flags, protocol, algorithm, public key.
    pub fn dnskey_rdata(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + self.public.len());
        out.extend_from_slice(&CSK_FLAGS.to_be_bytes());
        out.push(PROTOCOL);
        out.push(self.algorithm.number());
        out.extend_from_slice(&self.public);
        out
    }

    /// The key tag (RFC 4034 Appendix B).
    pub fn tag(&self) -> u16 {
        key_tag(&self.dnskey_rdata())
    }

    /// The DS record's data for the zone whose lower-case wire name is `owner`: key tag,
    /// algorithm, digest type 2 and SHA-256(owner ‖ DNSKEY data) (RFC 4509).
    pub fn ds_rdata(&self, owner: &[u8]) -> Vec<u8> {
        let dnskey = self.dnskey_rdata();
        let mut input = owner.to_vec();
        input.extend_from_slice(&dnskey);
        let digest = ring::digest::digest(&ring::digest::SHA256, &input);
        let mut out = Vec::with_capacity(4 + 32);
        out.extend_from_slice(&key_tag(&dnskey).to_be_bytes());
        out.push(self.algorithm.number());
        out.push(DIGEST_SHA256);
        out.extend_from_slice(digest.as_ref());
        out
    }

    /// The signature over `data` in DNSSEC's format (r‖s for ECDSA, RFC 6605 §4).
    pub fn sign(&self, data: &[u8]) -> Vec<u8> {
        match &self.pair {
            Pair::Ecdsa(pair) => pair.sign(&self.rng, data).map(|s| s.as_ref().to_vec()).unwrap_or_default(),
            Pair::Ed25519(pair) => pair.sign(data).as_ref().to_vec(),
        }
    }
}

/// RFC 4034 Appendix B: the one's-complement-like sum over the DNSKEY data.
pub fn key_tag(dnskey: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for (i, &b) in dnskey.iter().enumerate() {
        sum += if i & 1 == 0 { u32::from(b) << 8 } else { u32::from(b) };
    }
    sum += (sum >> 16) & 0xffff;
    (sum & 0xffff) as u16
}

/// A DS record in presentation format: `NAME. IN DS TAG ALG 2 HEX`.
pub fn ds_line(zone: &crate::names::DomainName, ds_rdata: &[u8]) -> String {
    let (tag, rest) = ds_rdata.split_at(2.min(ds_rdata.len()));
    let tag = u16::from_be_bytes([tag.first().copied().unwrap_or(0), tag.get(1).copied().unwrap_or(0)]);
    let algorithm = rest.first().copied().unwrap_or(0);
    let digest_type = rest.get(1).copied().unwrap_or(0);
    let digest: String = rest.get(2..).unwrap_or_default().iter().map(|b| format!("{b:02X}")).collect();
    format!("{zone}. IN DS {tag} {algorithm} {digest_type} {digest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_tag_of_rfc_4034s_example_key() {
        // RFC 4034 §5.4: dskey.example.com.'s DNSKEY (256 3 5 …) has key tag 60485.
        let public = data_encoding::BASE64
            .decode(
                b"AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==",
            )
            .unwrap_or_default();
        let mut dnskey = vec![1, 0, 3, 5];
        dnskey.extend_from_slice(&public);
        assert_eq!(key_tag(&dnskey), 60485);
    }

    #[test]
    fn keys_sign_and_their_signatures_verify() -> Result<()> {
        for algorithm in [Algorithm::EcdsaP256Sha256, Algorithm::Ed25519] {
            let key = ZoneKey::from_pkcs8(algorithm, &generate(algorithm)?)?;
            let signature = key.sign(b"data");
            let public = key.dnskey_rdata()[4..].to_vec();
            let verified = match algorithm {
                Algorithm::EcdsaP256Sha256 => {
                    let mut point = vec![4];
                    point.extend_from_slice(&public);
                    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_FIXED, point).verify(b"data", &signature)
                }
                Algorithm::Ed25519 => ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, public).verify(b"data", &signature),
            };
            assert!(verified.is_ok(), "{algorithm:?}");
            assert_eq!(signature.len(), 64);
            let ds = key.ds_rdata(b"\x07example\x00");
            assert_eq!((ds.len(), ds[2], ds[3]), (36, algorithm.number(), 2));
        }
        Ok(())
    }
}
