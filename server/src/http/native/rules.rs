//! The rules the domain applies to each input of the native API, written into the OpenAPI
//! document's schemas: lengths, ranges, patterns and enumerations come from the constants and
//! patterns the domain validates with, so that a request the document calls valid is one
//! the appliance takes (what it still refuses is a conflict with what exists: 403, 404, 409).

use serde_json::{Value, json};

use crate::Context;
use crate::model::account::{EMAIL_PATTERN, MAX_EMAIL};
use crate::model::Scope;
use crate::names::{MAX_NAME, fqdn_pattern, name_pattern, owner_pattern};
use crate::password;
use crate::records::{MAX_TTL, MAX_TXT, MIN_TTL, RecordKind};

/// Record types the records API takes.
const KINDS: [RecordKind; 8] =
    [RecordKind::A, RecordKind::Aaaa, RecordKind::Cname, RecordKind::Txt, RecordKind::Mx, RecordKind::Srv, RecordKind::Caa, RecordKind::Ns];
/// An IPv4 octet, a port, an IPv4 network length.
const OCTET: &str = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const PORT: &str = "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}|0)";

/// Writes the rules into `doc` (the document as JSON).
pub fn apply(ctx: &Context, doc: &mut Value) {
    let longest_zone = ctx.zones.iter().map(|z| z.name.as_str().len()).max().unwrap_or(0);
    // A name relative to a zone leaves room for the zone's own name and the dot between.
    let relative = MAX_NAME.saturating_sub(longest_zone + 1);
    let ipv4 = format!("{OCTET}(?:\\.{OCTET}){{3}}");
    let plans: Vec<&String> = ctx.config.plans.keys().collect();
    let schemas = &mut doc["components"]["schemas"];
    let mut set = |schema: &str, property: &str, rule: Value| merge(&mut schemas[schema]["properties"][property], rule);

    let email = json!({"pattern": EMAIL_PATTERN, "maxLength": MAX_EMAIL});
    let new_password = json!({"minLength": password::MIN_LEN, "maxLength": password::MAX_LEN});
    for (schema, property, rule) in [
        ("Registration", "email", &email),
        ("Registration", "password", &new_password),
        ("Setup", "email", &email),
        ("Setup", "password", &new_password),
        ("NewInvite", "email", &email),
        ("PasswordChange", "newPassword", &new_password),
        ("PasswordReset", "password", &new_password),
    ] {
        set(schema, property, rule.clone());
    }
    set("NewDomain", "name", json!({"pattern": fqdn_pattern(), "maxLength": MAX_NAME}));
    set("DomainPatch", "allowTransfer", json!({"items": {"type": "string", "anyOf": [
        {"format": "ipv4"},
        {"format": "ipv6"},
        {"pattern": format!("^{ipv4}/(?:3[0-2]|[12]?[0-9])$")},
        {"pattern": format!("^key:{}", &name_pattern()[1..]), "maxLength": MAX_NAME + 4},
    ]}}));
    set("DomainPatch", "notify", json!({"items": {"type": "string", "pattern": format!("^{ipv4}:{PORT}$")}}));
    let ttl = json!({"minimum": MIN_TTL, "maximum": MAX_TTL});
    set("NewHostname", "name", json!({"pattern": name_pattern(), "maxLength": relative}));
    set("NewHostname", "ttl", ttl.clone());
    set("HostnamePatch", "ttl", ttl.clone());
    set("HostnamePatch", "ipv6InterfaceId", json!({"format": "ipv6"}));
    set("HostnamePatch", "lanIpv4", json!({"format": "ipv4"}));
    set("HostnamePatch", "lanIpv6", json!({"format": "ipv6"}));
    // Optional fields take null as "unchanged", so their enumerations hold it too.
    let nullable = |values: Vec<Value>| json!({"enum": values.into_iter().chain([Value::Null]).collect::<Vec<_>>()});
    set("RecordPatch", "type", nullable(KINDS.iter().map(|k| json!(k.as_str())).collect()));
    set("RecordPatch", "name", json!({"pattern": owner_pattern(), "maxLength": relative}));
    set("RecordPatch", "ttl", ttl.clone());
    for field in ["priority", "weight", "port"] {
        set("RecordPatch", field, json!({"maximum": u16::MAX}));
    }
    set("NewToken", "label", json!({"maxLength": crate::tokens::MAX_LABEL}));
    set("NewToken", "scopes", json!({"items": {"type": "string", "enum": Scope::ALL.map(Scope::as_str)}}));
    set("NewTsigKey", "name", json!({"pattern": name_pattern(), "maxLength": MAX_NAME}));
    set("NewTsigKey", "algorithm", json!({"enum": crate::dns::tsig::ALGORITHMS.map(|a| a.as_str())}));
    let kinds = KINDS.map(RecordKind::as_str).join("|");
    set("NewTsigKey", "allow", json!({"items": {"type": "string", "pattern": format!("^[A-Za-z0-9_.*-]+(?::(?:\\*|{kinds}))?$")}}));
    set("UserPatch", "plan", nullable(plans.iter().map(|p| json!(p)).collect()));
    set("NewUser", "email", email.clone());
    set("NewUser", "password", new_password.clone());
    set("NewUser", "plan", nullable(plans.iter().map(|p| json!(p)).collect()));
    // An empty public URL unsets it.
    set("SettingsPatch", "publicUrl", json!({"pattern": format!("^$|{}", crate::config::url_pattern(false, false))}));
    let window = json!({"minimum": 0, "maximum": crate::alerts::MAX_WINDOW_HOURS});
    let streak = json!({"minimum": 0, "maximum": crate::alerts::MAX_STREAK});
    set("HostnamePatch", "staleAfterHours", window.clone());
    set("AlertSettingsPatch", "staleAfterHours", window.clone());
    set("AlertSettingsPatch", "failuresInARow", streak.clone());
    set("AlertSettings", "staleAfterHours", window);
    set("AlertSettings", "failuresInARow", streak);

    // An address, or the caller's own when empty or `auto`.
    let address = json!({"anyOf": [{"format": "ipv4"}, {"format": "ipv6"}, {"enum": ["", "auto"]}]});
    set("UpdateBody", "ip", address.clone());
    // A token is either bound to a hostname or carries at least one scope.
    merge(&mut schemas["NewToken"], json!({"anyOf": [
        {"required": ["hostnameId"], "properties": {"hostnameId": {"type": "string"}}},
        {"required": ["scopes"], "properties": {"scopes": {"minItems": 1}}},
    ]}));
    schemas["NewRecord"] = new_record(relative, &ipv4);
    schemas["NewChannel"] = new_channel();

    // Query parameters. An empty hostname means the token's own.
    let host = json!({"anyOf": [{"pattern": fqdn_pattern()}, {"enum": [""]}], "maxLength": MAX_NAME});
    for (path, method, name, rule) in [
        ("/api/logs", "get", "page", json!({"minimum": 1, "maximum": u32::MAX})),
        ("/api/logs", "get", "perPage", json!({"minimum": 1, "maximum": crate::logs::MAX_PER_PAGE})),
        ("/api/hostnames/{id}/history", "get", "limit", json!({"minimum": 1, "maximum": crate::hostnames::MAX_HISTORY})),
        ("/api/update", "get", "ip", address.clone()),
        ("/api/update", "post", "ip", address.clone()),
        ("/api/update", "get", "hostname", host.clone()),
        ("/api/update", "post", "hostname", host.clone()),
    ] {
        let parameters = doc["paths"][path][method]["parameters"].as_array_mut();
        if let Some(parameter) = parameters.into_iter().flatten().find(|p| p["name"] == name) {
            merge(&mut parameter["schema"], rule);
        }
    }
}

/// `POST /api/alerts/channels`: one shape per kind, each with the fields that kind needs.
fn new_channel() -> Value {
    let max = crate::alerts::MAX_TEXT;
    let text = json!({"type": ["string", "null"], "maxLength": max});
    let filled = json!({"type": ["string", "null"], "minLength": 1, "maxLength": max});
    // Optional texts may be null (absent) but not empty; control characters never.
    let secret = |nullable: bool| {
        let kind = if nullable { json!(["string", "null"]) } else { json!("string") };
        json!({"type": kind, "minLength": 1, "maxLength": max, "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"})
    };
    let url = |topic: bool| json!({"type": "string", "maxLength": max, "pattern": crate::config::url_pattern(true, topic)});
    // The reserved names in any case, as character classes ([Hh][Oo][Ss][Tt]).
    let any_case = |name: &str| name.chars().map(|c| if c.is_ascii_alphabetic() { format!("[{}{}]", c.to_ascii_uppercase(), c) } else { c.to_string() }).collect::<String>();
    let reserved = crate::alerts::RESERVED_HEADERS.map(any_case).join("|");
    let header = json!({"type": ["string", "null"], "maxLength": max, "pattern": format!("^(?!(?:{reserved})$)[A-Za-z0-9-]+$")});
    let variant = |kind: &str, required: &[&str], extra: Value| {
        let mut properties = json!({
            "kind": {"type": "string", "enum": [kind]},
            "url": text.clone(),
            "to": text.clone(),
            "token": filled.clone(),
            "secretHeader": filled.clone(),
            "secret": filled.clone(),
        });
        if let (Some(all), Value::Object(more)) = (properties.as_object_mut(), extra) {
            all.extend(more);
        }
        let mut required: Vec<&str> = required.to_vec();
        required.insert(0, "kind");
        json!({"type": "object", "title": kind, "required": required, "properties": properties, "additionalProperties": false})
    };
    let mut webhook = variant("webhook", &["url"], json!({"url": url(false), "secretHeader": header, "secret": secret(true)}));
    // The secret and its header come together, or neither does.
    webhook["anyOf"] = json!([
        {"properties": {"secret": {"type": "null"}, "secretHeader": {"type": "null"}}},
        {"required": ["secret", "secretHeader"], "properties": {"secret": {"type": "string"}, "secretHeader": {"type": "string"}}},
    ]);
    json!({
        "description": "A webhook (url, with secretHeader and secret together), an ntfy topic (url naming the topic, optional token), a Gotify server (url and token) or an e-mail address (to).",
        "oneOf": [
            webhook,
            variant("ntfy", &["url"], json!({"url": url(true), "token": secret(true)})),
            variant("gotify", &["url", "token"], json!({"url": url(false), "token": secret(false)})),
            variant("email", &["to"], json!({"to": {"type": "string", "pattern": EMAIL_PATTERN, "maxLength": MAX_EMAIL}})),
        ],
    })
}

/// `POST …/records`: one shape per record type, each with the content that type takes.
fn new_record(relative: usize, ipv4: &str) -> Value {
    let u16_field = json!({"type": ["integer", "null"], "minimum": 0, "maximum": u16::MAX});
    let required_u16 = json!({"type": "integer", "minimum": 0, "maximum": u16::MAX});
    let host = json!({"type": "string", "pattern": fqdn_pattern(), "maxLength": MAX_NAME});
    let variants: Vec<Value> = KINDS
        .iter()
        .map(|kind| {
            let content = match kind {
                RecordKind::A => json!({"type": "string", "format": "ipv4", "pattern": format!("^{ipv4}$")}),
                RecordKind::Aaaa => json!({"type": "string", "format": "ipv6"}),
                RecordKind::Txt => json!({"type": "string", "minLength": 1, "maxLength": MAX_TXT}),
                RecordKind::Caa => json!({"type": "string", "pattern": format!("^{OCTET} (?:issue|issuewild|iodef)(?: .*)?$")}),
                _ => host.clone(),
            };
            let mut properties = json!({
                "type": {"type": "string", "enum": [kind.as_str()]},
                "name": {"type": "string", "pattern": owner_pattern(), "maxLength": relative},
                "content": content,
                "ttl": {"type": ["integer", "null"], "minimum": MIN_TTL, "maximum": MAX_TTL},
                "priority": u16_field.clone(),
                "weight": u16_field.clone(),
                "port": u16_field.clone(),
            });
            let mut required = vec!["type", "content"];
            let needs: &[&str] = match kind {
                RecordKind::Mx => &["priority"],
                RecordKind::Srv => &["priority", "weight", "port"],
                _ => &[],
            };
            for field in needs {
                properties[*field] = required_u16.clone();
                required.push(field);
            }
            json!({"type": "object", "title": kind.as_str(), "required": required, "properties": properties, "additionalProperties": false})
        })
        .collect();
    json!({
        "description": "`POST /api/domains/{domainId}/records`: one shape per record type.",
        "oneOf": variants,
    })
}

/// Adds `rule`'s keys to `schema` (an object).
fn merge(schema: &mut Value, rule: Value) {
    if let (Some(target), Value::Object(rule)) = (schema.as_object_mut(), rule) {
        target.extend(rule);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::DomainName;

    /// Whether `pattern` (as the document states it) matches `text` in full.
    fn matches(pattern: &str, text: &str) -> bool {
        regex::Regex::new(pattern).is_ok_and(|r| r.is_match(text))
    }

    #[test]
    fn the_name_patterns_say_what_the_name_parser_takes() {
        let long_label = "a".repeat(63);
        let too_long_label = "a".repeat(64);
        let long_name = vec!["a".repeat(61); 4].join(".");
        for sample in [
            "home",
            "home.dyn.example.test",
            "Home.Example.",
            "_acme-challenge.x",
            "a-b.c_d",
            long_label.as_str(),
            long_name.as_str(),
            "",
            "-home",
            "home-",
            "a..b",
            "a b",
            "*.home",
            "home.*",
            "ä.example",
            too_long_label.as_str(),
            "a.",
            ".a",
        ] {
            let parsed = DomainName::parse(sample).is_ok_and(|n| n.first_label() != "*");
            assert_eq!(matches(&name_pattern(), sample) && sample.len() <= MAX_NAME, parsed, "{sample:?}");
            let fqdn = parsed && DomainName::parse_fqdn(sample).is_ok();
            assert_eq!(matches(&fqdn_pattern(), sample) && sample.len() <= MAX_NAME, fqdn, "{sample:?} as a fully qualified name");
        }
        assert!(matches(&owner_pattern(), "*.home") && matches(&owner_pattern(), "@") && matches(&owner_pattern(), ""));
        assert!(!matches(&owner_pattern(), "home.*") && !matches(&owner_pattern(), "@.home"));
    }

    #[test]
    fn the_url_pattern_says_what_the_url_check_takes() {
        for sample in [
            "http://192.168.1.2:8080",
            "https://ddns.example.com/",
            "http://nas.lan.:8080/a/b",
            "http://nas",
            "https://x/?q=1",
            "https://ntfy.sh/topic?x=1",
            "https://ntfy.sh/",
            "https://ntfy.sh//t",
            "ftp://x",
            "http://",
            "http://a b",
            "http://u@x",
            "http://<script>/",
            "http://x\"y",
            "http://x:99999",
            "http://x:0",
            "http://x:080",
            "http://127.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://01.2.3.4/",
            "http://1.2.3.4/",
            "http://a..b/",
            "http://-a.b/",
            "http://x/#f",
            "http://x/é",
            "http://x/a?b<c",
            "http://x/a?b=c?d",
        ] {
            for query in [false, true] {
                let checked = crate::config::check_url(sample, query).is_ok();
                assert_eq!(matches(&crate::config::url_pattern(query, false), sample), checked, "{sample:?} (query {query})");
            }
        }
        assert!(matches(&crate::config::url_pattern(true, true), "https://ntfy.sh/topic"));
        assert!(!matches(&crate::config::url_pattern(true, true), "https://ntfy.sh/"));
        assert!(!matches(&crate::config::url_pattern(true, true), "https://ntfy.sh/?x"));
    }

    #[test]
    fn the_email_pattern_says_what_the_account_rules_take() {
        for sample in ["a@b.c", "first.last+tag@example.co.uk", "ü@ex.ample", "a@b.", "@b.c", "a@bc", "a@b@c.d", "a b@c.d", "a@b.c\n", "a\t@b.c"] {
            let accepted = crate::model::account::parse_email(sample).is_ok();
            assert_eq!(matches(EMAIL_PATTERN, sample), accepted, "{sample:?}");
        }
    }
}
