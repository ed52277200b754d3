//! The caller's own address, as DDNS clients' "check IP" step asks for it.

use rouille::Response;

use super::call::Call;
use crate::Context;
use crate::error::Result;

/// `/ip` and `/myip`: the bare address.
pub fn plain(_: &Context, call: &Call<'_>) -> Result<Response> {
    Ok(Response::text(call.source.to_string()).with_additional_header("Cache-Control", "no-store"))
}

/// `/nic/checkip.html`: the checkip.dyndns.org page that clients scrape for
/// `Current IP Address: x`.
pub fn dyndns_page(_: &Context, call: &Call<'_>) -> Result<Response> {
    let ip = call.source;
    Ok(Response::html(format!("<html><head><title>Current IP Check</title></head><body>Current IP Address: {ip}</body></html>\n"))
        .with_additional_header("Cache-Control", "no-store"))
}
