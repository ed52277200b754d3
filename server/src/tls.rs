//! TLS for the HTTPS listener: the configured PEM files, or a self-signed certificate made
//! with rcgen at first start and kept in `<data_dir>/tls/` (so clients can pin it).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::config::{Config, ZoneSettings};
use crate::error::{Error, Result};

/// The TLS configuration for the HTTPS listener.
pub fn server_config(config: &Config, zones: &[ZoneSettings]) -> Result<Arc<rustls::ServerConfig>> {
    let (cert_path, key_path) = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => (cert.clone(), key.clone()),
        _ => self_signed(config, zones)?,
    };
    let bad = |path: &Path, e: &dyn std::fmt::Display| Error::Config(format!("{}: {e}", path.display()));
    let certs = CertificateDer::pem_file_iter(&cert_path)
        .map_err(|e| bad(&cert_path, &e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(&cert_path, &e))?;
    if certs.is_empty() {
        return Err(bad(&cert_path, &"no certificate in the file"));
    }
    let key = PrivateKeyDer::from_pem_file(&key_path).map_err(|e| bad(&key_path, &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| Error::Config(format!("TLS certificate and key do not fit together: {e}")))?;
    Ok(Arc::new(tls))
}

/// What the settings screen shows about the HTTPS certificate.
pub struct CertificateInfo {
    pub path: PathBuf,
    pub self_signed: bool,
    /// SHA-256 of the first certificate (DER), as colon-separated hex: what a client pins.
    pub sha256: String,
}

/// The HTTPS certificate in use, when HTTPS is on and the certificate can be read.
pub fn certificate_info(config: &Config) -> Option<CertificateInfo> {
    config.https?;
    let (path, self_signed) = match &config.tls_cert {
        Some(path) => (path.clone(), false),
        None => (config.data_dir.join("tls").join("cert.pem"), true),
    };
    let der = CertificateDer::pem_file_iter(&path).ok()?.next()?.ok()?;
    let digest = <sha2::Sha256 as sha2::Digest>::digest(der.as_ref());
    let sha256 = digest.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
    Some(CertificateInfo { path, self_signed, sha256 })
}

/// The kept self-signed certificate, made on first use for `localhost`, the loopback
/// addresses and every zone (and `*.zone`).
fn self_signed(config: &Config, zones: &[ZoneSettings]) -> Result<(PathBuf, PathBuf)> {
    let dir = config.data_dir.join("tls");
    let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
    if cert_path.exists() && key_path.exists() {
        return Ok((cert_path, key_path));
    }
    std::fs::create_dir_all(&dir)?;
    let mut names = vec!["localhost".to_string()];
    for zone in zones {
        names.push(zone.name.to_string());
        names.push(format!("*.{}", zone.name));
    }
    let failed = |e: rcgen::Error| Error::Config(format!("cannot make a self-signed certificate: {e}"));
    let mut params = rcgen::CertificateParams::new(names).map_err(failed)?;
    params.distinguished_name.push(rcgen::DnType::CommonName, "porchlight");
    for ip in ["127.0.0.1", "::1"] {
        if let Ok(ip) = ip.parse() {
            params.subject_alt_names.push(rcgen::SanType::IpAddress(ip));
        }
    }
    if let Some(https) = config.https.filter(|a| !a.ip().is_unspecified()) {
        params.subject_alt_names.push(rcgen::SanType::IpAddress(https.ip()));
    }
    let key = rcgen::KeyPair::generate().map_err(failed)?;
    let cert = params.self_signed(&key).map_err(failed)?;
    write_private(&key_path, key.serialize_pem().as_bytes())?;
    std::fs::write(&cert_path, cert.pem())?;
    tracing::info!(cert = %cert_path.display(), "made a self-signed certificate for HTTPS");
    Ok((cert_path, key_path))
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)?;
    Ok(())
}
