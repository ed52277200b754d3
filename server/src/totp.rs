//! A second factor for logins: TOTP (RFC 6238: HMAC-SHA-1, six digits, 30-second steps) and
//! single-use recovery codes. Enrolling makes a secret that waits for its first code; once
//! confirmed, every password login needs a code as well. A code is good once: the newest
//! step used is kept, and a code of that step or an older one is refused.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore as _;
use sha1::Sha1;
use subtle::ConstantTimeEq as _;

use crate::Context;
use crate::auth::{Caller, Permission};
use crate::error::{Error, Result};
use crate::model::Account;
use crate::store::{self, Conn};

/// The issuer authenticator apps show beside the account.
pub const ISSUER: &str = "porchlight";
const DIGITS: u32 = 6;
/// Seconds per step.
const PERIOD: i64 = 30;
/// Steps a code may be off either way (a clock a little wrong, the time it takes to type).
const SKEW: i64 = 1;
/// RFC 4226 asks for at least 128 bits and recommends 160.
const SECRET_BYTES: usize = 20;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Random bytes per recovery code (80 bits: 16 base32 characters).
const RECOVERY_BYTES: usize = 10;

/// A new secret for the authenticator app: as text to type in, and as the `otpauth://` URI
/// a QR code carries.
pub struct Enrolment {
    pub secret: String,
    pub uri: String,
}

/// How a login passed the second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    /// The account has none.
    NotNeeded,
    Code,
    /// A recovery code, now used up; this many are left.
    RecoveryCode { left: i64 },
}

/// Starts an enrolment: a new secret that logins do not need until a code of it is confirmed.
/// Enrolling again before confirming replaces the waiting secret; with one enabled, it has to
/// be turned off first (so that a stolen session cannot swap the authenticator).
pub fn enrol(ctx: &Context, caller: &Caller, source: &str) -> Result<Enrolment> {
    let user = caller.may(Permission::ManageCredentials)?;
    let mut bytes = [0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    let secret = BASE32_NOPAD.encode(&bytes);
    ctx.store.write(|tx| {
        if store::totp::find(tx, &user.id)?.is_some_and(|t| t.enabled) {
            return Err(Error::Conflict("Two-factor sign-in is on already: turn it off before enrolling another authenticator".into()));
        }
        store::totp::begin(tx, &user.id, &secret)?;
        store::history::event(tx, Some(&user.id), "two-factor enrolment started", &user.email, "", source)
    })?;
    let uri = format!(
        "otpauth://totp/{ISSUER}:{}?secret={secret}&issuer={ISSUER}&algorithm=SHA1&digits={DIGITS}&period={PERIOD}",
        percent_encode(&user.email)
    );
    Ok(Enrolment { secret, uri })
}

/// Confirms the waiting enrolment with a code of it: from now on logins need a code. Answers
/// the recovery codes, which exist in clear only in this answer.
pub fn confirm(ctx: &Context, caller: &Caller, code: &str, source: &str) -> Result<Vec<String>> {
    let user = caller.may(Permission::ManageCredentials)?;
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let hashes: Vec<String> = codes.iter().map(|c| crate::token::hash(&normalise(c))).collect();
    ctx.store.write(|tx| {
        let stored = match store::totp::find(tx, &user.id)? {
            None => return Err(Error::Conflict("No enrolment is waiting for a code: start one first".into())),
            Some(t) if t.enabled => return Err(Error::Conflict("Two-factor sign-in is on already".into())),
            Some(t) => t,
        };
        let step = matching_step(&secret_bytes(&stored.secret)?, &normalise(code), crate::clock::now(), stored.last_step)
            .ok_or_else(|| Error::Forbidden("The code is not right: check that the device's clock is correct, and use the newest code".into()))?;
        store::totp::enable(tx, &user.id, step)?;
        store::totp::set_recovery_codes(tx, &user.id, &hashes)?;
        store::history::event(tx, Some(&user.id), "two-factor sign-in on", &user.email, "", source)
    })?;
    Ok(codes)
}

/// Turns the second factor off, confirmed with the password and a code (or a recovery code).
/// An administrator can also turn it off with a password reset, for an account that lost
/// its authenticator and its recovery codes.
pub fn turn_off(ctx: &Context, caller: &Caller, password: &str, code: &str, source: &str) -> Result<()> {
    let user = caller.may(Permission::ManageCredentials)?;
    if !crate::password::verify(password, &user.password_hash) {
        return Err(Error::Forbidden("The password is not correct".into()));
    }
    ctx.store.write(|tx| {
        if !store::totp::find(tx, &user.id)?.is_some_and(|t| t.enabled) {
            return Err(Error::Conflict("Two-factor sign-in is not on".into()));
        }
        match check(tx, user, Some(code)) {
            Err(Error::BadCode) => return Err(Error::Forbidden("The code is not right (or was used already)".into())),
            other => other?,
        };
        store::totp::delete(tx, &user.id)?;
        store::history::event(tx, Some(&user.id), "two-factor sign-in off", &user.email, "", source)
    })
}

/// The second factor of a login whose password was right: passes when the account has none,
/// or when `code` is a right TOTP code or an unused recovery code (which it uses up).
pub fn check(conn: &Conn, user: &Account, code: Option<&str>) -> Result<Passed> {
    let Some(stored) = store::totp::find(conn, &user.id)?.filter(|t| t.enabled) else { return Ok(Passed::NotNeeded) };
    let code = normalise(code.unwrap_or_default());
    if code.is_empty() {
        return Err(Error::CodeNeeded);
    }
    if code.len() == DIGITS as usize {
        let step = matching_step(&secret_bytes(&stored.secret)?, &code, crate::clock::now(), stored.last_step).ok_or(Error::BadCode)?;
        // The row's step is checked again as it is written, so two logins racing with one
        // code cannot both pass.
        return if store::totp::use_step(conn, &user.id, step)? { Ok(Passed::Code) } else { Err(Error::BadCode) };
    }
    if store::totp::use_recovery_code(conn, &user.id, &crate::token::hash(&code))? {
        return Ok(Passed::RecoveryCode { left: store::totp::count_recovery_codes(conn, &user.id)? });
    }
    Err(Error::BadCode)
}

/// HOTP (RFC 4226): the `digits`-digit code of `counter`.
fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    // Dynamic truncation: four bytes from the offset the last nibble names, top bit cleared.
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let value = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    value % 10u32.pow(digits)
}

/// The step, within `SKEW` of the one `now` is in and newer than `after`, whose code `code` is.
fn matching_step(secret: &[u8], code: &str, now: i64, after: i64) -> Option<i64> {
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let current = now.div_euclid(PERIOD);
    (current - SKEW..=current + SKEW).filter(|step| *step > after && *step >= 0).find(|step| {
        let expected = format!("{:0width$}", hotp(secret, *step as u64, DIGITS), width = DIGITS as usize);
        bool::from(expected.as_bytes().ct_eq(code.as_bytes()))
    })
}

fn secret_bytes(secret: &str) -> Result<Vec<u8>> {
    BASE32_NOPAD.decode(secret.as_bytes()).map_err(|_| Error::Config("a stored TOTP secret is corrupt".into()))
}

/// A code as typed, compared without spaces, dashes or case: `123 456` is `123456`, and
/// `ABCD-EFGH-…` is `abcdefgh…`.
fn normalise(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_lowercase()).collect()
}

/// A recovery code: 80 random bits, in four groups of four base32 characters.
fn recovery_code() -> String {
    let mut bytes = [0u8; RECOVERY_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    let text = BASE32_NOPAD.encode(&bytes).to_ascii_lowercase();
    let groups: Vec<&str> = text.as_bytes().chunks(4).filter_map(|c| std::str::from_utf8(c).ok()).collect();
    groups.join("-")
}

/// Percent-encodes everything but unreserved characters and `@` (for the URI's label).
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// The SHA-1 seed of RFC 6238 Appendix B.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        for (time, expected) in [
            (59u64, 94_287_082),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(hotp(RFC_SECRET, time / 30, 8), expected, "T = {time}");
        }
        // Six digits are the last six of those.
        assert_eq!(hotp(RFC_SECRET, 59 / 30, 6), 287_082);
    }

    #[test]
    fn a_code_is_good_one_step_either_way_and_only_after_the_last_used() {
        let code = |step: u64| format!("{:06}", hotp(RFC_SECRET, step, 6));
        let now = 1_111_111_111; // step 37037037
        let step = now / 30;
        assert_eq!(matching_step(RFC_SECRET, &code(step as u64), now, 0), Some(step));
        assert_eq!(matching_step(RFC_SECRET, &code(step as u64 - 1), now, 0), Some(step - 1));
        assert_eq!(matching_step(RFC_SECRET, &code(step as u64 + 1), now, 0), Some(step + 1));
        assert_eq!(matching_step(RFC_SECRET, &code(step as u64 - 2), now, 0), None, "too old");
        assert_eq!(matching_step(RFC_SECRET, &code(step as u64 + 2), now, 0), None, "too far ahead");
        assert_eq!(matching_step(RFC_SECRET, &code(step as u64), now, step), None, "used already");
        assert_eq!(matching_step(RFC_SECRET, &code(step as u64 - 1), now, step), None, "older than the last used");
        assert_eq!(matching_step(RFC_SECRET, "12345", now, 0), None);
        assert_eq!(matching_step(RFC_SECRET, "12a456", now, 0), None);
    }

    #[test]
    fn codes_are_read_without_spaces_dashes_or_case() {
        assert_eq!(normalise(" 123 456 "), "123456");
        assert_eq!(normalise("ABCD-efgh-IJKL-mnop"), "abcdefghijklmnop");
        let code = recovery_code();
        assert_eq!((code.len(), code.matches('-').count()), (19, 3), "{code}");
        assert_eq!(percent_encode("a+b@example.com"), "a%2Bb@example.com");
    }

    fn signed_in(store: &Store) -> Result<Account> {
        let id = crate::accounts::create(store, "a@example.com", "long enough secret", false)?;
        store.read(|c| store::users::find_by_id(c, &id))?.ok_or(Error::NotFound("User"))
    }

    #[test]
    fn logins_need_a_code_once_enabled_and_each_code_works_once() -> Result<()> {
        let store = Store::open_in_memory()?;
        let user = signed_in(&store)?;
        let secret = BASE32_NOPAD.encode(RFC_SECRET);
        store.write(|tx| store::totp::begin(tx, &user.id, &secret))?;
        assert_eq!(store.write(|tx| check(tx, &user, None))?, Passed::NotNeeded, "a waiting enrolment is not required");

        let step = crate::clock::now() / PERIOD;
        let hashes = vec![crate::token::hash("recoverycode0001")];
        store.write(|tx| {
            store::totp::enable(tx, &user.id, step - 1)?;
            store::totp::set_recovery_codes(tx, &user.id, &hashes)
        })?;
        assert!(store.read(|c| store::users::find_by_id(c, &user.id))?.is_some_and(|u| u.totp_enabled));
        assert!(matches!(store.write(|tx| check(tx, &user, None)), Err(Error::CodeNeeded)));
        let code_of = |step: i64| format!("{:06}", hotp(RFC_SECRET, step as u64, 6));
        let code = code_of(step);
        let wrong = ["000000", "111111", "222222"].into_iter().find(|c| *c != code && *c != code_of(step + 1)).unwrap_or_default();
        assert!(matches!(store.write(|tx| check(tx, &user, Some(wrong))), Err(Error::BadCode)));
        assert_eq!(store.write(|tx| check(tx, &user, Some(&code)))?, Passed::Code);
        assert!(matches!(store.write(|tx| check(tx, &user, Some(&code))), Err(Error::BadCode)), "a replay is refused");
        assert_eq!(store.write(|tx| check(tx, &user, Some("RECO-VERY-CODE-0001")))?, Passed::RecoveryCode { left: 0 });
        assert!(matches!(store.write(|tx| check(tx, &user, Some("recoverycode0001"))), Err(Error::BadCode)), "used up");
        Ok(())
    }
}
