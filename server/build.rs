//! Embeds the admin UI that `web-ui/build.sh` writes to `web-ui/dist/` (every file
//! gzip-compressed). Without it (a fresh clone) the server still builds, warns, and serves a
//! page saying how to build the UI instead of a blank one; release scripts build the UI first.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let dist = manifest.join("../web-ui/dist");
    println!("cargo::rerun-if-changed={}", dist.display());
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let mut files = Vec::new();
    if dist.join("index.html.gz").is_file() {
        collect(&dist, &dist, &mut files);
    } else {
        println!(
            "cargo::warning=The admin UI is not built (web-ui/dist/ is missing): this porchlight serves a page saying how \
             to build it. Build it with `sh web-ui/build.sh` (it installs what it needs); the README's run and test \
             commands do this for you."
        );
        let page = out_dir.join("index.html.gz");
        if let Err(e) = std::fs::write(&page, gzip_stored(PLACEHOLDER.as_bytes())) {
            println!("cargo::error=cannot write {}: {e}", page.display());
            return;
        }
        files.push(("/index.html".to_string(), page));
    }
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
    let out = out_dir.join("ui_assets.rs");
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

/// The page served when the UI was not built.
const PLACEHOLDER: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
content=\"width=device-width\"><title>porchlight: the admin UI is not built</title></head><body style=\"font-family:sans-serif;\
max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5\"><h1>The admin UI is not built</h1><p>This porchlight was \
compiled before its web UI. Everything else works: the update APIs, DNS, the management API at <code>/api</code> and the \
command line.</p><p>To get the UI, run <code>sh web-ui/build.sh</code> in the source tree (it installs what it needs), then \
build and start porchlight again, or use the README's run command, which does both.</p></body></html>";

/// `data` as a gzip file with one stored (uncompressed) deflate block.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).unwrap_or(u16::MAX);
    let data = &data[..usize::from(len)];
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1];
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&(!len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}
