//! Alerts: the channels an account is told through, its alert settings, and messages
//! waiting to be sent.

use super::{ChannelId, UserId};

/// How a channel delivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelKind {
    /// An HTTP POST of a JSON document, optionally with a secret header.
    Webhook,
    /// An ntfy topic URL (`https://ntfy.sh/my-topic`), optionally with an access token.
    Ntfy,
    /// A Gotify server with an application token.
    Gotify,
    /// An e-mail address, through the appliance's SMTP settings.
    Email,
}

impl ChannelKind {
    pub const ALL: [Self; 4] = [Self::Webhook, Self::Ntfy, Self::Gotify, Self::Email];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Webhook => "webhook",
            Self::Ntfy => "ntfy",
            Self::Gotify => "gotify",
            Self::Email => "email",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// One way of telling an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    pub id: ChannelId,
    pub user_id: UserId,
    pub kind: ChannelKind,
    /// The URL, or the e-mail address.
    pub target: String,
    /// A webhook's secret header value, an ntfy access token or a Gotify application token.
    pub secret: Option<String>,
    /// The webhook header the secret goes in.
    pub secret_header: Option<String>,
    pub created_at: i64,
    pub last_sent_at: Option<i64>,
    /// Why the last delivery failed, if it did.
    pub last_error: Option<String>,
}

/// When an account is told of what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertSettings {
    /// A host is stale after this many hours without a successful update (0: never).
    pub stale_after_hours: u32,
    /// A host is failing after this many failed updates in a row (0: never).
    pub failures_in_a_row: u32,
    /// Tell of every address change too.
    pub address_changes: bool,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self { stale_after_hours: 25, failures_in_a_row: 5, address_changes: false }
    }
}

/// A message waiting for delivery through one channel.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub id: i64,
    pub channel: Channel,
    /// `host.stale`, `host.failing`, `domain.delegation`, `host.address`, `test`.
    pub event: String,
    pub title: String,
    pub body: String,
    /// The webhook's JSON document.
    pub payload: String,
    pub tries: u32,
}
