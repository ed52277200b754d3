//! The signed-in account: its password, two-factor sign-in (enrol an authenticator app,
//! confirm it with a code, recovery codes shown once, turn it off), and ending every session.

use leptos::prelude::*;
use porchlight_api::{PasswordChange, RecoveryCodes, SessionToken, TotpConfirmation, TotpEnrolment, TotpRemoval};

use super::confirmed;
use super::dashboard::CopyButton;
use crate::api;
use crate::app::Session;

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let email = move || session.user.with(|u| u.as_ref().map(|u| u.email.clone()).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let logout_everywhere = move |_| {
        if !confirmed("Sign out every session of this account, this one included?") {
            return;
        }
        api::run("POST", "/api/auth/logout-all".into(), api::NO_BODY, error, move |()| {
            api::set_session(None);
            session.user.set(None);
        });
    };
    view! {
        <h1>"Account"</h1>
        <p>"Signed in as " <strong>{email}</strong></p>
        <ChangePassword/>
        <TwoFactor/>
        <section class="card">
            <h2>"Sessions"</h2>
            <p><button type="button" class="plain" on:click=logout_everywhere>"Sign out everywhere"</button></p>
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}

/// A new password, with the current one; other sessions end, this one gets a fresh token.
#[component]
fn ChangePassword() -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        if new.get() != again.get() {
            error.set(Some("The two new passwords differ.".into()));
            return;
        }
        let body = PasswordChange { current_password: current.get(), new_password: new.get() };
        api::run("POST", "/api/me/password".into(), Some(body), error, move |fresh: SessionToken| {
            api::set_session(Some(&fresh.token));
            for field in [current, new, again] {
                field.set(String::new());
            }
            done.set(true);
        });
    };
    view! {
        <section class="card">
            <h2>"Password"</h2>
            <form class="stack" on:submit=submit>
                <label>"Current password" <input name="currentPassword" type="password" autocomplete="current-password" required bind:value=current/></label>
                <label>"New password (at least 8 characters)" <input name="newPassword" type="password" autocomplete="new-password" minlength="8" required bind:value=new/></label>
                <label>"New password again" <input name="newPasswordAgain" type="password" autocomplete="new-password" minlength="8" required bind:value=again/></label>
                <button type="submit">"Change password"</button>
                <p class="error" role="alert">{move || error.get()}</p>
                <p class="ok" role="status">{move || done.get().then_some("Password changed. Every other session was signed out.")}</p>
            </form>
        </section>
    }
}

/// Where two-factor sign-in stands on this screen.
#[derive(Clone, PartialEq)]
enum Stage {
    /// Off, or on: as the account says.
    Idle,
    /// A secret was made and waits for a code of it.
    Enrolling(TotpEnrolment),
    /// Just turned on: the recovery codes, shown this once.
    Enabled(Vec<String>),
}

#[component]
fn TwoFactor() -> impl IntoView {
    let session = expect_context::<Session>();
    // Kept here rather than in the session's account: changing that redraws the whole
    // screen, which would lose the recovery codes before they are read.
    let enabled = RwSignal::new(session.user.with_untracked(|u| u.as_ref().is_some_and(|u| u.totp_enabled)));
    let on = move || enabled.get();
    let set_on = move |value: bool| enabled.set(value);
    let stage = RwSignal::new(Stage::Idle);
    let code = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let enrol = move |_| {
        api::run("POST", "/api/me/totp".into(), api::NO_BODY, error, move |enrolment: TotpEnrolment| stage.set(Stage::Enrolling(enrolment)));
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = TotpConfirmation { code: code.get() };
        api::run("POST", "/api/me/totp/confirm".into(), Some(body), error, move |codes: RecoveryCodes| {
            code.set(String::new());
            set_on(true);
            stage.set(Stage::Enabled(codes.recovery_codes));
        });
    };
    let turn_off = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !confirmed("Turn off two-factor sign-in? Your password alone will sign in, and the recovery codes stop working.") {
            return;
        }
        let body = TotpRemoval { password: password.get(), code: code.get() };
        api::run("DELETE", "/api/me/totp".into(), Some(body), error, move |()| {
            password.set(String::new());
            code.set(String::new());
            set_on(false);
            stage.set(Stage::Idle);
        });
    };

    view! {
        <section class="card">
            <h2>"Two-factor sign-in"</h2>
            {move || match stage.get() {
                Stage::Enrolling(enrolment) => view! {
                    <p>"Add this account to an authenticator app (any TOTP app): paste the link into it, or type the key. Then enter the code it shows."</p>
                    <p>"Key"</p>
                    <p class="secret" data-totp-secret=enrolment.secret.clone()>{enrolment.secret.clone()}</p>
                    <CopyButton text=enrolment.secret label="Copy key"/>
                    <p>"Link"</p>
                    <p class="secret">{enrolment.uri.clone()}</p>
                    <CopyButton text=enrolment.uri label="Copy link"/>
                    <form class="stack" on:submit=confirm>
                        <label>"Code from the app" <input name="code" autocomplete="one-time-code" inputmode="numeric" required bind:value=code/></label>
                        <button type="submit">"Turn on"</button>
                    </form>
                }.into_any(),
                Stage::Enabled(codes) => {
                    let all = codes.join("\n");
                    view! {
                        <p class="ok" role="status">"Two-factor sign-in is on: every sign-in now asks for a code."</p>
                        <p>"Recovery codes, shown only now. Keep them somewhere safe: each one signs in once when the app is not at hand."</p>
                        <pre class="recovery-codes">{all.clone()}</pre>
                        <CopyButton text=all label="Copy codes"/>
                        <p><button type="button" class="plain" on:click=move |_| stage.set(Stage::Idle)>"I have kept them"</button></p>
                    }.into_any()
                }
                Stage::Idle if on() => view! {
                    <p>"On: signing in asks for a code from your authenticator app (or a recovery code)."</p>
                    <form class="stack" on:submit=turn_off>
                        <label>"Password" <input name="password" type="password" autocomplete="current-password" required bind:value=password/></label>
                        <label>"Code from the app (or a recovery code)" <input name="code" autocomplete="one-time-code" required bind:value=code/></label>
                        <button type="submit" class="plain">"Turn off"</button>
                    </form>
                }.into_any(),
                Stage::Idle => view! {
                    <p>"Off: your password alone signs in. With it on, signing in also needs a code from an authenticator app on your phone."</p>
                    <p><button type="button" on:click=enrol>"Set up two-factor sign-in"</button></p>
                }.into_any(),
            }}
            <p class="error" role="alert">{move || error.get()}</p>
        </section>
    }
}
