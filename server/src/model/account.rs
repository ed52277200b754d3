//! An account: who owns hostnames, domains, tokens and keys.

use super::UserId;

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
}
