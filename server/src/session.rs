//! Login sessions: HS256 JWTs signed with a secret made at first start and kept in the
//! database. A token names the account and its session version; raising the version
//! (password change, "log out everywhere") ends every session issued before.

use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};

use crate::Context;
use crate::error::{Error, Result};
use crate::model::{Account, UserId};
use crate::store::{self, Store};

const SECRET_SETTING: &str = "jwt_secret";

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    ver: i64,
    iat: u64,
    exp: u64,
}

/// The signing secret, made on first use and kept.
pub fn load_secret(store: &Store) -> Result<Vec<u8>> {
    let engine = base64::engine::general_purpose::STANDARD;
    store.write(|tx| {
        if let Some(existing) = store::settings::get(tx, SECRET_SETTING)? {
            return engine.decode(existing).map_err(|_| Error::Config("the stored session secret is corrupt".into()));
        }
        let mut secret = vec![0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        store::settings::set(tx, SECRET_SETTING, &engine.encode(&secret))?;
        Ok(secret)
    })
}

/// A session token for `user`.
pub fn issue(ctx: &Context, user: &Account) -> Result<String> {
    let now = crate::clock::now() as u64;
    let claims = Claims { sub: user.id.to_string(), ver: user.session_version, iat: now, exp: now + u64::from(ctx.config.session_hours) * 3600 };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&ctx.session_secret))
        .map_err(|e| Error::Config(format!("cannot sign a session: {e}")))
}

/// The account a session token belongs to, if the token is genuine, unexpired, not
/// revoked, and the account still exists and is enabled.
pub fn verify(ctx: &Context, token: &str) -> Result<Account> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 5;
    let data = jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(&ctx.session_secret), &validation)
        .map_err(|_| Error::BadAuth)?;
    let user = ctx.store.read(|c| store::users::find_by_id(c, &UserId::from_text(data.claims.sub.clone())))?.ok_or(Error::BadAuth)?;
    if user.session_version != data.claims.ver || user.disabled {
        return Err(Error::BadAuth);
    }
    Ok(user)
}
