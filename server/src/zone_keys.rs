//! A zone's DNSSEC keys: made when a zone is to be signed, kept in the database (and so in
//! backups), loaded to sign, and shown — the public half, the DS for the parent and the
//! registrar's steps — never the private half.

use std::sync::Arc;

use crate::Context;
use crate::error::Result;
use crate::names::DomainName;
use crate::store::{self, Conn};

/// Makes a zone's signing key and keeps it.
pub fn make_key(conn: &Conn, zone_id: &crate::model::ZoneId, algorithm: crate::dnssec::Algorithm) -> Result<()> {
    let private_key = crate::dnssec::generate(algorithm)?;
    store::dnssec_keys::insert(conn, zone_id, &store::dnssec_keys::StoredKey { algorithm: algorithm.number(), private_key })
}

/// The key that signs a zone now (None: the zone is not signed).
pub fn signing_key(conn: &Conn, zone_id: &crate::model::ZoneId) -> Result<Option<Arc<crate::dnssec::ZoneKey>>> {
    let Some(stored) = store::dnssec_keys::active(conn, zone_id)? else { return Ok(None) };
    let algorithm = crate::dnssec::Algorithm::from_number(stored.algorithm)?;
    Ok(Some(Arc::new(crate::dnssec::ZoneKey::from_pkcs8(algorithm, &stored.private_key)?)))
}

/// The DS records (presentation format) for a served, signed zone's parent.
pub fn ds_records(ctx: &Context, name: &DomainName) -> Result<Vec<String>> {
    let key = ctx.store.read(|c| match store::zones::find_by_name(c, name)? {
        Some(row) => signing_key(c, &row.id),
        None => Err(crate::error::Error::NotFound("Domain")),
    })?;
    let Some(key) = key else {
        return Err(crate::error::Error::Conflict(format!("{name} is not signed: set dnssec = true in its [[zone]] (or --dnssec)")));
    };
    let origin = crate::dns::wire::name(name);
    Ok(vec![crate::dnssec::ds_line(name, &key.ds_rdata(&origin))])
}

/// A zone's DNSSEC state for the UI and the API: its key's public half, the DS for the
/// parent and what to do at the registrar.
pub struct DnssecState {
    pub zone: DomainName,
    pub key: Option<Arc<crate::dnssec::ZoneKey>>,
}

pub fn dnssec_state(ctx: &Context, caller: &crate::auth::Caller, id: &crate::model::ZoneId) -> Result<DnssecState> {
    let zone = ctx.store.read(|c| crate::ownership::visible_zone(c, caller, id))?;
    let key = ctx.store.read(|c| signing_key(c, &zone.id))?;
    Ok(DnssecState { zone: zone.name, key })
}

impl DnssecState {
    pub fn ds(&self) -> Option<String> {
        let key = self.key.as_ref()?;
        Some(crate::dnssec::ds_line(&self.zone, &key.ds_rdata(&crate::dns::wire::name(&self.zone))))
    }

    pub fn dnskey(&self) -> Option<String> {
        use data_encoding::BASE64;
        let key = self.key.as_ref()?;
        let data = key.dnskey_rdata();
        Some(format!("{}. 3600 IN DNSKEY {} {} {} {}", self.zone, u16::from_be_bytes([data[0], data[1]]), data[2], data[3], BASE64.encode(&data[4..])))
    }

    /// The registrar's part, step by step.
    pub fn steps(&self) -> Vec<String> {
        let Some(key) = &self.key else {
            return vec![format!("{} is not signed. To sign it, set dnssec = true in its [[zone]] block (or start with --dnssec) and restart.", self.zone)];
        };
        let parent = self.zone.parent().map_or_else(|| "the parent zone".to_string(), |p| p.to_string());
        let ds = self.ds().unwrap_or_default();
        let digest = ds.rsplit(' ').next().unwrap_or_default().to_string();
        let algorithm = match key.algorithm {
            crate::dnssec::Algorithm::EcdsaP256Sha256 => "13 (ECDSAP256SHA256)",
            crate::dnssec::Algorithm::Ed25519 => "15 (ED25519)",
        };
        vec![
            format!("At the registrar of {} (where {parent} delegates it), open its DNSSEC settings.", self.zone),
            format!("Add a DS record: key tag {}, algorithm {algorithm}, digest type 2 (SHA-256), digest {digest}.", key.tag()),
            "If the registrar asks for the key instead: flags 257, protocol 3, the same algorithm, and the public key of the DNSKEY record shown here.".to_string(),
            "Parents that read CDS/CDNSKEY records (RFC 8078) find the key published in the zone and may add it by themselves.".to_string(),
            "Once the parent has it, validating resolvers check every answer; `delv` or an online DNSSEC checker shows the chain.".to_string(),
        ]
    }
}
