//! Two-factor sign-in: enrolling an authenticator (RFC 6238 TOTP), confirming it, logins that
//! need a code from then on (each code once), recovery codes, turning it off, and what an
//! administrator's password reset and a partner's login link do to it.

use porchlight_tests::totp::{code, wrong_code};
use porchlight_tests::{Lab, PASSWORD};
use serde_json::{Value, json};

const EMAIL: &str = "a@example.com";

fn login(lab: &Lab, code: Option<&str>) -> (u16, Value) {
    let mut body = json!({"email": EMAIL, "password": PASSWORD});
    if let Some(code) = code {
        body["code"] = json!(code);
    }
    let r = lab.api("POST", "/api/auth/login", None, Some(body));
    (r.status, r.json())
}

fn enabled(lab: &Lab, session: &str) -> bool {
    lab.api("GET", "/api/me", Some(session), None).json()["totpEnabled"].as_bool().unwrap()
}

#[test]
fn enrol_confirm_and_every_login_then_needs_a_code_once() {
    // More logins than a person makes in a minute.
    let lab = Lab::start_with(|c| c.rate_limit.logins_per_minute = 100);
    let session = lab.login(EMAIL);
    assert!(!enabled(&lab, &session));

    let r = lab.api("POST", "/api/me/totp", Some(&session), None);
    assert_eq!(r.status, 200, "{}", r.body);
    let secret = r.json()["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 32, "20 random bytes in base32: {secret}");
    assert_eq!(
        r.json()["uri"],
        format!("otpauth://totp/porchlight:a@example.com?secret={secret}&issuer=porchlight&algorithm=SHA1&digits=6&period=30")
    );
    assert_eq!(login(&lab, None).0, 200, "a waiting enrolment is not needed yet");

    // A wrong code changes nothing.
    let r = lab.api("POST", "/api/me/totp/confirm", Some(&session), Some(json!({"code": wrong_code(&secret)})));
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.json()["error"].as_str().unwrap().contains("not right"), "{}", r.body);
    assert!(!enabled(&lab, &session));
    assert_eq!(login(&lab, None).0, 200);

    let confirmed = code(&secret, 0);
    let r = lab.api("POST", "/api/me/totp/confirm", Some(&session), Some(json!({"code": confirmed})));
    assert_eq!(r.status, 200, "{}", r.body);
    let recovery: Vec<String> = r.json()["recoveryCodes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
    assert_eq!(recovery.len(), 10);
    assert!(recovery.iter().all(|c| recovery.iter().filter(|d| *d == c).count() == 1), "all different");
    assert!(enabled(&lab, &session), "GET /api/me tells");
    assert_eq!(lab.count("SELECT count(*) FROM recovery_codes"), 10);
    assert!(!recovery.iter().any(|c| lab.count(&format!("SELECT count(*) FROM recovery_codes WHERE code_hash LIKE '%{c}%'")) > 0), "only hashes are kept");

    // Without a code: refused, saying a code is needed.
    let (status, body) = login(&lab, None);
    assert_eq!((status, body["code"].as_str()), (401, Some("TOTP_REQUIRED")), "{body}");
    assert!(body["error"].as_str().unwrap().contains("code"), "{body}");
    // A wrong code, and the code confirmation used up: refused.
    assert_eq!(login(&lab, Some(&wrong_code(&secret))).1["code"], "TOTP_INVALID");
    assert_eq!(login(&lab, Some(&confirmed)).1["code"], "TOTP_INVALID", "the confirming code is used");
    // A wrong password with a right code says nothing about codes.
    let r = lab.api("POST", "/api/auth/login", None, Some(json!({"email": EMAIL, "password": "wrong password", "code": code(&secret, 1)})));
    assert_eq!((r.status, r.json()), (401, json!({"error": "Invalid email or password"})));

    // The next step's code (within the tolerance) works once.
    let next = code(&secret, 1);
    let (status, body) = login(&lab, Some(&next));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user"]["totpEnabled"], true);
    assert_eq!(login(&lab, Some(&next)).0, 401, "a replayed code is refused");

    // Recovery codes work once each, typed any way.
    assert_eq!(login(&lab, Some(&recovery[0])).0, 200);
    assert_eq!(login(&lab, Some(&recovery[0])).0, 401, "used up");
    assert_eq!(login(&lab, Some(&recovery[1].replace('-', "").to_uppercase())).0, 200);
    assert_eq!(lab.count("SELECT count(*) FROM recovery_codes"), 8);

    // With it on, enrolling another authenticator waits until it is turned off.
    assert_eq!(lab.api("POST", "/api/me/totp", Some(&session), None).status, 409);
}

#[test]
fn turning_it_off_needs_the_password_and_a_code() {
    let lab = Lab::start();
    let session = lab.login(EMAIL);
    let on = lab.enable_totp(&session);
    let off = |password: &str, code: &str| lab.api("DELETE", "/api/me/totp", Some(&session), Some(json!({"password": password, "code": code}))).status;
    assert_eq!(off("wrong password", &code(&on.secret, 1)), 403);
    assert_eq!(off(PASSWORD, &wrong_code(&on.secret)), 403);
    assert!(enabled(&lab, &session), "refusals change nothing");
    assert_eq!(off(PASSWORD, &on.recovery_codes[3]), 204, "a recovery code does it too");
    assert!(!enabled(&lab, &session));
    assert_eq!(lab.count("SELECT count(*) FROM totp") + lab.count("SELECT count(*) FROM recovery_codes"), 0, "secret and codes are gone");
    assert_eq!(login(&lab, None).0, 200);
    assert_eq!(off(PASSWORD, &code(&on.secret, 1)), 409, "it is off already");
    // And it can be enrolled again, with a new secret.
    assert_ne!(lab.enable_totp(&session).secret, on.secret);
}

#[test]
fn wrong_codes_count_against_the_login_rate_limit() {
    let lab = Lab::start_with(|c| c.rate_limit.logins_per_minute = 4);
    let session = lab.login(EMAIL);
    let on = lab.enable_totp(&session);
    for _ in 0..3 {
        assert_eq!(login(&lab, Some(&wrong_code(&on.secret))).0, 401);
    }
    let (status, body) = login(&lab, Some(&code(&on.secret, 1)));
    assert_eq!((status, body), (429, json!({"error": "Too many requests"})), "even the right code");
}

#[test]
fn an_administrator_reset_keeps_the_second_factor_unless_asked_to_clear_it() {
    let lab = Lab::start();
    let admin = lab.admin("root@example.com");
    let session = lab.login(EMAIL);
    let on = lab.enable_totp(&session);
    let id = lab.api("GET", "/api/me", Some(&session), None).json()["id"].as_str().unwrap().to_string();
    let listed = lab.api("GET", "/api/admin/users", Some(&admin), None).json();
    let user = listed["users"].as_array().unwrap().iter().find(|u| u["email"] == EMAIL).unwrap().clone();
    assert_eq!(user["totpEnabled"], true, "administrators see who has it on");

    let reset = |body: Value| lab.api("POST", &format!("/api/admin/users/{id}/password"), Some(&admin), Some(body)).status;
    assert_eq!(reset(json!({"password": "set by the administrator"})), 204);
    let login_with = |code: Option<String>| {
        let mut body = json!({"email": EMAIL, "password": "set by the administrator"});
        if let Some(code) = code {
            body["code"] = json!(code);
        }
        lab.api("POST", "/api/auth/login", None, Some(body)).status
    };
    assert_eq!(login_with(None), 401, "a reset alone leaves the second factor on");
    assert_eq!(login_with(Some(code(&on.secret, 1))), 200);
    assert_eq!(reset(json!({"password": "set by the administrator", "clearTotp": true})), 204);
    assert_eq!(login_with(None), 200, "cleared: the password alone signs in");
    assert_eq!(lab.count("SELECT count(*) FROM recovery_codes"), 0);
}

#[test]
fn a_partners_login_link_does_not_skip_the_second_factor() {
    let lab = Lab::start();
    let admin = lab.admin("root@example.com");
    let partner = lab.api_key(&admin, &["partner"]);
    let link = |identifier: &str| {
        let r = lab.bearer("POST", "/api/v1/users", &partner, Some(json!({"user_identifier": identifier, "email": EMAIL})));
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()["login_url"].as_str().unwrap().split("code=").nth(1).unwrap().to_string()
    };
    let first = link("u1");
    let r = lab.api("POST", "/api/auth/link", None, Some(json!({"code": first})));
    assert_eq!(r.status, 200, "{}", r.body);
    let session = r.json()["token"].as_str().unwrap().to_string();
    lab.enable_totp(&session);

    let code = link("u1");
    let r = lab.api("POST", "/api/auth/link", None, Some(json!({"code": code})));
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.json()["error"].as_str().unwrap().contains("two-factor"), "{}", r.body);
    assert_eq!(lab.count("SELECT count(*) FROM login_links WHERE used_at IS NULL"), 1, "the refused link is not used up");
}
