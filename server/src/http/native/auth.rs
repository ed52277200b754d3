//! Accounts and sessions: register, login, first-run setup, login links, the signed-in
//! account, password change, two-factor sign-in, logging out everywhere, deleting the
//! account.

use porchlight_api as api;
use rouille::Response;

use super::{reply, user};
use crate::error::Result;
use crate::http::call::Call;
use crate::model::Account;
use crate::{Context, accounts};

fn session(ctx: &Context, account: &Account, status: u16) -> Result<Response> {
    let token = crate::session::issue(ctx, account)?;
    Ok(reply(status, &api::Session { token, user: user(account) }))
}

pub fn register(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::Registration = call.json()?;
    let account = accounts::register(ctx, &input.email, &input.password, input.invite.as_deref())?;
    session(ctx, &account, 201)
}

pub fn login(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::Login = call.json()?;
    let account = accounts::login(ctx, &input.email, &input.password, input.code.as_deref(), &call.source.to_string())?;
    session(ctx, &account, 200)
}

/// `GET /api/setup`: whether the first administrator still has to be made.
pub fn setup_status(ctx: &Context, _: &Call<'_>) -> Result<Response> {
    Ok(reply(200, &api::SetupStatus { needed: crate::setup::needed(ctx)? }))
}

/// `POST /api/setup`: makes the first administrator with the printed setup code.
pub fn setup(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::Setup = call.json()?;
    let account = crate::setup::complete(ctx, &input.code, &input.email, &input.password)?;
    session(ctx, &account, 201)
}

/// Signs in with a single-use login link's code (made by a partner); answers like login.
pub fn redeem_link(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::LoginLink = call.json()?;
    let account = crate::partners::redeem(ctx, &input.code, &call.source.to_string())?;
    session(ctx, &account, 200)
}

pub fn me(_: &Context, call: &Call<'_>) -> Result<Response> {
    Ok(reply(200, &user(call.caller()?.account())))
}

/// Changes the password; every other session ends, and the answer carries a fresh token.
pub fn change_password(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::PasswordChange = call.json()?;
    let account = accounts::change_password(ctx, call.caller()?, &input.current_password, &input.new_password, &call.source.to_string())?;
    Ok(reply(200, &api::SessionToken { token: crate::session::issue(ctx, &account)? }))
}

/// Starts a TOTP enrolment: the secret, and its `otpauth://` URI.
pub fn enrol_totp(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let enrolment = crate::totp::enrol(ctx, call.caller()?, &call.source.to_string())?;
    Ok(reply(200, &api::TotpEnrolment { secret: enrolment.secret, uri: enrolment.uri }))
}

/// Turns two-factor sign-in on with a code of the waiting secret; answers the recovery codes.
pub fn confirm_totp(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::TotpConfirmation = call.json()?;
    let recovery_codes = crate::totp::confirm(ctx, call.caller()?, &input.code, &call.source.to_string())?;
    Ok(reply(200, &api::RecoveryCodes { recovery_codes }))
}

pub fn remove_totp(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::TotpRemoval = call.json()?;
    crate::totp::turn_off(ctx, call.caller()?, &input.password, &input.code, &call.source.to_string())?;
    Ok(Response::empty_204())
}

pub fn logout_everywhere(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    accounts::logout_everywhere(ctx, call.caller()?, &call.source.to_string())?;
    Ok(Response::empty_204())
}

pub fn delete_account(ctx: &Context, call: &Call<'_>) -> Result<Response> {
    let input: api::AccountDeletion = call.json()?;
    accounts::delete(ctx, call.caller()?, &input.password)?;
    Ok(Response::empty_204())
}
