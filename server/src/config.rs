//! The one configuration struct: TOML file, then `PORCHLIGHT_*` environment variables, then
//! command-line flags. Loaded once at start and passed down; unknown keys are errors.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::names::DomainName;

/// Every setting of the appliance. `config/porchlight.toml` documents each key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Directory holding the SQLite database (created if missing).
    #[serde(default = "defaults::data_dir")]
    pub data_dir: PathBuf,
    /// `full`: a change is acknowledged only once it is on the disk (changes arriving together
    /// share one sync). `normal`: acknowledged once written; a power cut may lose the last
    /// second of changes, and the flash is written less often. Both survive a crash.
    #[serde(default)]
    pub durability: crate::store::Durability,
    /// HTTP listener for every API and the UI.
    #[serde(default = "defaults::http")]
    pub http: SocketAddr,
    /// The base URL routers and browsers reach the appliance at, e.g.
    /// `https://ddns.example.com` or `http://192.168.1.2:8080`. Router snippets, the setup
    /// link and the delegation guide use it; unset, the UI asks for it.
    #[serde(default)]
    pub public_url: Option<String>,
    /// HTTPS listener serving the same routes (off when not set).
    #[serde(default)]
    pub https: Option<SocketAddr>,
    /// PEM certificate chain for HTTPS. With `tls_key`; when both are absent a self-signed
    /// certificate is made at first start and kept in `<data_dir>/tls/`.
    #[serde(default)]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    #[serde(default)]
    pub tls_key: Option<PathBuf>,
    /// DNS listeners, each on UDP and TCP.
    #[serde(default = "defaults::dns")]
    pub dns: Vec<SocketAddr>,
    /// Log filter: error, warn, info, debug or trace.
    #[serde(default = "defaults::log")]
    pub log: String,
    /// TTL given to addresses set by updates.
    #[serde(default = "defaults::ttl")]
    pub default_ttl: u32,
    /// Proxies whose `X-Forwarded-For` / `X-Real-IP` headers are believed.
    #[serde(default)]
    pub trusted_proxies: Vec<IpNet>,
    /// Most simultaneous HTTP connections; more are answered 503 at once.
    #[serde(default = "defaults::max_connections")]
    pub max_connections: usize,
    /// Most simultaneous HTTP connections, and DNS-over-TCP connections, from one client
    /// address (`trusted_proxies` excepted); more are refused at once (HTTP 429). A router
    /// holds one for milliseconds; a browser a handful.
    #[serde(default = "defaults::max_connections_per_address")]
    pub max_connections_per_address: usize,
    /// Whether anyone may create an account through `POST /api/auth/register`.
    #[serde(default)]
    pub registration_open: bool,
    /// How long a login session (JWT) stays valid, in hours.
    #[serde(default = "defaults::session_hours")]
    pub session_hours: u32,
    /// DNS server asked for a custom domain's NS set when verifying its delegation: a
    /// resolver that follows delegations, or the parent zone's own server. Default: the first
    /// `nameserver` of /etc/resolv.conf.
    #[serde(default)]
    pub delegation_resolver: Option<SocketAddr>,
    /// Nameservers a custom domain must be delegated to. Default: those of the first zone.
    #[serde(default)]
    pub delegation_nameservers: Vec<String>,
    /// DNS response-rate limiting: most responses per second over UDP towards one client
    /// prefix (/24, /56), so spoofed queries cannot make the appliance an amplifier; 0 turns
    /// it off.
    #[serde(default = "defaults::dns_rate_limit")]
    pub dns_rate_limit: u32,
    /// Every n-th response over the limit goes out truncated (the client retries over TCP)
    /// instead of being dropped; 0 drops them all.
    #[serde(default = "defaults::dns_rate_limit_slip")]
    pub dns_rate_limit_slip: u32,
    /// Networks never rate-limited (besides `lan_subnets`). Default: loopback.
    #[serde(default = "defaults::dns_rate_limit_exempt")]
    pub dns_rate_limit_exempt: Vec<IpNet>,
    /// Split horizon: clients in these subnets get a host's LAN address (when it has one)
    /// instead of its public one.
    #[serde(default)]
    pub lan_subnets: Vec<IpNet>,
    /// Addresses that may register acme-dns accounts (`POST /register`) without credentials;
    /// those accounts belong to the first administrator.
    #[serde(default = "defaults::acme_dns_register_from")]
    pub acme_dns_register_from: Vec<IpNet>,
    /// Days the event log and address history are kept.
    #[serde(default = "defaults::log_retention_days")]
    pub log_retention_days: u32,
    /// Limits on the update endpoints.
    #[serde(default)]
    pub rate_limit: RateLimitConfig,
    /// Alerts: how often hosts and delegations are checked, and the SMTP server for e-mail.
    #[serde(default)]
    pub alerts: AlertsConfig,
    /// Automatic backups of the database: how often, how many are kept, where, and a hook
    /// that copies each one off the box.
    #[serde(default)]
    pub backup: BackupConfig,
    /// The built-in zones this appliance is authoritative for.
    #[serde(default)]
    pub zone: Vec<ZoneConfig>,
    /// The name of a catalog zone (RFC 9432) listing every served zone, built-in and verified
    /// custom domains alike, for secondaries that provision themselves from it (e.g.
    /// `catalog.porchlight.invalid`). The secondaries the built-in zones allow to transfer
    /// may transfer it and every zone it lists, and hear of their changes; unset, none.
    #[serde(default)]
    pub catalog_zone: Option<String>,
    /// DNSSEC key rollovers: how long the parent must have named the new key before the old
    /// one is removed — at least the parent's DS TTL (often a day), so that no resolver still
    /// holds a DS for the old key alone. Default: two days.
    #[serde(default = "defaults::dnssec_rollover_hold_seconds")]
    pub dnssec_rollover_hold_seconds: u32,
    /// Plans by name: what an account on each may have. Administrators have no limits.
    #[serde(default = "defaults::plans")]
    pub plans: std::collections::BTreeMap<String, Plan>,
    /// The plan of accounts a partner creates (the PocketDNS API manages every record type).
    #[serde(default = "defaults::partner_plan")]
    pub partner_plan: String,
}

/// What an account on a plan may have.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Shown in limit messages, e.g. "Self-Hoster".
    pub title: String,
    /// Most hostnames.
    pub hostnames: u32,
    /// Most custom domains.
    pub custom_domains: u32,
    /// Record types the plan may create in the records API.
    pub record_types: Vec<String>,
}

/// A built-in zone.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneConfig {
    /// The zone's name, e.g. `dyn.example.com`.
    pub name: String,
    /// Names of the zone's nameservers (the NS set at the apex). Default: `ns1.<zone>`.
    #[serde(default)]
    pub nameservers: Vec<String>,
    /// Mailbox of the zone's administrator in SOA form. Default: `hostmaster.<zone>`.
    #[serde(default)]
    pub hostmaster: Option<String>,
    /// Addresses of the nameservers that lie inside the zone (their glue). Default: the DNS
    /// listen addresses, when they are specific ones.
    #[serde(default)]
    pub nameserver_addresses: Vec<std::net::IpAddr>,
    /// Who may pull the zone by AXFR/IXFR: networks (`192.0.2.0/24`) and TSIG keys
    /// (`key:NAME`). Nobody by default.
    #[serde(default)]
    pub allow_transfer: Vec<String>,
    /// Secondaries told of each change by NOTIFY, as `ADDRESS:PORT`.
    #[serde(default)]
    pub notify: Vec<String>,
    /// Sign the zone (DNSSEC): a key is made at first start and kept in the database. Not
    /// set: a zone new to the database is signed, one it already served keeps what it had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnssec: Option<bool>,
    /// The signing algorithm of a new key: `ecdsap256sha256` (13, the default) or `ed25519` (15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnssec_algorithm: Option<String>,
}

/// Automatic backups.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupConfig {
    /// Seconds between backups; 0 turns them off. Default: a day. A backup is also made at
    /// start when the newest one is older than this.
    #[serde(default = "defaults::backup_every_seconds")]
    pub every_seconds: u64,
    /// Backups kept; older ones are deleted.
    #[serde(default = "defaults::backup_keep")]
    pub keep: usize,
    /// Where backups go. Default: `<data_dir>/backups`.
    #[serde(default)]
    pub dir: Option<PathBuf>,
    /// A program run after each backup with the backup's path as its one argument (e.g. a
    /// script that copies it off the box with scp or rclone); its failure is logged.
    #[serde(default)]
    pub hook: Option<PathBuf>,
}

impl Default for BackupConfig {
    fn default() -> Self {
        Self { every_seconds: defaults::backup_every_seconds(), keep: defaults::backup_keep(), dir: None, hook: None }
    }
}

impl BackupConfig {
    /// The directory backups go to.
    pub fn dir(&self, data_dir: &Path) -> PathBuf {
        self.dir.clone().unwrap_or_else(|| data_dir.join("backups"))
    }
}

/// When hosts and delegations are checked for alerts, and how e-mail alerts are sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertsConfig {
    /// Seconds between checks of every host for staleness and failure streaks.
    #[serde(default = "defaults::alert_check_seconds")]
    pub check_seconds: u32,
    /// Minutes between checks of custom domains' delegations (0: at every check).
    #[serde(default = "defaults::delegation_check_minutes")]
    pub delegation_check_minutes: u32,
    /// The SMTP server e-mail alerts go through (none: e-mail channels cannot be made).
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self { check_seconds: defaults::alert_check_seconds(), delegation_check_minutes: defaults::delegation_check_minutes(), smtp: None }
    }
}

/// An SMTP server for e-mail alerts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Default: 587 for starttls, 465 for tls, 25 for none.
    #[serde(default)]
    pub port: Option<u16>,
    /// `starttls` (default), `tls` (implicit TLS, "SMTPS") or `none` (a relay on the LAN).
    #[serde(default = "defaults::smtp_security")]
    pub security: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The sender, e.g. `porchlight <porchlight@example.com>`.
    pub from: String,
    /// A PEM certificate to trust besides the public roots (a LAN relay's own CA).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

/// Rate limits; generous enough that dual-stack pairs and forced `nochg` refreshes never
/// trip them, tight enough to stop token guessing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Update requests per token per minute.
    #[serde(default = "defaults::per_token")]
    pub updates_per_minute: u32,
    /// Update requests per source address per minute (covers many routers behind one NAT).
    #[serde(default = "defaults::per_address")]
    pub requests_per_address_per_minute: u32,
    /// Requests with wrong credentials per source address per minute.
    #[serde(default = "defaults::failed_auth")]
    pub failed_auth_per_minute: u32,
    /// Login attempts per source address per minute.
    #[serde(default = "defaults::logins")]
    pub logins_per_minute: u32,
    /// Registrations per source address per minute.
    #[serde(default = "defaults::registrations")]
    pub registrations_per_minute: u32,
    /// Other management API requests per account (or address) per minute.
    #[serde(default = "defaults::api")]
    pub api_requests_per_minute: u32,
    /// Partner API requests per partner key per hour.
    #[serde(default = "defaults::partner_per_hour")]
    pub partner_requests_per_hour: u32,
    /// Partner API requests per partner key in any one minute (the burst).
    #[serde(default = "defaults::partner_burst")]
    pub partner_burst_per_minute: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            updates_per_minute: defaults::per_token(),
            requests_per_address_per_minute: defaults::per_address(),
            failed_auth_per_minute: defaults::failed_auth(),
            logins_per_minute: defaults::logins(),
            registrations_per_minute: defaults::registrations(),
            api_requests_per_minute: defaults::api(),
            partner_requests_per_hour: defaults::partner_per_hour(),
            partner_burst_per_minute: defaults::partner_burst(),
        }
    }
}

mod defaults {
    use std::net::SocketAddr;
    use std::path::PathBuf;

    pub fn data_dir() -> PathBuf {
        PathBuf::from("/var/lib/porchlight")
    }
    pub fn http() -> SocketAddr {
        SocketAddr::from(([0, 0, 0, 0], 8080))
    }
    pub fn dns() -> Vec<SocketAddr> {
        vec![SocketAddr::from(([0, 0, 0, 0], 53))]
    }
    pub fn log() -> String {
        "info".into()
    }
    pub fn ttl() -> u32 {
        60
    }
    pub fn max_connections() -> usize {
        256
    }
    pub fn backup_every_seconds() -> u64 {
        86_400
    }
    pub fn backup_keep() -> usize {
        7
    }
    pub fn max_connections_per_address() -> usize {
        16
    }
    pub fn plans() -> std::collections::BTreeMap<String, super::Plan> {
        let plan = |title: &str, hostnames, custom_domains, types: &[&str]| super::Plan {
            title: title.into(),
            hostnames,
            custom_domains,
            record_types: types.iter().map(|t| t.to_string()).collect(),
        };
        [
            ("free".to_string(), plan("Free", 3, 1, &["A", "AAAA", "CNAME", "TXT"])),
            ("self-hoster".to_string(), plan("Self-Hoster", 25, 5, &["A", "AAAA", "CNAME", "TXT", "MX", "SRV", "CAA", "NS"])),
        ]
        .into()
    }
    pub fn partner_plan() -> String {
        "self-hoster".into()
    }
    pub fn acme_dns_register_from() -> Vec<ipnet::IpNet> {
        ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"]
            .iter()
            .filter_map(|n| n.parse().ok())
            .collect()
    }
    pub fn dns_rate_limit() -> u32 {
        20
    }
    pub fn dns_rate_limit_slip() -> u32 {
        2
    }
    pub fn dns_rate_limit_exempt() -> Vec<ipnet::IpNet> {
        ["127.0.0.0/8", "::1/128"].iter().filter_map(|n| n.parse().ok()).collect()
    }
    pub fn alert_check_seconds() -> u32 {
        60
    }
    pub fn delegation_check_minutes() -> u32 {
        60
    }
    pub fn smtp_security() -> String {
        "starttls".into()
    }
    pub fn log_retention_days() -> u32 {
        90
    }
    pub fn session_hours() -> u32 {
        24
    }
    pub fn per_token() -> u32 {
        120
    }
    pub fn per_address() -> u32 {
        600
    }
    pub fn failed_auth() -> u32 {
        20
    }
    pub fn logins() -> u32 {
        10
    }
    pub fn registrations() -> u32 {
        20
    }
    pub fn api() -> u32 {
        300
    }
    pub fn partner_per_hour() -> u32 {
        1000
    }
    pub fn dnssec_rollover_hold_seconds() -> u32 {
        2 * 86_400
    }

    pub fn partner_burst() -> u32 {
        100
    }
}

/// Top-level keys that `PORCHLIGHT_<KEY>` may set; lists are comma-separated.
const ENV_KEYS: [&str; 27] = [
    "public_url",
    "dnssec_rollover_hold_seconds",
    "catalog_zone",
    "durability",
    "dns_rate_limit",
    "dns_rate_limit_slip",
    "dns_rate_limit_exempt",
    "acme_dns_register_from",
    "lan_subnets",
    "delegation_resolver",
    "delegation_nameservers",
    "data_dir",
    "http",
    "https",
    "tls_cert",
    "tls_key",
    "dns",
    "log",
    "default_ttl",
    "trusted_proxies",
    "max_connections",
    "max_connections_per_address",
    "zone",
    "registration_open",
    "session_hours",
    "log_retention_days",
    "partner_plan",
];
const LIST_KEYS: [&str; 7] = ["dns", "trusted_proxies", "zone", "delegation_nameservers", "acme_dns_register_from", "lan_subnets", "dns_rate_limit_exempt"];
/// Environment variables that name the config file rather than a key.
/// Variables of the project's own tooling (build, tests, benchmarks), not settings.
const ENV_NOT_KEYS: [&str; 4] = ["PORCHLIGHT_CONFIG", "PORCHLIGHT_BIN", "PORCHLIGHT_RUNNER", "PORCHLIGHT_UI_ROUTE"];

/// What command-line flags override.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub data_dir: Option<PathBuf>,
    pub public_url: Option<String>,
    pub http: Option<SocketAddr>,
    pub https: Option<SocketAddr>,
    pub dns: Vec<SocketAddr>,
    pub zones: Vec<String>,
    /// `allow_transfer` entries for the zones named in `zones`.
    pub allow_transfer: Vec<String>,
    /// `notify` targets for the zones named in `zones`.
    pub notify: Vec<String>,
    pub catalog_zone: Option<String>,
    /// Sign the zones named in `zones` (`Some(false)`: do not).
    pub dnssec: Option<bool>,
}

impl Default for Config {
    fn default() -> Self {
        Self::from_table(toml::Table::new(), "defaults").unwrap_or_else(|_| unreachable!("defaults are valid"))
    }
}

impl Config {
    /// Loads the file (if any), then the environment, then the flags, and validates.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
        overrides: Overrides,
    ) -> Result<Self> {
        let (mut table, source) = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| Error::Config(format!("cannot read {}: {e}", path.display())))?;
                let table: toml::Table = toml::from_str(&text)
                    .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
                (table, path.display().to_string())
            }
            None => (toml::Table::new(), "defaults".to_string()),
        };
        let from_env = apply_env(&mut table, env)?;
        // Errors name where the value came from: the file, and the variables that override it.
        let source = if from_env.is_empty() { source } else { format!("{source} with {} from the environment", from_env.join(", ")) };
        let mut config = Self::from_table(table, &source)?;
        if overrides.zones.is_empty() && (overrides.dnssec.is_some() || !overrides.allow_transfer.is_empty() || !overrides.notify.is_empty()) {
            return Err(Error::Config("--dnssec, --no-dnssec, --allow-transfer and --notify apply to the --zone zones: name them with --zone (or set these in the zone's [[zone]] block)".into()));
        }
        config.apply(overrides);
        config.validate().map_err(|e| match e {
            Error::Config(message) => Error::Config(format!("{source}: {message}")),
            other => other,
        })?;
        Ok(config)
    }

    /// Parses a TOML text (used for shipped files and tests).
    pub fn from_toml(text: &str, source: &str) -> Result<Self> {
        let table: toml::Table = toml::from_str(text).map_err(|e| Error::Config(format!("{source}: {e}")))?;
        let config = Self::from_table(table, source)?;
        config.validate()?;
        Ok(config)
    }

    fn from_table(table: toml::Table, source: &str) -> Result<Self> {
        Self::deserialize(toml::Value::Table(table))
            .map_err(|e| Error::Config(format!("{source}: {}", e.to_string().trim_end())))
    }

    fn apply(&mut self, o: Overrides) {
        if let Some(dir) = o.data_dir {
            self.data_dir = dir;
        }
        if let Some(http) = o.http {
            self.http = http;
        }
        if let Some(url) = o.public_url {
            self.public_url = Some(url);
        }
        if let Some(https) = o.https {
            self.https = Some(https);
        }
        if !o.dns.is_empty() {
            self.dns = o.dns;
        }
        if let Some(name) = o.catalog_zone {
            self.catalog_zone = Some(name);
        }
        for name in o.zones {
            let zone = match self.zone.iter().position(|z| z.name.eq_ignore_ascii_case(&name)) {
                Some(i) => &mut self.zone[i],
                None => {
                    self.zone.push(ZoneConfig { name, ..ZoneConfig::default() });
                    self.zone.last_mut().unwrap_or_else(|| unreachable!("just pushed"))
                }
            };
            zone.allow_transfer.extend(o.allow_transfer.iter().cloned());
            zone.notify.extend(o.notify.iter().cloned());
            if o.dnssec.is_some() {
                zone.dnssec = o.dnssec;
            }
        }
    }

    fn validate(&self) -> Result<()> {
        crate::records::check_ttl(self.default_ttl).map_err(|e| Error::Config(format!("default_ttl: {e}")))?;
        self.delegation_nameservers()?;
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(Error::Config("tls_cert and tls_key go together: set both, or neither for a self-signed certificate".into()));
        }
        if !self.plans.contains_key("free") {
            return Err(Error::Config("plans: a plan named \"free\" is required (new accounts get it)".into()));
        }
        for (name, plan) in &self.plans {
            for kind in &plan.record_types {
                crate::records::RecordKind::parse(kind).map_err(|e| Error::Config(format!("plans.{name}: {e}")))?;
            }
        }
        if !(1..=3650).contains(&self.log_retention_days) {
            return Err(Error::Config("log_retention_days must be between 1 and 3650".into()));
        }
        if !(1..=24 * 365).contains(&self.session_hours) {
            return Err(Error::Config("session_hours must be between 1 and 8760".into()));
        }
        if self.max_connections == 0 {
            return Err(Error::Config("max_connections must be at least 1".into()));
        }
        if self.backup.keep == 0 {
            return Err(Error::Config("backup.keep must be at least 1 (turn backups off with backup.every_seconds = 0)".into()));
        }
        if self.dnssec_rollover_hold_seconds == 0 {
            return Err(Error::Config("dnssec_rollover_hold_seconds must be at least 1".into()));
        }
        if self.max_connections_per_address == 0 {
            return Err(Error::Config("max_connections_per_address must be at least 1".into()));
        }
        if !(1..=86_400).contains(&self.alerts.check_seconds) {
            return Err(Error::Config("alerts.check_seconds must be between 1 and 86400".into()));
        }
        if let Some(smtp) = &self.alerts.smtp {
            if !["starttls", "tls", "none"].contains(&smtp.security.as_str()) {
                return Err(Error::Config(format!("alerts.smtp.security {:?}: use starttls, tls or none", smtp.security)));
            }
            if smtp.from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(Error::Config(format!("alerts.smtp.from {:?} is not an e-mail address", smtp.from)));
            }
        }
        if let Some(url) = &self.public_url {
            check_public_url(url).map_err(|why| Error::Config(format!("public_url {url:?}: {why}")))?;
        }
        if let Err(e) = self.log.parse::<tracing::Level>() {
            return Err(Error::Config(format!("log: {e} (use error, warn, info, debug or trace)")));
        }
        self.catalog()?;
        Ok(())
    }

    /// The catalog zone, if one is configured: its name and who may transfer it (and the
    /// zones it lists) and hears of their changes — every secondary a built-in zone names.
    pub fn catalog(&self) -> Result<Option<CatalogSettings>> {
        let Some(text) = &self.catalog_zone else { return Ok(None) };
        let name = DomainName::parse(text).map_err(|e| Error::Config(format!("catalog_zone: {e}")))?;
        let zones = self.zones()?;
        if let Some(zone) = zones.iter().find(|z| name.is_within(&z.name) || z.name.is_within(&name)) {
            return Err(Error::Config(format!(
                "catalog_zone {name} overlaps the zone {}: give it a name of its own, e.g. catalog.porchlight.invalid",
                zone.name
            )));
        }
        let mut transfers = crate::transfers::Policy::default();
        for zone in &zones {
            transfers.merge(&zone.transfers);
        }
        Ok(Some(CatalogSettings { name, transfers }))
    }
    /// `public_url` without a final slash, when set.
    pub fn public_base(&self) -> Option<&str> {
        self.public_url.as_deref().map(|u| u.trim_end_matches('/'))
    }

    /// The nameservers custom domains must be delegated to.
    pub fn delegation_nameservers(&self) -> Result<Vec<DomainName>> {
        if self.delegation_nameservers.is_empty() {
            return Ok(self.zones()?.first().map(|z| z.nameservers.clone()).unwrap_or_default());
        }
        self.delegation_nameservers
            .iter()
            .map(|n| DomainName::parse_fqdn(n).map_err(|e| Error::Config(format!("delegation_nameservers: {e}"))))
            .collect()
    }

    /// The built-in zones with defaults filled in, validated.
    pub fn zones(&self) -> Result<Vec<ZoneSettings>> {
        let mut zones: Vec<ZoneSettings> = Vec::new();
        for z in &self.zone {
            let name = DomainName::parse(&z.name).map_err(|e| Error::Config(format!("zone {:?}: {e}", z.name)))?;
            if zones.iter().any(|other| other.name == name) {
                return Err(Error::Config(format!("zone {name} is configured twice")));
            }
            let nameservers = if z.nameservers.is_empty() {
                vec![name.child("ns1")?]
            } else {
                z.nameservers
                    .iter()
                    .map(|n| DomainName::parse_fqdn(n).map_err(|e| Error::Config(format!("zone {name} nameserver: {e}"))))
                    .collect::<Result<_>>()?
            };
            let hostmaster = match &z.hostmaster {
                Some(h) => DomainName::parse_fqdn(&h.replacen('@', ".", 1))
                    .map_err(|e| Error::Config(format!("zone {name} hostmaster: {e}")))?,
                None => name.child("hostmaster")?,
            };
            let addresses = if z.nameserver_addresses.is_empty() {
                self.dns.iter().map(|a| a.ip()).filter(|ip| !ip.is_unspecified()).collect()
            } else {
                z.nameserver_addresses.clone()
            };
            let glue: Vec<(DomainName, std::net::IpAddr)> = nameservers
                .iter()
                .filter(|ns| ns.is_within(&name) && **ns != name)
                .flat_map(|ns| addresses.iter().map(move |ip| (ns.clone(), *ip)))
                .collect();
            let transfers = crate::transfers::Policy::parse(&z.allow_transfer, &z.notify)
                .map_err(|e| Error::Config(format!("zone {name}: {e}")))?;
            let algorithm = match &z.dnssec_algorithm {
                None => crate::dnssec::Algorithm::EcdsaP256Sha256,
                Some(text) => crate::dnssec::Algorithm::parse(text).map_err(|e| Error::Config(format!("zone {name}: {e}")))?,
            };
            let dnssec = match z.dnssec {
                Some(true) => Signing::On(algorithm),
                Some(false) => Signing::Off,
                None => Signing::NewZones(algorithm),
            };
            zones.push(ZoneSettings { name, nameservers, hostmaster, glue, transfers, dnssec });
        }
        Ok(zones)
    }
}

/// The catalog zone after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogSettings {
    pub name: DomainName,
    /// Every built-in zone's transfer settings together.
    pub transfers: crate::transfers::Policy,
}

/// A built-in zone after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneSettings {
    pub name: DomainName,
    pub nameservers: Vec<DomainName>,
    pub hostmaster: DomainName,
    /// Addresses of the nameservers inside the zone.
    pub glue: Vec<(DomainName, std::net::IpAddr)>,
    /// AXFR/IXFR access and NOTIFY targets.
    pub transfers: crate::transfers::Policy,
    /// Whether it is signed (DNSSEC).
    pub dnssec: Signing,
}

/// Whether a built-in zone is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// `dnssec = true`: signed, with a key of this algorithm made at the first start.
    On(crate::dnssec::Algorithm),
    /// `dnssec = false`: not signed (a key it had is removed).
    Off,
    /// Not set: a zone new to the database is signed (with a key of this algorithm); a zone
    /// it already served keeps what it had, signed or not.
    NewZones(crate::dnssec::Algorithm),
}

impl std::fmt::Display for Signing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::On(a) => write!(f, "DNSSEC, algorithm {}", a.number()),
            Self::Off => write!(f, "not signed (dnssec = false)"),
            Self::NewZones(a) => write!(f, "DNSSEC, algorithm {}, when new to the database (dnssec not set)", a.number()),
        }
    }
}

impl ZoneSettings {
    /// In-zone nameservers that have no address: resolvers could not reach them.
    pub fn unreachable_nameservers(&self) -> Vec<&DomainName> {
        self.nameservers.iter().filter(|ns| ns.is_within(&self.name) && !self.glue.iter().any(|(n, _)| n == *ns)).collect()
    }
}

/// Why `url` cannot be the appliance's public base URL, if it cannot: `http(s)://`, a host
/// name or IPv4 address, an optional port, an optional path; no query, fragment or user.
/// [`url_pattern`] is the same rule as a regular expression, for the API document.
pub fn check_public_url(url: &str) -> std::result::Result<(), &'static str> {
    check_url(url, false)
}

/// Characters a URL's path may hold (RFC 3986's unreserved and sub-delims, `:@%/`).
const PATH_CHARS: &str = "A-Za-z0-9._~!$&'()*+,;=:@%/-";

/// As [`check_public_url`], allowing a query string when `query` (webhooks often take a
/// `?token=`).
pub fn check_url(url: &str, query: bool) -> std::result::Result<(), &'static str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).ok_or("must start with http:// or https://")?;
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let (path, query_text) = match tail.split_once('?') {
        Some((path, q)) => (path, Some(q)),
        None => (tail, None),
    };
    if query_text.is_some() && !query {
        return Err("must be a plain base URL: no query");
    }
    let path_char = |c: char| c.is_ascii_alphanumeric() || "._~!$&'()*+,;=:@%/-".contains(c);
    if !path.chars().all(path_char) || !query_text.unwrap_or_default().chars().all(|c| path_char(c) || c == '?') {
        return Err("may hold only letters, digits and ._~!$&'()*+,;=:@%/- in its path and query (no spaces, quotes or #)");
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if let Some(port) = port {
        let number = port.parse::<u16>().ok().filter(|_| port.bytes().all(|b| b.is_ascii_digit()) && !port.starts_with('0'));
        if number.is_none_or(|p| p == 0) {
            return Err("has a port that is not 1 to 65535");
        }
    }
    if host.is_empty() {
        return Err("has no host");
    }
    if host.parse::<std::net::Ipv4Addr>().is_err() {
        // A name: letters, digits and hyphens in dot-separated labels (up to 63 each but the
        // last), the last not all digits (127.1 and 2130706433 are addresses to some resolvers).
        let name = host.strip_suffix('.').unwrap_or(host);
        let labels: Vec<&str> = name.split('.').collect();
        let (last, first) = labels.split_last().unwrap_or((&"", &[]));
        let label = |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let valid = first.iter().all(|l| label(l) && l.len() <= 63) && label(last);
        if !valid || last.bytes().all(|b| b.is_ascii_digit()) {
            return Err("has a host that is neither a name nor an IPv4 address");
        }
    }
    Ok(())
}

/// [`check_url`] as a regular expression; with `topic`, the path must name something (an
/// ntfy topic).
pub fn url_pattern(query: bool, topic: bool) -> String {
    const OCTET: &str = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    const PORT: &str = "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})";
    let ipv4 = format!("{OCTET}(?:\\.{OCTET}){{3}}");
    let label = "[A-Za-z0-9-]{1,63}";
    let last = "[A-Za-z0-9-]*[A-Za-z-][A-Za-z0-9-]*";
    let name = format!("(?:{label}\\.)*{last}\\.?");
    let path = if topic {
        let segment = PATH_CHARS.replace('/', "");
        format!("/+[{segment}][{PATH_CHARS}]*")
    } else {
        format!("(?:/[{PATH_CHARS}]*)?")
    };
    let query = if query { format!("(?:\\?[?{PATH_CHARS}]*)?") } else { String::new() };
    format!("^https?://(?:{ipv4}|{name})(?::{PORT})?{path}{query}$")
}

/// Puts the `PORCHLIGHT_*` settings of `env` into `table`; returns the variables used.
fn apply_env(table: &mut toml::Table, env: impl IntoIterator<Item = (String, String)>) -> Result<Vec<String>> {
    let mut used = Vec::new();
    for (var, value) in env {
        let Some(key) = var.strip_prefix("PORCHLIGHT_") else { continue };
        if ENV_NOT_KEYS.contains(&var.as_str()) || var.starts_with("PORCHLIGHT_BENCH_") {
            continue;
        }
        let key = key.to_ascii_lowercase();
        if !ENV_KEYS.contains(&key.as_str()) {
            return Err(Error::Config(format!(
                "environment variable {var}: unknown setting (known: {})",
                ENV_KEYS.map(|k| format!("PORCHLIGHT_{}", k.to_ascii_uppercase())).join(", ")
            )));
        }
        let parsed = if key == "zone" {
            let zones = split_list(&value).map(|name| {
                let mut t = toml::Table::new();
                t.insert("name".into(), toml::Value::String(name));
                toml::Value::Table(t)
            });
            toml::Value::Array(zones.collect())
        } else if LIST_KEYS.contains(&key.as_str()) {
            toml::Value::Array(split_list(&value).map(toml::Value::String).collect())
        } else if let Ok(b) = value.trim().parse::<bool>() {
            toml::Value::Boolean(b)
        } else if let Ok(n) = value.trim().parse::<i64>() {
            toml::Value::Integer(n)
        } else {
            toml::Value::String(value)
        };
        table.insert(key, parsed);
        used.push(var);
    }
    used.sort();
    Ok(used)
}

fn split_list(value: &str) -> impl Iterator<Item = String> + '_ {
    value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn unknown_key_names_key_and_source() {
        let err = Config::from_toml("data_dirr = \"/tmp\"\n", "my.toml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("my.toml") && err.contains("data_dirr"), "{err}");
        let err = Config::from_toml("[[zone]]\nname = \"a.example\"\nttl = 5\n", "z.toml").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("ttl"), "{err}");
    }

    #[test]
    fn layers_file_then_env_then_flags() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("porchlight-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join("p.toml");
        std::fs::write(&file, "http = \"127.0.0.1:1\"\nlog = \"warn\"\n[[zone]]\nname = \"dyn.example.com\"\n")?;
        let config = Config::load(
            Some(&file),
            env(&[("PORCHLIGHT_HTTP", "127.0.0.1:2"), ("PORCHLIGHT_DNS", "127.0.0.1:5300, 127.0.0.1:5301"), ("HOME", "/x")]),
            Overrides { http: Some(SocketAddr::from(([127, 0, 0, 1], 3))), zones: vec!["b.example.net".into()], ..Default::default() },
        )?;
        assert_eq!(config.http.port(), 3);
        assert_eq!(config.dns.len(), 2);
        assert_eq!(config.log, "warn");
        let zones = config.zones()?;
        assert_eq!(zones.len(), 2);
        assert_eq!(zones[0].nameservers[0].as_str(), "ns1.dyn.example.com");
        Ok(())
    }

    #[test]
    fn zone_flags_without_a_zone_are_an_error() {
        for overrides in [
            Overrides { dnssec: Some(true), ..Default::default() },
            Overrides { dnssec: Some(false), ..Default::default() },
            Overrides { allow_transfer: vec!["127.0.0.1".into()], ..Default::default() },
            Overrides { notify: vec!["127.0.0.1:53".into()], ..Default::default() },
        ] {
            let err = Config::load(None, Vec::new(), overrides).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("apply to the --zone zones"), "{err}");
        }
        let with_zone = Overrides { dnssec: Some(true), zones: vec!["dyn.example.com".into()], ..Default::default() };
        assert!(Config::load(None, Vec::new(), with_zone).is_ok());
    }

    #[test]
    fn unknown_environment_setting_is_an_error() {
        let err = Config::load(None, env(&[("PORCHLIGHT_DATADIR", "/x")]), Overrides::default());
        assert!(err.err().map(|e| e.to_string()).unwrap_or_default().contains("PORCHLIGHT_DATADIR"));
    }

    #[test]
    fn in_zone_nameservers_get_glue_from_listeners_or_settings() -> Result<()> {
        let wildcard = Config::from_toml("dns = [\"0.0.0.0:53\"]\n[[zone]]\nname = \"d.example\"\n", "t")?;
        let zone = &wildcard.zones()?[0];
        assert!(zone.glue.is_empty());
        assert_eq!(zone.unreachable_nameservers().len(), 1, "a wildcard listener gives no address");
        let specific = Config::from_toml("dns = [\"192.0.2.53:53\"]\n[[zone]]\nname = \"d.example\"\n", "t")?;
        assert_eq!(specific.zones()?[0].glue[0].1.to_string(), "192.0.2.53");
        let set = Config::from_toml(
            "[[zone]]\nname = \"d.example\"\nnameservers = [\"ns.d.example\", \"ns.other.example\"]\nnameserver_addresses = [\"2001:db8::53\"]\n",
            "t",
        )?;
        let zone = &set.zones()?[0];
        assert_eq!(zone.glue.len(), 1, "only the in-zone nameserver gets glue");
        assert!(zone.unreachable_nameservers().is_empty());
        Ok(())
    }

    #[test]
    fn bad_values_are_rejected() {
        assert!(Config::from_toml("default_ttl = 1\n", "t").is_err());
        assert!(Config::from_toml("log = \"loud\"\n", "t").is_err());
        let half = Config::from_toml("tls_cert = \"/c.pem\"\n", "t").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(half.contains("go together"), "{half}");
        assert!(Config::from_toml("[[zone]]\nname = \"bad zone\"\n", "t").is_err());
        for bad in ["ddns.example.com", "ftp://x", "http://", "http://a b", "https://x/?q=1", "http://u@x", "http://<script>/", "http://x\"y", "http://x:99999", "http://127.1/", "http://2130706433/", "http://0x7f.1/", "http://[::1]/"] {
            let error = Config::from_toml(&format!("public_url = {bad:?}\n"), "t").err().map(|e| e.to_string()).unwrap_or_default();
            assert!(error.contains("public_url"), "{bad}: {error}");
        }
        for good in ["http://192.168.1.2:8080", "https://ddns.example.com:8443/ddns", "http://nas.lan/"] {
            assert!(check_public_url(good).is_ok(), "{good}");
        }
        assert!(check_url("https://hooks.example.com/x?token=1", true).is_ok());
        let good = Config::from_toml("public_url = \"https://ddns.example.com/\"\n", "t").map(|c| c.public_base().map(str::to_string));
        assert_eq!(good.ok().flatten().as_deref(), Some("https://ddns.example.com"));
    }

    #[test]
    fn every_shipped_config_parses() -> Result<()> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&path)?;
                Config::from_toml(&text, &path.display().to_string())?;
                seen += 1;
            }
        }
        assert!(seen >= 2, "expected the shipped and the local config in {}", dir.display());
        Ok(())
    }
}
