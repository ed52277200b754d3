//! The native management API on the wire (the ipdock document's shape): every request and
//! response body, as the server writes them and the web UI reads them. With the `openapi`
//! feature each type also describes itself as an OpenAPI schema, from which the server
//! builds `/api/openapi.json`.
//!
//! Names are camelCase on the wire; times are RFC 3339 strings in UTC; ids are opaque
//! strings. A field that may be absent in a request is an `Option`; a response field that
//! can be empty is `null` rather than missing, unless said otherwise.

#![forbid(unsafe_code)]

pub mod account;
pub mod admin;
pub mod alerts;
pub mod domains;
pub mod hostnames;
pub mod records;
pub mod tokens;
pub mod update;

pub use account::*;
pub use admin::*;
pub use alerts::*;
pub use domains::*;
pub use hostnames::*;
pub use records::*;
pub use tokens::*;
pub use update::*;

use serde::{Deserialize, Deserializer, Serialize};

/// Every error of the native API: the message, and for some a stable code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// What went wrong, in words for the person who caused it.
    pub error: String,
    /// `PLAN_LIMIT` when the account's plan does not allow this; at login, `TOTP_REQUIRED`
    /// when the account needs a second factor and none was given, `TOTP_INVALID` when the
    /// one given is wrong or was used already.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// True when a bigger plan would allow this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<bool>,
}

/// For PATCH fields that can be cleared: absent → `None` (leave it), `null` →
/// `Some(None)` (clear it), a value → `Some(Some(value))`.
pub fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Whole numbers as JSON Schema counts them: `60` and `60.0` alike (an `integer` is any
/// number without a fractional part). For optional fields: `#[serde(default, deserialize_with
/// = "porchlight_api::whole")]`.
pub fn whole<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    struct Whole;
    impl<'de> serde::de::Visitor<'de> for Whole {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a whole number")
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v).map(Some).map_err(|_| E::custom(format!("{v} is below zero")))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&v) {
                Ok(Some(v as u64))
            } else {
                Err(E::custom(format!("{v} is not a whole number")))
            }
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Whole)
        }
    }
    match d.deserialize_option(Whole)? {
        None => Ok(None),
        Some(n) => T::try_from(n).map(Some).map_err(|_| serde::de::Error::custom(format!("{n} is too large"))),
    }
}

/// As [`whole`] for PATCH fields that can be cleared: absent → `None`, `null` →
/// `Some(None)`, a whole number → `Some(Some(n))`.
pub fn whole_or_null<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    whole(d).map(Some)
}
