//! Embeds the admin UI that `web-ui/build.sh` writes to `web-ui/dist/` (every file
//! gzip-compressed). Without it the build stops and says how to make it: a server without
//! its UI would otherwise ship a blank page.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dist = manifest.join("../web-ui/dist");
    println!("cargo::rerun-if-changed={}", dist.display());
    if !dist.join("index.html.gz").is_file() {
        println!(
            "cargo::error=The admin UI is not built (web-ui/dist/ is missing). Build it with `sh web-ui/build.sh`: it \
             installs what it needs (the wasm32 target through rustup, or Debian's rustc-web; wasm-bindgen-cli; binaryen \
             from npm). The README's run and test commands do this for you."
        );
        return;
    }
    let mut files = Vec::new();
    collect(&dist, &dist, &mut files);
    files.sort();
    let mut code = String::from("/// (URL path, content type, gzip-compressed bytes) of every file of the admin UI.\npub static ASSETS: &[(&str, &str, &[u8])] = &[\n");
    for (url, path) in files {
        let kind = match Path::new(&url).extension().and_then(|e| e.to_str()) {
            Some("html") => "text/html; charset=utf-8",
            Some("js") => "text/javascript; charset=utf-8",
            Some("css") => "text/css; charset=utf-8",
            Some("wasm") => "application/wasm",
            Some("svg") => "image/svg+xml",
            _ => "application/octet-stream",
        };
        let _ = writeln!(code, "    ({url:?}, {kind:?}, include_bytes!({:?})),", path.display().to_string());
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("ui_assets.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo::error=cannot write {}: {e}", out.display());
    }
}

/// (URL path without `.gz`, file) of every `.gz` file below `dir`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Some(stripped) = path.to_str().and_then(|p| p.strip_suffix(".gz")) {
            let relative = Path::new(stripped).strip_prefix(root).map(|p| p.display().to_string()).unwrap_or_default();
            out.push((format!("/{relative}"), path.canonicalize().unwrap_or(path.clone())));
        }
    }
}
