//! What a request says about its sender: the client's address (believing forwarded headers
//! only from trusted proxies), the credentials it presented in any of the accepted forms,
//! and parameters from the query string or a form body.

use std::net::IpAddr;

use base64::Engine as _;
use ipnet::IpNet;
use rouille::Request;

use crate::address::canonical;
use crate::auth::Credentials;

/// Query parameters that may carry a token.
const SECRET_PARAMS: [&str; 6] = ["token", "key", "apikey", "password", "pass", "pwd"];
/// Query parameters that may carry a user name.
const USER_PARAMS: [&str; 2] = ["username", "user"];

/// The client's address. `X-Forwarded-For` (its right-most untrusted entry) and `X-Real-IP`
/// count only when the connection comes from a trusted proxy.
pub fn client_ip(request: &Request, trusted: &[IpNet]) -> IpAddr {
    let peer = canonical(request.remote_addr().ip());
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    if let Some(forwarded) = request.header("X-Forwarded-For") {
        let hops: Vec<IpAddr> = forwarded.split(',').filter_map(|h| h.trim().parse().ok()).map(canonical).collect();
        if let Some(client) = hops.iter().rev().find(|ip| !is_trusted(ip)).or(hops.first()) {
            return *client;
        }
    }
    request.header("X-Real-IP").and_then(|v| v.trim().parse().ok()).map_or(peer, canonical)
}

/// Every secret the request carries, most specific first, and the Basic (or query) user.
pub fn credentials(call: &super::call::Call<'_>) -> Credentials {
    of_request(call.request)
}

/// [`credentials`] of a request.
pub fn of_request(request: &Request) -> Credentials {
    credentials_with(request, |name| param(request, name))
}

/// As [`credentials`], reading parameters through `param` (for a form body).
pub fn credentials_with(request: &Request, param: impl Fn(&str) -> Option<String>) -> Credentials {
    let mut credentials = Credentials::default();
    if let Some(auth) = request.header("Authorization") {
        let (scheme, value) = auth.trim().split_once(' ').unwrap_or((auth, ""));
        let value = value.trim();
        if scheme.eq_ignore_ascii_case("basic") {
            if let Some((user, password)) = decode_basic(value) {
                credentials.secrets.push(password);
                // Some clients (IPv64's) put the token in the user name instead.
                credentials.secrets.push(user.clone());
                credentials.username = Some(user);
            }
        } else if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token") {
            credentials.secrets.push(value.to_string());
        }
    }
    for name in SECRET_PARAMS {
        if let Some(value) = param(name) {
            credentials.secrets.push(value);
        }
    }
    if credentials.username.is_none() {
        credentials.username = USER_PARAMS.iter().find_map(|n| param(n));
    }
    credentials.secrets.retain(|s| !s.is_empty());
    credentials
}

fn decode_basic(value: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(value).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// Query parameters that name hostnames in the update dialects.
const HOST_PARAMS: [&str; 6] = ["hostname", "host", "domain", "domains", "zone", "hostnames"];

/// The hostnames an update request names (query parameters and the Basic user name), as
/// written, at most 20: what a refused update is counted on.
pub fn named_hosts(call: &super::call::Call<'_>) -> Vec<String> {
    let mut names: Vec<String> = HOST_PARAMS
        .iter()
        .filter_map(|p| param(call.request, p))
        .flat_map(|v| v.split(',').map(|n| n.trim().to_string()).collect::<Vec<_>>())
        .chain(call.credentials.username.clone())
        .filter(|n| n.contains('.'))
        .collect();
    names.sort_unstable();
    names.dedup();
    names.truncate(crate::update::MAX_HOSTS);
    names
}

/// A query parameter (first occurrence), percent-decoded.
pub fn param(request: &Request, name: &str) -> Option<String> {
    request.get_param(name)
}

/// Parameters of a form body (`application/x-www-form-urlencoded` or `multipart/form-data`,
/// as `curl --data-urlencode` and `curl --form` send them) before those of the query string.
pub struct Form(Vec<(String, String)>);

/// Longest form field read from a multipart body.
const MAX_FIELD: u64 = 16 * 1024;

impl Form {
    /// No form.
    pub fn empty() -> Self {
        Self(Vec::new())
    }

    /// The form in `call`'s body (read once and kept, so credentials and parameters can
    /// both come from it).
    pub fn read(call: &super::call::Call<'_>) -> Result<Self, crate::error::Error> {
        let bad = |what: &str| crate::error::Error::BadRequest(format!("The form body could not be read: {what}"));
        let original = call.request;
        let content_type = original.header("Content-Type").unwrap_or("").to_ascii_lowercase();
        let is_urlencoded = content_type.starts_with("application/x-www-form-urlencoded");
        if !is_urlencoded && !content_type.starts_with("multipart/form-data") {
            return Ok(Self(Vec::new()));
        }
        let headers = original.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let request = Request::fake_http(original.method(), original.raw_url(), headers, call.body().to_vec());
        if is_urlencoded {
            return rouille::input::post::raw_urlencoded_post_input(&request).map(Self).map_err(|e| bad(&e.to_string()));
        }
        let mut multipart = rouille::input::multipart::get_multipart_input(&request).map_err(|e| bad(&e.to_string()))?;
        let mut pairs = Vec::new();
        while let Some(field) = multipart.next() {
            let name = field.headers.name.to_string();
            let mut value = String::new();
            std::io::Read::read_to_string(&mut std::io::Read::take(field.data, MAX_FIELD), &mut value).map_err(|e| bad(&e.to_string()))?;
            pairs.push((name, value));
        }
        Ok(Self(pairs))
    }

    /// A parameter from the body, else from the query string.
    pub fn get(&self, request: &Request, name: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).or_else(|| param(request, name))
    }

    /// Whether the body or the query string names `name` (with or without a value).
    pub fn has(&self, request: &Request, name: &str) -> bool {
        self.get(request, name).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: Vec<(&str, &str)>, url: &str) -> Request {
        let from = std::net::SocketAddr::from(([10, 0, 0, 1], 5555));
        Request::fake_http_from(from, "GET", url, headers.into_iter().map(|(k, v)| (k.into(), v.into())).collect(), Vec::new())
    }

    #[test]
    fn forwarded_headers_count_only_from_trusted_proxies() {
        let r = request(vec![("X-Forwarded-For", "203.0.113.5, 10.0.0.9")], "/");
        assert_eq!(client_ip(&r, &[]).to_string(), "10.0.0.1");
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap_or_else(|_| unreachable!())];
        assert_eq!(client_ip(&r, &trusted).to_string(), "203.0.113.5");
    }

    #[test]
    fn credentials_from_basic_bearer_and_query() {
        let basic = base64::engine::general_purpose::STANDARD.encode("h.example.com:pth_secret");
        let c = of_request(&request(vec![("Authorization", &format!("Basic {basic}"))], "/nic/update"));
        assert_eq!(c.secrets.first().map(String::as_str), Some("pth_secret"));
        assert_eq!(c.username.as_deref(), Some("h.example.com"));
        let c = of_request(&request(vec![("Authorization", "Bearer pth_b")], "/x?key=pth_q"));
        assert_eq!(c.secrets, vec!["pth_b".to_string(), "pth_q".to_string()]);
        assert!(of_request(&request(vec![], "/nic/update?hostname=a.b")).secrets.is_empty());
    }
}
