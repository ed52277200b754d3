//! The IPv64 dialect: `/api?verb` with Bearer, Basic, `apikey=`/`token=` credentials, the
//! document's `{"info","status"}` answers, and its updater parameters on `/nic/update`.

use std::process::Command;

use porchlight_tests::hickory_proto::rr::RecordType;
use porchlight_tests::{Lab, basic, have_program};
use serde_json::json;

const OWNER: &str = "a@example.com";
const HOST: &str = "ev21.dyn.example.test";


fn form(lab: &Lab, method: &str, key: &str, body: &str) -> porchlight_tests::HttpResponse {
    let auth = format!("Bearer {key}");
    lab.request(method, "/api", &[("Authorization", &auth), ("Content-Type", "application/x-www-form-urlencoded")], body.as_bytes())
}

#[test]
fn account_domains_and_records_in_the_documents_shapes() {
    let lab = Lab::start();
    // An administrator: MX and SRV are beyond the free plan.
    let session = lab.admin(OWNER);
    let key = lab.api_key(&session, &["read:domains", "write:domains", "write:records", "update"]);
    let bearer = format!("Bearer {key}");

    // add_domain, then an update with the account key (IPv64's update_hash).
    let r = form(&lab, "POST", &key, &format!("add_domain={HOST}"));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json(), json!({"info": "success", "status": "201 Created", "add_domain": HOST}));
    let r = lab.get(&format!("/nic/update?key={key}&domain={HOST}&ip=42.42.42.42&ip6=2001:9e8::42"), &[]);
    assert_eq!((r.status, r.body.as_str()), (200, "good 42.42.42.42,2001:9e8::42"));
    // IPv64's `praefix` updates a record below the host.
    let r = lab.get(&format!("/nic/update?key={key}&domain={HOST}&praefix=vpn&ipv4=42.42.42.43"), &[]);
    assert_eq!(r.body, "good 42.42.42.43");
    assert_eq!(lab.answers(&format!("vpn.{HOST}"), RecordType::A), vec!["42.42.42.43"]);
    assert_eq!(lab.answers(HOST, RecordType::A), vec!["42.42.42.42"]);

    // Records: TXT with quotes, MX without priority, SRV in one string.
    for (praefix, kind, content) in [("", "TXT", "\"hi there\""), ("", "MX", "mail.example.net"), ("_mc._tcp", "SRV", "0 5 4242 minecraft.example.net")] {
        let body = format!("add_record={HOST}&praefix={praefix}&type={kind}&content={}", urlencode(content));
        let r = form(&lab, "POST", &key, &body);
        assert_eq!(r.status, 201, "{kind}: {}", r.body);
        assert_eq!(r.json()["status"], "201 Created");
    }
    assert_eq!(lab.answers(HOST, RecordType::TXT), vec!["hi there"]);
    assert_eq!(lab.answers(HOST, RecordType::MX), vec!["10 mail.example.net."]);
    assert_eq!(lab.answers(&format!("_mc._tcp.{HOST}"), RecordType::SRV), vec!["0 5 4242 minecraft.example.net."]);

    let r = lab.get("/api?get_domains", &[("Authorization", &bearer)]);
    assert_eq!(r.status, 200, "{}", r.body);
    let doc = r.json();
    assert_eq!((doc["info"].clone(), doc["status"].clone(), doc["add_domain"].clone()), (json!("success"), json!("200 OK"), json!("get_domains")));
    let host = &doc["subdomains"][HOST];
    assert_eq!(host["updates"], 2, "{host}");
    assert_eq!(host["wildcard"], 0);
    let records = host["records"].as_array().unwrap();
    let find = |kind: &str, praefix: &str| records.iter().find(|r| r["type"] == kind && r["praefix"] == praefix).unwrap_or_else(|| panic!("{kind} {praefix} in {records:?}"));
    assert_eq!(find("A", "")["content"], "42.42.42.42");
    assert_eq!(find("A", "vpn")["content"], "42.42.42.43");
    assert_eq!(find("SRV", "_mc._tcp")["content"], "0 5 4242 minecraft.example.net");
    assert!(find("AAAA", "")["record_id"].is_i64());
    assert!(find("AAAA", "")["last_update"].as_str().unwrap().len() == 19);

    // del_record by name + praefix + type + content, and by record id.
    let r = form(&lab, "DELETE", &key, &format!("del_record={HOST}&praefix=&type=TXT&content=hi%20there"));
    assert_eq!((r.status, r.json()), (202, json!({"info": "success", "status": "202 Accepted", "del_record": "del_record"})));
    assert!(lab.answers(HOST, RecordType::TXT).is_empty());
    let srv = find("SRV", "_mc._tcp")["record_id"].as_i64().unwrap();
    assert_eq!(form(&lab, "DELETE", &key, &format!("del_record={srv}")).status, 202);
    assert!(lab.answers(&format!("_mc._tcp.{HOST}"), RecordType::SRV).is_empty());

    // Account info and logs, with the document's odd verb keys.
    let r = lab.get(&format!("/api?get_account_info&apikey={key}"), &[]);
    let info = r.json();
    assert_eq!((r.status, info["email"].clone(), info["get_account_info"].clone()), (200, json!(OWNER), json!("get_account_info")));
    assert_eq!(info["dyndns_updates"], 2);
    assert_eq!(info["account_class"]["class_name"], "Administrator");
    // The key the request presented comes back as `api_key` (and `update_hash`, since it may
    // update): usable values, as the document shows them, that reveal nothing the caller
    // did not send. Another key's request never shows this one.
    assert_eq!((info["api_key"].as_str(), info["update_hash"].as_str()), (Some(key.as_str()), Some(key.as_str())));
    let reader = lab.api_key(&session, &["read:domains"]);
    let other = lab.get(&format!("/api?get_account_info&apikey={reader}"), &[]).json();
    assert_eq!((other["api_key"].as_str(), other["update_hash"].as_str()), (Some(reader.as_str()), Some("")), "{other}");
    assert!(!other.to_string().contains(&key), "secrets are shown once, never again");
    // A key that may only update reads neither the account nor its log.
    let updater = lab.api_key(&session, &["update"]);
    for verb in ["get_account_info", "get_logs"] {
        let r = lab.get(&format!("/api?{verb}&apikey={updater}"), &[]);
        assert_eq!((r.status, r.json()["info"].as_str().map(|i| i.contains("read:domains"))), (403, Some(true)), "{verb}: {}", r.body);
    }
    let r = lab.get("/api?get_logs", &[("Authorization", &basic("not_relevant", &key))]);
    let logs = r.json();
    assert_eq!(logs["get_account_info"], "get_logs");
    assert!(logs["logs"].as_array().unwrap().iter().any(|l| l["header"] == "record deleted" && l["subdomain"] == format!("_mc._tcp.{HOST}")), "{logs}");

    // del_domain takes the host out of DNS.
    let r = form(&lab, "DELETE", &key, &format!("del_domain={HOST}"));
    assert_eq!((r.status, r.json()["status"].clone()), (202, json!("202 Accepted")));
    assert!(lab.answers(HOST, RecordType::A).is_empty());
}

#[test]
fn errors_come_in_the_documents_shape_and_change_nothing() {
    let lab = Lab::start();
    let session = lab.login(OWNER);
    let reader = lab.api_key(&session, &["read:domains"]);
    let writer = lab.api_key(&session, &["write:domains", "write:records"]);
    assert_eq!(form(&lab, "POST", &writer, &format!("add_domain={HOST}")).status, 201);
    let serial = lab.serial();

    let r = lab.get("/api?get_domains", &[]);
    assert_eq!((r.status, r.json()), (401, json!({"status": "401 Unauthorized", "info": "Unauthorized"})));
    let r = lab.get("/api?get_domains", &[("Authorization", "Bearer pth_wrongwrongwrongwrongwrong")]);
    assert_eq!((r.status, r.json()), (401, json!({"status": "401 Unauthorized", "info": "Unauthorized"})));
    // A read-only key may read but not write.
    assert_eq!(lab.get(&format!("/api?get_domains&token={reader}"), &[]).status, 200);
    let r = form(&lab, "POST", &reader, &format!("add_record={HOST}&praefix=x&type=TXT&content=v"));
    assert_eq!((r.status, r.json()["status"].clone()), (403, json!("403 Forbidden")));
    // Bad content, unknown type, someone else's name, a plan's record type, an unknown verb.
    for body in [
        format!("add_record={HOST}&praefix=&type=A&content=300.1.1.1"),
        format!("add_record={HOST}&praefix=&type=BOGUS&content=x"),
        "add_record=other.dyn.example.test&praefix=&type=TXT&content=x".to_string(),
        format!("add_record={HOST}&praefix=&type=TXT&content="),
        "nothing=here".to_string(),
    ] {
        let r = form(&lab, "POST", &writer, &body);
        assert!(matches!(r.status, 400 | 403), "{body}: {} {}", r.status, r.body);
        assert_eq!(r.json()["status"].as_str().unwrap()[..3], r.status.to_string(), "{body}");
        assert!(r.json()["info"].is_string());
    }
    let r = form(&lab, "POST", &writer, &format!("add_record={HOST}&praefix=&type=SRV&content=0%200%2080"));
    assert_eq!(r.status, 400);
    let r = form(&lab, "POST", &writer, &format!("add_record={HOST}&praefix=&type=MX&content=mail.example.net"));
    assert_eq!((r.status, r.json()["info"].as_str().unwrap().contains("plan")), (403, true), "{}", r.body);
    let r = form(&lab, "DELETE", &writer, &format!("del_record={HOST}&praefix=nope&type=TXT&content=x"));
    assert_eq!(r.status, 400);
    // Another account cannot delete this one's host.
    let other = lab.api_key(&lab.login("b@example.com"), &["write:domains"]);
    assert_eq!(form(&lab, "DELETE", &other, &format!("del_domain={HOST}")).status, 400);
    assert_eq!(lab.serial(), serial, "nothing was changed");
}

#[test]
fn acme_sh_and_lego_txt_shapes_with_a_hostname_token() {
    let lab = Lab::start();
    let token = lab.host(OWNER, HOST);
    // Two concurrent challenges (apex + wildcard certificate) are both served.
    for value in ["challenge-one", "challenge-two"] {
        let r = form(&lab, "POST", &token, &format!("add_record={HOST}&praefix=_acme-challenge&type=TXT&content={value}"));
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let mut served = lab.answers(&format!("_acme-challenge.{HOST}"), RecordType::TXT);
    served.sort();
    assert_eq!(served, vec!["challenge-one", "challenge-two"]);
    // The hostname token reaches nothing else: not other names, not other types, not the account.
    for body in [
        format!("add_record={HOST}&praefix=www&type=TXT&content=x"),
        format!("add_record={HOST}&praefix=_acme-challenge&type=A&content=192.0.2.1"),
        "add_domain=new.dyn.example.test".to_string(),
    ] {
        assert_eq!(form(&lab, "POST", &token, &body).status, 403, "{body}");
    }
    assert_eq!(lab.get(&format!("/api?get_account_info&token={token}"), &[]).status, 403);
    // Cleanup removes exactly the value it names.
    let r = form(&lab, "DELETE", &token, &format!("del_record={HOST}&praefix=_acme-challenge&type=TXT&content=challenge-one"));
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(lab.answers(&format!("_acme-challenge.{HOST}"), RecordType::TXT), vec!["challenge-two"]);
}

#[test]
fn curl_form_and_inadyn_style_updater() {
    if !have_program("curl") {
        return;
    }
    let lab = Lab::start();
    let session = lab.login(OWNER);
    let key = lab.api_key(&session, &["write:domains", "update"]);
    // The document's own example: `curl --request POST --form 'add_domain=…'` (multipart).
    let out = Command::new("curl")
        .args(["-sS", "--header", &format!("Authorization: Bearer {key}"), "--request", "POST", "--form", &format!("add_domain={HOST}")])
        .arg(format!("http://{}/api", lab.http()))
        .output()
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body, json!({"info": "success", "status": "201 Created", "add_domain": HOST}));
    // inadyn's IPv64 plugin: Basic with the token as user name, the hostname in `token=`.
    let host_token = {
        let r = lab.api("GET", "/api/tokens", Some(&session), None);
        assert_eq!(r.status, 200);
        let id = r.json()["tokens"].as_array().unwrap().iter().find(|t| t["hostnameId"].is_string()).unwrap()["id"].as_str().unwrap().to_string();
        lab.api("POST", &format!("/api/tokens/{id}/regenerate"), Some(&session), None).json()["token"]["tokenValue"].as_str().unwrap().to_string()
    };
    let r = lab.get(&format!("/nic/update?token={HOST}&ip=203.0.113.64"), &[("Authorization", &basic(&host_token, "x"))]);
    assert_eq!((r.status, r.body.as_str()), (200, "good 203.0.113.64"));
    let r = lab.get(&format!("/nic/update?token={HOST}&ip6=2001:db8::64"), &[("Authorization", &basic(&host_token, "x"))]);
    assert_eq!(r.body, "good 2001:db8::64");
    assert_eq!(lab.answers(HOST, RecordType::AAAA), vec!["2001:db8::64"]);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[test]
fn account_info_with_the_key_in_a_posted_form_and_integer_limits() {
    let lab = Lab::start();
    let session = lab.admin(OWNER);
    let key = lab.api_key(&session, &["read:domains"]);
    // The document's Option 3: `curl "…/api?get_account_info" --data-urlencode apikey=…`, which
    // POSTs the key as a form.
    let body = format!("apikey={key}");
    let r = lab.request("POST", "/api?get_account_info", &[("Content-Type", "application/x-www-form-urlencoded")], body.as_bytes());
    assert_eq!(r.status, 200, "{}", r.body);
    let info = r.json();
    assert_eq!((info["info"].as_str(), info["get_account_info"].as_str()), (Some("success"), Some("get_account_info")));
    // An administrator has no limit, written as the integer the document shows.
    let class = &info["account_class"];
    for field in ["dyndns_domain_limit", "dyndns_update_limit", "api_limit"] {
        assert!(class[field].is_u64(), "{field} in {class}");
    }
    assert_eq!(info["api_key"].as_str(), Some(key.as_str()));
}
