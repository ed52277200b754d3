//! Any text as the configuration file: parsing and every check of it (the zones included)
//! end in a configuration or an error that says what is wrong, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use porchlight::Config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let checked = Config::from_toml(text, "porchlight.toml").and_then(|config| config.zones());
    if let Err(error) = checked {
        assert!(!error.to_string().is_empty(), "an error that says nothing: {error:?}");
    }
});
