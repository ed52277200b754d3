//! RFC 2136 UPDATE on the wire: the prescan of §3.4.1.3 (classes, types and TTLs in the
//! prerequisite and update sections), turning records into the appliance's own types, and
//! the one place where a refusal becomes an RCODE.

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};
use hickory_server::net::NetError;
use hickory_server::server::{Request, ResponseHandler, ResponseInfo};

use super::Backend;
use super::catalog::Catalog;
use super::reply::Reply;
use crate::dynamic_update::{Change, Prerequisite, Refusal, Type, Update};
use crate::names::DomainName;
use crate::records::{Record as DomainRecord, RecordData, RecordKind};

pub(super) async fn answer<R: ResponseHandler>(
    catalog: &Catalog,
    backend: &dyn Backend,
    reply: &mut Reply<'_, R>,
    request: &Request,
    key: Option<String>,
) -> Result<ResponseInfo, NetError> {
    let code = match parse(catalog, request, key) {
        Ok(update) => {
            let zone = update.zone.clone();
            let key = update.key.clone();
            let result = tokio::task::block_in_place(|| backend.update(update));
            if let Err(refusal) = &result {
                tracing::info!(%zone, key, src = %request.src(), ?refusal, "refused an update");
            }
            result.map_or_else(|r| rcode(&r), |()| ResponseCode::NoError)
        }
        Err(refusal) => {
            tracing::info!(src = %request.src(), ?refusal, "refused an update");
            rcode(&refusal)
        }
    };
    reply.code(code).await
}

fn rcode(refusal: &Refusal) -> ResponseCode {
    match refusal {
        Refusal::FormErr(_) => ResponseCode::FormErr,
        Refusal::NotAuth(_) => ResponseCode::NotAuth,
        Refusal::NotZone(_) => ResponseCode::NotZone,
        Refusal::Refused(_) => ResponseCode::Refused,
        Refusal::YxDomain => ResponseCode::YXDomain,
        Refusal::NxDomain => ResponseCode::NXDomain,
        Refusal::YxRrset => ResponseCode::YXRRSet,
        Refusal::NxRrset => ResponseCode::NXRRSet,
        Refusal::ServFail(_) => ResponseCode::ServFail,
    }
}

fn parse(catalog: &Catalog, request: &Request, key: Option<String>) -> Result<Update, Refusal> {
    let info = request.request_info().map_err(|_| Refusal::FormErr("the zone section must hold one zone".into()))?;
    if info.query.query_type() != RecordType::SOA || info.query.query_class() != DNSClass::IN {
        return Err(Refusal::FormErr("the zone section must name the zone with type SOA, class IN".into()));
    }
    let snapshot = catalog.snapshot();
    let zone = snapshot
        .zone(&super::wire::lower_wire(info.query.name()))
        .map(|z| z.name.clone())
        .ok_or_else(|| Refusal::NotAuth(format!("{} is not a zone served here", info.query.name())))?;
    let Some(key) = key else {
        return Err(Refusal::Refused("updates must be signed with a TSIG key".into()));
    };
    let mut prerequisites = Vec::new();
    for record in &request.answers {
        prerequisites.push(prerequisite(&zone, record)?);
    }
    merge_equal_sets(&mut prerequisites);
    let changes = request.authorities.iter().map(|r| change(&zone, r)).filter_map(Result::transpose).collect::<Result<_, _>>()?;
    Ok(Update { zone, key, source: request.src().ip(), prerequisites, changes })
}

fn prerequisite(zone: &DomainName, record: &Record) -> Result<Prerequisite, Refusal> {
    if record.ttl != 0 {
        return Err(Refusal::FormErr("prerequisites carry TTL 0".into()));
    }
    let name = owner(zone, &record.name)?;
    let rtype = record.record_type();
    let empty = matches!(record.data, RData::Update0(_));
    match record.dns_class {
        DNSClass::ANY if empty => Ok(Prerequisite::Exists(name, type_of(rtype))),
        DNSClass::NONE if empty => Ok(Prerequisite::Absent(name, type_of(rtype))),
        DNSClass::IN if !empty && rtype != RecordType::ANY => match type_of(rtype) {
            Type::Kind(kind) => Ok(Prerequisite::Equals(name, kind, vec![data(&record.data)?])),
            // A set of a type not stored here never equals anything.
            _ => Err(Refusal::NxRrset),
        },
        _ => Err(Refusal::FormErr(format!("bad prerequisite for {}", record.name))),
    }
}

/// Value-dependent prerequisites come one record at a time; RFC 2136 §3.2.5 compares whole
/// sets, so records of one name and type are gathered into one.
fn merge_equal_sets(prerequisites: &mut Vec<Prerequisite>) {
    let mut merged: Vec<Prerequisite> = Vec::with_capacity(prerequisites.len());
    for p in prerequisites.drain(..) {
        if let Prerequisite::Equals(name, kind, data) = &p
            && let Some(Prerequisite::Equals(_, _, existing)) =
                merged.iter_mut().find(|m| matches!(m, Prerequisite::Equals(n, k, _) if n == name && k == kind))
        {
            existing.extend(data.iter().cloned());
            continue;
        }
        merged.push(p);
    }
    *prerequisites = merged;
}

/// One change; None for a deletion of something that cannot exist here.
fn change(zone: &DomainName, record: &Record) -> Result<Option<Change>, Refusal> {
    let name = owner(zone, &record.name)?;
    let rtype = record.record_type();
    let empty = matches!(record.data, RData::Update0(_));
    if matches!(rtype, RecordType::AXFR | RecordType::IXFR | RecordType::OPT) {
        return Err(Refusal::FormErr(format!("{rtype} cannot be updated")));
    }
    match record.dns_class {
        DNSClass::IN if !empty && rtype != RecordType::ANY => match type_of(rtype) {
            Type::Kind(_) => Ok(Some(Change::Add(DomainRecord { name, ttl: record.ttl, data: data(&record.data)? }))),
            _ => Err(Refusal::Refused(format!("{rtype} records cannot be added here"))),
        },
        DNSClass::ANY if empty && record.ttl == 0 => Ok(Some(Change::DeleteSet(name, type_of(rtype)))),
        DNSClass::NONE if !empty && record.ttl == 0 && rtype != RecordType::ANY => match type_of(rtype) {
            Type::Kind(_) => Ok(Some(Change::DeleteRecord(name, data(&record.data)?))),
            _ => Ok(None),
        },
        _ => Err(Refusal::FormErr(format!("bad update record for {}", record.name))),
    }
}

fn owner(zone: &DomainName, name: &Name) -> Result<DomainName, Refusal> {
    let name = domain(name)?;
    if !name.is_within(zone) {
        return Err(Refusal::NotZone(format!("{name} is outside {zone}")));
    }
    Ok(name)
}

fn domain(name: &Name) -> Result<DomainName, Refusal> {
    let text = name.to_ascii();
    let text = text.trim_end_matches('.');
    DomainName::parse(text).map_err(|e| Refusal::FormErr(format!("{text}: {e}")))
}

fn type_of(rtype: RecordType) -> Type {
    match rtype {
        RecordType::ANY => Type::Any,
        RecordType::A => Type::Kind(RecordKind::A),
        RecordType::AAAA => Type::Kind(RecordKind::Aaaa),
        RecordType::CNAME => Type::Kind(RecordKind::Cname),
        RecordType::TXT => Type::Kind(RecordKind::Txt),
        RecordType::MX => Type::Kind(RecordKind::Mx),
        RecordType::SRV => Type::Kind(RecordKind::Srv),
        RecordType::CAA => Type::Kind(RecordKind::Caa),
        RecordType::NS => Type::Kind(RecordKind::Ns),
        other => Type::Other(u16::from(other)),
    }
}

/// Record data in the appliance's form, validated by the same rules as the records API.
fn data(rdata: &RData) -> Result<RecordData, Refusal> {
    let text = |bytes: &[u8]| String::from_utf8(bytes.to_vec()).map_err(|_| Refusal::Refused("text must be UTF-8".into()));
    let data = match rdata {
        RData::A(a) => RecordData::A(a.0),
        RData::AAAA(a) => RecordData::Aaaa(a.0),
        RData::CNAME(c) => RecordData::Cname(domain(&c.0)?),
        RData::NS(n) => RecordData::Ns(domain(&n.0)?),
        RData::TXT(t) => RecordData::Txt(text(&t.txt_data.concat())?),
        RData::MX(m) => RecordData::Mx { preference: m.preference, exchange: domain(&m.exchange)? },
        RData::SRV(s) => RecordData::Srv { priority: s.priority, weight: s.weight, port: s.port, target: domain(&s.target)? },
        RData::CAA(c) => RecordData::Caa { critical: c.issuer_critical, tag: c.tag.clone(), value: text(&c.value)? },
        other => return Err(Refusal::Refused(format!("{} records cannot be stored here", other.record_type()))),
    };
    let (content, priority, weight, port) = data.to_columns();
    RecordData::from_columns(data.kind(), &content, priority, weight, port).map_err(|e| Refusal::Refused(e.to_string()))
}
