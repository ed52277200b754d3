//! Test kit: starts the real appliance on 127.0.0.1 with port 0 (a real SQLite file in a
//! temporary directory) and talks to it over real sockets — HTTP over TCP, DNS over UDP and
//! TCP. Panics are how a test fails, so unwrap is fine here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::time::Duration;

use hickory_proto::op::{Edns, Message, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use porchlight::config::{Config, Overrides};
use porchlight::{Appliance, accounts, hostnames};

pub use hickory_proto;

pub mod bench;
pub mod knot;
pub mod receiver;
pub mod shape;
pub mod totp;

/// The zone every lab serves.
pub const ZONE: &str = "dyn.example.test";
/// Password of accounts made by the kit.
pub const PASSWORD: &str = "correct horse battery staple";

/// A running appliance with its own data directory.
pub struct Lab {
    pub appliance: Appliance,
    pub dir: tempfile::TempDir,
    config: Config,
}

impl Lab {
    pub fn start() -> Self {
        Self::start_with(|_| {})
    }

    /// Starts with the default lab configuration changed by `tweak`.
    pub fn start_with(tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = lab_config(dir.path());
        tweak(&mut config);
        let appliance = Appliance::start(config.clone()).unwrap();
        Self { appliance, dir, config }
    }

    /// The configuration the appliance runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Stops the appliance and starts it again on the same data (new ports).
    pub fn restart(self) -> Self {
        self.restart_with(|_| {})
    }

    /// As [`Lab::restart`], with the configuration changed by `tweak`.
    pub fn restart_with(self, tweak: impl FnOnce(&mut Config)) -> Self {
        let Self { appliance, dir, mut config } = self;
        tweak(&mut config);
        appliance.shutdown();
        let appliance = Appliance::start(config.clone()).unwrap();
        Self { appliance, dir, config }
    }

    /// A JSON request, with a `Bearer` session token when given.
    pub fn api(&self, method: &str, target: &str, token: Option<&str>, body: Option<serde_json::Value>) -> HttpResponse {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth.as_str()));
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        self.request(method, target, &headers, body.as_bytes())
    }

    /// A JSON request with `Authorization: Bearer <key>` (sent even when `key` is empty).
    pub fn bearer(&self, method: &str, target: &str, key: &str, body: Option<serde_json::Value>) -> HttpResponse {
        let auth = format!("Bearer {key}");
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        self.request(method, target, &[("Authorization", &auth), ("Accept", "application/json"), ("Content-Type", "application/json")], body.as_bytes())
    }

    /// A new API key of the signed-in account, with `scopes`; its secret.
    pub fn api_key(&self, session: &str, scopes: &[&str]) -> String {
        let r = self.api("POST", "/api/tokens", Some(session), Some(serde_json::json!({"label": "test key", "scopes": scopes})));
        assert_eq!(r.status, 201, "{}", r.body);
        r.json()["token"]["tokenValue"].as_str().unwrap().to_string()
    }

    /// Creates an administrator and logs it in, returning its session token.
    pub fn admin(&self, email: &str) -> String {
        accounts::create(&self.appliance.context().store, email, PASSWORD, true).unwrap();
        self.login(email)
    }

    /// Creates an account and logs it in, returning its session token.
    pub fn login(&self, email: &str) -> String {
        if self.appliance.context().store.read(|c| porchlight::store::users::find_by_email(c, email)).unwrap().is_none() {
            self.user(email);
        }
        let r = self.api("POST", "/api/auth/login", None, Some(serde_json::json!({"email": email, "password": PASSWORD})));
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["token"].as_str().unwrap().to_string()
    }

    pub fn data_dir(&self) -> PathBuf {
        self.config.data_dir.clone()
    }

    pub fn http(&self) -> SocketAddr {
        self.appliance.http_addr()
    }

    pub fn dns(&self) -> SocketAddr {
        self.appliance.dns_addrs()[0]
    }

    pub fn user(&self, email: &str) {
        accounts::create(&self.appliance.context().store, email, PASSWORD, false).unwrap();
    }

    /// Creates `fqdn` for `email` (creating the account if needed) and returns its token.
    pub fn host(&self, email: &str, fqdn: &str) -> String {
        let ctx = self.appliance.context();
        if ctx.store.read(|c| porchlight::store::users::find_by_email(c, email)).unwrap().is_none() {
            self.user(email);
        }
        hostnames::create_for(ctx, email, fqdn).unwrap().secret
    }

    /// The id of hostname `fqdn`.
    pub fn host_id(&self, fqdn: &str) -> String {
        let name = porchlight::names::DomainName::parse(fqdn).unwrap();
        self.appliance.context().store.read(|c| porchlight::store::hostnames::find_by_name(c, &name)).unwrap().unwrap().id.to_string()
    }

    /// A GET over a fresh connection.
    pub fn get(&self, target: &str, headers: &[(&str, &str)]) -> HttpResponse {
        self.request("GET", target, headers, b"")
    }

    pub fn request(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpResponse {
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.http());
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        HttpResponse::parse(&self.raw(&bytes))
    }

    /// Sends raw bytes and returns everything the server answered until it closed.
    pub fn raw(&self, bytes: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(self.http()).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        stream.write_all(bytes).unwrap();
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        out
    }

    pub fn query(&self, name: &str, rtype: RecordType) -> Message {
        query_udp(self.dns(), name, rtype)
    }

    /// Addresses (or TXT strings) in the answer section, as text, sorted.
    pub fn answers(&self, name: &str, rtype: RecordType) -> Vec<String> {
        answers(&self.query(name, rtype), rtype)
    }

    pub fn answers_tcp(&self, name: &str, rtype: RecordType) -> Vec<String> {
        answers(&query_tcp(self.dns(), name, rtype), rtype)
    }

    /// The zone's SOA serial as served over DNS.
    pub fn serial(&self) -> u32 {
        let response = self.query(ZONE, RecordType::SOA);
        match response.answers.first().map(|r| &r.data) {
            Some(RData::SOA(soa)) => soa.serial,
            other => panic!("no SOA in answer: {other:?}"),
        }
    }

    /// A second connection to the database, for checking what was (not) written.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.data_dir().join("porchlight.db")).unwrap()
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.db().query_row(sql, [], |r| r.get(0)).unwrap()
    }
}

/// The lab configuration: everything on 127.0.0.1, port 0, one zone.
/// Zone id of `parent.test` in a [`parent`] lab.
pub const PARENT_ZONE_ID: &str = "00000000-0000-0000-0000-000000000002";

/// A second appliance playing the parent zone `parent.test`, whose administrator (session
/// returned) publishes delegations; point a lab's `delegation_resolver` at its DNS.
pub fn parent() -> (Lab, String) {
    let lab = Lab::start_with(|c| {
        c.zone.push(porchlight::config::ZoneConfig { name: "parent.test".into(), ..Default::default() });
    });
    let admin = lab.admin("registrar@example.com");
    (lab, admin)
}

/// Delegates `mine.parent.test` to nameserver `to` in a [`parent`] lab.
pub fn delegate(parent: &Lab, admin: &str, to: &str) {
    let r = parent.api(
        "POST",
        &format!("/api/domains/{PARENT_ZONE_ID}/records"),
        Some(admin),
        Some(serde_json::json!({"type": "NS", "name": "mine", "content": to})),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

pub fn lab_config(dir: &Path) -> Config {
    let overrides = Overrides {
        data_dir: Some(dir.join("data")),
        http: Some("127.0.0.1:0".parse().unwrap()),
        https: None,
        dns: vec!["127.0.0.1:0".parse().unwrap()],
        zones: vec![ZONE.to_string()],
        ..Default::default()
    };
    let mut config = Config::load(None, Vec::new(), overrides).unwrap();
    // Delegation checks never leave loopback: a test that wants answers points this at a
    // parent lab; otherwise the discard port refuses at once.
    config.delegation_resolver = Some("127.0.0.1:9".parse().unwrap());
    config
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy for binary bodies; see `bytes`).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl HttpResponse {
    pub fn parse(raw: &[u8]) -> Self {
        let text = String::from_utf8_lossy(raw).to_string();
        let end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| panic!("no header end in {text:?}"));
        let head = String::from_utf8_lossy(&raw[..end]).to_string();
        let bytes = raw[end + 4..].to_vec();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap();
        let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let response = Self { status, headers, body: String::from_utf8_lossy(&bytes).to_string(), bytes };
        if status != 100 {
            let length: usize = response.header("content-length").and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no Content-Length in {text:?}"));
            assert_eq!(length, response.bytes.len(), "Content-Length must match the body");
            assert!(response.header("transfer-encoding").is_none(), "never chunked");
        }
        response
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
}

pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

pub fn query_message(name: &str, rtype: RecordType, edns: bool) -> Vec<u8> {
    let mut message = Message::query();
    message.metadata.id = rand_id();
    message.add_query(Query::query(Name::from_ascii(name).unwrap(), rtype));
    if edns {
        let mut e = Edns::new();
        e.set_max_payload(1232);
        message.set_edns(e);
    }
    message.to_vec().unwrap()
}

fn rand_id() -> u16 {
    (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos() & 0xffff) as u16
}

pub fn query_udp(server: SocketAddr, name: &str, rtype: RecordType) -> Message {
    query_udp_from("127.0.0.1", server, name, rtype)
}

/// A UDP query sent from `source` (any 127.0.0.0/8 address works on loopback).
pub fn query_udp_from(source: &str, server: SocketAddr, name: &str, rtype: RecordType) -> Message {
    let socket = UdpSocket::bind((source, 0)).unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let query = query_message(name, rtype, true);
    socket.send_to(&query, server).unwrap();
    let mut buf = [0u8; 4096];
    let (n, _) = socket.recv_from(&mut buf).unwrap();
    let response = Message::from_vec(&buf[..n]).unwrap();
    assert_eq!(response.metadata.id, u16::from_be_bytes([query[0], query[1]]), "response id matches");
    response
}

pub fn query_tcp(server: SocketAddr, name: &str, rtype: RecordType) -> Message {
    query_tcp_from("127.0.0.1", server, name, rtype)
}

/// A TCP query from `source`: the socket is bound before it connects.
pub fn query_tcp_from(source: &str, server: SocketAddr, name: &str, rtype: RecordType) -> Message {
    let mut stream = connect_from(source, server);
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let query = query_message(name, rtype, false);
    stream.write_all(&(query.len() as u16).to_be_bytes()).unwrap();
    stream.write_all(&query).unwrap();
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).unwrap();
    let mut buf = vec![0u8; u16::from_be_bytes(len) as usize];
    stream.read_exact(&mut buf).unwrap();
    Message::from_vec(&buf).unwrap()
}

/// A TCP connection to `server` from the local address `source`.
pub fn connect_from(source: &str, server: SocketAddr) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let local: SocketAddr = format!("{source}:0").parse().unwrap();
    socket.bind(&local.into()).unwrap();
    socket.connect(&server.into()).unwrap();
    socket.into()
}

pub fn answers(message: &Message, rtype: RecordType) -> Vec<String> {
    let mut out: Vec<String> = message
        .answers
        .iter()
        .filter(|r| r.record_type() == rtype)
        .map(|r| match &r.data {
            RData::A(a) => a.0.to_string(),
            RData::AAAA(a) => a.0.to_string(),
            RData::TXT(t) => t.txt_data.iter().map(|d| String::from_utf8_lossy(d).to_string()).collect::<String>(),
            other => other.to_string(),
        })
        .collect();
    out.sort();
    out
}

pub fn rcode(message: &Message) -> ResponseCode {
    message.metadata.response_code
}

/// Path of the `porchlight` binary, built (once per test run) from the current sources so
/// that a plain `cargo test` never runs a stale one.
pub fn porchlight_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().unwrap();
            let dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            // `--workspace` resolves features as the test build does, so nothing is rebuilt twice.
            let mut args = vec!["build", "--quiet", "--workspace", "--bin", "porchlight"];
            if dir.file_name().is_some_and(|n| n == "release") {
                args.push("--release");
            }
            let mut command = std::process::Command::new(cargo);
            // Cargo gives test processes package variables (CARGO_MANIFEST_DIR, CARGO_PKG_*…);
            // build scripts that watch them (ring's) would otherwise rebuild everything.
            for (name, _) in std::env::vars_os() {
                let name = name.to_string_lossy().to_string();
                let per_package = ["CARGO_MANIFEST_", "CARGO_PKG_", "CARGO_CRATE_", "CARGO_BIN_", "CARGO_PRIMARY_", "CARGO_TARGET_TMPDIR"];
                if per_package.iter().any(|p| name.starts_with(p)) {
                    command.env_remove(&name);
                }
            }
            let status = command
                .args(&args)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .unwrap();
            assert!(status.success(), "building the porchlight binary failed");
            let bin = dir.join("porchlight");
            assert!(bin.exists(), "{} missing after cargo build", bin.display());
            bin
        })
        .clone()
}

/// `porchlight serve` as its own process, with the banner it printed (up to its last line).
pub struct Serving {
    pub child: std::process::Child,
    pub banner: Vec<String>,
}

impl Serving {
    /// Starts `porchlight serve ARGS` in `cwd` and reads its banner.
    pub fn start(cwd: &Path, args: &[&str]) -> Self {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(porchlight_binary())
            .arg("serve")
            .args(args)
            .current_dir(cwd)
            .env_remove("PORCHLIGHT_CONFIG")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Lines arrive on a thread that keeps draining the pipe after the banner.
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let (lines, arriving) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let mut banner: Vec<String> = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            // The banner ends with the first-run hint, or once the addresses are out and
            // nothing more comes for a moment (a database with accounts prints no hint).
            let addresses_out = banner.iter().any(|l| l.trim_start().starts_with("DNS:"));
            let wait = if addresses_out { std::time::Duration::from_millis(500) } else { std::time::Duration::from_secs(1) };
            match arriving.recv_timeout(wait) {
                Ok(line) => {
                    let last = line.starts_with("then update it");
                    banner.push(line);
                    if last {
                        break;
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) if addresses_out => break,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        Self { child, banner }
    }

    /// The address a banner line starting with `label` (`HTTP:`, `DNS:`) names.
    pub fn addr(&self, label: &str) -> SocketAddr {
        let line = self.banner.iter().find_map(|l| l.trim().strip_prefix(label)).unwrap_or_else(|| panic!("no {label} in {:?}", self.banner));
        let word = line.split_whitespace().next().unwrap().trim_start_matches("http://").trim_end_matches('/');
        word.parse().unwrap()
    }

    /// Stops the process and returns what it wrote to standard error.
    pub fn stop(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut stderr = String::new();
        if let Some(err) = self.child.stderr.as_mut() {
            let _ = std::io::Read::read_to_string(err, &mut stderr);
        }
        stderr
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs the `porchlight` command (in `cwd` when given) with `stdin` written to it, without
/// the caller's PORCHLIGHT_CONFIG.
pub fn run_porchlight(cwd: Option<&Path>, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut command = Command::new(porchlight_binary());
    if let Some(dir) = cwd {
        command.current_dir(dir);
    }
    let mut child = command
        .args(args)
        .env_remove("PORCHLIGHT_CONFIG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// Whether an external program is installed. Under CI a missing one is a failure (the test
/// command installs it); on a developer machine the test says it skipped.
pub fn have_program(name: &str) -> bool {
    let found = std::process::Command::new("sh").args(["-c", &format!("command -v {name}")]).output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "{name} is not installed; the test command installs it");
        eprintln!("SKIPPED: {name} is not installed (tests/run.sh installs it)");
    }
    found
}
