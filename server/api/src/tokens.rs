//! Tokens (the ipdock document, section 7) and TSIG keys: credentials, whose secrets are
//! shown once, when made.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A token as listings show it: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Token {
    pub id: String,
    pub label: String,
    /// The secret's first characters, to recognise it by.
    pub prefix: String,
    /// Set for a hostname token: it updates that hostname only.
    pub hostname_id: Option<String>,
    /// An API key's scopes: `read:domains`, `write:domains`, `write:records`, `update`,
    /// `partner` (a hostname token has `update`).
    pub scopes: Vec<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// A token with its secret, shown only when made or regenerated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IssuedToken {
    #[serde(flatten)]
    pub token: Token,
    pub token_value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TokenList {
    pub tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct IssuedTokenEnvelope {
    pub token: IssuedToken,
}

/// `POST /api/tokens`: a hostname token (`hostnameId`) or an account API key (`scopes`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewToken {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname_id: Option<String>,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// A TSIG key as listings show it: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TsigKey {
    pub id: String,
    pub name: String,
    /// `hmac-sha256` and the like.
    pub algorithm: String,
    /// `PATTERN:TYPE` entries narrowing what the key may change (empty: whatever its
    /// account may).
    pub allow: Vec<String>,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// A new TSIG key with its secret, shown only this once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedTsigKey {
    #[serde(flatten)]
    pub key: TsigKey,
    /// Base64.
    pub secret: String,
    /// `algorithm:name:secret`, as `nsupdate -y` takes it.
    pub nsupdate: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TsigKeyList {
    pub keys: Vec<TsigKey>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreatedTsigKeyEnvelope {
    pub key: CreatedTsigKey,
}

/// `POST /api/tsig-keys`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewTsigKey {
    pub name: String,
    /// hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256 (the default), hmac-sha384,
    /// hmac-sha512.
    #[serde(default = "default_algorithm")]
    pub algorithm: String,
    #[serde(default)]
    pub allow: Vec<String>,
}

fn default_algorithm() -> String {
    "hmac-sha256".into()
}
