//! ACME DNS-01: which tokens may write challenge records. A hostname token may write only
//! TXT at `_acme-challenge.<its host>`; an account API key with `write:records` may write
//! whatever the records rules let its account edit.

use crate::Context;
use crate::error::{Error, Result};
use crate::names::DomainName;
use crate::records::RecordKind;
use crate::store;
use crate::tokens::Caller;

/// Label under which ACME DNS-01 challenges live.
pub const CHALLENGE_LABEL: &str = "_acme-challenge";

/// Whether `caller` may write a `kind` record at `name`.
pub fn may_write(ctx: &Context, caller: &Caller, name: &DomainName, kind: RecordKind) -> Result<()> {
    let Some(host_id) = caller.host_id() else {
        return caller.require("write:records");
    };
    let host = ctx.store.read(|c| store::hostnames::find_by_id(c, host_id))?.ok_or(Error::BadAuth)?;
    let challenge = DomainName::parse(&host.name)?.child(CHALLENGE_LABEL)?;
    if kind == RecordKind::Txt && *name == challenge {
        Ok(())
    } else {
        Err(Error::Forbidden(format!("This hostname token may only write TXT records at {challenge}")))
    }
}
