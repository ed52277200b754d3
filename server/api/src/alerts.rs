//! Alerts: an account's channels (webhook, ntfy, Gotify, e-mail) and when it is told.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /api/alerts/channels`. `url` for webhook (with an optional `secretHeader` and
/// `secret`), ntfy (the topic's URL, optional access `token`) and Gotify (the server, with
/// an application `token`); `to` for e-mail.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewChannel {
    /// `webhook`, `ntfy`, `gotify` or `email`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(webhook|ntfy|gotify|email)$"))]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// A channel; its secret or token is never shown again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    pub id: String,
    pub kind: String,
    /// The URL, or the e-mail address.
    pub target: String,
    /// Whether a secret or token is kept for it.
    pub has_secret: bool,
    pub secret_header: Option<String>,
    pub created_at: String,
    pub last_sent_at: Option<String>,
    /// Why the last delivery failed, if it did.
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChannelList {
    pub channels: Vec<Channel>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChannelEnvelope {
    pub channel: Channel,
}

/// `POST /api/alerts/channels/{id}/test`: whether the test message arrived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChannelTest {
    pub delivered: bool,
    /// Why not, when it did not.
    pub error: Option<String>,
}

/// `GET|PATCH /api/alerts/settings`: when the account is told (0 turns a rule off).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AlertSettings {
    /// A host is stale after this many hours without a successful update (0: never).
    pub stale_after_hours: u32,
    /// A host is failing after this many failed updates in a row (0: never).
    pub failures_in_a_row: u32,
    /// Tell of every address change too.
    pub address_changes: bool,
}

/// `PATCH /api/alerts/settings`: absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AlertSettingsPatch {
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub stale_after_hours: Option<u32>,
    #[serde(default, deserialize_with = "crate::whole", skip_serializing_if = "Option::is_none")]
    pub failures_in_a_row: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_changes: Option<bool>,
}
