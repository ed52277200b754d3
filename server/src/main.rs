//! The `porchlight` command: run the appliance and administer it.

use std::io::{IsTerminal as _, Read as _};
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};
use porchlight::config::{Config, Overrides};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use porchlight::{Appliance, Context, accounts, console, hostnames, store};

#[derive(Parser)]
#[command(name = "porchlight", version, about = "Self-hosted dynamic DNS: DDNS update APIs and an authoritative DNS server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the appliance.
    Serve(Common),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage hostnames.
    #[command(subcommand)]
    Hostname(HostnameCommand),
    /// Check a configuration and print the settings in effect.
    CheckConfig(Common),
    /// Zone operations.
    #[command(subcommand)]
    Zone(ZoneCommand),
    /// TSIG keys for RFC 2136 updates (nsupdate, certbot, lego) and signed transfers.
    #[command(subcommand)]
    Tsig(TsigCommand),
    /// Write a consistent copy of the database (safe while the appliance runs).
    Backup {
        /// Where to write the backup.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// Replace the database with a backup (stop the appliance first).
    Restore {
        /// The backup file.
        file: PathBuf,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input.
    Add {
        #[command(flatten)]
        common: Common,
        /// The account's e-mail address (its login name).
        #[arg(long)]
        email: String,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List accounts.
    List(Common),
    /// Set an account's password, read from standard input; its sessions end.
    Passwd {
        /// The account's e-mail.
        email: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Also turn off the account's two-factor sign-in (its authenticator is lost).
        #[arg(long)]
        clear_totp: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Delete an account with its hostnames, records and keys (not the last administrator).
    Delete {
        /// The account's e-mail.
        email: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum TsigCommand {
    /// Make a key and print its secret once, as `algorithm:name:secret` for `nsupdate -y`.
    Add {
        /// The key's name, e.g. certbot.home.example.
        name: String,
        /// hmac-md5, hmac-sha1, hmac-sha224, hmac-sha256, hmac-sha384 or hmac-sha512.
        #[arg(long, default_value = "hmac-sha256")]
        algorithm: String,
        /// E-mail of the owning account: the key writes only where that account may.
        #[arg(long)]
        user: String,
        /// Narrow the key to names and types, e.g. '_acme-challenge.*:TXT' (repeatable).
        #[arg(long, value_name = "PATTERN:TYPE")]
        allow: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
    /// List keys (never their secrets).
    List(Common),
    /// Delete a key: updates and transfers signed with it are refused from then on.
    Delete {
        /// The key's name.
        name: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum ZoneCommand {
    /// What to enter at the registrar for a zone, and whether its parent delegates to this
    /// appliance now (asked through delegation_resolver). Exits 1 when it does not.
    Check {
        /// The zone's name (built-in or custom).
        name: String,
        #[command(flatten)]
        common: Common,
    },
    /// Print a served zone as a standard zone file.
    Export {
        /// The zone's name.
        name: String,
        #[command(flatten)]
        common: Common,
    },
    /// Print a signed zone's DS record(s) for its parent (the registrar), one a line:
    /// NAME. IN DS TAG ALG 2 HEX
    Ds {
        /// The zone's name.
        name: String,
        #[command(flatten)]
        common: Common,
    },
    /// A signed zone's keys, with their state (and a rollover's stage).
    Keys {
        /// The zone's name.
        name: String,
        #[command(flatten)]
        common: Common,
    },
    /// Start a DNSSEC key rollover: a new key is published and signs beside the old one;
    /// once the parent's DS names it (and dnssec_rollover_hold_seconds have passed) the
    /// appliance removes the old key. --finish ends it now, whatever the parent holds.
    Rollover {
        /// The zone's name.
        name: String,
        /// Remove the old key now.
        #[arg(long)]
        finish: bool,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum HostnameCommand {
    /// Create a hostname and print its update token (shown only this once).
    Add {
        /// Fully qualified name inside a served zone, e.g. home.dyn.example.com
        fqdn: String,
        /// E-mail of the owning account.
        #[arg(long)]
        user: String,
        #[command(flatten)]
        common: Common,
    },
    /// List hostnames with their current addresses.
    List(Common),
    /// Delete a hostname with its records and tokens; it leaves DNS at once.
    Delete {
        /// The hostname, e.g. home.dyn.example.com
        fqdn: String,
        #[command(flatten)]
        common: Common,
    },
}

/// Settings every command takes; each overrides the configuration file and environment.
#[derive(Args, Clone)]
struct Common {
    /// Configuration file (TOML). Also PORCHLIGHT_CONFIG.
    #[arg(long, env = "PORCHLIGHT_CONFIG")]
    config: Option<PathBuf>,
    /// Directory for the database.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// HTTP listen address.
    #[arg(long)]
    http: Option<SocketAddr>,
    /// The base URL routers reach the appliance at, e.g. http://192.168.1.2:8080.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// HTTPS listen address (same routes as HTTP).
    #[arg(long)]
    https: Option<SocketAddr>,
    /// DNS listen address, UDP and TCP (repeatable).
    #[arg(long)]
    dns: Vec<SocketAddr>,
    /// A zone to serve (repeatable), in addition to those in the configuration file.
    #[arg(long)]
    zone: Vec<String>,
    /// For the --zone zones: who may transfer them, a CIDR or key:NAME (repeatable).
    #[arg(long, value_name = "CIDR|key:NAME")]
    allow_transfer: Vec<String>,
    /// For the --zone zones: a secondary to NOTIFY after changes, ADDR:PORT (repeatable).
    #[arg(long, value_name = "ADDR:PORT")]
    notify: Vec<String>,
    /// Serve a catalog zone (RFC 9432) of this name listing every served zone, e.g.
    /// catalog.porchlight.invalid.
    #[arg(long, value_name = "NAME")]
    catalog_zone: Option<String>,
    /// For the --zone zones: sign them (DNSSEC). Without it or --no-dnssec, a zone new to
    /// the database is signed and one it already served keeps what it had.
    #[arg(long, conflicts_with = "no_dnssec")]
    dnssec: bool,
    /// For the --zone zones: do not sign them (a key they had is removed).
    #[arg(long)]
    no_dnssec: bool,
}

impl Common {
    fn load(&self) -> anyhow::Result<Config> {
        let overrides = Overrides {
            data_dir: self.data_dir.clone(), http: self.http, https: self.https, dns: self.dns.clone(),
            public_url: self.public_url.clone(),
            zones: self.zone.clone(),
            allow_transfer: self.allow_transfer.clone(),
            notify: self.notify.clone(),
            catalog_zone: self.catalog_zone.clone(),
            dnssec: match (self.dnssec, self.no_dnssec) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
        };
        Ok(Config::load(self.config.as_deref(), std::env::vars(), overrides)?)
    }

    /// The appliance's context for a command run beside it: the zones it serves are known
    /// from the database when the configuration names none.
    fn open(&self) -> anyhow::Result<Context> {
        Ok(Context::open_for_console(self.load()?)?)
    }

    /// As [`Common::open`] for a command that only reads or removes: a data directory without
    /// a database is a mistake (a typo in --data-dir), not a new appliance.
    fn open_existing(&self) -> anyhow::Result<Context> {
        let config = self.load()?;
        let db = config.data_dir.join(store::DB_FILE);
        if !db.is_file() {
            bail!(
                "there is no porchlight database in {} (is --data-dir right? `porchlight serve` makes one)",
                std::path::absolute(&config.data_dir).unwrap_or_else(|_| config.data_dir.clone()).display()
            );
        }
        Ok(Context::open_for_console(config)?)
    }

    /// The flags another command needs to reach the same configuration and data.
    fn same_place(&self, data_dir: &std::path::Path) -> String {
        let mut flags = String::new();
        if let Some(config) = &self.config {
            flags.push_str(&format!(" --config {}", shell_word(&std::path::absolute(config).unwrap_or_else(|_| config.clone()))));
        }
        // Always the data directory itself: a relative one in a configuration file means the
        // directory the appliance was started in, which another terminal need not share.
        if self.data_dir.is_some() || std::env::var_os("PORCHLIGHT_DATA_DIR").is_some() || self.config.is_some() || data_dir != std::path::Path::new("data") {
            flags.push_str(&format!(" --data-dir {}", shell_word(&std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf()))));
        }
        flags
    }
}

/// A path as one word of a shell command (quoted when it needs to be).
fn shell_word(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    if text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c)) {
        text
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

fn main() {
    if let Err(error) = run(Cli::parse()) {
        eprintln!("porchlight: {}", said_once(&error));
        std::process::exit(1);
    }
}

/// The error and its causes, each said once: a cause whose text is already in what was said
/// (an I/O error wrapped with its path) is left out.
fn said_once(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
    }
    text
}

/// Reads a password from standard input (one line; the line break is not part of it).
fn password_from_stdin(example: &str) -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password).context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        bail!("no password on standard input (e.g. echo 'a long password' | {example})");
    }
    Ok(password.to_string())
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(common) => serve(&common),
        Command::CheckConfig(common) => {
            let config = common.load()?;
            println!("configuration is valid");
            println!("data_dir = {}", std::path::absolute(&config.data_dir).unwrap_or_else(|_| config.data_dir.clone()).display());
            println!("durability = {}", config.durability.as_str());
            println!("http = {}", config.http);
            println!("https = {}", config.https.map_or_else(|| "off".to_string(), |a| a.to_string()));
            println!(
                "public_url = {}",
                config.public_base().unwrap_or("(not set here: an administrator may have set one in the UI; else the UI asks)")
            );
            for dns in &config.dns {
                println!("dns = {dns}");
            }
            println!("dns_rate_limit = {} per second per client prefix (slip {})", config.dns_rate_limit, config.dns_rate_limit_slip);
            let nets = |n: &[ipnet::IpNet]| if n.is_empty() { "none".to_string() } else { n.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ") };
            println!("lan_subnets = {}", nets(&config.lan_subnets));
            println!("trusted_proxies = {}", nets(&config.trusted_proxies));
            println!("registration_open = {}", config.registration_open);
            println!("log = {}", config.log);
            println!("alerts: checked every {} s; e-mail {}", config.alerts.check_seconds, config.alerts.smtp.as_ref().map_or_else(|| "off (no [alerts.smtp])".to_string(), |m| format!("through {} ({})", m.host, m.security)));
            for zone in config.zones()? {
                let ns: Vec<_> = zone.nameservers.iter().map(ToString::to_string).collect();
                println!("zone = {} (nameservers {}; {})", zone.name, ns.join(", "), zone.dnssec);
            }
            match config.catalog()? {
                Some(catalog) => {
                    let allowed: Vec<_> = catalog.transfers.allow.iter().map(ToString::to_string).collect();
                    let allowed = if allowed.is_empty() { "nobody (set allow_transfer on a zone)".to_string() } else { allowed.join(", ") };
                    println!("catalog_zone = {} (transfers: {allowed})", catalog.name);
                }
                None => println!("catalog_zone = off"),
            }
            Ok(())
        }
        Command::Zone(ZoneCommand::Check { name, common }) => {
            let ctx = common.open_existing()?;
            let guide = porchlight::delegation::guide_for(&ctx, &porchlight::names::DomainName::parse(&name)?)?;
            println!("At your registrar (the zone above {}), enter:", guide.zone);
            for r in &guide.records {
                println!("  {}.\t{}\t{}{}", r.name, r.kind.as_str(), r.value, if r.kind.as_str() == "NS" { "." } else { "" });
            }
            match guide.check.asked {
                Some(server) => println!("Asked {server}: {}", guide.check.message),
                None => println!("{}", guide.check.message),
            }
            for (ns, ip) in &guide.check.glue {
                println!("  glue: {ns} {ip}");
            }
            for problem in guide.check.problems.iter().filter(|p| **p != guide.check.message && Some(*p) != guide.check.dnssec.as_ref()) {
                println!("  problem: {problem}");
            }
            if let Some(dnssec) = &guide.check.dnssec {
                println!("DNSSEC: {dnssec}");
            }
            if guide.check.delegated {
                println!("delegated: yes");
                Ok(())
            } else {
                println!("delegated: no");
                std::process::exit(1);
            }
        }
        Command::Zone(ZoneCommand::Export { name, common }) => {
            let ctx = common.open_existing()?;
            let zone = porchlight::names::DomainName::parse(&name)?;
            let text = ctx.catalog.export(&zone).with_context(|| format!("{zone} is not a zone this appliance serves"))?;
            print!("{text}");
            Ok(())
        }
        Command::Zone(ZoneCommand::Ds { name, common }) => {
            let ctx = common.open_existing()?;
            let zone = porchlight::names::DomainName::parse(&name)?;
            for line in porchlight::zone_keys::ds_records(&ctx, &zone)? {
                println!("{line}");
            }
            Ok(())
        }
        Command::Zone(ZoneCommand::Keys { name, common }) => {
            let ctx = common.open_existing()?;
            let zone = porchlight::names::DomainName::parse(&name)?;
            let keys = porchlight::zone_keys::describe(&ctx, &zone)?;
            if keys.is_empty() {
                println!("{zone} is not signed");
            }
            for line in keys {
                println!("{line}");
            }
            Ok(())
        }
        Command::Zone(ZoneCommand::Rollover { name, finish, common }) => {
            let ctx = common.open_existing()?;
            let zone = porchlight::names::DomainName::parse(&name)?;
            if finish {
                porchlight::zone_keys::finish_rollover(&ctx, &zone)?;
                println!("the old key of {zone} is gone; the new one signs alone");
            } else {
                let tag = porchlight::zone_keys::start_rollover(&ctx, &zone)?;
                println!("new key {tag} published for {zone}, signing beside the old one. Give the parent its DS:");
                for line in porchlight::zone_keys::ds_records(&ctx, &zone)? {
                    println!("{line}");
                }
                println!("The old key goes once the parent names the new one (`porchlight zone keys {zone}` shows where it stands).");
            }
            Ok(())
        }
        Command::Backup { out, common } => {
            let ctx = Context::open(common.load()?)?;
            ctx.store.backup_to(&out)?;
            println!("backup written to {} ({} bytes)", out.display(), std::fs::metadata(&out)?.len());
            Ok(())
        }
        Command::Restore { file, common } => {
            let config = common.load()?;
            store::backup::restore(&config.data_dir, &file)?;
            println!("restored {} into {}", file.display(), config.data_dir.display());
            Ok(())
        }
        Command::User(UserCommand::Add { common, email, admin, password_stdin: _ }) => {
            let config = common.load()?;
            let password = password_from_stdin("porchlight user add ...")?;
            let ctx = Context::open(config)?;
            accounts::create(&ctx.store, &email, &password, admin)?;
            println!("created {} {email}", if admin { "administrator" } else { "user" });
            Ok(())
        }
        Command::User(UserCommand::List(common)) => {
            let ctx = common.open_existing()?;
            let users = console::users(&ctx)?;
            if users.is_empty() {
                println!("no accounts yet (the setup link or `porchlight user add --admin` makes the first administrator)");
            }
            for (user, hosts) in users {
                let role = if user.is_admin { "admin" } else { "user" };
                let state = format!("{}{}", if user.totp_enabled { "\ttwo-factor" } else { "" }, if user.disabled { "\tdisabled" } else { "" });
                println!("{}\t{role}\tplan={}\thostnames={hosts}\tcreated {}{state}", user.email, user.plan, format_time(user.created_at));
            }
            Ok(())
        }
        Command::User(UserCommand::Passwd { email, password_stdin: _, clear_totp, common }) => {
            let password = password_from_stdin("porchlight user passwd EMAIL --password-stdin")?;
            let ctx = common.open_existing()?;
            let user = console::set_password(&ctx, &email, &password, clear_totp)?;
            println!("password of {} changed; its sessions have ended", user.email);
            if user.totp_enabled {
                println!("{}", if clear_totp { "two-factor sign-in is off; the account can enrol again" } else { "two-factor sign-in stays on (--clear-totp turns it off)" });
            }
            Ok(())
        }
        Command::User(UserCommand::Delete { email, common }) => {
            let ctx = common.open_existing()?;
            let user = console::delete_user(&ctx, &email)?;
            println!("deleted {} with its hostnames, records and keys", user.email);
            Ok(())
        }
        Command::Hostname(HostnameCommand::Add { fqdn, user, common }) => {
            let ctx = common.open()?;
            let created = hostnames::create_for(&ctx, &user, &fqdn)?;
            println!("created {}", created.host.name);
            println!("update token (shown only now, store it in your router): {}", created.secret);
            Ok(())
        }
        Command::Tsig(TsigCommand::Add { name, algorithm, user, allow, common }) => {
            let ctx = common.open()?;
            let owner = accounts::find_by_email(&ctx, &user)?;
            // The operator at the console acts as the key's owner would from a session.
            let created = porchlight::tsig_keys::create(&ctx, &porchlight::auth::Caller::Session(owner), &name, &algorithm, &allow)?;
            println!("{}", created.nsupdate);
            eprintln!("key {} made for {user}; the secret is shown only now (use: nsupdate -y '{}')", created.key.name, created.nsupdate);
            Ok(())
        }
        Command::Tsig(TsigCommand::List(common)) => {
            let ctx = common.open_existing()?;
            let keys = porchlight::tsig_keys::list_all(&ctx)?;
            if keys.is_empty() {
                println!("no TSIG keys yet (make one with: porchlight tsig add NAME --user EMAIL)");
            }
            for (key, email) in keys {
                let allow = if key.allow.is_empty() { "*".to_string() } else { key.allow.replace('\n', ",") };
                println!("{}\t{}\t{email}\tallow={allow}", key.name, key.algorithm);
            }
            Ok(())
        }
        Command::Tsig(TsigCommand::Delete { name, common }) => {
            let ctx = common.open_existing()?;
            let owner = console::delete_tsig_key(&ctx, &name)?;
            println!("deleted TSIG key {} of {owner}", name.trim_end_matches('.').to_ascii_lowercase());
            Ok(())
        }
        Command::Hostname(HostnameCommand::Delete { fqdn, common }) => {
            let ctx = common.open_existing()?;
            let owner = console::delete_hostname(&ctx, &fqdn)?;
            println!("deleted {} of {owner} with its records and tokens", fqdn.trim_end_matches('.').to_ascii_lowercase());
            Ok(())
        }
        Command::Hostname(HostnameCommand::List(common)) => {
            let ctx = common.open_existing()?;
            let hosts = console::hostnames(&ctx)?;
            if hosts.is_empty() {
                println!("no hostnames yet (add one with: porchlight hostname add NAME --user EMAIL)");
            }
            for h in hosts {
                let updated = h.updated_at.map_or_else(|| "never updated".to_string(), |t| format!("updated {}", format_time(t)));
                println!(
                    "{}\t{}\tA={}\tAAAA={}\t{updated}",
                    h.name,
                    h.owner,
                    h.v4.as_deref().unwrap_or("-"),
                    h.v6.as_deref().unwrap_or("-")
                );
            }
            Ok(())
        }
    }
}

fn format_time(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

fn serve(common: &Common) -> anyhow::Result<()> {
    let config = common.load()?;
    let level: tracing::Level = config.log.parse().unwrap_or(tracing::Level::INFO);
    // hickory logs every query at INFO; that is noise (and cost) on an appliance.
    let filter = Targets::new()
        .with_default(level)
        .with_target("hickory_server", tracing::Level::WARN)
        .with_target("hickory_proto", tracing::Level::WARN)
        .with_target("hickory_net", tracing::Level::WARN);
    // Logs go to standard error, coloured only for a terminal (never into a log file).
    let logs = tracing_subscriber::fmt::layer().with_target(false).with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal());
    tracing_subscriber::registry().with(logs).with(filter).init();
    // A panic is caught where it happened (the request or message is refused or dropped and
    // the rest runs on): say where it was, in the log.
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column())).unwrap_or_default();
        let payload = info.payload();
        let message = payload.downcast_ref::<&str>().map(|s| (*s).to_string()).or_else(|| payload.downcast_ref::<String>().cloned()).unwrap_or_default();
        let thread = std::thread::current().name().unwrap_or("unnamed").to_string();
        tracing::error!(%location, %thread, "panic: {message}");
    }));
    let data_dir = std::path::absolute(&config.data_dir).unwrap_or_else(|_| config.data_dir.clone());
    let here = common.same_place(&data_dir);
    let appliance = Appliance::start(config)?;
    let ctx = appliance.context();
    println!("porchlight {} is running", env!("CARGO_PKG_VERSION"));
    if let Some(link) = appliance.setup_link() {
        println!("  setup: open {link} to create the administrator (the link works once)");
    }
    println!("  data:  {}", data_dir.display());
    println!("  HTTP:  http://{}/", appliance.http_addr());
    if let Some(https) = appliance.https_addr() {
        println!("  HTTPS: https://{https}/");
    }
    for dns in appliance.dns_addrs() {
        println!("  DNS:   {dns} (UDP and TCP)");
    }
    match porchlight::admin::public_url(ctx) {
        Some(url) => println!("  routers reach it at {url}"),
        None => println!("  public address not set: routers cannot use 127.0.0.1; set public_url (or --public-url) to the address they reach"),
    }
    for zone in &ctx.zones {
        println!("  zone:  {}", zone.name);
        for ns in zone.unreachable_nameservers() {
            println!("  warning: nameserver {ns} is inside {} but has no address; set nameserver_addresses for the zone", zone.name);
        }
    }
    if ctx.zones.is_empty() {
        println!("  no zones configured: add [[zone]] to the configuration or pass --zone NAME");
    }
    if ctx.store.read(store::users::count_admins)? == 0 {
        let example = ctx.zones.first().map_or("home.dyn.example.com".to_string(), |z| format!("home.{}", z.name));
        let me = invocation();
        println!();
        println!("No administrator yet. Open the setup link above, or in another terminal:");
        println!("  echo 'a long password' | {me} user add{here} --email you@example.com --admin --password-stdin");
        println!("  {me} hostname add{here} {example} --user you@example.com");
        println!("then update it:  curl -u {example}:TOKEN '{}/nic/update?myip=203.0.113.7'", ctx.public_base(appliance.http_addr()));
    }
    wait_for_signal();
    println!("stopping");
    appliance.shutdown();
    Ok(())
}

/// How to call this program again: `cargo run --` from a source tree, `porchlight` when that
/// name on the PATH is this program, else its full path.
fn invocation() -> String {
    let exe = std::env::current_exe().unwrap_or_default();
    let in_tree = exe.components().any(|c| c.as_os_str() == "target") && std::path::Path::new("Cargo.toml").exists();
    if in_tree {
        return "cargo run --".into();
    }
    let on_path = std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| std::fs::canonicalize(dir.join("porchlight")).is_ok_and(|found| found == exe))
    });
    if on_path { "porchlight".into() } else { shell_word(&exe) }
}

/// Blocks until SIGINT or SIGTERM.
fn wait_for_signal() {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
        loop {
            std::thread::park();
        }
    };
    runtime.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            if let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
                tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
                return;
            }
        }
        let _ = tokio::signal::ctrl_c().await;
    });
}
