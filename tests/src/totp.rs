//! TOTP codes as an authenticator app makes them (RFC 6238: HMAC-SHA-1, six digits, 30 s
//! steps), written here from the RFC rather than borrowed from the appliance, so that the
//! tests check the appliance against the standard and not against itself.

use hmac::{Hmac, Mac};
use sha1::Sha1;

use crate::Lab;

/// The code of a base32 secret at Unix time `unix`.
pub fn code_at(secret: &str, unix: u64) -> String {
    let key = base32(secret);
    let mut mac = <Hmac<Sha1> as Mac>::new_from_slice(&key).unwrap();
    mac.update(&(unix / 30).to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let value = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    format!("{:06}", value % 1_000_000)
}

/// The code `steps` steps from now (0: the current one; 1: the next, which the appliance
/// takes too, and which no code used in this step has used up).
pub fn code(secret: &str, steps: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    code_at(secret, (now + 30 * steps) as u64)
}

/// A six-digit code that is none of the codes the appliance would take now.
pub fn wrong_code(secret: &str) -> String {
    let taken: Vec<String> = (-2..=2).map(|s| code(secret, s)).collect();
    ["000000", "111111", "222222", "333333", "444444", "555555"].into_iter().find(|c| !taken.iter().any(|t| t == c)).unwrap().to_string()
}

/// RFC 4648 base32, upper case, without padding.
fn base32(text: &str) -> Vec<u8> {
    let (mut bits, mut value, mut out) = (0u32, 0u32, Vec::new());
    for c in text.trim_end_matches('=').chars() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            '2'..='7' => c as u32 - '2' as u32 + 26,
            other => panic!("{other:?} is not base32"),
        };
        value = (value << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((value >> bits) as u8);
            value &= (1 << bits) - 1;
        }
    }
    out
}

/// Two-factor sign-in, turned on.
pub struct Enabled {
    pub secret: String,
    pub recovery_codes: Vec<String>,
}

impl Lab {
    /// Turns two-factor sign-in on for the signed-in account (enrol, confirm with the current
    /// code, which is then used up).
    pub fn enable_totp(&self, session: &str) -> Enabled {
        let r = self.api("POST", "/api/me/totp", Some(session), None);
        assert_eq!(r.status, 200, "{}", r.body);
        let secret = r.json()["secret"].as_str().unwrap().to_string();
        let r = self.api("POST", "/api/me/totp/confirm", Some(session), Some(serde_json::json!({"code": code(&secret, 0)})));
        assert_eq!(r.status, 200, "{}", r.body);
        let recovery_codes = r.json()["recoveryCodes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect();
        Enabled { secret, recovery_codes }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc_6238_sha1_vectors_in_six_digits() {
        // "12345678901234567890" in base32; the RFC's eight-digit codes, last six.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        for (time, expected) in [(59, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (20_000_000_000, "353130")] {
            assert_eq!(super::code_at(secret, time), expected, "T = {time}");
        }
    }
}
