//! Accounts and sessions: register, log in, first-run setup, the signed-in account.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// An account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub email: String,
    /// The plan's name, e.g. `free`.
    pub plan: String,
    pub is_admin: bool,
    pub created_at: String,
    /// Whether signing in needs a second factor (a TOTP code or a recovery code).
    #[serde(default)]
    pub totp_enabled: bool,
}

/// `POST /api/auth/register`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Registration {
    pub email: String,
    pub password: String,
    /// An administrator's invitation code, needed while registration is closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invite: Option<String>,
}

/// `POST /api/auth/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Login {
    pub email: String,
    pub password: String,
    /// For an account with two-factor sign-in on: the authenticator app's current code, or
    /// one of the recovery codes (each works once). Without it such a login is refused with
    /// the error code `TOTP_REQUIRED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A session: the token to send as `Authorization: Bearer …`, and its account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Session {
    pub token: String,
    pub user: User,
}

/// A fresh session token (after a password change every other session ends).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionToken {
    pub token: String,
}

/// `GET /api/setup`: whether the first administrator still has to be made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SetupStatus {
    pub needed: bool,
}

/// `POST /api/setup`: the first administrator, with the code the appliance printed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Setup {
    pub code: String,
    pub email: String,
    pub password: String,
}

/// `POST /api/auth/link`: a partner's single-use login link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoginLink {
    pub code: String,
}

/// `POST /api/me/password`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// `POST /api/me/totp`: a new TOTP secret (RFC 6238: SHA-1, 6 digits, 30 s) for the
/// authenticator app, not needed at login until confirmed with a code of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TotpEnrolment {
    /// Base32, to type into the app.
    pub secret: String,
    /// `otpauth://totp/…`, what a QR code for the app carries.
    pub uri: String,
}

/// `POST /api/me/totp/confirm`: a code of the waiting secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TotpConfirmation {
    pub code: String,
}

/// Two-factor sign-in is on: single-use codes for when the authenticator is not at hand,
/// shown only this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// `DELETE /api/me/totp`: confirmed with the password and a current code (or a recovery code).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TotpRemoval {
    pub password: String,
    pub code: String,
}

/// `DELETE /api/me`: confirmed with the password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountDeletion {
    pub password: String,
}

/// One line of the account's event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LogEntry {
    pub at: String,
    /// What happened: `login`, `hostname created`, `address A`, …
    pub kind: String,
    pub subject: String,
    pub detail: String,
    pub source: Option<String>,
}

/// `GET /api/logs`: newest first, one page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LogPage {
    pub logs: Vec<LogEntry>,
    pub page: u32,
    pub per_page: u32,
}
