//! TSIG keys for RFC 2136 updates and signed transfers. A key belongs to one account and
//! writes only where that account may write (its hostnames, the names below them, its
//! custom domains), narrowed further by the key's own allow list, e.g. only
//! `_acme-challenge.*` TXT for a certificate client.

use base64::Engine as _;

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::dns::tsig::{self, Algorithm};
use crate::error::{Error, Result};
use crate::model::{Account, TsigKey, TsigKeyId};
use crate::names::DomainName;
use crate::records::RecordKind;
use crate::store;

/// Most keys one account may have.
const MAX_KEYS: usize = 50;

/// One allow-list entry: a name pattern (`*` matches any run of characters) and a record
/// type (`None`: any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pattern: String,
    kind: Option<RecordKind>,
}

impl Rule {
    /// `PATTERN:TYPE`, `PATTERN:*` or `PATTERN`.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let (pattern, kind) = match text.rsplit_once(':') {
            Some((p, "*")) => (p, None),
            Some((p, t)) => (p, Some(RecordKind::parse(t).map_err(|e| Error::Invalid(format!("allow {text:?}: {e}")))?)),
            None => (text, None),
        };
        let pattern = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
        let valid = !pattern.is_empty() && pattern.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*'));
        if !valid {
            return Err(Error::Invalid(format!("allow {text:?}: expected NAME-PATTERN:TYPE, e.g. '_acme-challenge.*:TXT'")));
        }
        Ok(Self { pattern, kind })
    }

    pub fn permits(&self, name: &DomainName, kind: Option<RecordKind>) -> bool {
        let kind_ok = match (self.kind, kind) {
            (None, _) => true,
            (Some(mine), Some(theirs)) => mine == theirs,
            (Some(_), None) => false,
        };
        kind_ok && glob(&self.pattern, name.as_str())
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            Some(kind) => write!(f, "{}:{kind}", self.pattern),
            None => write!(f, "{}:*", self.pattern),
        }
    }
}

/// `*` matches any run of characters, dots included.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            let Some(tail) = text.strip_prefix(head) else { return false };
            (0..=tail.len()).filter(|i| tail.is_char_boundary(*i)).any(|i| glob(rest, &tail[i..]))
        }
    }
}

impl Rule {
    /// The fixed part of the pattern: the whole name without a `*`, else what follows the
    /// last `*.` (`*.lab.example.com` → `lab.example.com`), when that is a name.
    fn fixed_suffix(&self) -> Option<DomainName> {
        let fixed = match self.pattern.rsplit_once('*') {
            None => self.pattern.as_str(),
            Some((_, rest)) => rest.strip_prefix('.')?,
        };
        DomainName::parse(fixed).ok().filter(|n| n.as_str().contains('.'))
    }
}

pub fn rules(key: &TsigKey) -> Vec<Rule> {
    key.allow.lines().filter_map(|l| Rule::parse(l).ok()).collect()
}

/// A new key; the secret exists in the answer only this once.
pub struct Created {
    pub key: TsigKey,
    /// `algorithm:name:secret`, the form `nsupdate -y` takes.
    pub nsupdate: String,
}

pub fn create(ctx: &Context, caller: &Caller, name: &str, algorithm: &str, allow: &[String]) -> Result<Created> {
    let user = caller.may(Permission::ManageCredentials)?;
    let name = DomainName::parse(name.trim().trim_end_matches('.')).map_err(|e| Error::Invalid(format!("Key name: {e}")))?;
    let algorithm = Algorithm::parse(algorithm).ok_or_else(|| {
        let known: Vec<&str> = tsig::ALGORITHMS.iter().map(|a| a.as_str()).collect();
        Error::Invalid(format!("Unknown algorithm {algorithm:?}; use one of {}", known.join(", ")))
    })?;
    let rules = allow.iter().map(|a| Rule::parse(a)).collect::<Result<Vec<_>>>()?;
    let mut secret = vec![0u8; algorithm.mac_len()];
    rand::Fill::fill(secret.as_mut_slice(), &mut rand::rng());
    let secret = base64::engine::general_purpose::STANDARD.encode(secret);
    let key = TsigKey {
        id: TsigKeyId::random(),
        user_id: user.id.clone(),
        name: name.to_string(),
        algorithm: algorithm.as_str().to_string(),
        secret,
        allow: rules.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
        created_at: crate::clock::now(),
        last_used_at: None,
    };
    ctx.store.write(|tx| {
        for rule in &rules {
            refuse_others_names(ctx, tx, user, rule)?;
        }
        if store::tsig_keys::find_by_name(tx, &key.name)?.is_some() {
            return Err(Error::Conflict(format!("A TSIG key named {name} already exists")));
        }
        if store::tsig_keys::by_user(tx, &user.id)?.len() >= MAX_KEYS {
            return Err(Error::PlanLimit(format!("An account may have at most {MAX_KEYS} TSIG keys")));
        }
        store::tsig_keys::insert(tx, &key)?;
        store::history::event(tx, Some(&user.id), "TSIG key created", &key.name, &key.algorithm, "api")
    })?;
    let nsupdate = format!("{}:{}:{}", key.algorithm, key.name, key.secret);
    Ok(Created { key, nsupdate })
}

/// A permission naming (with its fixed part) a name of another account is refused: a key
/// can never reach there anyway, and saying so at once beats a key that silently fails.
fn refuse_others_names(ctx: &Context, conn: &store::Conn, user: &Account, rule: &Rule) -> Result<()> {
    let Some(fixed) = rule.fixed_suffix() else { return Ok(()) };
    let Ok(zone) = crate::zones::served_containing(ctx, conn, &fixed) else { return Ok(()) };
    match crate::ownership::owner(conn, &zone, &fixed)? {
        crate::ownership::Owner::Account { id, .. } if id != user.id => {
            Err(Error::Forbidden(format!("allow {rule}: {fixed} belongs to another account")))
        }
        _ => Ok(()),
    }
}

pub fn list(ctx: &Context, caller: &Caller) -> Result<Vec<TsigKey>> {
    let user = caller.may(Permission::ManageCredentials)?;
    ctx.store.read(|c| store::tsig_keys::by_user(c, &user.id))
}

/// Every key of every account, with its owner's e-mail (the command line's listing).
pub fn list_all(ctx: &Context) -> Result<Vec<(TsigKey, String)>> {
    ctx.store.read(|c| {
        let mut all = Vec::new();
        for (user, _) in store::users::list_with_counts(c)? {
            all.extend(store::tsig_keys::by_user(c, &user.id)?.into_iter().map(|k| (k, user.email.clone())));
        }
        Ok(all)
    })
}

pub fn delete(ctx: &Context, caller: &Caller, id: &TsigKeyId) -> Result<()> {
    let user = caller.may(Permission::ManageCredentials)?;
    ctx.store.write(|tx| {
        let name = store::tsig_keys::by_user(tx, &user.id)?.into_iter().find(|k| k.id == *id).map(|k| k.name);
        if !store::tsig_keys::delete(tx, &user.id, id)? {
            return Err(Error::NotFound("TSIG key"));
        }
        store::history::event(tx, Some(&user.id), "TSIG key deleted", name.as_deref().unwrap_or(id.as_str()), "", "api")
    })
}

/// The key as the DNS layer uses it.
pub fn find(ctx: &Context, name: &str) -> Option<(TsigKey, tsig::Key)> {
    let row = ctx.store.read(|c| store::tsig_keys::find_by_name(c, name)).ok().flatten()?;
    let algorithm = Algorithm::parse(&row.algorithm)?;
    let secret = base64::engine::general_purpose::STANDARD.decode(&row.secret).ok()?;
    let key = tsig::Key { name: row.name.clone(), algorithm, secret };
    Some((row, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_names_and_types() -> Result<()> {
        let acme = Rule::parse("_acme-challenge.*:TXT")?;
        let host = DomainName::parse("_acme-challenge.home.dyn.example.com")?;
        assert!(acme.permits(&host, Some(RecordKind::Txt)));
        assert!(!acme.permits(&host, Some(RecordKind::A)));
        assert!(!acme.permits(&host, None), "deleting every type needs a rule for every type");
        assert!(!acme.permits(&DomainName::parse("home.dyn.example.com")?, Some(RecordKind::Txt)));
        let any = Rule::parse("*.lab.example.com")?;
        assert!(any.permits(&DomainName::parse("a.b.lab.example.com")?, Some(RecordKind::Aaaa)));
        assert!(!any.permits(&DomainName::parse("lab.example.com")?, Some(RecordKind::Aaaa)));
        assert!(Rule::parse("bad name:TXT").is_err());
        assert!(Rule::parse("x.example:NOPE").is_err());
        assert_eq!(Rule::parse("X.Example.:txt")?.to_string(), "x.example:TXT");
        Ok(())
    }
}
