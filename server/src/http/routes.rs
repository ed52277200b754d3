//! The route table: every endpoint, one line each, with the group that authenticates,
//! rate-limits and renders it, and (for the native API) its OpenAPI description.

use std::sync::OnceLock;

use porchlight_api as api;
use rouille::Request;

use super::groups::*;
use super::openapi::{Doc, any_object, schema};
use super::router::{DELETE, GET, GET_POST, PATCH, POST, Route};
use super::{acmedns, checkip, duckdns, dyndns2, hostup, httpreq, ipv64, native, ops, pocketdns, request, ui};

fn has(request: &Request, name: &str) -> bool {
    request::param(request, name).is_some()
}
fn names_domains(r: &Request) -> bool {
    has(r, "domains")
}
fn names_hostname(r: &Request) -> bool {
    has(r, "hostname")
}
fn names_no_host(r: &Request) -> bool {
    !has(r, "hostname") && !has(r, "domains")
}

const PAGE: &[(&str, &str, &str)] = &[("page", "integer", "Page number, from 1"), ("perPage", "integer", "Lines per page (1 to 200, default 50)")];
const LIMIT: &[(&str, &str, &str)] = &[("limit", "integer", "Most entries (1 to 1000, default 100)")];
const IP: &[(&str, &str, &str)] = &[("ip", "string", "The address to set (default: the caller's)"), ("hostname", "string", "The host (default: the token's own)")];
const HOST_LINKS: &[(&str, &str, &str)] = &[
    ("getHostname", "id", "$response.body#/hostname/id"),
    ("updateHostname", "id", "$response.body#/hostname/id"),
    ("hostnameHistory", "id", "$response.body#/hostname/id"),
    ("deleteHostname", "id", "$response.body#/hostname/id"),
];
const DOMAIN_LINKS: &[(&str, &str, &str)] = &[
    ("updateDomain", "id", "$response.body#/domain/id"),
    ("domainDelegation", "id", "$response.body#/domain/id"),
    ("verifyDomain", "id", "$response.body#/domain/id"),
    ("deleteDomain", "id", "$response.body#/domain/id"),
];
const RECORD_LINKS: &[(&str, &str, &str)] = &[
    ("updateRecord", "recordId", "$response.body#/record/id"),
    ("deleteRecord", "recordId", "$response.body#/record/id"),
];
const TOKEN_LINKS: &[(&str, &str, &str)] = &[("regenerateToken", "id", "$response.body#/token/id"), ("deleteToken", "id", "$response.body#/token/id")];
const KEY_LINKS: &[(&str, &str, &str)] = &[("deleteTsigKey", "id", "$response.body#/key/id")];

/// Every route, in the order they are tried.
pub fn table() -> &'static [Route] {
    static TABLE: OnceLock<Vec<Route>> = OnceLock::new();
    TABLE.get_or_init(build)
}

#[rustfmt::skip]
fn build() -> Vec<Route> {
    use native::{admin, alerts, auth, domains, hostnames, logs, records, tokens, tsig_keys, update};
    let d = Doc::new;
    vec![
        // Updates: DynDNS2 and its relatives.
        Route::new(GET_POST, "/nic/update", &DYNDNS2, dyndns2::update),
        Route::new(GET_POST, "/v2/update", &DYNDNS2, dyndns2::update),
        Route::new(GET_POST, "/v3/update", &DYNDNS2, dyndns2::update),
        Route::new(GET_POST, "/update.php", &DYNDNS2, dyndns2::update),
        Route::new(GET_POST, "/api/v1/nic/update", &KYEDNS, dyndns2::update),
        Route::new(GET_POST, "/api/v1/domain_update", &KYEDNS, dyndns2::update),
        // KyedNS's alternative endpoint names the host; ipdock's alias of /api/update does not.
        Route::new(GET_POST, "/api/v1/update", &KYEDNS, dyndns2::update).when(names_hostname),
        Route::new(GET, "/api/update", &IPDOCK_UPDATE, update::update).doc(d("updateAddress", "Update the token's hostname (ipdock)").query(IP).ok(200, schema::<api::UpdateAnswer>)),
        Route::new(POST, "/api/update", &IPDOCK_UPDATE, update::update).doc(d("updateAddressJson", "Update the token's hostname, address in a JSON body (ipdock)").query(IP).optional_body(schema::<api::UpdateBody>).ok(200, schema::<api::UpdateAnswer>)),
        Route::new(GET_POST, "/api/v1/update", &IPDOCK_UPDATE, update::update),
        Route::new(GET, "/update", &DUCKDNS, duckdns::update).when(names_domains),
        Route::new(GET, "/update/{domains}/{token}", &DUCKDNS, duckdns::update),
        Route::new(GET, "/update/{domains}/{token}/{ip}", &DUCKDNS, duckdns::update),
        Route::new(GET_POST, "/update", &DYNDNS2, dyndns2::update).when(names_hostname),
        // ACME DNS-01: acme-dns and lego's httpreq.
        Route::new(POST, "/update", &ACMEDNS_UPDATE, acmedns::update).when(names_no_host),
        Route::new(GET, "/update", &DYNDNS2, dyndns2::update),
        Route::new(POST, "/register", &ACMEDNS_REGISTER, acmedns::register),
        Route::new(POST, "/present", &HTTPREQ, httpreq::present),
        Route::new(POST, "/cleanup", &HTTPREQ, httpreq::cleanup),
        Route::new(GET, "/ip", &PLAIN, checkip::plain),
        Route::new(GET, "/myip", &PLAIN, checkip::plain),
        Route::new(GET, "/nic/checkip.html", &PLAIN, checkip::dyndns_page),
        // IPv64 (the verb is a parameter of /api).
        Route::new(&["GET", "POST", "DELETE"], "/api", &IPV64, ipv64::api),
        // PocketDNS partner API.
        Route::new(POST, "/api/v1/users", &POCKETDNS, pocketdns::create_user),
        Route::new(GET, "/api/v1/users/{user}/domains", &POCKETDNS, pocketdns::user_domains),
        Route::new(GET, "/api/v1/domains/{id}", &POCKETDNS, pocketdns::domain),
        Route::new(POST, "/api/v1/dns_records", &POCKETDNS, pocketdns::create_record),
        Route::new(GET, "/api/v1/dns_records/{id}", &POCKETDNS, pocketdns::record),
        Route::new(PATCH, "/api/v1/dns_records/{id}", &POCKETDNS, pocketdns::update_record),
        Route::new(DELETE, "/api/v1/dns_records/{id}", &POCKETDNS, pocketdns::delete_record),
        // HostUp v2: domains and per-hostname updaters.
        Route::new(GET, "/api/v2/domains", &HOSTUP, hostup::domains),
        Route::new(GET, "/api/v2/domains/{zone}/dyndns", &HOSTUP, hostup::list),
        Route::new(POST, "/api/v2/domains/{zone}/dyndns", &HOSTUP, hostup::create),
        Route::new(GET, "/api/v2/domains/{zone}/dyndns/{id}", &HOSTUP, hostup::get),
        Route::new(PATCH, "/api/v2/domains/{zone}/dyndns/{id}", &HOSTUP, hostup::set_enabled),
        Route::new(DELETE, "/api/v2/domains/{zone}/dyndns/{id}", &HOSTUP, hostup::delete),
        // Native management API (the ipdock document).
        Route::new(POST, "/api/auth/register", &NATIVE_REGISTER, auth::register).doc(d("register", "Create an account").body(schema::<api::Registration>).ok(201, schema::<api::Session>)),
        Route::new(POST, "/api/auth/login", &NATIVE_LOGIN, auth::login).doc(d("login", "Sign in (with a code once two-factor sign-in is on)").body(schema::<api::Login>).ok(200, schema::<api::Session>)),
        Route::new(POST, "/api/auth/link", &NATIVE_LOGIN, auth::redeem_link).doc(d("redeemLoginLink", "Sign in with a partner's single-use link").body(schema::<api::LoginLink>).ok(200, schema::<api::Session>)),
        Route::new(POST, "/api/auth/logout-all", &NATIVE, auth::logout_everywhere).doc(d("logoutEverywhere", "End every session of the account").no_content()),
        Route::new(GET, "/api/setup", &NATIVE_PUBLIC, auth::setup_status).doc(d("setupStatus", "Whether the first administrator is still to be made").ok(200, schema::<api::SetupStatus>)),
        Route::new(POST, "/api/setup", &NATIVE_LOGIN, auth::setup).doc(d("setup", "Make the first administrator with the printed setup code").body(schema::<api::Setup>).ok(201, schema::<api::Session>)),
        Route::new(GET, "/api/me", &NATIVE, auth::me).doc(d("me", "The signed-in account").ok(200, schema::<api::User>)),
        Route::new(DELETE, "/api/me", &NATIVE_PASSWORD, auth::delete_account).doc(d("deleteAccount", "Delete the account and everything it owns").body(schema::<api::AccountDeletion>).no_content()),
        Route::new(POST, "/api/me/totp", &NATIVE, auth::enrol_totp).doc(d("enrolTotp", "Start two-factor sign-in: a TOTP secret for an authenticator app, needed once confirmed").ok(200, schema::<api::TotpEnrolment>)),
        Route::new(POST, "/api/me/totp/confirm", &NATIVE_PASSWORD, auth::confirm_totp).doc(d("confirmTotp", "Turn two-factor sign-in on with a code of the new secret; answers the recovery codes (shown once)").body(schema::<api::TotpConfirmation>).ok(200, schema::<api::RecoveryCodes>)),
        Route::new(DELETE, "/api/me/totp", &NATIVE_PASSWORD, auth::remove_totp).doc(d("removeTotp", "Turn two-factor sign-in off (with the password and a code)").body(schema::<api::TotpRemoval>).no_content()),
        Route::new(POST, "/api/me/password", &NATIVE_PASSWORD, auth::change_password).doc(d("changePassword", "Change the password (other sessions end)").body(schema::<api::PasswordChange>).ok(200, schema::<api::SessionToken>)),
        Route::new(GET, "/api/domains", &NATIVE, domains::list).doc(d("listDomains", "Built-in zones and the account's custom domains").ok(200, schema::<api::DomainList>)),
        Route::new(POST, "/api/domains", &NATIVE, domains::create).doc(d("createDomain", "Add a custom domain").body(schema::<api::NewDomain>).ok(201, schema::<api::DomainEnvelope>).links(DOMAIN_LINKS)),
        Route::new(PATCH, "/api/domains/{id}", &NATIVE, domains::configure).doc(d("updateDomain", "A custom domain's zone-transfer settings, and whether it is signed (DNSSEC)").body(schema::<api::DomainPatch>).ok(200, schema::<api::DomainEnvelope>)),
        Route::new(DELETE, "/api/domains/{id}", &NATIVE, domains::delete).doc(d("deleteDomain", "Delete a custom domain with its hostnames and records").no_content()),
        Route::new(POST, "/api/domains/{id}/verify", &NATIVE, domains::verify).doc(d("verifyDomain", "Check the delegation and serve the domain when it is right").ok(200, schema::<api::DelegationStatus>)),
        Route::new(GET, "/api/domains/{id}/delegation-status", &NATIVE, domains::delegation_status).doc(d("domainDelegation", "Check the delegation").ok(200, schema::<api::DelegationStatus>)),
        Route::new(GET, "/api/domains/{id}/delegation", &NATIVE, domains::delegation_guide).doc(d("delegationGuide", "What to enter at the registrar for a zone, and whether the parent delegates to this appliance now").ok(200, schema::<api::DelegationGuide>)),
        Route::new(GET, "/api/domains/{id}/dnssec", &NATIVE, domains::dnssec).doc(d("domainDnssec", "Whether the zone is signed, its DS and DNSKEY for the parent, and the registrar's steps").ok(200, schema::<api::DnssecStatus>)),
        Route::new(POST, "/api/domains/{id}/dnssec/rollover", &NATIVE, domains::rollover).doc(d("domainKeyRollover", "Starts a key rollover (RFC 7583, double signature): a new key signs beside the old one, and the appliance retires the old key once the parent's DS names the new one").ok(200, schema::<api::DnssecStatus>)),
        Route::new(GET, "/api/domains/{id}/export", &NATIVE, domains::export).doc(d("exportZone", "The zone as a zone file").conflicts().bytes("text/dns")),
        Route::new(GET, "/api/domains/{domainId}/records", &NATIVE, records::list).doc(d("listRecords", "The records of a zone the account may see").conflicts().ok(200, schema::<api::RecordList>)),
        Route::new(POST, "/api/domains/{domainId}/records", &NATIVE, records::create).doc(d("createRecord", "Create a record").body(schema::<api::NewRecord>).ok(201, schema::<api::RecordEnvelope>).links(RECORD_LINKS)),
        Route::new(PATCH, "/api/domains/{domainId}/records/{recordId}", &NATIVE, records::update).doc(d("updateRecord", "Change a record").body(schema::<api::RecordPatch>).ok(200, schema::<api::RecordEnvelope>)),
        Route::new(DELETE, "/api/domains/{domainId}/records/{recordId}", &NATIVE, records::delete).doc(d("deleteRecord", "Delete a record").no_content()),
        Route::new(GET, "/api/hostnames", &NATIVE, hostnames::list).doc(d("listHostnames", "The account's hostnames").ok(200, schema::<api::HostnameList>)),
        Route::new(POST, "/api/hostnames", &NATIVE, hostnames::create).doc(d("createHostname", "Create a hostname and its update token").body(schema::<api::NewHostname>).ok(201, schema::<api::HostnameCreated>).links(HOST_LINKS)),
        Route::new(GET, "/api/hostnames/{id}", &NATIVE, hostnames::get).doc(d("getHostname", "A hostname").ok(200, schema::<api::HostnameEnvelope>)),
        Route::new(PATCH, "/api/hostnames/{id}", &NATIVE, hostnames::configure).doc(d("updateHostname", "Change a hostname's settings").body(schema::<api::HostnamePatch>).ok(200, schema::<api::HostnameEnvelope>)),
        Route::new(GET, "/api/hostnames/{id}/history", &NATIVE, hostnames::history).doc(d("hostnameHistory", "A hostname's accepted changes, newest first").query(LIMIT).ok(200, schema::<api::History>)),
        Route::new(DELETE, "/api/hostnames/{id}", &NATIVE, hostnames::delete).doc(d("deleteHostname", "Delete a hostname with its records and tokens").no_content()),
        Route::new(GET, "/api/logs", &NATIVE, logs::list).doc(d("listLogs", "The account's event log, newest first").query(PAGE).ok(200, schema::<api::LogPage>)),
        Route::new(GET, "/api/tokens", &NATIVE, tokens::list).doc(d("listTokens", "The account's tokens and API keys").ok(200, schema::<api::TokenList>)),
        Route::new(POST, "/api/tokens", &NATIVE, tokens::create).doc(d("createToken", "Make a hostname token or an API key").body(schema::<api::NewToken>).ok(201, schema::<api::IssuedTokenEnvelope>).links(TOKEN_LINKS)),
        Route::new(POST, "/api/tokens/{id}/regenerate", &NATIVE, tokens::regenerate).doc(d("regenerateToken", "A new secret for a token").ok(200, schema::<api::IssuedTokenEnvelope>)),
        Route::new(DELETE, "/api/tokens/{id}", &NATIVE, tokens::delete).doc(d("deleteToken", "Revoke a token").no_content()),
        Route::new(GET, "/api/tsig-keys", &NATIVE, tsig_keys::list).doc(d("listTsigKeys", "The account's TSIG keys").ok(200, schema::<api::TsigKeyList>)),
        Route::new(POST, "/api/tsig-keys", &NATIVE, tsig_keys::create).doc(d("createTsigKey", "Make a TSIG key").body(schema::<api::NewTsigKey>).ok(201, schema::<api::CreatedTsigKeyEnvelope>).links(KEY_LINKS)),
        Route::new(DELETE, "/api/tsig-keys/{id}", &NATIVE, tsig_keys::delete).doc(d("deleteTsigKey", "Delete a TSIG key").no_content()),
        Route::new(GET, "/api/alerts/channels", &NATIVE, alerts::list).doc(d("listAlertChannels", "The account's alert channels").ok(200, schema::<api::ChannelList>)),
        Route::new(POST, "/api/alerts/channels", &NATIVE, alerts::create).doc(d("createAlertChannel", "Add a webhook, ntfy, Gotify or e-mail channel").body(schema::<api::NewChannel>).ok(201, schema::<api::ChannelEnvelope>)),
        Route::new(DELETE, "/api/alerts/channels/{id}", &NATIVE, alerts::delete).doc(d("deleteAlertChannel", "Delete an alert channel").no_content()),
        Route::new(POST, "/api/alerts/channels/{id}/test", &NATIVE, alerts::test).doc(d("testAlertChannel", "Send a test message through the channel now").ok(200, schema::<api::ChannelTest>)),
        Route::new(GET, "/api/alerts/settings", &NATIVE, alerts::settings).doc(d("getAlertSettings", "When the account is told").ok(200, schema::<api::AlertSettings>)),
        Route::new(PATCH, "/api/alerts/settings", &NATIVE, alerts::change_settings).doc(d("updateAlertSettings", "Change when the account is told").body(schema::<api::AlertSettingsPatch>).ok(200, schema::<api::AlertSettings>)),
        Route::new(GET, "/api/admin/users", &NATIVE, admin::users).doc(d("listUsers", "Every account (administrators)").ok(200, schema::<api::ManagedUserList>)),
        Route::new(POST, "/api/admin/users", &NATIVE, admin::create_user).doc(d("createUser", "Create an account (administrators)").body(schema::<api::NewUser>).ok(201, schema::<api::ManagedUserEnvelope>)),
        Route::new(PATCH, "/api/admin/users/{id}", &NATIVE, admin::update_user).doc(d("updateUser", "Disable, enable or re-plan an account (administrators)").body(schema::<api::UserPatch>).ok(200, schema::<api::ManagedUserEnvelope>)),
        Route::new(POST, "/api/admin/users/{id}/password", &NATIVE, admin::reset_password).doc(d("resetPassword", "Set an account's password, and optionally turn off its two-factor sign-in (administrators)").body(schema::<api::PasswordReset>).no_content()),
        Route::new(POST, "/api/admin/invites", &NATIVE, admin::invite).doc(d("createInvite", "A single-use invitation to register (administrators)").optional_body(schema::<api::NewInvite>).ok(201, schema::<api::InviteEnvelope>)),
        Route::new(GET, "/api/admin/backup", &NATIVE, admin::backup).doc(d("backup", "The database as a download (administrators)").bytes("application/vnd.sqlite3")),
        Route::new(GET, "/api/admin/settings", &NATIVE, admin::settings).doc(d("getSettings", "The appliance's settings (administrators)").ok(200, schema::<api::Settings>)),
        Route::new(PATCH, "/api/admin/settings", &NATIVE, admin::change_settings).doc(d("updateSettings", "Change the appliance's settings (administrators)").body(schema::<api::SettingsPatch>).ok(200, schema::<api::Settings>)),
        Route::new(GET, "/api/appliance", &NATIVE, admin::appliance).doc(d("appliance", "The appliance's version and public address").ok(200, schema::<api::Appliance>)),
        Route::new(GET, "/api/openapi.json", &NATIVE_PUBLIC, ops::openapi).doc(d("openapi", "This document").ok(200, any_object)),
        // The admin UI: its start page for its own paths, content-hashed files.
        Route::new(GET, "/", &PLAIN, ui::index),
        Route::new(GET, "/setup", &PLAIN, ui::index),
        Route::new(GET, "/login", &PLAIN, ui::index),
        Route::new(GET, "/register", &PLAIN, ui::index),
        Route::new(GET, "/welcome", &PLAIN, ui::index),
        Route::new(GET, "/hosts", &PLAIN, ui::index),
        Route::new(GET, "/hosts/{id}", &PLAIN, ui::index),
        Route::new(GET, "/tokens", &PLAIN, ui::index),
        Route::new(GET, "/domains", &PLAIN, ui::index),
        Route::new(GET, "/records", &PLAIN, ui::index),
        Route::new(GET, "/log", &PLAIN, ui::index),
        Route::new(GET, "/alerts", &PLAIN, ui::index),
        Route::new(GET, "/account", &PLAIN, ui::index),
        Route::new(GET, "/admin", &PLAIN, ui::index),
        Route::new(GET, "/favicon.ico", &PLAIN, ui::favicon),
        Route::new(GET, "/assets/{name}", &PLAIN, ui::asset),
        // Operations.
        Route::new(GET, "/healthz", &PLAIN, ops::health),
        Route::new(GET, "/health", &PLAIN, ops::health),
        Route::new(GET, "/metrics", &PLAIN, ops::metrics),
    ]
}
