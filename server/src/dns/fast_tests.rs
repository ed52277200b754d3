//! The fast path against the full resolver: random zones, random questions; the fast path's
//! bytes must decode (as a whole message) to exactly what the resolver decided.

use hickory_proto::op::{Edns, Message, Query as HickoryQuery, ResponseCode};
use hickory_proto::rr::{LowerName, Name, Record, RecordType};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

use super::*;
use crate::dns::catalog::{Catalog, ZoneContents};
use crate::dns::resolve::{Resolution, resolve};
use crate::names::DomainName;
use crate::records::{Record as DomainRecord, RecordData};
use crate::transfers::Policy;

const LABELS: &[&str] = &["a", "b", "www", "mx", "ns", "_tcp", "x1"];
const TYPES: &[RecordType] = &[
    RecordType::A,
    RecordType::AAAA,
    RecordType::CNAME,
    RecordType::TXT,
    RecordType::MX,
    RecordType::SRV,
    RecordType::NS,
    RecordType::SOA,
    RecordType::CAA,
    RecordType::DS,
    RecordType::Unknown(65_400),
];

fn dn(s: &str) -> DomainName {
    DomainName::parse(s).unwrap_or_else(|e| unreachable!("{s}: {e}"))
}

/// A name 0–3 labels below `z.test` (`*` sometimes first).
fn random_name(rng: &mut StdRng, wildcard: bool) -> String {
    let depth = rng.random_range(0..4);
    let mut labels: Vec<&str> = (0..depth).map(|_| LABELS[rng.random_range(0..LABELS.len())]).collect();
    if wildcard && depth > 0 && rng.random_bool(0.15) {
        labels[0] = "*";
    }
    labels.push("z");
    labels.push("test");
    labels.join(".")
}

fn random_target(rng: &mut StdRng) -> DomainName {
    if rng.random_bool(0.2) { dn("out.example.org") } else { dn(&random_name(rng, false)) }
}

fn random_zone(rng: &mut StdRng) -> Catalog {
    let mut records = Vec::new();
    for _ in 0..rng.random_range(5..40) {
        let name = dn(&random_name(rng, true));
        let data = match rng.random_range(0..12) {
            0..=2 => RecordData::A([192, 0, 2, rng.random()].into()),
            3 => RecordData::Aaaa(std::net::Ipv6Addr::from(rng.random::<u128>())),
            4 => {
                let longest = if rng.random_bool(0.25) { 1500 } else { 40 };
                RecordData::Txt("t".repeat(rng.random_range(1..longest)))
            }
            5 => RecordData::Cname(random_target(rng)),
            6 => RecordData::Mx { preference: rng.random_range(0..50), exchange: random_target(rng) },
            7 => RecordData::Srv { priority: 0, weight: 5, port: 5060, target: random_target(rng) },
            8 => RecordData::Caa { critical: false, tag: "issue".into(), value: "ca.example".into() },
            9 if name.as_str() != "z.test" => RecordData::Ns(random_target(rng)),
            10 => RecordData::LanA([10, 0, 0, rng.random()].into()),
            _ => RecordData::LanAaaa("fd00::1".parse().unwrap_or(std::net::Ipv6Addr::LOCALHOST)),
        };
        let ttl = [60, 300][rng.random_range(0..2)];
        // One TTL per set, as the domain keeps it.
        let ttl = records.iter().find(|r: &&DomainRecord| r.name == name && r.data.kind() == data.kind()).map_or(ttl, |r| r.ttl);
        records.push(DomainRecord { name, ttl, data });
    }
    if rng.random_bool(0.5) {
        records.push(DomainRecord { name: dn("ns1.z.test"), ttl: 60, data: RecordData::A([192, 0, 2, 53].into()) });
    }
    let catalog = Catalog::default();
    catalog.replace_all(vec![ZoneContents {
        name: dn("z.test"),
        serial: rng.random(),
        nameservers: vec![dn("ns1.z.test")],
        hostmaster: dn("hostmaster.z.test"),
        records,
        transfers: Policy::default(),
        keys: Vec::new(),
        signed_at: 0,
    }]);
    catalog
}

fn random_case(rng: &mut StdRng, name: &str) -> String {
    name.chars().map(|c| if rng.random_bool(0.3) { c.to_ascii_uppercase() } else { c }).collect()
}

/// Records as text, sorted; the owner's case kept only where `keep_case`.
fn texts(records: &[Record], keep_case: bool) -> Vec<String> {
    let mut list: Vec<String> = records
        .iter()
        .filter(|r| r.record_type() != RecordType::OPT)
        .map(|r| {
            let owner = if keep_case { r.name.to_string() } else { r.name.to_string().to_ascii_lowercase() };
            format!("{owner} {} {} {}", r.ttl, r.record_type(), r.data)
        })
        .collect();
    list.sort();
    list
}

/// What the cases covered: declined, truncated, NXDOMAIN, NODATA, referrals, answers via CNAME.
#[derive(Default, Debug)]
struct Seen {
    declined: usize,
    truncated: usize,
    nxdomain: usize,
    nodata: usize,
    referral: usize,
    chased: usize,
    additional: usize,
    refused: usize,
}

fn check(snapshot: &Snapshot, request: &Message, lan: bool, case: &str, seen: &mut Seen) {
    let packet = request.to_vec().unwrap_or_default();
    let query = Query::parse(&packet).unwrap_or_else(|| unreachable!("{case}: a plain query"));
    let max = match request.edns.as_ref() {
        Some(edns) => edns.max_payload().clamp(512, EDNS_PAYLOAD) as usize,
        None => 512,
    };
    let asked = request.queries[0].name().clone();
    let expected: Resolution = resolve(snapshot, &LowerName::from(&asked), &asked, request.queries[0].query_type(), lan, false);
    let mut out = vec![0u8; 65_535];
    let Some(len) = answer(snapshot, &query, lan, &mut out, max, None) else {
        // Declined: a chain too long to follow, or one that does not fit the client's size.
        let fits = answer(snapshot, &query, lan, &mut out, 65_535, None).is_some();
        assert!(expected.rcode == ResponseCode::ServFail || fits, "{case}: the fast path declined a question the resolver answered");
        seen.declined += 1;
        return;
    };
    let got = Message::from_vec(&out[..len]).unwrap_or_else(|e| unreachable!("{case}: undecodable response: {e}"));
    assert_eq!(&packet[12..query.question_end], &out[12..query.question_end], "{case}: the question is echoed as sent");
    assert_eq!(got.metadata.id, request.metadata.id, "{case}");
    assert_eq!((got.metadata.recursion_desired, got.metadata.checking_disabled), (request.metadata.recursion_desired, request.metadata.checking_disabled), "{case}");
    assert_eq!(got.edns.is_some(), request.edns.is_some(), "{case}: OPT only when asked with one");
    assert_eq!((got.metadata.response_code, got.metadata.authoritative), (expected.rcode, expected.authoritative), "{case}");
    // Truncated: what fits is nothing; in full it is larger than the client takes.
    seen.truncated += usize::from(got.metadata.truncation);
    seen.nxdomain += usize::from(expected.rcode == ResponseCode::NXDomain);
    seen.refused += usize::from(expected.rcode == ResponseCode::Refused);
    seen.nodata += usize::from(expected.rcode == ResponseCode::NoError && expected.answers.is_empty() && expected.authoritative);
    seen.referral += usize::from(!expected.authoritative && expected.rcode == ResponseCode::NoError);
    seen.chased += usize::from(expected.answers.iter().any(|r| r.record_type() == RecordType::CNAME) && expected.answers.len() > 1);
    seen.additional += usize::from(!expected.additional.is_empty());
    let full = if got.metadata.truncation {
        assert!(got.answers.is_empty() && got.authorities.is_empty(), "{case}");
        let len = answer(snapshot, &query, lan, &mut out, 65_535, None).unwrap_or(0);
        assert!(len > max, "{case}: truncated although {len} bytes fit in {max}");
        Message::from_vec(&out[..len]).unwrap_or_else(|e| unreachable!("{case}: {e}"))
    } else {
        got
    };
    assert_eq!(texts(&full.answers, true), texts(&expected.answers, true), "{case}: answers");
    assert_eq!(texts(&full.authorities, false), texts(&expected.authority, false), "{case}: authority");
    let (additional, wanted) = (texts(&full.additionals, false), texts(&expected.additional, false));
    if additional != wanted {
        // Addresses that did not fit are left out; in full they are all there.
        let len = answer(snapshot, &query, lan, &mut out, 65_535, None).unwrap_or(0);
        let whole = Message::from_vec(&out[..len]).unwrap_or_else(|e| unreachable!("{case}: {e}"));
        assert!(len > max && texts(&whole.additionals, false) == wanted, "{case}: additional {additional:?} != {wanted:?}");
    }
}

#[test]
fn the_fast_path_answers_exactly_as_the_resolver_decides() {
    let mut rng = StdRng::seed_from_u64(20_261_129);
    let mut checked = 0;
    let mut seen = Seen::default();
    for round in 0..300 {
        let catalog = random_zone(&mut rng);
        let snapshot = catalog.snapshot();
        for _ in 0..100 {
            let name = match rng.random_range(0..10) {
                0 => "elsewhere.example.org".to_string(),
                1 => "z.test".to_string(),
                _ => random_name(&mut rng, false),
            };
            let name = random_case(&mut rng, &name);
            let rtype = TYPES[rng.random_range(0..TYPES.len())];
            let mut request = Message::query();
            request.metadata.id = rng.random();
            request.metadata.recursion_desired = rng.random_bool(0.5);
            request.metadata.checking_disabled = rng.random_bool(0.1);
            request.add_query(HickoryQuery::query(Name::from_ascii(format!("{name}.")).unwrap_or_else(|_| Name::root()), rtype));
            let edns = [None, Some(512), Some(1232), Some(4096)][rng.random_range(0..4)];
            if let Some(size) = edns {
                let mut e = Edns::new();
                e.set_max_payload(size);
                request.edns = Some(e);
            }
            let lan = rng.random_bool(0.3);
            check(&snapshot, &request, lan, &format!("round {round}: {name} {rtype} edns {edns:?} lan {lan}"), &mut seen);
            checked += 1;
        }
    }
    println!("{checked} questions: {seen:?}");
    assert_eq!(checked, 30_000);
    for (what, count) in [("truncated", seen.truncated), ("NXDOMAIN", seen.nxdomain), ("NODATA", seen.nodata), ("referrals", seen.referral), ("chased", seen.chased), ("additional", seen.additional), ("refused", seen.refused)] {
        assert!(count >= 20, "too few {what} answers among the cases: {seen:?}");
    }
}
