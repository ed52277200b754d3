//! Account passwords: argon2id, with the parameters kept in the PHC string.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString, rand_core::OsRng};
use argon2::Argon2;

use crate::error::{Error, Result};

/// Shortest and longest password, in characters.
pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 1024;

/// Hashes a new password after checking it is acceptable.
pub fn hash(password: &str) -> Result<String> {
    if password.chars().count() < MIN_LEN {
        return Err(Error::Invalid(format!("a password needs at least {MIN_LEN} characters")));
    }
    if password.chars().count() > MAX_LEN {
        return Err(Error::Invalid(format!("a password may have at most {MAX_LEN} characters")));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Invalid(format!("cannot hash password: {e}")))
}

/// Checks a password against a stored hash (the comparison inside argon2 is constant-time).
pub fn verify(password: &str, stored: &str) -> bool {
    password.chars().count() <= MAX_LEN
        && PasswordHash::new(stored)
            .is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() -> Result<()> {
        let stored = hash("correct horse battery")?;
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("wrong horse battery", &stored));
        assert!(hash("short").is_err());
        Ok(())
    }
}
