//! Identifiers, one type per kind of thing, so that a hostname's id can never be passed
//! where a zone's is expected. Ids arrive as text from URLs and are looked up as given: an
//! id that names nothing (or something the caller may not see) is simply not found.

use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// A fresh random id.
            pub fn random() -> Self {
                Self(uuid::Uuid::new_v4().to_string())
            }

            /// The id as it was written (a path segment, a stored value).
            pub fn from_text(text: impl Into<String>) -> Self {
                Self(text.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_string())
            }
        }
    };
}

id!(
    /// An account.
    UserId
);
id!(
    /// A zone: built-in (`00000000-0000-0000-0000-00000000000N`) or a custom domain.
    ZoneId
);
id!(
    /// A hostname.
    HostId
);
id!(
    /// A token: hostname token, updater token, API key or partner key.
    TokenId
);
id!(
    /// A DNS record.
    RecordId
);
id!(
    /// A per-hostname updater (`ddns_…`).
    UpdaterId
);
id!(
    /// A TSIG key.
    TsigKeyId
);
id!(
    /// An alert channel.
    ChannelId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_types_that_keep_their_text() {
        let a = HostId::random();
        assert_ne!(a, HostId::random());
        assert_eq!(HostId::from_text(a.as_str()), a);
        assert_eq!(format!("{:?}", ZoneId::from("z1")), "ZoneId(z1)");
        assert_eq!(UserId::from("u").to_string(), "u");
    }
}
