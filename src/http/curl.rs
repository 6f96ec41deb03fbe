//! How a recorded request reproduces: [`Request::curl`], a curl command line with the
//! credentials left as shell variables, and the shell quoting it needs.

use std::fmt::Write as _;

use super::{Auth, Request};

impl Request {
    /// A curl command line that sends this request, with `$TOKEN` (or `$PINGONE_CLIENT_ID` and
    /// `$PINGONE_CLIENT_SECRET`) in place of credentials.
    pub fn curl(&self) -> String {
        let mut s = format!("curl -sS -i -X {} {}", self.method, shell_quote(&self.url));
        match &self.auth {
            Auth::None => {}
            Auth::SessionBearer => s.push_str(" -H \"Authorization: Bearer $TOKEN\""),
            Auth::Literal(v) => {
                let _ = write!(s, " -H {}", shell_quote(&format!("Authorization: {v}")));
            }
            Auth::ClientBasic => s.push_str(" -u \"$PINGONE_CLIENT_ID:$PINGONE_CLIENT_SECRET\""),
            Auth::ClientPost => s.push_str(
                " --data-urlencode \"client_id=$PINGONE_CLIENT_ID\" --data-urlencode \"client_secret=$PINGONE_CLIENT_SECRET\"",
            ),
        }
        for (k, v) in &self.headers {
            let _ = write!(s, " -H {}", shell_quote(&format!("{k}: {v}")));
        }
        if self.body.is_some()
            && !self
                .headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            // curl would add its own form content type; say explicitly that there is none.
            s.push_str(" -H 'Content-Type:'");
        }
        if let Some(body) = &self.body {
            let _ = write!(s, " --data-binary {}", shell_bytes(body));
        }
        s
    }
}

/// Quote for POSIX shells.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Quote bytes for bash: plain single quotes for printable UTF-8, `$'...'` escapes otherwise.
fn shell_bytes(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => shell_quote(s),
        _ => {
            let mut out = String::from("$'");
            for &b in bytes {
                match b {
                    b'\\' => out.push_str("\\\\"),
                    b'\'' => out.push_str("\\'"),
                    0x20..=0x7e => out.push(b as char),
                    _ => {
                        let _ = write!(out, "\\x{b:02x}");
                    }
                }
            }
            out.push('\'');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_line_never_contains_credentials() {
        let r = Request::new(
            "PUT",
            "https://api.pingone.com/v1/environments/e/users/u/mfaEnabled",
        )
        .json(&serde_json::json!({"mfaEnabled": true}));
        let line = r.curl();
        assert_eq!(
            line,
            "curl -sS -i -X PUT 'https://api.pingone.com/v1/environments/e/users/u/mfaEnabled' \
             -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \
             --data-binary '{\"mfaEnabled\":true}'"
        );
        let basic = Request::new("GET", "http://x/")
            .auth(Auth::ClientBasic)
            .curl();
        assert!(
            basic.contains("$PINGONE_CLIENT_ID:$PINGONE_CLIENT_SECRET"),
            "{basic}"
        );
    }

    #[test]
    fn curl_quotes_awkward_bodies() {
        let r = Request::new("PUT", "http://x/").body(b"it's\x00\xff".to_vec());
        assert!(
            r.curl().ends_with("--data-binary $'it\\'s\\x00\\xff'"),
            "{}",
            r.curl()
        );
        assert!(r.curl().contains("-H 'Content-Type:'"));
    }
}
