//! Administration: accounts, invitations and the appliance's settings.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::User;

/// An account as administrators see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ManagedUser {
    #[serde(flatten)]
    pub user: User,
    pub disabled: bool,
    /// How many hostnames it has (in listings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostnames: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ManagedUserList {
    pub users: Vec<ManagedUser>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ManagedUserEnvelope {
    pub user: ManagedUser,
}

/// `PATCH /api/admin/users/{id}`: absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserPatch {
    /// A disabled account cannot log in, and its tokens stop working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

/// `POST /api/admin/users`: a new account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    pub password: String,
    /// An administrator (default: no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<bool>,
    /// The plan's name (default: `free`, or `admin` for an administrator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

/// `POST /api/admin/users/{id}/password`: the account's sessions end.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
    /// Also turn off the account's two-factor sign-in (its authenticator and recovery codes
    /// are lost). Default: it stays on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear_totp: Option<bool>,
}

/// `POST /api/admin/invites`: optionally for one e-mail address only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewInvite {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A single-use invitation to register; the code is shown only this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Invite {
    pub code: String,
    pub email: Option<String>,
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InviteEnvelope {
    pub invite: Invite,
}

/// A plan accounts can be on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PlanInfo {
    pub name: String,
    pub title: String,
}

/// The HTTPS certificate in use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TlsInfo {
    pub certificate: String,
    pub self_signed: bool,
    /// SHA-256 fingerprint, to compare with what a browser shows.
    pub sha256: String,
}

/// `GET /api/admin/settings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub registration_open: bool,
    pub plans: Vec<PlanInfo>,
    /// The HTTPS listener, when on.
    pub https: Option<String>,
    pub tls: Option<TlsInfo>,
    /// The base URL routers reach the appliance at (null: not set yet).
    pub public_url: Option<String>,
    /// Whether the configuration sets it (then it cannot be changed here).
    pub public_url_from_config: bool,
}

/// `PATCH /api/admin/settings`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_open: Option<bool>,
    /// The base URL routers reach the appliance at, e.g. `http://192.168.1.2:8080`; an
    /// empty string unsets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
}

/// `GET /api/appliance`: what every signed-in account may know of the appliance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Appliance {
    pub version: String,
    /// The base URL routers reach the appliance at (null: not set yet; snippets then use
    /// the address the page was opened at, with a warning).
    pub public_url: Option<String>,
    /// Why the appliance cannot save changes now (the disk is full, read-only or failing);
    /// null while all is well. Updates are refused meanwhile; DNS keeps answering.
    #[serde(default)]
    pub storage_problem: Option<String>,
}
