//! What a handler gets: the request, where it came from, who sent it (as its route group
//! authenticated it), the path's parameters, and the body read once.

use std::net::IpAddr;

use rouille::Request;
use serde::de::DeserializeOwned;

use crate::auth::{Caller, Credentials};
use crate::error::{Error, Result};

/// What a handler gets: the request, who sent it, and the path's parameters.
pub struct Call<'a> {
    pub request: &'a Request,
    /// The client's address (forwarded headers believed only from trusted proxies).
    pub source: IpAddr,
    /// What the request presented, as its route group reads credentials.
    pub credentials: Credentials,
    pub(super) params: Vec<(&'static str, String)>,
    pub(super) caller: Option<Caller>,
    pub(super) body: std::cell::OnceCell<Vec<u8>>,
}

impl Call<'_> {
    /// The request body, read once (the server bounds its size).
    pub fn body(&self) -> &[u8] {
        self.body.get_or_init(|| {
            let mut bytes = Vec::new();
            if let Some(mut data) = self.request.data() {
                let _ = std::io::Read::read_to_end(&mut data, &mut bytes);
            }
            bytes
        })
    }

    /// The authenticated caller (the route's group authenticated it).
    pub fn caller(&self) -> Result<&Caller> {
        self.caller.as_ref().ok_or(Error::NoCredentials)
    }

    /// The caller, when the route's group takes anonymous requests too.
    pub fn caller_if_any(&self) -> Option<&Caller> {
        self.caller.as_ref()
    }

    /// A path parameter, percent-decoded.
    pub fn path(&self, name: &str) -> &str {
        self.params.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v.as_str())
    }

    /// A path parameter as an id.
    pub fn id<T: for<'s> From<&'s str>>(&self, name: &str) -> T {
        T::from(self.path(name))
    }

    /// A query parameter.
    pub fn query(&self, name: &str) -> Option<String> {
        self.request.get_param(name)
    }

    /// A whole-number query parameter: `default` when absent, a validation error when not a
    /// number.
    pub fn number(&self, name: &str, default: u32) -> Result<u32> {
        match self.query(name) {
            None => Ok(default),
            Some(text) => text.trim().parse().map_err(|_| Error::invalid_field(&format!("/{name}"), format!("{name} must be a whole number"))),
        }
    }

    /// The body as UTF-8 text.
    pub fn text(&self) -> Result<String> {
        String::from_utf8(self.body().to_vec()).map_err(|_| Error::BadRequest("The request body is not UTF-8".into()))
    }

    /// The body as JSON of type `T`: malformed JSON is a bad request, JSON of the wrong shape
    /// a validation error naming the field.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        parse_json(&self.text()?)
    }

    /// The body as JSON of type `T`, or `T::default()` when there is none.
    pub fn json_or_default<T: DeserializeOwned + Default>(&self) -> Result<T> {
        let text = self.text()?;
        if text.trim().is_empty() { Ok(T::default()) } else { parse_json(&text) }
    }

    pub fn user_agent(&self) -> Option<&str> {
        self.request.header("User-Agent")
    }
}

/// A JSON object of type `T`: malformed JSON is a bad request, the wrong shape (anything but
/// an object, a missing or mistyped field) a validation error.
pub fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Error::BadRequest(format!("The request body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(Error::invalid_field("/", "The request body must be a JSON object"));
    }
    serde_path_to_error::deserialize(&value).map_err(|e| {
        let pointer = pointer_of(e.path());
        let e = e.into_inner();
        match e.classify() {
            serde_json::error::Category::Data => {
                let message = e.to_string();
                let message = message.split(" at line ").next().unwrap_or(&message).to_string();
                // A missing field is named by the message, below the path where it is missing.
                let pointer = match message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
                    Some(field) => format!("{}/{field}", pointer.trim_end_matches('/')),
                    None => pointer,
                };
                Error::invalid_field(&pointer, message)
            }
            _ => Error::BadRequest(format!("The request body is not valid JSON: {e}")),
        }
    })
}

/// Where in the body a deserialization failed, as a JSON pointer (RFC 6901).
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } | Segment::Enum { variant: key } => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Segment::Unknown => pointer.push('-'),
        }
    }
    if pointer.is_empty() { "/".to_string() } else { pointer }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_say_which_field() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            name: String,
        }
        let Err(Error::Validation(fields)) = parse_json::<Body>("{}") else { panic!("a missing field is a validation error") };
        assert_eq!(fields[0].pointer, "/name");
        assert!(matches!(parse_json::<Body>("{"), Err(Error::BadRequest(_))));
        // A value of the wrong type is named by where it is, never by what it holds.
        let Err(Error::Validation(fields)) = parse_json::<Body>(r#"{"name": 5}"#) else { panic!("a mistyped field is a validation error") };
        assert_eq!(fields[0].pointer, "/name");
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Outer {
            items: Vec<Body>,
        }
        let Err(Error::Validation(fields)) = parse_json::<Outer>(r#"{"items": [{"name": "a"}, {}]}"#) else { panic!("nested") };
        assert_eq!(fields[0].pointer, "/items/1/name");
        let Err(Error::Validation(fields)) = parse_json::<Outer>(r#"{"items": [{"name": "a"}, {"name": [1]}]}"#) else { panic!("nested") };
        assert_eq!(fields[0].pointer, "/items/1/name");
    }
}
