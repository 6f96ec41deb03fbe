//! Wire formats shared by the suite and the mock: media types, form encoding and parsing,
//! HTTP Basic credentials, RFC 3339 timestamps and Jackson's coercion of a Boolean. One implementation of each, so that the
//! client and the server of this crate cannot drift apart.
//!
//! Percent-encoding and form parsing use the `percent-encoding` and `form_urlencoded` crates
//! (already in the dependency tree through `url`); the RFC 3339 calendar is 30 lines of
//! Howard Hinnant's algorithms, smaller than any date crate that would replace it.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// `application/json`.
pub const JSON: &str = "application/json";
/// `application/x-www-form-urlencoded`.
pub const FORM: &str = "application/x-www-form-urlencoded";

// ------------------------------------------------------------------------------- media types

/// A `Content-Type` value split into its essence (`type/subtype`, trimmed) and its
/// parameters (everything after the first `;`, untrimmed). Comparisons ignore ASCII case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MediaType<'a> {
    /// `type/subtype`, as sent (trimmed, case kept).
    pub essence: &'a str,
    /// The parameters after the first `;`, or `""`.
    pub params: &'a str,
}

impl<'a> MediaType<'a> {
    /// Split a `Content-Type` header value; an empty value has an empty essence.
    pub fn parse(content_type: &'a str) -> MediaType<'a> {
        let (essence, params) = content_type.split_once(';').unwrap_or((content_type, ""));
        MediaType {
            essence: essence.trim(),
            params,
        }
    }

    /// Whether the essence is `media` (ignoring ASCII case).
    pub fn is(&self, media: &str) -> bool {
        self.essence.eq_ignore_ascii_case(media)
    }

    /// `application/json` or another `application/*+json` type.
    pub fn is_json(&self) -> bool {
        let e = self.essence.as_bytes();
        self.is(JSON)
            || (e.len() > "application/+json".len()
                && e[.."application/".len()].eq_ignore_ascii_case(b"application/")
                && e[e.len() - "+json".len()..].eq_ignore_ascii_case(b"+json"))
    }

    /// Whether any parameter (such as `charset`) follows the essence.
    pub fn has_params(&self) -> bool {
        !self.params.trim().is_empty()
    }
}

/// Whether a `Content-Type` value is JSON: `application/json` or `application/*+json`,
/// parameters allowed.
pub fn is_json_media_type(content_type: &str) -> bool {
    MediaType::parse(content_type).is_json()
}

// ------------------------------------------------------------------------ form and percent

/// RFC 3986 unreserved characters stay; every other byte is percent-encoded.
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encode one value for a form body, a query string or HTTP Basic credentials
/// (RFC 6749 §2.3.1): RFC 3986 unreserved characters stay, everything else is `%XX`
/// (a space too, so the result is the same in a query and in a form).
pub fn form_encode(s: &str) -> String {
    utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

/// Percent-decode strictly: every `%` must start two hex digits and the result must be
/// UTF-8, otherwise `None`.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let well_formed = b.iter().enumerate().all(|(i, &c)| {
        c != b'%'
            || (b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// Parse `a=b&c=d` (`+` is a space, percent escapes strict); a pair that does not decode is
/// dropped, and a repeated name keeps its last value.
pub fn parse_form(bytes: &[u8]) -> HashMap<String, String> {
    let text = String::from_utf8_lossy(bytes);
    text.split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((
                percent_decode(&k.replace('+', " "))?,
                percent_decode(&v.replace('+', " "))?,
            ))
        })
        .collect()
}

/// Decode `base64(urlencode(id):urlencode(secret))`, the credentials of
/// `Authorization: Basic` (RFC 6749 §2.3.1).
pub fn decode_basic(credentials: &str) -> Option<(String, String)> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(credentials.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((percent_decode(id)?, percent_decode(secret)?))
}

// ------------------------------------------------------------------ Jackson's Boolean binding

/// The Boolean a Jackson-style binder makes of a JSON `value` bound to a Boolean field, if it
/// coerces it (facts §11.1): a Boolean as it is; a string `true` or `false` in any letter case,
/// surrounding whitespace trimmed; an integer, 0 false and anything else true. Floats (`1.0`
/// included), other strings, `null`, arrays and objects are not coerced.
///
/// The one rule both sides use: the mock's `--lenient-booleans` binds with it, and the suite
/// tolerates exactly what it coerces.
pub fn jackson_boolean(value: &serde_json::Value) -> Option<bool> {
    use serde_json::Value;
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => {
            let s = s.trim();
            if s.eq_ignore_ascii_case("true") {
                Some(true)
            } else if s.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            }
        }
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.as_i64().is_none_or(|i| i != 0)),
        _ => None,
    }
}

// -------------------------------------------------------------------------------- RFC 3339

/// RFC 3339 UTC with milliseconds, e.g. `2026-11-28T19:43:49.123Z`.
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let (y, m, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Seconds since the Unix epoch of an RFC 3339 timestamp (`Z` or a numeric offset).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, rest) = s.split_once(['T', 't', ' '])?;
    let mut d = date.splitn(3, '-');
    let y: i64 = d.next()?.parse().ok()?;
    let m: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    let (time, offset) = if let Some(t) = rest.strip_suffix(['Z', 'z']) {
        (t, 0)
    } else {
        let i = rest.rfind(['+', '-'])?;
        let (t, o) = rest.split_at(i);
        let sign = if o.starts_with('-') { -1 } else { 1 };
        let (oh, om) = o[1..].split_once(':')?;
        let minutes = oh.parse::<i64>().ok()? * 60 + om.parse::<i64>().ok()?;
        (t, sign * minutes * 60)
    };
    let mut t = time.splitn(3, ':');
    let h: i64 = t.next()?.parse().ok()?;
    let min: i64 = t.next()?.parse().ok()?;
    let sec: i64 = t.next()?.split('.').next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(y, m, day) * 86_400 + h * 3600 + min * 60 + sec - offset)
}

/// The instant an RFC 3339 timestamp names, to the millisecond (a fraction is kept, unlike
/// [`parse_rfc3339`]'s whole seconds).
pub fn parse_rfc3339_time(s: &str) -> Option<SystemTime> {
    let secs = u64::try_from(parse_rfc3339(s)?).ok()?;
    let fraction = s
        .split_once('.')
        .map(|(_, f)| {
            f.chars()
                .take_while(char::is_ascii_digit)
                .take(3)
                .collect::<String>()
        })
        .unwrap_or_default();
    let millis = format!("{fraction:0<3}").parse::<u64>().unwrap_or(0);
    Some(UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis))
}

/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_format_and_parse_round_trip() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_millis(1_795_000_000_123);
        let s = rfc3339(t);
        assert_eq!(s, "2026-11-18T11:06:40.123Z");
        assert_eq!(parse_rfc3339(&s), Some(1_795_000_000));
        assert_eq!(parse_rfc3339_time(&s), Some(t));
        assert_eq!(
            parse_rfc3339_time("2026-11-18T11:06:40.5Z"),
            Some(UNIX_EPOCH + Duration::from_millis(1_795_000_000_500))
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T23:59:59+01:00"),
            Some(days_from_civil(2024, 2, 29) * 86_400 + 22 * 3600 + 59 * 60 + 59)
        );
        assert_eq!(parse_rfc3339("yesterday"), None);
        assert_eq!(parse_rfc3339("2024-13-01T00:00:00Z"), None);
        // A leap day and the turn of a century that is not a leap year.
        let t = UNIX_EPOCH + Duration::from_secs(days_from_civil(2100, 3, 1) as u64 * 86_400);
        assert_eq!(rfc3339(t), "2100-03-01T00:00:00.000Z");
        let t = UNIX_EPOCH + Duration::from_secs(days_from_civil(2024, 2, 29) as u64 * 86_400);
        assert_eq!(rfc3339(t), "2024-02-29T00:00:00.000Z");
    }

    #[test]
    fn media_types_compare_their_essence_ignoring_case_and_parameters() {
        for json in [
            "application/json",
            "Application/JSON; charset=utf-8",
            " application/hal+json ",
            "application/vnd.pingidentity.user.import+json",
        ] {
            assert!(is_json_media_type(json), "{json}");
        }
        for other in ["", "text/plain", "application/+json", "text/x+json", "json"] {
            assert!(!is_json_media_type(other), "{other}");
        }
        let m = MediaType::parse("application/x-www-form-urlencoded ; charset=UTF-8");
        assert!(m.is(FORM) && m.has_params());
        assert!(!MediaType::parse("application/json").has_params());
    }

    #[test]
    fn form_encoding_keeps_only_unreserved_characters() {
        assert_eq!(
            form_encode("username sw \"conformance-\""),
            "username%20sw%20%22conformance-%22"
        );
        assert_eq!(form_encode("a:b/c~d_e.f*é"), "a%3Ab%2Fc~d_e.f%2A%C3%A9");
        let pairs = parse_form(format!("k={}&x=%ZZ&k2=a+b", form_encode("a:b é")).as_bytes());
        assert_eq!(pairs.get("k").map(String::as_str), Some("a:b é"));
        assert_eq!(pairs.get("k2").map(String::as_str), Some("a b"));
        assert!(!pairs.contains_key("x"), "an undecodable pair is dropped");
    }

    #[test]
    fn percent_escapes_need_two_hex_digits() {
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        assert_eq!(percent_decode("%+1"), None);
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%FF"), None, "not UTF-8");
    }

    #[test]
    fn basic_credentials_decode_with_percent_escapes() {
        let enc = base64::engine::general_purpose::STANDARD.encode("a%3Ab:s%20t");
        assert_eq!(decode_basic(&enc), Some(("a:b".into(), "s t".into())));
        assert_eq!(decode_basic("!!!"), None);
    }
}
