//! porchlight: a self-hosted dynamic-DNS appliance. DDNS clients of every common dialect
//! update hosts over HTTP; the appliance's own authoritative DNS answers the new address
//! the moment the update is accepted.
//!
//! [`Appliance::start`] runs everything; [`Context`] is what the parts share.

pub mod accounts;
pub mod admission;
pub mod alerts;
pub mod backups;
pub mod acme;
pub mod address;
pub mod attempts;
pub mod auth;
pub mod admin;
pub mod clock;
pub mod config;
pub mod console;
pub mod delegation;
pub mod dns;
pub mod dnssec;
pub mod domains;
pub mod dynamic_update;
pub mod error;
pub mod hostnames;
pub mod logs;
pub mod http;
pub mod metrics;
pub mod model;
pub mod names;
pub mod ownership;
pub mod partners;
pub mod password;
pub mod plans;
pub mod publication;
pub mod ratelimit;
pub mod records;
pub mod session;
pub mod setup;
pub mod store;
pub mod tls;
pub mod token;
pub mod tokens;
pub mod totp;
pub mod transfers;
pub mod tsig_keys;
pub mod update;
pub mod updaters;
pub mod zone_keys;
pub mod zones;

// The unit tests' and the fuzz harnesses' set-up: accounts and keys made without the
// password hashing and random secrets the product uses.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) mod testing;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use config::Config;
pub use error::{Error, Result};

/// How often the appliance looks for changes written by another process (the CLI).
const RELOAD_INTERVAL: Duration = Duration::from_millis(500);
/// How often idle rate-limit state is dropped.
const FORGET_INTERVAL: Duration = Duration::from_secs(60);
/// How often old log lines are deleted.
const RETENTION_INTERVAL: Duration = Duration::from_secs(3600);

/// What every part of the running appliance shares. Built once from the configuration.
pub struct Context {
    pub config: Config,
    pub zones: Vec<config::ZoneSettings>,
    pub store: store::Store,
    pub catalog: Arc<dns::Catalog>,
    pub limits: ratelimit::RateLimits,
    pub metrics: Arc<metrics::Metrics>,
    /// Token use times waiting to be written.
    pub last_used: tokens::LastUsed,
    /// Update attempts waiting to be written.
    pub attempts: attempts::Pending,
    /// Set when an alert was queued, for the alert worker.
    pub alert_queued: AtomicBool,
    /// Signs login sessions; made at first start and kept in the database.
    pub session_secret: Vec<u8>,
    /// The database's count of outside commits taken just before the DNS view was built:
    /// any outside change after it triggers a reload.
    loaded_version: i64,
}

impl Context {
    /// Opens the database in the configured data directory, registers the configured zones
    /// and builds the DNS view.
    pub fn open(config: Config) -> Result<Self> {
        let store = store::Store::open(&config.data_dir, config.durability)?;
        Self::with_store(config, store)
    }

    /// As [`Context::open`] for a command run beside the appliance: when the configuration
    /// names no zones, those the appliance last served from this database are used.
    pub fn open_for_console(mut config: Config) -> Result<Self> {
        let store = store::Store::open(&config.data_dir, config.durability)?;
        if config.zone.is_empty() {
            config.zone = zones::remembered(&store)?;
        }
        Self::with_store(config, store)
    }

    /// As [`Context::open`], on a database already opened (an in-memory one in unit tests).
    pub fn with_store(config: Config, store: store::Store) -> Result<Self> {
        let zones = config.zones()?;
        let catalog_zone = config.catalog()?.map(|c| (c.name, c.transfers));
        zones::sync_builtin(&store, &zones)?;
        let session_secret = session::load_secret(&store)?;
        let loaded_version = store.foreign_changes()?;
        let ctx = Self {
            loaded_version,
            session_secret,
            limits: ratelimit::RateLimits::new(&config.rate_limit),
            config,
            zones,
            store,
            catalog: Arc::new(dns::Catalog::new(catalog_zone)),
            metrics: Arc::new(metrics::Metrics::default()),
            last_used: tokens::LastUsed::default(),
            attempts: attempts::Pending::default(),
            alert_queued: AtomicBool::new(false),
        };
        zones::load_catalog(&ctx)?;
        Ok(ctx)
    }
}

impl Context {
    /// The base URL routers and browsers use: `public_url` when set, else the HTTP listener
    /// (a wildcard listener shown as the loopback address).
    pub fn public_base(&self, http: SocketAddr) -> String {
        if let Some(base) = admin::public_url(self) {
            return base;
        }
        let ip = match http.ip() {
            std::net::IpAddr::V4(v4) if v4.is_unspecified() => std::net::IpAddr::from([127, 0, 0, 1]),
            std::net::IpAddr::V6(v6) if v6.is_unspecified() => std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, http.port()))
    }
}

/// The running appliance: DNS and HTTP listeners plus housekeeping. Dropping it stops them.
pub struct Appliance {
    ctx: Arc<Context>,
    http: http::HttpServer,
    https: Option<http::HttpServer>,
    dns_addrs: Vec<SocketAddr>,
    dns_stop: Option<tokio::sync::oneshot::Sender<()>>,
    runtime: Option<tokio::runtime::Runtime>,
    stopping: Arc<AtomicBool>,
    housekeeping: Option<JoinHandle<()>>,
    alerts: Option<JoinHandle<()>>,
    /// The one-time setup code, while no administrator exists.
    setup_code: Option<String>,
    /// Held while serving: one appliance per data directory, and no restore under it.
    _lock: Option<std::fs::File>,
}

impl Appliance {
    pub fn start(config: Config) -> Result<Self> {
        if config.data_dir.exists() && !config.data_dir.is_dir() {
            return Err(Error::Config(format!("the data directory {} is not a directory", config.data_dir.display())));
        }
        std::fs::create_dir_all(&config.data_dir).map_err(|e| Error::Config(format!("cannot create data directory {}: {e}", config.data_dir.display())))?;
        let lock = store::backup::lock_data_dir(&config.data_dir)?;
        let ctx = Arc::new(Context::open(config)?);
        zones::remember_served(&ctx.store, &ctx.config)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("dns")
            .enable_all()
            .build()?;
        let limits = dns::rrl::Settings {
            rate: ctx.config.dns_rate_limit,
            slip: ctx.config.dns_rate_limit_slip,
            exempt: ctx.config.dns_rate_limit_exempt.iter().chain(&ctx.config.lan_subnets).copied().collect(),
        };
        let dns = runtime.block_on(dns::DnsServer::start(ctx.catalog.clone(), ctx.metrics.clone(), &ctx.config.dns, &ctx.config.lan_subnets, limits, ctx.config.max_connections_per_address, ctx.clone()))?;
        let dns_addrs = dns.addrs().to_vec();
        let (dns_stop, stopped) = tokio::sync::oneshot::channel::<()>();
        runtime.spawn(dns.run(async move {
            let _ = stopped.await;
        }));
        let (http, https) = http::start(ctx.clone())?;
        let setup_code = setup::new_code(&ctx)?;
        if let Some(code) = &setup_code {
            tracing::warn!("no administrator yet: create one at {}/setup?code={code}", ctx.public_base(http.addr()));
        }
        let stopping = Arc::new(AtomicBool::new(false));
        let housekeeping = spawn_housekeeping(ctx.clone(), stopping.clone())?;
        let alerts = alerts::deliver::spawn(ctx.clone(), stopping.clone())?;
        Ok(Self {
            ctx,
            http,
            https,
            dns_addrs,
            dns_stop: Some(dns_stop),
            runtime: Some(runtime),
            stopping,
            housekeeping: Some(housekeeping),
            alerts: Some(alerts),
            setup_code,
            _lock: Some(lock),
        })
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http.addr()
    }

    /// The one-time link that creates the first administrator, while none exists.
    pub fn setup_link(&self) -> Option<String> {
        let code = self.setup_code.as_ref()?;
        Some(format!("{}/setup?code={code}", self.ctx.public_base(self.http_addr())))
    }

    pub fn https_addr(&self) -> Option<SocketAddr> {
        self.https.as_ref().map(http::HttpServer::addr)
    }

    pub fn dns_addrs(&self) -> &[SocketAddr] {
        &self.dns_addrs
    }

    pub fn context(&self) -> &Arc<Context> {
        &self.ctx
    }

    /// Stops every listener and waits for the background threads.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.http.stop();
        if let Some(https) = &mut self.https {
            https.stop();
        }
        if let Some(stop) = self.dns_stop.take() {
            let _ = stop.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(2));
        }
        self.stopping.store(true, Ordering::Release);
        for thread in [self.housekeeping.take(), self.alerts.take()].into_iter().flatten() {
            thread.thread().unpark();
            let _ = thread.join();
        }
        if let Err(error) = self.ctx.last_used.flush(&self.ctx) {
            tracing::warn!(%error, "recording token use failed");
        }
        if let Err(error) = attempts::flush(&self.ctx) {
            tracing::warn!(%error, "recording update attempts failed");
        }
        self._lock = None;
    }
}

impl Drop for Appliance {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Picks up changes other processes (the CLI) wrote, checkpoints the WAL, and forgets idle
/// rate-limit state.
fn spawn_housekeeping(ctx: Arc<Context>, stopping: Arc<AtomicBool>) -> Result<JoinHandle<()>> {
    Ok(std::thread::Builder::new().name("housekeeping".into()).spawn(move || {
        let mut seen = ctx.loaded_version;
        let mut rollbacks_seen = 0;
        let mut last_backup = None;
        let mut last_forget = Instant::now();
        let mut last_retention: Option<Instant> = None;
        let mut last_rollover_check: Option<Instant> = None;
        while !stopping.load(Ordering::Acquire) {
            std::thread::park_timeout(RELOAD_INTERVAL);
            // A panic in one round is logged and counted; the next round runs as usual.
            let survived = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                match ctx.store.foreign_changes() {
                    Ok(version) if version != seen => {
                        seen = version;
                        if let Err(error) = zones::load_catalog(&ctx) {
                            tracing::error!(%error, "reloading zones after an outside change failed");
                        } else {
                            tracing::info!("reloaded zones after a change made by another process");
                        }
                    }
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "cannot check the database for outside changes"),
                }
                ctx.store.probe();
                // A commit that failed (a full disk) took back changes DNS already serves.
                let rollbacks = ctx.store.rolled_back();
                if rollbacks != rollbacks_seen {
                    rollbacks_seen = rollbacks;
                    match zones::load_catalog(&ctx) {
                        Ok(()) => tracing::info!("rebuilt DNS from the database after a failed commit"),
                        Err(error) => tracing::error!(%error, "rebuilding DNS after a failed commit failed"),
                    }
                }
                // DNSSEC: key rollovers go on when the parent names the new key (asked at
                // most every half hold time, and every ten minutes at least).
                let rollover_every = Duration::from_secs(u64::from(ctx.config.dnssec_rollover_hold_seconds / 2).clamp(1, 600));
                if last_rollover_check.is_none_or(|t: Instant| t.elapsed() >= rollover_every) {
                    last_rollover_check = Some(Instant::now());
                    match zone_keys::advance_rollovers(&ctx) {
                        Ok(true) => {
                            if let Err(error) = zones::load_catalog(&ctx) {
                                tracing::error!(%error, "rebuilding DNS after a key rollover failed");
                            }
                        }
                        Ok(false) => {}
                        Err(error) => tracing::warn!(%error, "carrying DNSSEC key rollovers on failed"),
                    }
                }
                // DNSSEC: signatures are made anew a week before they would end.
                if ctx.catalog.signatures_due() {
                    match zone_keys::resign_due(&ctx).and_then(|_| zones::load_catalog(&ctx)) {
                        Ok(()) => tracing::info!("signed the zones anew before their signatures end"),
                        Err(error) => tracing::error!(%error, "signing the zones anew failed"),
                    }
                }
                if let Err(error) = ctx.store.checkpoint() {
                    tracing::warn!(%error, "WAL checkpoint failed");
                }
                match backups::run_due(&ctx, &mut last_backup) {
                    Ok(Some(path)) => tracing::info!(backup = %path.display(), "backup written"),
                    Ok(None) => {}
                    Err(error) => tracing::error!(%error, "automatic backup failed"),
                }
                if last_retention.is_none_or(|t| t.elapsed() >= RETENTION_INTERVAL) {
                    last_retention = Some(Instant::now());
                    let cutoff = crate::clock::now() - i64::from(ctx.config.log_retention_days) * 86_400;
                    match ctx.store.write(|tx| store::history::forget_before(tx, cutoff)) {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(lines = n, "deleted log lines past the retention period"),
                        Err(error) => tracing::warn!(%error, "log retention failed"),
                    }
                }
                if last_forget.elapsed() >= FORGET_INTERVAL {
                    ctx.limits.forget_idle();
                    if let Err(error) = ctx.last_used.flush(&ctx) {
                        tracing::warn!(%error, "recording token use failed");
                    }
                    if let Err(error) = attempts::flush(&ctx) {
                        tracing::warn!(%error, "recording update attempts failed");
                    }
                    last_forget = Instant::now();
                }
            }));
            if survived.is_err() {
                ctx.metrics.panicked("housekeeping");
            }
        }
    })?)
}

/// What the DNS layer asks of the rest of the appliance.
impl crate::dns::Backend for Context {
    fn tsig_key(&self, name: &str) -> Option<crate::dns::tsig::Key> {
        crate::tsig_keys::find(self, name).map(|(_, key)| key)
    }

    fn journal(&self, zone: &names::DomainName, from: u32, to: u32) -> Option<Vec<model::journal::Step>> {
        zones::journal(self, zone, from, to)
    }

    fn update(&self, update: crate::dynamic_update::Update) -> std::result::Result<(), crate::dynamic_update::Refusal> {
        crate::dynamic_update::apply(self, update)
    }
}
