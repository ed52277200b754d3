//! The embedded admin UI: `index.html` for `/` and the UI's own pages (never cached, so a
//! new version shows at once) and content-hashed files under `/assets/` (cached for a
//! year). Files are stored gzip-compressed and sent so to browsers that accept it.

use rouille::{Request, Response};

use super::call::Call;
use crate::Context;
use crate::error::{Error, Result};

include!(concat!(env!("OUT_DIR"), "/ui_assets.rs"));

/// Only the appliance's own files and API: no inline scripts, nothing from elsewhere.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The UI's start page.
pub fn index(_: &Context, call: &Call<'_>) -> Result<Response> {
    serve(call.request, "/index.html", "no-cache").ok_or(Error::NotFound("Page"))
}

/// `/favicon.ico`, which browsers and bookmark tools ask for by name: the UI's icon.
pub fn favicon(_: &Context, call: &Call<'_>) -> Result<Response> {
    let icon = ASSETS.iter().find(|(p, _, _)| p.starts_with("/assets/favicon-") && p.ends_with(".svg")).map(|(p, _, _)| *p);
    icon.and_then(|path| serve(call.request, path, "public, max-age=86400")).ok_or(Error::NotFound("File"))
}

/// A file under `/assets/`.
pub fn asset(_: &Context, call: &Call<'_>) -> Result<Response> {
    serve(call.request, &format!("/assets/{}", call.path("name")), "public, max-age=31536000, immutable").ok_or(Error::NotFound("File"))
}

fn serve(request: &Request, path: &str, cache: &'static str) -> Option<Response> {
    let (_, kind, gz) = ASSETS.iter().find(|(p, _, _)| *p == path)?;
    let accepts_gzip = request
        .header("Accept-Encoding")
        .is_some_and(|v| v.split(',').any(|e| e.split(';').next().is_some_and(|e| e.trim().eq_ignore_ascii_case("gzip"))));
    let response = if accepts_gzip {
        Response::from_data(*kind, gz.to_vec()).with_additional_header("Content-Encoding", "gzip")
    } else {
        Response::from_data(*kind, gunzip(gz)?)
    };
    Some(
        response
            .with_additional_header("Cache-Control", cache)
            .with_additional_header("Vary", "Accept-Encoding")
            .with_additional_header("X-Content-Type-Options", "nosniff")
            .with_additional_header("Content-Security-Policy", CSP)
            .with_additional_header("Referrer-Policy", "no-referrer"),
    )
}

/// Undoes `gzip -n`: a 10-byte header without name or extra fields, raw deflate, an
/// 8-byte trailer.
fn gunzip(data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 18 || data[..3] != [0x1f, 0x8b, 8] || data[3] != 0 {
        return None;
    }
    miniz_oxide::inflate::decompress_to_vec(&data[10..data.len() - 8]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_gzip_and_inflates() {
        assert!(ASSETS.iter().any(|(p, _, _)| *p == "/index.html"));
        for (path, _, gz) in ASSETS {
            let plain = gunzip(gz);
            assert!(plain.as_ref().is_some_and(|p| !p.is_empty()), "{path}");
        }
    }

    #[test]
    fn index_names_only_hashed_assets_that_exist() {
        let html = ASSETS.iter().find(|(p, _, _)| *p == "/index.html").and_then(|(_, _, gz)| gunzip(gz)).unwrap_or_default();
        let html = String::from_utf8(html).unwrap_or_default();
        let named: Vec<&str> = html.split('"').filter(|s| s.starts_with("/assets/")).collect();
        assert!(named.len() >= 3, "{html}");
        for path in named {
            assert!(ASSETS.iter().any(|(p, _, _)| *p == path), "{path} is named by index.html but not embedded");
        }
    }
}
