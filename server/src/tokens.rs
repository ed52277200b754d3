//! Tokens: hostname tokens (update one hostname) and account API keys with scopes. Secrets
//! are shown once, when made or regenerated; only their hashes are kept. Tokens are managed
//! from a signed-in session only.

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::{HostId, Scope, Scopes, Token, TokenId};
use crate::store;

/// Longest label.
pub const MAX_LABEL: usize = 100;

/// A token with its secret, which exists in clear only in this value.
#[derive(Debug)]
pub struct Issued {
    pub token: Token,
    pub secret: String,
}

pub fn list(ctx: &Context, caller: &Caller) -> Result<Vec<Token>> {
    let user = caller.may(Permission::ManageCredentials)?;
    ctx.store.read(|c| store::tokens::by_user(c, &user.id))
}

/// Makes a hostname token (`hostname_id` given: it updates that hostname only) or an account
/// API key with `scopes` (names as in [`Scope`]).
pub fn create(ctx: &Context, caller: &Caller, hostname_id: Option<&HostId>, label: &str, scopes: &[String]) -> Result<Issued> {
    let user = caller.may(Permission::ManageCredentials)?;
    let label = label.trim();
    if label.chars().count() > MAX_LABEL {
        return Err(Error::Invalid(format!("A label may have at most {MAX_LABEL} characters")));
    }
    let scopes = match hostname_id {
        // A hostname token updates its hostname; scopes named beside it must still exist.
        Some(_) if scopes.iter().all(|s| Scope::parse(s).is_some()) => Scopes::new([Scope::Update]),
        _ => parse_scopes(scopes)?,
    };
    if !user.is_admin && scopes.iter().any(Scope::admin_only) {
        return Err(Error::Forbidden("Only administrators may make partner keys".into()));
    }
    let secret = crate::token::generate();
    ctx.store.write(|tx| {
        if let Some(id) = hostname_id {
            store::hostnames::find_by_id(tx, id)?.filter(|h| h.user_id == user.id).ok_or(Error::NotFound("Hostname"))?;
        }
        let id = store::tokens::insert(tx, &user.id, hostname_id, label, &scopes, &secret)?;
        store::history::event(tx, Some(&user.id), "token created", label, &scopes.to_stored(), "api")?;
        let token = store::tokens::find_for_user(tx, &user.id, &id)?.ok_or(Error::NotFound("Token"))?;
        Ok(Issued { token, secret: secret.secret.clone() })
    })
}

/// A new secret for token `id`; the old one stops working at once.
pub fn regenerate(ctx: &Context, caller: &Caller, id: &TokenId) -> Result<Issued> {
    let user = caller.may(Permission::ManageCredentials)?;
    ctx.store.write(|tx| {
        let token = store::tokens::find_for_user(tx, &user.id, id)?.ok_or(Error::NotFound("Token"))?;
        // An updater's token keeps its 64-hex form (what HostUp clients take).
        let secret = match store::updaters::find_by_token(tx, &token.id)? {
            Some(_) => crate::token::generate_hex(),
            None => crate::token::generate(),
        };
        store::tokens::set_secret(tx, &token.id, &secret)?;
        store::history::event(tx, Some(&user.id), "token regenerated", &token.label, "", "api")?;
        let token = store::tokens::find_for_user(tx, &user.id, id)?.ok_or(Error::NotFound("Token"))?;
        Ok(Issued { token, secret: secret.secret.clone() })
    })
}

pub fn delete(ctx: &Context, caller: &Caller, id: &TokenId) -> Result<()> {
    let user = caller.may(Permission::ManageCredentials)?;
    ctx.store.write(|tx| {
        let token = store::tokens::find_for_user(tx, &user.id, id)?.ok_or(Error::NotFound("Token"))?;
        store::tokens::delete(tx, &token.id)?;
        store::history::event(tx, Some(&user.id), "token deleted", &token.label, "", "api")
    })
}

/// When tokens were last used, kept in memory and written in batches, so that a `nochg`
/// update writes nothing at the time (flash wears out).
#[derive(Default)]
pub struct LastUsed(std::sync::Mutex<std::collections::HashMap<TokenId, i64>>);

impl LastUsed {
    pub fn note(&self, token_id: &TokenId) {
        self.lock().insert(token_id.clone(), crate::clock::now());
    }

    /// Writes the noted times in one transaction; returns how many.
    pub fn flush(&self, ctx: &Context) -> Result<usize> {
        let pending: Vec<(TokenId, i64)> = self.lock().drain().collect();
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

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<TokenId, i64>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn parse_scopes(names: &[String]) -> Result<Scopes> {
    let known = || Scope::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    if names.is_empty() {
        return Err(Error::Invalid(format!("An API key needs at least one scope: {}", known())));
    }
    let scopes = names
        .iter()
        .map(|name| Scope::parse(name).ok_or_else(|| Error::Invalid(format!("Unknown scope {name:?}; known scopes: {}", known()))))
        .collect::<Result<Vec<_>>>()?;
    Ok(Scopes::new(scopes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestContext;

    #[test]
    fn keys_carry_their_scopes_and_only_admins_make_partner_keys() -> Result<()> {
        let t = TestContext::new()?;
        let alice = t.session("alice@example.com", false)?;
        let issued = create(&t.ctx, &alice, None, "acme", &["write:records".into(), "write:records".into()])?;
        assert_eq!(issued.token.scopes.to_stored(), "write:records");
        assert!(issued.secret.starts_with(crate::token::TOKEN_PREFIX));
        assert!(matches!(create(&t.ctx, &alice, None, "p", &["partner".into()]), Err(Error::Forbidden(_))));
        assert!(matches!(create(&t.ctx, &alice, None, "none", &[]), Err(Error::Invalid(_))));
        assert!(matches!(create(&t.ctx, &alice, None, "typo", &["write:record".into()]), Err(Error::Invalid(_))));
        let admin = t.session("root@example.com", true)?;
        assert!(create(&t.ctx, &admin, None, "partner", &["partner".into()]).is_ok());
        Ok(())
    }

    #[test]
    fn regenerating_replaces_the_secret_and_others_cannot_touch_a_token() -> Result<()> {
        let t = TestContext::new()?;
        let alice = t.session("alice@example.com", false)?;
        let bob = t.session("bob@example.com", false)?;
        let issued = create(&t.ctx, &alice, None, "ci", &["update".into()])?;
        let again = regenerate(&t.ctx, &alice, &issued.token.id)?;
        assert_ne!(again.secret, issued.secret);
        assert_ne!(again.token.secret_hash, issued.token.secret_hash);
        assert!(matches!(regenerate(&t.ctx, &bob, &issued.token.id), Err(Error::NotFound(_))));
        assert!(matches!(delete(&t.ctx, &bob, &issued.token.id), Err(Error::NotFound(_))));
        assert_eq!(list(&t.ctx, &alice)?.len(), 1);
        delete(&t.ctx, &alice, &issued.token.id)?;
        assert!(list(&t.ctx, &alice)?.is_empty());
        Ok(())
    }

    #[test]
    fn a_token_cannot_manage_tokens() -> Result<()> {
        let t = TestContext::new()?;
        let alice = t.session("alice@example.com", false)?;
        let issued = create(&t.ctx, &alice, None, "everything", &["read:domains".into(), "write:domains".into(), "write:records".into(), "update".into()])?;
        let key = Caller::Token { account: alice.account().clone(), token: issued.token, updater: None };
        assert!(matches!(list(&t.ctx, &key), Err(Error::Forbidden(_))));
        assert!(matches!(create(&t.ctx, &key, None, "more", &["update".into()]), Err(Error::Forbidden(_))));
        Ok(())
    }
}
