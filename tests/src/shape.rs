//! Checking answers against the example responses of the vendor documents in
//! `/work/shared/seeds/`, and counting the examples a replay went through.
//!
//! [`assert_shape`] compares an actual JSON answer with a document's example: every key of
//! the example must be in the answer with the same JSON type, recursively (extra keys are
//! fine — the documents show what clients may rely on, not everything there is). An example
//! integer asks for an integer; an example array asks every element of the answer to match
//! the example's first element. An example `null` says nothing about the type, so it matches
//! only `null` unless the document's field list gives the type: [`assert_shape_typed`] takes
//! those declarations (`("/lastIp", "string | null")`), which then replace the example's type.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::Value;

/// Asserts that `actual` has every field of `example`, with the same JSON types, nested the
/// same way. `context` names the request in the failure message.
pub fn assert_shape(actual: &Value, example: &Value, context: &str) {
    assert_shape_typed(actual, example, &[], context);
}

/// As [`assert_shape`], with types a document's field list declares, by path: `/field`,
/// `/outer/inner`, and `/list/*/field` for the fields of every element of an array. A
/// declaration is a `|`-separated list of `string`, `integer`, `number`, `boolean`,
/// `object`, `array` and `null`.
pub fn assert_shape_typed(actual: &Value, example: &Value, declared: &[(&str, &str)], context: &str) {
    let mut problems = Vec::new();
    check(actual, example, declared, "", &mut problems);
    assert!(
        problems.is_empty(),
        "{context}: the answer does not have the document's shape:\n  - {}\nanswer: {actual}\nexample: {example}",
        problems.join("\n  - ")
    );
}

/// The JSON type names a value has (an integer is also a number).
fn types_of(value: &Value) -> &'static [&'static str] {
    match value {
        Value::Null => &["null"],
        Value::Bool(_) => &["boolean"],
        Value::Number(n) if n.is_i64() || n.is_u64() => &["integer", "number"],
        Value::Number(_) => &["number"],
        Value::String(_) => &["string"],
        Value::Array(_) => &["array"],
        Value::Object(_) => &["object"],
    }
}

/// The type an example value asks for.
fn wanted_of(example: &Value) -> &'static str {
    types_of(example)[0]
}

fn check(actual: &Value, example: &Value, declared: &[(&str, &str)], path: &str, problems: &mut Vec<String>) {
    let shown = if path.is_empty() { "the answer" } else { path };
    let wanted: Vec<&str> = match declared.iter().find(|(p, _)| *p == path) {
        Some((_, types)) => types.split('|').map(str::trim).collect(),
        None => vec![wanted_of(example)],
    };
    let have = types_of(actual);
    if !wanted.iter().any(|w| have.contains(w)) {
        problems.push(format!("{shown} is {} ({actual}), the document has {}", have[0], wanted.join(" | ")));
        return;
    }
    match (example, actual) {
        (Value::Object(fields), Value::Object(got)) => {
            for (key, value) in fields {
                let child = format!("{path}/{key}");
                match got.get(key) {
                    Some(found) => check(found, value, declared, &child, problems),
                    None => problems.push(format!("{child} is missing")),
                }
            }
        }
        (Value::Array(items), Value::Array(got)) => {
            if let Some(first) = items.first() {
                let child = format!("{path}/*");
                for (i, element) in got.iter().enumerate() {
                    let mut inner = Vec::new();
                    check(element, first, declared, &child, &mut inner);
                    problems.extend(inner.into_iter().map(|p| format!("[{i}] {p}")));
                }
            }
        }
        _ => {}
    }
}

/// Parses a document's example text (panicking with the text when it is not JSON).
pub fn example(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("example is not JSON ({e}): {text}"))
}

/// Asserts the response's media type (the `Content-Type` before any parameters).
pub fn assert_media_type(r: &crate::HttpResponse, media: &str, context: &str) {
    let got = r.header("content-type").map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    assert_eq!(got.as_deref(), Some(media), "{context}: Content-Type (status {}, body {:?})", r.status, r.body);
}

/// Asserts the response carries every header in `names` (lower case).
pub fn assert_headers(r: &crate::HttpResponse, names: &[&str], context: &str) {
    let missing: Vec<&str> = names.iter().copied().filter(|n| r.header(n).is_none()).collect();
    assert!(missing.is_empty(), "{context}: headers {missing:?} missing; got {:?}", r.headers);
}

/// Whether `text` is a UTC time written `2026-04-27T12:00:00.000Z`.
pub fn is_iso_millis(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| range.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    b.len() == 24
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'.'
        && digits(20..23)
        && b[23] == b'Z'
}

/// One document's replay: counts the examples, runs them in sections that fail on their
/// own, and at the end reports every failed section and checks the count.
pub struct Replay {
    document: &'static str,
    count: Cell<usize>,
    current: RefCell<String>,
    failures: RefCell<Vec<String>>,
}

impl Replay {
    pub fn new(document: &'static str) -> Self {
        Self { document, count: Cell::new(0), current: RefCell::new(String::new()), failures: RefCell::new(Vec::new()) }
    }

    /// Starts the next example (as the document shows it, in a few words).
    pub fn example(&self, title: &str) {
        self.count.set(self.count.get() + 1);
        *self.current.borrow_mut() = title.to_string();
    }

    /// Runs `steps`; a failed assertion ends this section only, and is reported by [`finish`].
    ///
    /// [`finish`]: Replay::finish
    pub fn section(&self, name: &str, steps: impl FnOnce()) {
        self.current.borrow_mut().clear();
        if let Err(panic) = catch_unwind(AssertUnwindSafe(steps)) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_else(|| "(no message)".to_string());
            let example = self.current.borrow().clone();
            self.failures.borrow_mut().push(format!("[{name}] example \"{example}\": {message}"));
        }
    }

    /// Prints the count, and fails when a section failed or the count is not `expected`.
    pub fn finish(self, expected: usize) {
        let n = self.count.get();
        println!("seed replay: {} {n} examples", self.document);
        let failures = self.failures.into_inner();
        assert!(failures.is_empty(), "{}: {} section(s) failed:\n\n{}", self.document, failures.len(), failures.join("\n\n"));
        assert_eq!(n, expected, "{}: every example of the document is replayed", self.document);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fails(actual: Value, example: Value, declared: &[(&str, &str)]) -> bool {
        catch_unwind(|| assert_shape_typed(&actual, &example, declared, "test")).is_err()
    }

    #[test]
    fn names_types_and_nesting() {
        let doc = json!({"a": "x", "n": 1, "o": {"b": true}, "l": [{"c": 1.5}]});
        assert!(!fails(json!({"a": "y", "n": 2, "o": {"b": false, "extra": 1}, "l": [{"c": 2}, {"c": 3.5}], "more": null}), doc.clone(), &[]));
        assert!(fails(json!({"n": 2, "o": {"b": false}, "l": []}), doc.clone(), &[]), "missing key");
        assert!(fails(json!({"a": "y", "n": 2.5, "o": {"b": false}, "l": []}), doc.clone(), &[]), "float for an integer");
        assert!(fails(json!({"a": "y", "n": 2, "o": {"b": "no"}, "l": []}), doc.clone(), &[]), "nested type");
        assert!(fails(json!({"a": "y", "n": 2, "o": {"b": true}, "l": [{"c": 1}, {"d": 1}]}), doc, &[]), "every element");
    }

    #[test]
    fn null_takes_the_declared_type() {
        let doc = json!({"lastIp": null, "token": "t"});
        assert!(!fails(json!({"lastIp": null, "token": "u"}), doc.clone(), &[]));
        assert!(fails(json!({"lastIp": "1.2.3.4", "token": "u"}), doc.clone(), &[]));
        let declared = [("/lastIp", "string | null"), ("/token", "string | null")];
        assert!(!fails(json!({"lastIp": "1.2.3.4", "token": null}), doc.clone(), &declared));
        assert!(fails(json!({"lastIp": 4, "token": null}), doc, &declared));
    }
}
