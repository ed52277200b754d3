//! How the model's typed values are written to and read from SQLite columns: ids as text,
//! names and record types in their canonical spelling. A stored value that no longer parses
//! is reported as a conversion error of its row, never silently changed.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::model::{ChannelId, HostId, RecordId, Scopes, TokenId, TsigKeyId, UpdaterId, UserId, ZoneId};
use crate::names::DomainName;
use crate::records::RecordKind;

macro_rules! text_column {
    ($($name:ty),*) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value.as_str().map(<$name>::from)
            }
        }
    )*};
}

text_column!(UserId, ZoneId, HostId, TokenId, RecordId, UpdaterId, TsigKeyId, ChannelId);

impl ToSql for DomainName {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for DomainName {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        DomainName::parse(value.as_str()?).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl ToSql for RecordKind {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for RecordKind {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        RecordKind::parse(value.as_str()?).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl FromSql for Scopes {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Ok(Scopes::from_stored(value.as_str()?))
    }
}
