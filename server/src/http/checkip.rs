//! The caller's own address, as DDNS clients' "check IP" step asks for it.

use rouille::{Request, Response};

use super::caller;
use crate::Context;

/// `/ip` and `/myip`: the bare address.
pub fn plain(ctx: &Context, request: &Request) -> Response {
    let ip = caller::client_ip(request, &ctx.config.trusted_proxies);
    Response::text(ip.to_string()).with_additional_header("Cache-Control", "no-store")
}

/// `/nic/checkip.html`: the checkip.dyndns.org page that clients scrape for
/// `Current IP Address: x`.
pub fn dyndns_page(ctx: &Context, request: &Request) -> Response {
    let ip = caller::client_ip(request, &ctx.config.trusted_proxies);
    Response::html(format!(
        "<html><head><title>Current IP Check</title></head><body>Current IP Address: {ip}</body></html>\n"
    ))
    .with_additional_header("Cache-Control", "no-store")
}
