//! Ping's own names for the suite's variables (docs/api-facts.md §6): the rows of the table
//! with `alias_of` ([`Variable::alias_of`](super::Variable::alias_of)). Someone whose `.env`
//! already drives the Go SDK or the Terraform provider can point the suite at the same tenant
//! with it: `PINGONE_TOP_LEVEL_DOMAIN=eu` is read as `PINGONE_REGION_CODE=EU`,
//! `PINGONE_API_SERVICE_HOSTNAME=api.pingone.eu` as `PINGONE_API_URL=https://api.pingone.eu/v1`,
//! `PINGONE_CLIENT_CREDENTIALS_CLIENT_ID` as `PINGONE_CLIENT_ID`, and so on.
//!
//! Two names of one setting that say different things (`PINGONE_REGION_CODE=EU` beside
//! `PINGONE_TOP_LEVEL_DOMAIN=com`) are an error naming both, never a silent choice; saying the
//! same thing twice is fine.

use super::reader::Reader;
use super::{Region, VARIABLES, var};

impl Reader<'_> {
    /// Read every alias that is set into the variable it names, recording a problem for a value
    /// that cannot be translated and for two names of one variable that disagree.
    pub(super) fn resolve_aliases(&mut self) {
        for alias in VARIABLES {
            let Some(of) = alias.alias_of else { continue };
            let Some(value) = self.get(alias.name) else {
                continue;
            };
            let Some(translated) = self.translate(alias.name, &value) else {
                continue;
            };
            let own = (self.lookup)(of)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .map(|v| (v, of));
            match own.or_else(|| self.aliased.get(of).cloned()) {
                Some((earlier, from)) if !same(of, &earlier, &translated) => {
                    let said = if alias.secret {
                        String::new()
                    } else {
                        format!(
                            " ({from}{} and {}{})",
                            self.echo(&earlier),
                            alias.name,
                            self.echo(&value)
                        )
                    };
                    self.problem(format!(
                        "{from} and {} name the same setting ({of}) but disagree{said}; set one of \
                         them, or both alike",
                        alias.name
                    ));
                }
                Some(_) => {}
                None => {
                    self.aliased.insert(of, (translated, alias.name));
                }
            }
        }
    }

    /// `value` of `alias` in the terms of the variable it names.
    fn translate(&mut self, alias: &str, value: &str) -> Option<String> {
        let known = match alias {
            var::TOP_LEVEL_DOMAIN => Region::from_tld(value).map(|r| r.code().to_owned()),
            var::REGION => Region::from_long_name(value).map(|r| r.code().to_owned()),
            var::API_SERVICE_HOSTNAME => host(value).map(|h| format!("https://{h}/v1")),
            var::AUTH_SERVICE_HOSTNAME => host(value).map(|h| format!("https://{h}")),
            _ => Some(value.to_owned()),
        };
        if known.is_none() {
            let echo = self.echo(value);
            let expected = match alias {
                var::TOP_LEVEL_DOMAIN => "com, eu, asia, ca, com.au or sg",
                var::REGION => {
                    "NorthAmerica, Europe, AsiaPacific, Canada, Australia-AsiaPacific or Singapore"
                }
                _ => "a host name such as api.pingone.eu, without https:// or a path",
            };
            self.problem(format!("{alias} is not one of {expected}{echo}"));
        }
        known
    }
}

/// A bare host name (letters, digits, `-`, `.`, and a `:port`).
fn host(value: &str) -> Option<&str> {
    let value = value.trim().trim_end_matches('/');
    (!value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':')))
    .then_some(value)
}

/// Whether two values of `variable` say the same.
fn same(variable: &str, a: &str, b: &str) -> bool {
    match variable {
        var::REGION_CODE => Region::parse(a).is_some_and(|r| Region::parse(b) == Some(r)),
        var::API_URL | var::AUTH_URL => a
            .trim_end_matches('/')
            .eq_ignore_ascii_case(b.trim_end_matches('/')),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::tests::{ENV, SECRET, tenant as server};
    use crate::config::{Config, Credentials, var};

    /// The configuration of `vars`, or its problems.
    fn config(vars: &[(&str, &str)]) -> Result<Config, Vec<String>> {
        crate::config::tests::config(vars).map_err(|e| e.problems)
    }

    /// The Go SDK's and the provider's names, alone, configure the same tenant.
    #[test]
    fn ping_s_other_names_configure_the_same_tenant() {
        let go_sdk = [
            (var::CLIENT_CREDENTIALS_CLIENT_ID, "worker"),
            (var::CLIENT_CREDENTIALS_CLIENT_SECRET, SECRET),
            (var::ENVIRONMENT_ID, ENV),
            (var::TOP_LEVEL_DOMAIN, "eu"),
        ];
        let ours = [
            (var::CLIENT_ID, "worker"),
            (var::CLIENT_SECRET, SECRET),
            (var::ENVIRONMENT_ID, ENV),
            (var::REGION_CODE, "EU"),
        ];
        let t = server(&go_sdk);
        assert_eq!(format!("{t:?}"), format!("{:?}", server(&ours)));
        assert_eq!(t.api_url, "https://api.pingone.eu/v1");
        assert!(
            matches!(&t.credentials, Credentials::Client { client_id, client_secret, .. }
            if client_id == "worker" && client_secret.expose() == SECRET)
        );
        for (alias, value, api) in [
            (
                var::TOP_LEVEL_DOMAIN,
                "com.au",
                "https://api.pingone.com.au/v1",
            ),
            (
                var::TOP_LEVEL_DOMAIN,
                "pingone.asia",
                "https://api.pingone.asia/v1",
            ),
            (
                var::REGION,
                "Australia-AsiaPacific",
                "https://api.pingone.com.au/v1",
            ),
            (var::REGION, "canada", "https://api.pingone.ca/v1"),
            (
                var::API_SERVICE_HOSTNAME,
                "api.pingone.sg",
                "https://api.pingone.sg/v1",
            ),
        ] {
            let t = server(&[ours[0], ours[1], ours[2], (alias, value)]);
            assert_eq!(t.api_url, api, "{alias}={value}");
        }
        let t = server(&[
            ours[0],
            ours[1],
            ours[2],
            (var::AUTH_SERVICE_HOSTNAME, "auth.example"),
        ]);
        assert_eq!(t.auth_url, "https://auth.example");
    }

    /// Two names of one setting: alike is fine, different is one problem naming both (and no
    /// secret).
    #[test]
    fn two_names_that_disagree_are_one_problem_naming_both() {
        let base = [
            (var::CLIENT_ID, "worker"),
            (var::CLIENT_SECRET, SECRET),
            (var::ENVIRONMENT_ID, ENV),
        ];
        let alike = [
            base[0],
            base[1],
            base[2],
            (var::REGION_CODE, "eu"),
            (var::TOP_LEVEL_DOMAIN, "eu"),
            (var::REGION, "Europe"),
        ];
        assert_eq!(server(&alike).api_url, "https://api.pingone.eu/v1");
        for (extra, names) in [
            (
                [(var::REGION_CODE, "EU"), (var::TOP_LEVEL_DOMAIN, "com")],
                [var::REGION_CODE, var::TOP_LEVEL_DOMAIN],
            ),
            (
                [(var::TOP_LEVEL_DOMAIN, "eu"), (var::REGION, "Canada")],
                [var::TOP_LEVEL_DOMAIN, var::REGION],
            ),
            (
                [
                    (var::API_URL, "https://api.pingone.eu/v1/"),
                    (var::API_SERVICE_HOSTNAME, "api.pingone.com"),
                ],
                [var::API_URL, var::API_SERVICE_HOSTNAME],
            ),
            (
                [
                    (var::CLIENT_SECRET, "another-secret-value"),
                    (var::CLIENT_CREDENTIALS_CLIENT_SECRET, SECRET),
                ],
                [var::CLIENT_SECRET, var::CLIENT_CREDENTIALS_CLIENT_SECRET],
            ),
        ] {
            let vars: Vec<(&str, &str)> = base
                .iter()
                .copied()
                .filter(|(n, _)| !extra.iter().any(|(e, _)| e == n))
                .chain(extra)
                .collect();
            let problems = config(&vars).expect_err("disagreeing names");
            assert_eq!(problems.len(), 1, "{problems:#?}");
            let p = &problems[0];
            assert!(
                names.iter().all(|n| p.contains(n)) && p.contains("disagree"),
                "{p}"
            );
            assert!(
                !p.contains(SECRET) && !p.contains("another-secret-value"),
                "{p}"
            );
        }
        let same_url = [
            base[0],
            base[1],
            base[2],
            (var::API_URL, "https://API.pingone.eu/v1/"),
            (var::API_SERVICE_HOSTNAME, "api.pingone.eu"),
        ];
        assert_eq!(server(&same_url).api_url, "https://API.pingone.eu/v1");
    }

    #[test]
    fn an_alias_value_that_means_nothing_is_named() {
        let base = [
            (var::CLIENT_ID, "worker"),
            (var::CLIENT_SECRET, SECRET),
            (var::ENVIRONMENT_ID, ENV),
        ];
        for (alias, value, says) in [
            (var::TOP_LEVEL_DOMAIN, "de", "com, eu, asia"),
            (var::REGION, "Mars", "NorthAmerica, Europe"),
            (
                var::API_SERVICE_HOSTNAME,
                "https://api.pingone.eu",
                "a host name",
            ),
            (
                var::AUTH_SERVICE_HOSTNAME,
                "auth.pingone.eu/as",
                "a host name",
            ),
        ] {
            let problems = config(&[base[0], base[1], base[2], (alias, value)]).expect_err(alias);
            assert_eq!(problems.len(), 1, "{problems:#?}");
            assert!(
                problems[0].starts_with(alias) && problems[0].contains(says),
                "{problems:?}"
            );
        }
        // Only an alias set, without credentials: named by its own name.
        let problems = config(&[(var::TOP_LEVEL_DOMAIN, "eu")]).expect_err("no credentials");
        assert!(
            problems[0].contains("PINGONE_TOP_LEVEL_DOMAIN is set"),
            "{problems:?}"
        );
        // The Go SDK's client id without a secret: the missing secret, and what is set by its name.
        let problems = config(&[
            (var::CLIENT_CREDENTIALS_CLIENT_ID, "w"),
            (var::ENVIRONMENT_ID, ENV),
        ])
        .expect_err("no secret");
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with("PINGONE_CLIENT_SECRET is missing")
                    && p.contains("PINGONE_CLIENT_CREDENTIALS_CLIENT_ID")),
            "{problems:?}"
        );
    }
}
