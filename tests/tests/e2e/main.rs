//! The end-to-end suite: the real appliance on 127.0.0.1, real sockets, real clients.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod acme;
mod admin;
mod authorization;
mod bad_input;
mod cli;
mod clients;
mod conformance;
mod dialects;
mod dns;
mod domains;
mod hostup;
mod http_wire;
mod https;
mod ipv64;
mod management;
mod ownership;
mod pocketdns;
mod prefixes;
mod recipes;
mod records;
mod rfc2136;
mod routers;
mod secondaries;
mod seed_hostup;
mod seed_ipdock;
mod seed_ipv64;
mod seed_kyedns;
mod seed_pocketdns;
mod split_horizon;
mod totp;
mod ui;
