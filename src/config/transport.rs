//! Transport rules for the URLs credentials travel to (issue 13).
//!
//! - A URL never carries `user:password@`: credentials belong in `PINGONE_CLIENT_ID` and
//!   `PINGONE_CLIENT_SECRET`, and a URL is echoed in banners, results and curl lines.
//! - Credentials (the client secret, an access token) go only to `https://` URLs, except to a
//!   loopback host (`127.0.0.0/8`, `::1`, `localhost`): the mock and the tests.
//!
//! `check_urls` applies both to the configured URLs before any request, with one message per
//! rule; [`cleartext_to_remote`] is the same test for a single URL, which the session applies again
//! to every request that carries credentials (a `_links` href, a next-page link).

use std::net::IpAddr;

/// Certificate authorities to trust besides the system's roots (`PINGONE_CA_CERT`): for a
/// corporate proxy that re-signs TLS with a private CA, or a test server's own certificate.
#[derive(Clone, PartialEq, Eq)]
pub struct CaCert {
    /// Where the certificates came from (a path), for messages.
    pub source: String,
    /// The PEM text, one or more `CERTIFICATE` blocks.
    pub pem: Vec<u8>,
}

impl std::fmt::Debug for CaCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CaCert({}, {} bytes)", self.source, self.pem.len())
    }
}

impl CaCert {
    /// Certificates from PEM text; at least one `CERTIFICATE` block is required.
    ///
    /// # Errors
    ///
    /// A message when the text holds no readable certificate.
    pub fn from_pem(source: impl Into<String>, pem: impl Into<Vec<u8>>) -> Result<CaCert, String> {
        let pem = pem.into();
        match reqwest::Certificate::from_pem_bundle(&pem) {
            Ok(certs) if !certs.is_empty() => Ok(CaCert {
                source: source.into(),
                pem,
            }),
            Ok(_) => Err("holds no PEM CERTIFICATE block".to_string()),
            Err(e) => Err(format!("is not readable PEM: {e}")),
        }
    }

    /// Certificates from a PEM file.
    ///
    /// # Errors
    ///
    /// A message when the file cannot be read or holds no readable certificate.
    pub fn read(path: &str) -> Result<CaCert, String> {
        let pem = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        CaCert::from_pem(path, pem).map_err(|e| format!("{path} {e}"))
    }

    /// The certificates, for a `reqwest::ClientBuilder`.
    ///
    /// # Errors
    ///
    /// A message when the PEM cannot be parsed (checked already by the constructors).
    pub fn certificates(&self) -> Result<Vec<reqwest::Certificate>, String> {
        reqwest::Certificate::from_pem_bundle(&self.pem)
            .map_err(|e| format!("{} is not readable PEM: {e}", self.source))
    }
}

/// The parts of an `http://` or `https://` URL this module looks at.
struct Parts<'a> {
    https: bool,
    userinfo: bool,
    host: &'a str,
}

fn parts(url: &str) -> Option<Parts<'_>> {
    let scheme_end = url.find("://")?;
    let scheme = &url[..scheme_end];
    let https = if scheme.eq_ignore_ascii_case("https") {
        true
    } else if scheme.eq_ignore_ascii_case("http") {
        false
    } else {
        return None;
    };
    let rest = &url[scheme_end + 3..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(at) => (true, &authority[at + 1..]),
        None => (false, authority),
    };
    let host = if let Some(v6) = hostport.strip_prefix('[') {
        &v6[..v6.find(']').unwrap_or(v6.len())]
    } else {
        &hostport[..hostport.rfind(':').unwrap_or(hostport.len())]
    };
    Some(Parts {
        https,
        userinfo,
        host,
    })
}

/// Whether `host` (without brackets or port) is a loopback host: `localhost`, an address in
/// `127.0.0.0/8`, or `::1`.
#[must_use]
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.to_canonical().is_loopback())
}

/// Whether a URL carries `user[:password]@` in its authority.
#[must_use]
pub fn has_userinfo(url: &str) -> bool {
    parts(url).is_some_and(|p| p.userinfo)
}

/// Whether sending credentials to `url` would send them in clear to another machine: a plain
/// `http://` URL whose host is not loopback. Anything that is not an http(s) URL counts too.
#[must_use]
pub fn cleartext_to_remote(url: &str) -> bool {
    match parts(url) {
        Some(p) => !p.https && !is_loopback_host(p.host),
        None => true,
    }
}

/// The problems of the configured URLs (name, value): at most one message per rule, naming
/// every variable that breaks it. Values are never echoed (they may carry a password).
pub(super) fn check_urls(urls: &[(&str, &str)]) -> Vec<String> {
    let mut problems = Vec::new();
    let with_userinfo: Vec<&str> = urls
        .iter()
        .filter(|(_, url)| has_userinfo(url))
        .map(|(name, _)| *name)
        .collect();
    if !with_userinfo.is_empty() {
        problems.push(format!(
            "{} carr{} user:password@ in the URL; remove it (credentials belong in \
             PINGONE_CLIENT_ID and PINGONE_CLIENT_SECRET, and URLs are printed in reports)",
            with_userinfo.join(" and "),
            if with_userinfo.len() == 1 { "ies" } else { "y" },
        ));
    }
    let cleartext: Vec<&str> = urls
        .iter()
        .filter(|(_, url)| cleartext_to_remote(url))
        .map(|(name, _)| *name)
        .collect();
    if !cleartext.is_empty() {
        problems.push(format!(
            "{} use{} plain http:// to a host that is not loopback: the client secret and the \
             access token would travel unencrypted; use https:// (plain http is allowed only for \
             127.0.0.0/8, ::1 and localhost)",
            cleartext.join(" and "),
            if cleartext.len() == 1 { "s" } else { "" },
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "LOCALHOST",
            "localhost.",
            "127.0.0.1",
            "127.8.9.10",
            "::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "10.0.0.1",
            "128.0.0.1",
            "localhost.example.com",
            "mylocalhost",
            "::2",
            "0.0.0.0",
            "api.pingone.eu",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn cleartext_only_to_loopback() {
        for url in [
            "https://api.pingone.eu/v1",
            "https://10.0.0.1:8443/v1",
            "HTTPS://proxy.corp/v1",
            "http://127.0.0.1:8080/v1",
            "http://localhost/v1",
            "http://[::1]:8080/v1",
            "http://127.0.0.1",
        ] {
            assert!(!cleartext_to_remote(url), "{url}");
        }
        for url in [
            "http://api.pingone.eu/v1",
            "http://10.0.0.1:8080/v1",
            "http://[::2]:80",
            "http://127.0.0.1.evil.example/v1",
            "http://localhost.evil.example/v1",
            "http://127.0.0.1@evil.example/v1",
            "ftp://127.0.0.1/",
            "not a url",
        ] {
            assert!(cleartext_to_remote(url), "{url}");
        }
    }

    #[test]
    fn userinfo_is_found_in_the_authority_only() {
        assert!(has_userinfo("https://user:pass@api.pingone.eu/v1"));
        assert!(has_userinfo("http://user@127.0.0.1:8080"));
        assert!(!has_userinfo("https://api.pingone.eu/v1/users?filter=a@b"));
        assert!(!has_userinfo("https://api.pingone.eu/v1#x@y"));
    }

    #[test]
    fn one_message_per_rule_naming_every_variable_and_no_value() {
        let problems = check_urls(&[
            ("PINGONE_API_URL", "http://u:hunter2@api.example.com/v1"),
            ("PINGONE_AUTH_URL", "https://u:hunter2@auth.example.com"),
        ]);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(
            problems[0].starts_with("PINGONE_API_URL and PINGONE_AUTH_URL carry user:password@"),
            "{}",
            problems[0]
        );
        assert!(
            problems[1].starts_with("PINGONE_API_URL uses plain http://"),
            "{}",
            problems[1]
        );
        assert!(!problems.concat().contains("hunter2"));
        assert!(check_urls(&[("A", "http://127.0.0.1:1/v1"), ("B", "https://x")]).is_empty());
    }
}
