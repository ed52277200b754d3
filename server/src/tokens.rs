//! Tokens: hostname tokens (update one hostname) and account API keys with scopes. Secrets
//! are shown once, when made or regenerated; only their hashes are kept.

use crate::Context;
use crate::error::{Error, Result};
use crate::store::{self, tokens::TokenRow, users::UserRow};

/// Scopes an account API key may carry.
pub const SCOPES: [&str; 5] = ["read:domains", "write:domains", "write:records", "update", "partner"];
/// Scopes only administrators may give a key.
const ADMIN_SCOPES: [&str; 1] = ["partner"];
/// Longest label.
const MAX_LABEL: usize = 100;

/// A token with its secret, which exists in clear only in this value.
pub struct Issued {
    pub token: TokenRow,
    pub secret: String,
}

pub fn list(ctx: &Context, user: &UserRow) -> Result<Vec<TokenRow>> {
    ctx.store.read(|c| store::tokens::by_user(c, &user.id))
}

/// Makes a hostname token (`hostname_id` given: scope `update` on that hostname only) or an
/// account API key (`scopes` from [`SCOPES`]).
pub fn create(ctx: &Context, user: &UserRow, hostname_id: Option<&str>, label: &str, scopes: &[String]) -> Result<Issued> {
    let label = label.trim();
    if label.chars().count() > MAX_LABEL {
        return Err(Error::Invalid(format!("A label may have at most {MAX_LABEL} characters")));
    }
    let scopes = match hostname_id {
        Some(_) => "update".to_string(),
        None => validate_scopes(scopes)?,
    };
    if !user.is_admin && scopes.split_whitespace().any(|s| ADMIN_SCOPES.contains(&s)) {
        return Err(Error::Forbidden("Only administrators may make partner keys".into()));
    }
    let secret = crate::token::generate();
    ctx.store.write(|tx| {
        if let Some(id) = hostname_id {
            crate::hostnames::owned(tx, user, id)?;
        }
        let id = store::tokens::insert(tx, &user.id, hostname_id, label, &scopes, &secret)?;
        store::history::event(tx, Some(&user.id), "token created", label, &scopes, "api")?;
        let token = store::tokens::find_for_user(tx, &user.id, &id)?.ok_or(Error::NotFound("Token"))?;
        Ok(Issued { token, secret: secret.secret.clone() })
    })
}

/// A new secret for token `id`; the old one stops working at once.
pub fn regenerate(ctx: &Context, user: &UserRow, id: &str) -> Result<Issued> {
    let secret = crate::token::generate();
    ctx.store.write(|tx| {
        let token = store::tokens::find_for_user(tx, &user.id, id)?.ok_or(Error::NotFound("Token"))?;
        store::tokens::set_secret(tx, &token.id, &secret)?;
        store::history::event(tx, Some(&user.id), "token regenerated", &token.label, "", "api")?;
        let token = store::tokens::find_for_user(tx, &user.id, id)?.ok_or(Error::NotFound("Token"))?;
        Ok(Issued { token, secret: secret.secret.clone() })
    })
}

pub fn delete(ctx: &Context, user: &UserRow, id: &str) -> Result<()> {
    ctx.store.write(|tx| {
        let token = store::tokens::find_for_user(tx, &user.id, id)?.ok_or(Error::NotFound("Token"))?;
        store::tokens::delete(tx, &token.id)?;
        store::history::event(tx, Some(&user.id), "token deleted", &token.label, "", "api")
    })
}

/// When tokens were last used, kept in memory and written in batches, so that a `nochg`
/// update writes nothing at the time (flash wears out).
#[derive(Default)]
pub struct LastUsed(std::sync::Mutex<std::collections::HashMap<String, i64>>);

impl LastUsed {
    pub fn note(&self, token_id: &str) {
        self.lock().insert(token_id.to_string(), store::now());
    }

    /// Writes the noted times in one transaction; returns how many.
    pub fn flush(&self, ctx: &Context) -> Result<usize> {
        let pending: Vec<(String, i64)> = self.lock().drain().collect();
        if pending.is_empty() {
            return Ok(0);
        }
        ctx.store.write(|tx| {
            for (id, at) in &pending {
                store::tokens::set_last_used(tx, id, *at)?;
            }
            Ok(pending.len())
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, i64>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Whoever presented a token: the account and the token itself.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserRow,
    pub token: TokenRow,
}

impl Caller {
    /// The token's host, for a hostname token.
    pub fn host_id(&self) -> Option<&str> {
        self.token.hostname_id.as_deref()
    }

    /// Requires an account API key (any scope), not a hostname token.
    pub fn require_account(&self) -> Result<()> {
        if self.token.hostname_id.is_none() { Ok(()) } else { Err(Error::Forbidden("A hostname token cannot read the account".into())) }
    }

    /// Requires an account API key carrying `scope`.
    pub fn require(&self, scope: &str) -> Result<()> {
        if self.token.hostname_id.is_none() && has_scope(&self.token, scope) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!("This token lacks the {scope} scope")))
        }
    }
}

/// Finds the token among `secrets` (most specific first; at most three are tried) that
/// `accept` takes, by hash; the stored hash is compared in constant time. Disabled accounts'
/// tokens do not work.
pub fn authenticate(ctx: &Context, secrets: &[String], accept: impl Fn(&TokenRow) -> bool) -> Result<Caller> {
    let mut tried: Vec<&str> = Vec::new();
    for secret in secrets.iter().map(String::as_str).filter(|s| crate::token::plausible(s)) {
        if tried.contains(&secret) || tried.len() >= 3 {
            continue;
        }
        tried.push(secret);
        let hash = crate::token::hash(secret);
        if let Some(token) = ctx.store.read(|c| store::tokens::find_by_hash(c, &hash))?
            && crate::token::hashes_match(&token.secret_hash, &hash)
            && accept(&token)
            && let Some(user) = ctx.store.read(|c| store::users::find_by_id(c, &token.user_id))?.filter(|u| !u.disabled)
        {
            ctx.last_used.note(&token.id);
            return Ok(Caller { user, token });
        }
    }
    Err(Error::BadAuth)
}

/// Whether a token carries `scope`.
pub fn has_scope(token: &TokenRow, scope: &str) -> bool {
    token.scopes.split_whitespace().any(|s| s == scope)
}

fn validate_scopes(scopes: &[String]) -> Result<String> {
    if scopes.is_empty() {
        return Err(Error::Invalid(format!("An API key needs at least one scope: {}", SCOPES.join(", "))));
    }
    let mut out: Vec<&str> = Vec::new();
    for scope in scopes {
        let known = SCOPES.iter().find(|s| **s == scope.trim()).ok_or_else(|| {
            Error::Invalid(format!("Unknown scope {scope:?}; known scopes: {}", SCOPES.join(", ")))
        })?;
        if !out.contains(known) {
            out.push(known);
        }
    }
    Ok(out.join(" "))
}
