//! The authorization matrix: every route of the route table, asked by seven callers —
//! anonymous, another account, the owner, an administrator, another host's token, an API key
//! without the scope the route needs, and another partner's key — against what a world of
//! two accounts holds. Each answer must be the expected allow or deny, and a deny must change
//! nothing in the database or in DNS. The nested-name cases (a name inside the owner's
//! hostname, a key naming it) are among the requests.
//!
//! The owner is a partner's user (so the partner API reaches it) with hostname `home`, a
//! hand-made record under it, a verified custom domain with a record, a token, an updater,
//! a TSIG key, an acme-dns account and two-factor sign-in on. The other account has hostname
//! `lab`, keys of its own and an authenticator waiting to be confirmed; the administrator and
//! a second partner have theirs.

use porchlight_tests::{HttpResponse, Lab, PASSWORD, basic, delegate, parent, totp};
use serde_json::{Value, json};

const ZONE_ID: &str = "00000000-0000-0000-0000-000000000001";
const HOME: &str = "home.dyn.example.test";
const DOMAIN: &str = "mine.parent.test";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Other,
    Owner,
    Admin,
    OtherHostToken,
    ScopelessKey,
    OtherPartner,
}

const CALLERS: [Caller; 7] =
    [Caller::Anonymous, Caller::Other, Caller::Owner, Caller::Admin, Caller::OtherHostToken, Caller::ScopelessKey, Caller::OtherPartner];

/// Everything the requests refer to.
struct World {
    lab: Lab,
    _parent: Lab,
    owner_session: String,
    owner_key: String,
    owner_host_token: String,
    owner_update_only_key: String,
    owner_host: String,
    owner_record: String,
    owner_token: String,
    owner_tsig: String,
    owner_channel: String,
    owner_updater: String,
    owner_id: String,
    /// The acme-dns account: user name, key, subdomain.
    owner_acme: (String, String, String),
    domain_id: String,
    domain_record: String,
    /// The owner's TOTP secret (two-factor sign-in on).
    owner_totp: String,
    other_session: String,
    /// The other account's TOTP secret, waiting to be confirmed.
    other_totp: String,
    other_key: String,
    other_host_token: String,
    admin_session: String,
    admin_key: String,
    partner_key: String,
    other_partner_key: String,
}

fn created(r: HttpResponse, what: &str) -> Value {
    assert!((200..300).contains(&r.status), "{what}: {} {}", r.status, r.body);
    r.json()
}

fn key(lab: &Lab, session: &str, scopes: &[&str]) -> (String, String) {
    let token = created(lab.api("POST", "/api/tokens", Some(session), Some(json!({"label": "k", "scopes": scopes}))), "key")["token"].clone();
    (token["tokenValue"].as_str().unwrap().to_string(), token["id"].as_str().unwrap().to_string())
}

fn world() -> World {
    let (parent_lab, registrar) = parent();
    delegate(&parent_lab, &registrar, "ns1.dyn.example.test");
    let lab = Lab::start_with(|c| {
        c.delegation_resolver = Some(parent_lab.dns());
        // E-mail alert channels need a server; nothing listens there, so a test send fails at once.
        c.alerts.smtp = Some(porchlight::config::SmtpConfig {
            host: "127.0.0.1".into(),
            port: Some(9),
            security: "none".into(),
            username: None,
            password: None,
            from: "porchlight@example.test".into(),
            ca_file: None,
        });
    });
    let admin_session = lab.admin("root@example.com");
    let (admin_key, _) = key(&lab, &admin_session, &["read:domains", "write:domains", "write:records", "update"]);
    let (partner_key, _) = key(&lab, &admin_session, &["partner"]);
    let second_admin = lab.admin("root2@example.com");
    let (other_partner_key, _) = key(&lab, &second_admin, &["partner"]);

    // The owner: the partner's user, signed in by its login link.
    let url = created(lab.request("POST", "/api/v1/users", &[("Authorization", &format!("Bearer {partner_key}")), ("Content-Type", "application/json")], br#"{"user_identifier": "u1", "email": "owner@example.com"}"#), "partner user")["login_url"].as_str().unwrap().to_string();
    let code = url.split("code=").nth(1).unwrap();
    let linked = created(lab.api("POST", "/api/auth/link", None, Some(json!({"code": code}))), "link")["token"].as_str().unwrap().to_string();
    let me = created(lab.api("GET", "/api/me", Some(&linked), None), "me");
    // A password of its own, so that the password routes can be asked.
    let reset = lab.api("POST", &format!("/api/admin/users/{}/password", me["id"].as_str().unwrap()), Some(&admin_session), Some(json!({"password": PASSWORD})));
    assert_eq!(reset.status, 204, "{}", reset.body);
    let owner_session = lab.login("owner@example.com");
    let made = created(lab.api("POST", "/api/hostnames", Some(&owner_session), Some(json!({"domainId": ZONE_ID, "name": "home"}))), "home");
    let owner_host = made["hostname"]["id"].as_str().unwrap().to_string();
    let owner_host_token = made["token"]["tokenValue"].as_str().unwrap().to_string();
    let owner_token = made["token"]["id"].as_str().unwrap().to_string();
    assert_eq!(lab.get(&format!("/nic/update?hostname={HOME}&myip=192.0.2.1"), &[("Authorization", &basic(HOME, &owner_host_token))]).body, "good 192.0.2.1");
    let owner_record = created(lab.api("POST", &format!("/api/domains/{ZONE_ID}/records"), Some(&owner_session), Some(json!({"type": "TXT", "name": "www.home", "content": "owner"}))), "record")["record"]["id"].as_str().unwrap().to_string();
    let (owner_key, _) = key(&lab, &owner_session, &["read:domains", "write:domains", "write:records", "update"]);
    let (owner_update_only_key, _) = key(&lab, &owner_session, &["update"]);
    let owner_tsig = created(lab.api("POST", "/api/tsig-keys", Some(&owner_session), Some(json!({"name": "owner.key"}))), "tsig")["key"]["id"].as_str().unwrap().to_string();
    let owner_channel = created(lab.api("POST", "/api/alerts/channels", Some(&owner_session), Some(json!({"kind": "email", "to": "owner@example.net"}))), "channel")["channel"]["id"].as_str().unwrap().to_string();
    let updater = lab.request("POST", &format!("/api/v2/domains/{ZONE_ID}/dyndns"), &[("Authorization", &format!("Bearer {owner_key}")), ("Content-Type", "application/json")], json!({"hostname": HOME, "recordType": "AAAA"}).to_string().as_bytes());
    let owner_updater = created(updater, "updater")["id"].as_str().unwrap().to_string();
    let acme = created(lab.request("POST", "/register", &[("Authorization", &format!("Bearer {owner_key}"))], b""), "acme");
    let text = |field: &str| acme[field].as_str().unwrap().to_string();
    let owner_acme = (text("username"), text("password"), text("subdomain"));
    let domain_id = created(lab.api("POST", "/api/domains", Some(&owner_session), Some(json!({"name": DOMAIN}))), "domain")["domain"]["id"].as_str().unwrap().to_string();
    created(lab.api("POST", &format!("/api/domains/{domain_id}/verify"), Some(&owner_session), None), "verify");
    let domain_record = created(lab.api("POST", &format!("/api/domains/{domain_id}/records"), Some(&owner_session), Some(json!({"type": "A", "name": "www", "content": "192.0.2.9"}))), "domain record")["record"]["id"].as_str().unwrap().to_string();

    // The other account.
    let other_session = lab.login("other@example.com");
    let made = created(lab.api("POST", "/api/hostnames", Some(&other_session), Some(json!({"domainId": ZONE_ID, "name": "lab"}))), "lab");
    let other_host_token = made["token"]["tokenValue"].as_str().unwrap().to_string();
    let (other_key, _) = key(&lab, &other_session, &["read:domains", "write:domains", "write:records", "update"]);
    let owner_totp = lab.enable_totp(&owner_session).secret;
    let other_totp = created(lab.api("POST", "/api/me/totp", Some(&other_session), None), "enrolment")["secret"].as_str().unwrap().to_string();
    World {
        lab,
        _parent: parent_lab,
        owner_session,
        owner_key,
        owner_host_token,
        owner_update_only_key,
        owner_host,
        owner_record,
        owner_token,
        owner_tsig,
        owner_channel,
        owner_updater,
        owner_id: me["id"].as_str().unwrap().to_string(),
        owner_acme,
        domain_id,
        domain_record,
        owner_totp,
        other_session,
        other_totp,
        other_key,
        other_host_token,
        admin_session,
        admin_key,
        partner_key,
        other_partner_key,
    }
}

/// How a route's API takes credentials.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Open to anyone: credentials change nothing.
    Public,
    /// The native API: session tokens.
    Session,
    /// Update endpoints: the owner's hostname token updates the owner's host.
    Update,
    /// Account API keys (IPv64, HostUp, httpreq, acme-dns registration).
    Key,
    /// The partner API: the owner's partner.
    Partner,
    /// acme-dns updates: X-Api-User and X-Api-Key.
    AcmeDns,
}

/// What a caller presents to a route of `kind` (Basic where the dialect expects it).
fn credentials(w: &World, kind: Kind, caller: Caller) -> Option<String> {
    let bearer = |t: &str| Some(format!("Bearer {t}"));
    match (kind, caller) {
        (_, Caller::Anonymous) => None,
        (_, Caller::OtherHostToken) => bearer(&w.other_host_token),
        (_, Caller::OtherPartner) => bearer(&w.other_partner_key),
        (Kind::Session | Kind::Public, Caller::Owner) => bearer(&w.owner_session),
        (Kind::Session | Kind::Public, Caller::Other) => bearer(&w.other_session),
        (Kind::Session | Kind::Public, Caller::Admin) => bearer(&w.admin_session),
        (Kind::Update, Caller::Owner) => Some(basic(HOME, &w.owner_host_token)),
        (Kind::Key | Kind::AcmeDns, Caller::Owner) => bearer(&w.owner_key),
        (Kind::Partner, Caller::Owner) => bearer(&w.partner_key),
        (_, Caller::Other) => bearer(&w.other_key),
        (_, Caller::Admin) => bearer(&w.admin_key),
        // A key without the scope the route needs: update-only for everything but updates,
        // where a partner key (no update scope) stands in.
        (Kind::Update, Caller::ScopelessKey) => bearer(&w.partner_key),
        (Kind::Partner, Caller::ScopelessKey) => bearer(&w.admin_key),
        (_, Caller::ScopelessKey) => bearer(&w.owner_update_only_key),
    }
}

/// One request of the matrix.
struct Case {
    method: &'static str,
    /// The route's pattern, as the route table writes it.
    route: &'static str,
    kind: Kind,
    /// Who is allowed; everyone else must be refused.
    allowed: &'static [Caller],
}

const ANYONE: &[Caller] = &CALLERS;
const OWNER: &[Caller] = &[Caller::Owner];
const SESSIONS: &[Caller] = &[Caller::Owner, Caller::Other, Caller::Admin];
const ADMIN: &[Caller] = &[Caller::Admin];
const KEYS: &[Caller] = &[Caller::Owner, Caller::Other, Caller::Admin];

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Kind::*;
    let c = |method, route, kind, allowed| Case { method, route, kind, allowed };
    let mut cases = Vec::new();
    for route in ["/nic/update", "/v2/update", "/v3/update", "/update.php", "/api/v1/nic/update", "/api/v1/domain_update", "/update"] {
        cases.push(c("GET", route, Update, OWNER));
        if route != "/update" {
            cases.push(c("POST", route, Update, OWNER));
        }
    }
    cases.extend([
        c("GET", "/api/v1/update", Update, OWNER),
        c("POST", "/api/v1/update", Update, OWNER),
        c("GET", "/api/update", Update, OWNER),
        c("POST", "/api/update", Update, OWNER),
        c("GET", "/update/{domains}/{token}", Update, OWNER),
        c("GET", "/update/{domains}/{token}/{ip}", Update, OWNER),
        c("POST", "/update", AcmeDns, OWNER),
        c("POST", "/register", Key, &[Caller::Anonymous, Caller::Owner, Caller::Other, Caller::Admin]),
        c("POST", "/present", Key, OWNER),
        c("POST", "/cleanup", Key, OWNER),
        c("GET", "/ip", Public, ANYONE),
        c("GET", "/myip", Public, ANYONE),
        c("GET", "/nic/checkip.html", Public, ANYONE),
        // IPv64: reading the account (a key that may read domains), writing in the owner's name (the owner).
        c("GET", "/api", Key, &[Caller::Owner, Caller::Other, Caller::Admin]),
        c("POST", "/api", Key, OWNER),
        c("DELETE", "/api", Key, OWNER),
        // PocketDNS: the owner's partner only.
        c("POST", "/api/v1/users", Partner, &[Caller::Owner, Caller::OtherPartner]),
        c("GET", "/api/v1/users/{user}/domains", Partner, OWNER),
        c("GET", "/api/v1/domains/{id}", Partner, OWNER),
        c("POST", "/api/v1/dns_records", Partner, OWNER),
        c("GET", "/api/v1/dns_records/{id}", Partner, OWNER),
        c("PATCH", "/api/v1/dns_records/{id}", Partner, OWNER),
        c("DELETE", "/api/v1/dns_records/{id}", Partner, OWNER),
        // HostUp.
        c("GET", "/api/v2/domains", Key, KEYS),
        c("GET", "/api/v2/domains/{zone}/dyndns", Key, KEYS),
        c("POST", "/api/v2/domains/{zone}/dyndns", Key, OWNER),
        c("GET", "/api/v2/domains/{zone}/dyndns/{id}", Key, OWNER),
        c("PATCH", "/api/v2/domains/{zone}/dyndns/{id}", Key, OWNER),
        c("DELETE", "/api/v2/domains/{zone}/dyndns/{id}", Key, OWNER),
        // The native API.
        c("POST", "/api/auth/register", Public, ANYONE),
        c("POST", "/api/auth/login", Public, ANYONE),
        c("POST", "/api/auth/link", Public, ANYONE),
        c("POST", "/api/auth/logout-all", Session, SESSIONS),
        c("GET", "/api/setup", Public, ANYONE),
        c("POST", "/api/setup", Public, ANYONE),
        c("GET", "/api/me", Session, SESSIONS),
        c("DELETE", "/api/me", Session, SESSIONS),
        c("POST", "/api/me/password", Session, SESSIONS),
        // The owner has two-factor sign-in on (enrolling again waits until it is off); the
        // other account has an enrolment waiting for its code.
        c("POST", "/api/me/totp", Session, &[Caller::Other, Caller::Admin]),
        c("POST", "/api/me/totp/confirm", Session, &[Caller::Other]),
        c("DELETE", "/api/me/totp", Session, OWNER),
        c("GET", "/api/domains", Session, SESSIONS),
        c("POST", "/api/domains", Session, SESSIONS),
        c("PATCH", "/api/domains/{id}", Session, OWNER),
        c("DELETE", "/api/domains/{id}", Session, OWNER),
        c("POST", "/api/domains/{id}/verify", Session, OWNER),
        c("GET", "/api/domains/{id}/delegation-status", Session, OWNER),
        c("GET", "/api/domains/{id}/delegation", Session, &[Caller::Owner, Caller::Admin]),
        c("GET", "/api/domains/{id}/dnssec", Session, &[Caller::Owner, Caller::Admin]),
        c("POST", "/api/domains/{id}/dnssec/rollover", Session, OWNER),
        c("GET", "/api/domains/{id}/export", Session, &[Caller::Owner, Caller::Admin]),
        c("GET", "/api/domains/{domainId}/records", Session, SESSIONS),
        c("POST", "/api/domains/{domainId}/records", Session, OWNER),
        c("PATCH", "/api/domains/{domainId}/records/{recordId}", Session, OWNER),
        c("DELETE", "/api/domains/{domainId}/records/{recordId}", Session, OWNER),
        c("GET", "/api/hostnames", Session, SESSIONS),
        c("POST", "/api/hostnames", Session, OWNER),
        c("GET", "/api/hostnames/{id}", Session, OWNER),
        c("PATCH", "/api/hostnames/{id}", Session, OWNER),
        c("GET", "/api/hostnames/{id}/history", Session, OWNER),
        c("DELETE", "/api/hostnames/{id}", Session, OWNER),
        c("GET", "/api/logs", Session, SESSIONS),
        c("GET", "/api/tokens", Session, SESSIONS),
        c("POST", "/api/tokens", Session, SESSIONS),
        c("POST", "/api/tokens/{id}/regenerate", Session, OWNER),
        c("DELETE", "/api/tokens/{id}", Session, OWNER),
        c("GET", "/api/tsig-keys", Session, SESSIONS),
        c("POST", "/api/tsig-keys", Session, OWNER),
        c("DELETE", "/api/tsig-keys/{id}", Session, OWNER),
        c("GET", "/api/alerts/channels", Session, SESSIONS),
        c("POST", "/api/alerts/channels", Session, SESSIONS),
        c("DELETE", "/api/alerts/channels/{id}", Session, OWNER),
        c("POST", "/api/alerts/channels/{id}/test", Session, OWNER),
        c("GET", "/api/alerts/settings", Session, SESSIONS),
        c("PATCH", "/api/alerts/settings", Session, SESSIONS),
        c("GET", "/api/admin/users", Session, ADMIN),
        c("POST", "/api/admin/users", Session, ADMIN),
        c("PATCH", "/api/admin/users/{id}", Session, ADMIN),
        c("POST", "/api/admin/users/{id}/password", Session, ADMIN),
        c("POST", "/api/admin/invites", Session, ADMIN),
        c("GET", "/api/admin/backup", Session, ADMIN),
        c("GET", "/api/admin/settings", Session, ADMIN),
        c("PATCH", "/api/admin/settings", Session, ADMIN),
        c("GET", "/api/appliance", Session, SESSIONS),
        c("GET", "/api/openapi.json", Public, ANYONE),
        c("GET", "/", Public, ANYONE),
        c("GET", "/setup", Public, ANYONE),
        c("GET", "/login", Public, ANYONE),
        c("GET", "/register", Public, ANYONE),
        c("GET", "/welcome", Public, ANYONE),
        c("GET", "/hosts", Public, ANYONE),
        c("GET", "/hosts/{id}", Public, ANYONE),
        c("GET", "/tokens", Public, ANYONE),
        c("GET", "/domains", Public, ANYONE),
        c("GET", "/records", Public, ANYONE),
        c("GET", "/log", Public, ANYONE),
        c("GET", "/alerts", Public, ANYONE),
        c("GET", "/account", Public, ANYONE),
        c("GET", "/admin", Public, ANYONE),
        c("GET", "/favicon.ico", Public, ANYONE),
        c("GET", "/assets/{name}", Public, ANYONE),
        c("GET", "/healthz", Public, ANYONE),
        c("GET", "/health", Public, ANYONE),
        c("GET", "/metrics", Public, ANYONE),
    ]);
    cases
}

/// The concrete request of a case for a caller: target, extra headers, body. Bodies name
/// the owner's names, so that a stranger's request is the nested-name case.
fn request(w: &World, case: &Case, caller: Caller) -> (String, Vec<(String, String)>, Option<Value>) {
    let token = match caller {
        Caller::Owner => w.owner_host_token.clone(),
        Caller::Anonymous => "x".repeat(10),
        _ => credentials(w, Kind::Update, caller).unwrap_or_default().trim_start_matches("Bearer ").to_string(),
    };
    let asset = "index.html";
    let target = case
        .route
        .replace("{domains}", "home")
        .replace("{token}", &token)
        .replace("{ip}", "192.0.2.77")
        .replace("{user}", "u1")
        .replace("{zone}", ZONE_ID)
        .replace("{name}", asset);
    let target = match case.route {
        "/api/v1/domains/{id}" | "/api/domains/{id}" | "/api/domains/{id}/verify" | "/api/domains/{id}/delegation-status" | "/api/domains/{id}/delegation" | "/api/domains/{id}/dnssec" | "/api/domains/{id}/dnssec/rollover" | "/api/domains/{id}/export" => target.replace("{id}", &w.domain_id),
        "/api/v1/dns_records/{id}" => target.replace("{id}", &w.domain_record),
        "/api/v2/domains/{zone}/dyndns/{id}" => target.replace("{id}", &w.owner_updater),
        "/api/hostnames/{id}" | "/api/hostnames/{id}/history" => target.replace("{id}", &w.owner_host),
        "/api/tokens/{id}/regenerate" | "/api/tokens/{id}" => target.replace("{id}", &w.owner_token),
        "/api/tsig-keys/{id}" => target.replace("{id}", &w.owner_tsig),
        "/api/alerts/channels/{id}" | "/api/alerts/channels/{id}/test" => target.replace("{id}", &w.owner_channel),
        "/api/admin/users/{id}" | "/api/admin/users/{id}/password" => target.replace("{id}", &w.owner_id),
        "/api/domains/{domainId}/records" => target.replace("{domainId}", ZONE_ID),
        "/api/domains/{domainId}/records/{recordId}" => target.replace("{domainId}", ZONE_ID).replace("{recordId}", &w.owner_record),
        _ => target,
    };
    let update = format!("?hostname={HOME}&myip=192.0.2.77");
    let target = match (case.kind, case.route) {
        (Kind::Update, "/api/update") => format!("{target}?hostname={HOME}&ip=192.0.2.77"),
        (Kind::Update, "/update") => format!("{target}?domains=home&ip=192.0.2.77"),
        (Kind::Update, r) if !r.contains('{') => format!("{target}{update}"),
        (Kind::Key, "/api") => match case.method {
            "GET" => format!("{target}?get_account_info"),
            "POST" => format!("{target}?add_record={HOME}&praefix=_acme-challenge&type=TXT&content=matrix"),
            _ => format!("{target}?del_record={HOME}&praefix=www&type=TXT&content=owner"),
        },
        _ => target,
    };
    let mut headers = Vec::new();
    if let Some(auth) = credentials(w, case.kind, caller) {
        if case.kind == Kind::AcmeDns {
            let key = if caller == Caller::Owner { w.owner_acme.1.clone() } else { auth.trim_start_matches("Bearer ").to_string() };
            headers.push(("X-Api-User".to_string(), w.owner_acme.0.clone()));
            headers.push(("X-Api-Key".to_string(), key));
        } else {
            headers.push(("Authorization".to_string(), auth));
        }
    }
    if case.kind == Kind::Key && case.route.starts_with("/api/v2") {
        headers.push(("Accept".to_string(), "application/json".to_string()));
    }
    let unique = format!("{caller:?}").to_ascii_lowercase();
    let body = match (case.method, case.route) {
        ("POST", "/update") => Some(json!({"subdomain": w.owner_acme.2.clone(), "txt": "x".repeat(43)})),
        ("POST", "/present") | ("POST", "/cleanup") => Some(json!({"fqdn": format!("_acme-challenge.{HOME}."), "value": "matrix"})),
        ("POST", "/api/v1/users") => Some(json!({"user_identifier": format!("matrix-{unique}")})),
        ("POST", "/api/v1/dns_records") => Some(json!({"domain_id": w.domain_id, "type": "TXT", "name": "matrix", "value": "x"})),
        ("PATCH", "/api/v1/dns_records/{id}") => Some(json!({"value": "192.0.2.10"})),
        ("POST", "/api/v2/domains/{zone}/dyndns") => Some(json!({"hostname": format!("x.{HOME}"), "recordType": "A"})),
        ("PATCH", "/api/v2/domains/{zone}/dyndns/{id}") => Some(json!({"enabled": false})),
        ("POST", "/api/auth/register") => Some(json!({"email": format!("{unique}@new.example"), "password": PASSWORD})),
        ("POST", "/api/auth/login") => Some(json!({"email": "other@example.com", "password": PASSWORD})),
        ("POST", "/api/auth/link") => Some(json!({"code": "not-a-code"})),
        ("POST", "/api/setup") => Some(json!({"code": "not-a-code", "email": "x@example.com", "password": PASSWORD})),
        ("DELETE", "/api/me") => Some(json!({"password": PASSWORD})),
        ("POST", "/api/me/password") => Some(json!({"currentPassword": PASSWORD, "newPassword": "another long password"})),
        ("POST", "/api/me/totp/confirm") => Some(json!({"code": totp::code(&w.other_totp, 0)})),
        // The next step's code: the one confirming the enrolment used up the current step.
        ("DELETE", "/api/me/totp") => Some(json!({"password": PASSWORD, "code": totp::code(&w.owner_totp, 1)})),
        ("POST", "/api/admin/users") => Some(json!({"email": format!("{unique}@made.example"), "password": PASSWORD})),
        ("POST", "/api/domains") => Some(json!({"name": format!("{unique}.example.net")})),
        ("PATCH", "/api/domains/{id}") => Some(json!({"allowTransfer": ["192.0.2.0/24"]})),
        ("POST", "/api/domains/{domainId}/records") => Some(json!({"type": "TXT", "name": "_acme-challenge.home", "content": "matrix"})),
        ("PATCH", "/api/domains/{domainId}/records/{recordId}") => Some(json!({"content": "changed"})),
        ("POST", "/api/hostnames") => Some(json!({"domainId": ZONE_ID, "name": "x.home"})),
        ("PATCH", "/api/hostnames/{id}") => Some(json!({"ttl": 300})),
        ("POST", "/api/tokens") => Some(json!({"label": "matrix", "scopes": ["update"]})),
        ("POST", "/api/tsig-keys") => Some(json!({"name": format!("{unique}.matrix"), "allow": [format!("_acme-challenge.{HOME}:TXT")]})),
        ("POST", "/api/alerts/channels") => Some(json!({"kind": "email", "to": format!("{unique}@example.net")})),
        ("PATCH", "/api/alerts/settings") => Some(json!({"failuresInARow": 4})),
        ("PATCH", "/api/admin/users/{id}") => Some(json!({"plan": "free"})),
        ("POST", "/api/admin/users/{id}/password") => Some(json!({"password": "set by the administrator"})),
        ("POST", "/api/admin/invites") => Some(json!({})),
        ("PATCH", "/api/admin/settings") => Some(json!({"registrationOpen": true})),
        _ => None,
    };
    (target, headers, body)
}

/// Whether an answer grants the request (a 2xx that is not a per-host refusal).
fn granted(r: &HttpResponse) -> bool {
    (200..300).contains(&r.status) && !["nohost", "badauth", "KO", "notfqdn", "abuse"].contains(&r.body.trim())
}

/// What a refusal must leave as it was: every row that holds names, records, credentials or
/// settings (use times and the event log aside), and the served zones' serials.
fn state(w: &World) -> String {
    let db = w.lab.db();
    let mut out = String::new();
    for (table, order) in [
        ("users", "id"),
        ("zones", "id"),
        ("hostnames", "id"),
        ("records", "id"),
        ("tokens", "id"),
        ("updaters", "id"),
        ("tsig_keys", "id"),
        ("acme_accounts", "hostname_id"),
        ("partner_users", "user_id"),
        ("login_links", "code_hash"),
        ("invites", "id"),
        ("settings", "key"),
        ("alert_channels", "id"),
        ("alert_settings", "user_id"),
        ("totp", "user_id"),
        ("recovery_codes", "user_id, code_hash"),
    ] {
        let mut stmt = db.prepare(&format!("SELECT * FROM {table} ORDER BY {order}")).unwrap();
        let names: Vec<String> = stmt.column_names().map(|c| c.to_string()).collect();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for (i, name) in names.iter().enumerate() {
                if name != "last_used_at" {
                    out.push_str(&format!("{:?}|", row.get_ref(i).unwrap()));
                }
            }
            out.push('\n');
        }
    }
    let serial = |zone: &str| porchlight_tests::answers(&w.lab.query(zone, porchlight_tests::hickory_proto::rr::RecordType::SOA), porchlight_tests::hickory_proto::rr::RecordType::SOA);
    out.push_str(&format!("{:?} {:?}", serial("dyn.example.test"), serial(DOMAIN)));
    out
}

#[test]
fn every_route_allows_exactly_whom_it_should_and_a_refusal_changes_nothing() {
    let cases = cases();
    // Every route of the table is in the matrix (and nothing else is).
    let mut table: Vec<(String, String)> = Vec::new();
    for (methods, path, _, _) in porchlight::http::route_list() {
        for method in methods {
            if !table.contains(&(method.to_string(), path.to_string())) {
                table.push((method.to_string(), path.to_string()));
            }
        }
    }
    for (method, path) in &table {
        assert!(cases.iter().any(|c| c.method == method && c.route == path), "{method} {path} is routed but not in the matrix");
    }
    for case in &cases {
        assert!(table.iter().any(|(m, p)| m == case.method && p == case.route), "{} {} is in the matrix but not routed", case.method, case.route);
    }

    let mut failures = Vec::new();
    let (mut allowed, mut denied) = (0, 0);
    for case in &cases {
        let w = world();
        // Refusals first (on an untouched world), then the callers allowed.
        let mut order: Vec<Caller> = CALLERS.iter().copied().filter(|c| !case.allowed.contains(c)).collect();
        order.extend(CALLERS.iter().copied().filter(|c| case.allowed.contains(c)));
        for caller in order {
            let (target, headers, body) = request(&w, case, caller);
            let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).chain([("Content-Type", "application/json")]).collect();
            let before = state(&w);
            let body = body.map(|b| b.to_string()).unwrap_or_default();
            let r = w.lab.request(case.method, &target, &headers, body.as_bytes());
            let label = format!("{} {} as {caller:?}", case.method, case.route);
            if case.allowed.contains(&caller) {
                allowed += 1;
                if case.kind != Kind::Public && !granted(&r) {
                    failures.push(format!("{label}: expected to be allowed, got {} {}", r.status, r.body));
                }
                if case.kind == Kind::Public && r.status == 401 {
                    failures.push(format!("{label}: a public route asked for credentials"));
                }
            } else {
                denied += 1;
                if granted(&r) {
                    failures.push(format!("{label}: expected a refusal, got {} {}", r.status, r.body));
                }
                if state(&w) != before {
                    failures.push(format!("{label}: refused ({}), but the database or DNS changed", r.status));
                }
            }
        }
    }
    println!(
        "authorization matrix: {} routes x {} callers = {} requests; {allowed} allowed, {denied} refused; {} unexpected",
        cases.len(),
        CALLERS.len(),
        cases.len() * CALLERS.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
