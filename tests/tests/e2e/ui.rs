//! The embedded admin UI over HTTP (caching, compression, content types, no outside
//! sources) and first-run setup. The UI itself is driven in Chromium by tests/browser/ui.mjs.

use porchlight_tests::Lab;
use serde_json::json;

#[test]
fn the_ui_is_served_with_the_right_types_caching_and_compression() {
    let lab = Lab::start();
    let page = lab.get("/", &[]);
    assert_eq!((page.status, page.header("content-type")), (200, Some("text/html; charset=utf-8")));
    assert_eq!(page.header("cache-control"), Some("no-cache"), "index.html is never cached");
    assert!(page.header("content-security-policy").is_some_and(|c| c.contains("default-src 'self'")));
    assert!(page.body.contains("Loading the admin interface"), "a static shell renders before the wasm");
    assert!(!page.body.contains("http://") && !page.body.contains("https://"), "nothing is loaded from elsewhere");
    // Every asset index.html names is served, hashed, cached for a year, gzip when accepted.
    let assets: Vec<&str> = page.body.split('"').filter(|s| s.starts_with("/assets/")).collect();
    assert!(assets.len() >= 3, "{}", page.body);
    assert!(assets.iter().any(|a| a.ends_with(".svg")), "the favicon is named by index.html, so browsers do not ask for /favicon.ico");
    for asset in assets {
        let plain = lab.get(asset, &[]);
        assert_eq!(plain.status, 200, "{asset}");
        assert_eq!(plain.header("cache-control"), Some("public, max-age=31536000, immutable"));
        let kind = plain.header("content-type").unwrap_or_default().to_string();
        let expected = match asset.rsplit('.').next() {
            Some("wasm") => "application/wasm",
            Some("js") => "text/javascript",
            Some("svg") => "image/svg+xml",
            _ => "text/css",
        };
        assert!(kind.starts_with(expected), "{asset}: {kind}");
        let gz = lab.request("GET", asset, &[("Accept-Encoding", "gzip, deflate")], b"");
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        assert!(gz.bytes.len() < plain.bytes.len() || asset.contains("boot-"), "{asset} is compressed");
    }
    // The partner login link, the setup link and an invitation's link open the UI too; unknown assets do not exist.
    assert_eq!(lab.get("/login?code=x", &[]).status, 200);
    assert_eq!(lab.get("/setup?code=x", &[]).status, 200);
    assert_eq!(lab.get("/register?invite=x", &[]).status, 200, "an invitation's link");
    assert_eq!(lab.get("/assets/nope.js", &[]).status, 404);
    // Every screen has its own path, which a reload (or a bookmark) opens.
    for screen in ["/welcome", "/hosts", "/hosts/some-id", "/tokens", "/domains", "/records", "/log", "/alerts", "/account", "/admin"] {
        let r = lab.get(screen, &[]);
        assert_eq!((r.status, r.header("cache-control")), (200, Some("no-cache")), "{screen}");
        assert_eq!(r.body, page.body, "{screen} is the UI's page");
    }
    let icon = lab.get("/favicon.ico", &[]);
    assert_eq!((icon.status, icon.header("content-type")), (200, Some("image/svg+xml")), "bookmark tools ask for /favicon.ico by name");
}

#[test]
fn first_run_setup_makes_one_administrator_with_the_printed_code() {
    let lab = Lab::start();
    assert_eq!(lab.api("GET", "/api/setup", None, None).json(), json!({"needed": true}));
    let code = porchlight::setup::new_code(lab.appliance.context()).unwrap().unwrap();
    let setup = |code: &str, password: &str| {
        lab.api("POST", "/api/setup", None, Some(json!({"code": code, "email": "root@example.com", "password": password})))
    };
    let r = setup("pth_notthecodenotthecode", "correct horse battery staple");
    assert_eq!(r.status, 403);
    assert!(r.json()["error"].as_str().unwrap().contains("setup code"));
    assert_eq!(setup(&code, "short").status, 422);
    assert_eq!(lab.count("SELECT count(*) FROM users"), 0, "failed attempts change nothing");
    let r = setup(&code, "correct horse battery staple");
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["user"]["isAdmin"], true);
    let session = r.json()["token"].as_str().unwrap().to_string();
    assert_eq!(lab.api("GET", "/api/admin/users", Some(&session), None).status, 200);
    // Once there is an administrator the code is spent and setup is over.
    assert_eq!(lab.api("GET", "/api/setup", None, None).json(), json!({"needed": false}));
    assert_eq!(setup(&code, "another long password").status, 409);
    assert!(porchlight::setup::new_code(lab.appliance.context()).unwrap().is_none());
    assert_eq!(lab.count("SELECT count(*) FROM users WHERE is_admin"), 1);
}

#[test]
fn settings_show_plans_and_the_https_certificate_and_hosts_their_last_source() {
    let lab = Lab::start_with(|c| c.https = Some("127.0.0.1:0".parse().unwrap()));
    let admin = lab.admin("root@example.com");
    let settings = lab.api("GET", "/api/admin/settings", Some(&admin), None).json();
    let plans: Vec<&str> = settings["plans"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(plans, vec!["free", "self-hoster"]);
    assert_eq!(settings["tls"]["selfSigned"], true);
    let pem = std::fs::read_to_string(lab.data_dir().join("tls/cert.pem")).unwrap();
    let der = base64_decode(&pem.lines().filter(|l| !l.starts_with("-----")).collect::<String>());
    let expected: Vec<String> = sha256(&der).iter().map(|b| format!("{b:02X}")).collect();
    assert_eq!(settings["tls"]["sha256"], expected.join(":"));

    let token = lab.host("root@example.com", "src.dyn.example.test");
    lab.get("/nic/update?hostname=src.dyn.example.test&myip=203.0.113.9", &[("Authorization", &porchlight_tests::basic("x", &token))]);
    let hosts = lab.api("GET", "/api/hostnames", Some(&admin), None).json();
    assert_eq!(hosts["hostnames"][0]["lastSource"], "127.0.0.1 (dyndns2)");
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

fn sha256(data: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    sha2::Sha256::digest(data).to_vec()
}
