//! An account: who owns hostnames, domains, tokens and keys.

use super::UserId;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct Account {
    pub id: UserId,
    pub email: String,
    pub is_admin: bool,
    /// The plan's name (a key of the configuration's `plans`).
    pub plan: String,
    /// argon2id, PHC string.
    pub password_hash: String,
    /// Raised to end every session issued before (password change, "log out everywhere").
    pub session_version: i64,
    pub disabled: bool,
    pub created_at: i64,
    /// Whether logins need a second factor (a TOTP code or a recovery code).
    pub totp_enabled: bool,
}

/// An e-mail address exactly as the API document's pattern describes it ([`EMAIL_PATTERN`]):
/// one `@`, something before it, a dot after it, no blank (space, tab, line break), at most
/// 254 characters.
pub fn parse_email(email: &str) -> Result<String> {
    let valid = email.chars().count() <= MAX_EMAIL
        && !email.contains([' ', '\t', '\n', '\r', '\u{b}', '\u{c}'])
        && email.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && !domain.contains('@') && domain.contains('.'));
    if valid { Ok(email.to_string()) } else { Err(Error::Invalid(format!("'{email}' is not an e-mail address"))) }
}

/// Longest e-mail address.
pub const MAX_EMAIL: usize = 254;
/// What an e-mail address looks like (an ECMA-262 regular expression, for the API document).
pub const EMAIL_PATTERN: &str = r"^[^@ \t\n\r\f\v]+@[^@ \t\n\r\f\v]*\.[^@ \t\n\r\f\v]*$";
