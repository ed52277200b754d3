//! Accounts and sessions: register, login, the signed-in account, password change,
//! logging out everywhere, deleting the account.

use rouille::{Request, Response};
use serde::Deserialize;
use serde_json::json;

use super::{body, client_key, limited, reply, session, user_json};
use crate::error::Error;
use crate::{Context, accounts};

#[derive(Deserialize)]
struct Credentials {
    email: String,
    password: String,
    /// An administrator's invitation, needed while registration is closed.
    invite: Option<String>,
}

pub fn register(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.register, &client_key(ctx, request), || {
        let input: Credentials = body(request)?;
        let user = accounts::register(ctx, &input.email, &input.password, input.invite.as_deref())?;
        let token = crate::session::issue(ctx, &user)?;
        Ok(reply(201, &json!({"token": token, "user": user_json(&user)})))
    })
}

pub fn login(ctx: &Context, request: &Request) -> Response {
    let source = client_key(ctx, request);
    limited(&ctx.limits.login, &source, || {
        let input: Credentials = body(request)?;
        // Failed logins slow down per account as well as per address.
        ctx.limits.login.check(&format!("account:{}", input.email.trim().to_ascii_lowercase()))?;
        let user = accounts::login(ctx, &input.email, &input.password, &source)?;
        let token = crate::session::issue(ctx, &user)?;
        Ok(reply(200, &json!({"token": token, "user": user_json(&user)})))
    })
}

#[derive(Deserialize)]
struct Setup {
    code: String,
    email: String,
    password: String,
}

/// `GET /api/setup`: whether the first administrator still has to be made.
pub fn setup_status(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || Ok(reply(200, &json!({"needed": crate::setup::needed(ctx)?}))))
}

/// `POST /api/setup`: makes the first administrator with the printed setup code.
pub fn setup(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.login, &client_key(ctx, request), || {
        let input: Setup = body(request)?;
        let user = crate::setup::complete(ctx, &input.code, &input.email, &input.password)?;
        let token = crate::session::issue(ctx, &user)?;
        Ok(reply(201, &json!({"token": token, "user": user_json(&user)})))
    })
}

#[derive(Deserialize)]
struct LoginLink {
    code: String,
}

/// Signs in with a single-use login link's code (made by a partner); answers like login.
pub fn redeem_link(ctx: &Context, request: &Request) -> Response {
    let source = client_key(ctx, request);
    limited(&ctx.limits.login, &source, || {
        let input: LoginLink = body(request)?;
        let user = crate::partners::redeem(ctx, &input.code)?;
        ctx.store.write(|tx| crate::store::history::event(tx, Some(&user.id), "login", &user.email, "login link", &source))?;
        let token = crate::session::issue(ctx, &user)?;
        Ok(reply(200, &json!({"token": token, "user": user_json(&user)})))
    })
}

pub fn me(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.api, &client_key(ctx, request), || Ok(reply(200, &user_json(&session(ctx, request)?))))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Changes the password; every other session ends, and the answer carries a fresh token.
pub fn change_password(ctx: &Context, request: &Request) -> Response {
    let source = client_key(ctx, request);
    limited(&ctx.limits.login, &source, || {
        let user = session(ctx, request)?;
        let input: PasswordChange = body(request)?;
        let user = accounts::change_password(ctx, &user, &input.current_password, &input.new_password, &source)?;
        Ok(reply(200, &json!({"token": crate::session::issue(ctx, &user)?})))
    })
}

pub fn logout_everywhere(ctx: &Context, request: &Request) -> Response {
    let source = client_key(ctx, request);
    limited(&ctx.limits.api, &source, || {
        accounts::logout_everywhere(ctx, &session(ctx, request)?, &source)?;
        Ok(Response::empty_204())
    })
}

#[derive(Deserialize)]
struct Confirmation {
    password: String,
}

pub fn delete_account(ctx: &Context, request: &Request) -> Response {
    limited(&ctx.limits.login, &client_key(ctx, request), || {
        let user = session(ctx, request)?;
        let input: Confirmation = body(request).map_err(|_| Error::Invalid("Confirm with your password: {\"password\": …}".into()))?;
        accounts::delete(ctx, &user, &input.password)?;
        Ok(Response::empty_204())
    })
}
