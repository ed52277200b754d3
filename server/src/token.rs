//! Update tokens: random secrets shown once, stored only as SHA-256 hashes with a short
//! display prefix.

use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// Every token starts with this, so that a leaked one is recognisable in logs and scanners.
pub const TOKEN_PREFIX: &str = "pth_";
/// How many characters of a token are kept in clear for listings.
const DISPLAY_LEN: usize = 10;

/// A freshly made secret; it exists in clear only until it has been shown once.
pub struct NewToken {
    pub secret: String,
    pub hash: String,
    pub prefix: String,
}

/// Makes a token of 192 random bits.
pub fn generate() -> NewToken {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{TOKEN_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    NewToken { hash: hash(&secret), prefix: secret.chars().take(DISPLAY_LEN).collect(), secret }
}

/// Makes a token of 256 random bits written as 64 lower-case hex digits (the format of
/// HostUp's updater tokens).
pub fn generate_hex() -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    NewToken { hash: hash(&secret), prefix: secret.chars().take(DISPLAY_LEN).collect(), secret }
}

/// The stored form of a secret.
pub fn hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two hashes without leaking where they differ.
pub fn hashes_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Whether a string could be a secret at all (cheap filter before hashing and lookup).
pub fn plausible(candidate: &str) -> bool {
    (8..=256).contains(&candidate.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let a = generate();
        let b = generate();
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with(TOKEN_PREFIX));
        assert_eq!(a.secret.len(), TOKEN_PREFIX.len() + 32);
        assert_eq!(a.hash, hash(&a.secret));
        assert!(hashes_match(&a.hash, &hash(&a.secret)));
        assert!(!hashes_match(&a.hash, &b.hash));
        assert!(a.secret.starts_with(&a.prefix));
    }
}
