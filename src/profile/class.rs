//! The answer class of one probe: what a target chose where the documentation leaves the choice
//! open, reduced to what is stable across runs and targets (status, codes, media type, which
//! headers are present, the body's shape, what was stored). Never message wording, ids, hosts
//! or timestamps.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::http::Exchange;

/// Response headers whose presence (never value) is part of a class.
pub const PRESENCE_HEADERS: &[&str] = &[
    "Allow",
    "Correlation-Id",
    "Location",
    "WWW-Authenticate",
    "X-Ping-External-Session-ID",
    "X-Ping-External-Transaction-ID",
];

/// What a probe's answer was, as far as the profile records it.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AnswerClass {
    /// HTTP status.
    pub status: u16,
    /// Top-level `code` of a P1Error body (or `error` of an OAuth error body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `details[]` as `CODE@target` (`CODE` alone without a target), sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    /// The response media type, lower-cased, without spaces, parameters kept
    /// (`application/json;charset=utf-8`); absent without a `Content-Type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Which of [`PRESENCE_HEADERS`] the answer carries, in that order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<String>,
    /// The body's shape: `empty`, `not JSON`, or the JSON's top-level keys (`{_links, id,
    /// mfaEnabled}`), with the relations of `_links` (`_links[self, user]`).
    pub body: String,
    /// What the probe read back afterwards (see [`Stored`]); absent where nothing is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored: Option<Stored>,
}

/// What a probe found stored after its request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stored {
    /// The value is what it was before the request.
    Unchanged,
    /// The value changed to `true`.
    SetTrue,
    /// The value changed to `false`.
    SetFalse,
    /// A new user was created with `mfaEnabled` `true`.
    CreatedTrue,
    /// A new user was created with `mfaEnabled` `false`.
    CreatedFalse,
    /// No user was created.
    NotCreated,
}

impl Stored {
    /// The change from `before` to `after`.
    pub fn change(before: bool, after: bool) -> Stored {
        match (before == after, after) {
            (true, _) => Stored::Unchanged,
            (false, true) => Stored::SetTrue,
            (false, false) => Stored::SetFalse,
        }
    }

    /// Plain words: "nothing stored", "stored as true", "created with mfaEnabled false".
    pub fn words(self) -> &'static str {
        match self {
            Stored::Unchanged => "nothing changed",
            Stored::SetTrue => "stored as true",
            Stored::SetFalse => "stored as false",
            Stored::CreatedTrue => "the user was created with mfaEnabled true",
            Stored::CreatedFalse => "the user was created with mfaEnabled false",
            Stored::NotCreated => "no user was created",
        }
    }
}

impl AnswerClass {
    /// The class of `ex`, without [`AnswerClass::stored`].
    pub fn of(ex: &Exchange) -> AnswerClass {
        let json = ex.json();
        let code = json.as_ref().filter(|_| ex.status >= 400).and_then(|j| {
            j.get("code")
                .or_else(|| j.get("error"))
                .and_then(Value::as_str)
                .map(str::to_string)
        });
        let mut details: Vec<String> = json
            .as_ref()
            .filter(|_| ex.status >= 400)
            .and_then(|j| j.get("details"))
            .and_then(Value::as_array)
            .map(|ds| {
                ds.iter()
                    .map(|d| {
                        let code = d.get("code").and_then(Value::as_str).unwrap_or("?");
                        match d.get("target").and_then(Value::as_str) {
                            Some(t) => format!("{code}@{t}"),
                            None => code.to_string(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        details.sort();
        details.dedup();
        let media_type = ex.header("content-type").map(|ct| {
            ct.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase()
        });
        let headers = PRESENCE_HEADERS
            .iter()
            .filter(|h| ex.header(h).is_some())
            .map(|h| (*h).to_string())
            .collect();
        AnswerClass {
            status: ex.status,
            code,
            details,
            media_type,
            headers,
            body: body_shape(&ex.body, json.as_ref()),
            stored: None,
        }
    }

    /// Whether the answer was a success (2xx).
    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Plain words, e.g. `rejected with 400 INVALID_DATA (INVALID_VALUE@mfaEnabled); nothing
    /// changed` or `accepted with 200; stored as true`.
    pub fn words(&self) -> String {
        let mut s = if self.accepted() {
            format!("accepted with {}", self.status)
        } else {
            format!("rejected with {}", self.status)
        };
        if let Some(code) = &self.code {
            let _ = write!(s, " {code}");
        }
        if !self.details.is_empty() {
            let _ = write!(s, " ({})", self.details.join(", "));
        }
        if let Some(stored) = self.stored {
            let _ = write!(s, "; {}", stored.words());
        }
        s
    }

    /// Every attribute as `name: value`, for a side-by-side comparison.
    pub fn attributes(&self) -> Vec<(&'static str, String)> {
        vec![
            ("status", self.status.to_string()),
            ("code", self.code.clone().unwrap_or_else(|| "none".into())),
            (
                "details",
                if self.details.is_empty() {
                    "none".into()
                } else {
                    self.details.join(", ")
                },
            ),
            (
                "media type",
                self.media_type
                    .clone()
                    .unwrap_or_else(|| "no Content-Type".into()),
            ),
            (
                "headers",
                if self.headers.is_empty() {
                    "none of the recorded ones".into()
                } else {
                    self.headers.join(", ")
                },
            ),
            ("body", self.body.clone()),
            (
                "stored",
                self.stored
                    .map(|s| s.words().to_string())
                    .unwrap_or_else(|| "not read".into()),
            ),
        ]
    }
}

/// `empty`, `not JSON`, `JSON <kind>` or `{key, key, _links[rel, rel]}`.
fn body_shape(body: &[u8], json: Option<&Value>) -> String {
    if body.iter().all(u8::is_ascii_whitespace) {
        return "empty".into();
    }
    let Some(json) = json else {
        return "not JSON".into();
    };
    let Some(object) = json.as_object() else {
        return match json {
            Value::Array(_) => "JSON array".into(),
            Value::String(_) => "JSON string".into(),
            _ => "JSON scalar".into(),
        };
    };
    let mut keys: Vec<String> = object
        .iter()
        .map(|(k, v)| match (k.as_str(), v.as_object()) {
            ("_links", Some(links)) => {
                let mut rels: Vec<&str> = links.keys().map(String::as_str).collect();
                rels.sort_unstable();
                format!("_links[{}]", rels.join(", "))
            }
            _ => k.clone(),
        })
        .collect();
    keys.sort();
    format!("{{{}}}", keys.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Request;
    use std::time::Duration;

    fn exchange(status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
        Exchange {
            request: Request::new("PUT", "http://x/"),
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            elapsed: Duration::ZERO,
            retries: 0,
            earlier: Vec::new(),
        }
    }

    #[test]
    fn a_class_keeps_codes_and_shape_but_no_wording_ids_or_hosts() {
        let ex = exchange(
            400,
            &[
                ("Content-Type", "application/json; charset=UTF-8"),
                ("Correlation-Id", "abc"),
            ],
            r#"{"id":"5f1c","code":"INVALID_DATA","message":"Some words","details":[{"code":"INVALID_VALUE","target":"mfaEnabled","message":"more words"}]}"#,
        );
        let class = AnswerClass::of(&ex);
        assert_eq!(class.status, 400);
        assert_eq!(class.code.as_deref(), Some("INVALID_DATA"));
        assert_eq!(class.details, ["INVALID_VALUE@mfaEnabled"]);
        assert_eq!(
            class.media_type.as_deref(),
            Some("application/json;charset=utf-8")
        );
        assert_eq!(class.headers, ["Correlation-Id"]);
        assert_eq!(class.body, "{code, details, id, message}");
        let text = serde_json::to_string(&class).unwrap();
        for absent in ["5f1c", "Some words", "more words", "abc"] {
            assert!(!text.contains(absent), "{absent} in {text}");
        }
        assert_eq!(
            class.words(),
            "rejected with 400 INVALID_DATA (INVALID_VALUE@mfaEnabled)"
        );
    }

    #[test]
    fn success_bodies_show_their_keys_and_link_relations() {
        let ex = exchange(
            200,
            &[("Content-Type", "application/hal+json")],
            r#"{"_links":{"user":{"href":"h"},"self":{"href":"h"}},"mfaEnabled":true}"#,
        );
        let mut class = AnswerClass::of(&ex);
        assert_eq!(class.body, "{_links[self, user], mfaEnabled}");
        assert_eq!(class.code, None);
        class.stored = Some(Stored::change(false, true));
        assert_eq!(class.words(), "accepted with 200; stored as true");
        assert_eq!(AnswerClass::of(&exchange(405, &[], "")).body, "empty");
        assert_eq!(
            AnswerClass::of(&exchange(502, &[], "<html>")).body,
            "not JSON"
        );
    }
}
