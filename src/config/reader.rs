//! [`Reader`]: looks variables up and validates them, collecting every problem.

use std::collections::HashMap;
use std::fmt;

/// A variable's value read through one of its aliases ([`super::aliases`]): the value in the
/// variable's own terms, and the alias it came from.
pub(super) type Aliased = HashMap<&'static str, (String, &'static str)>;

/// Values longer than this are never echoed in a problem text.
const MAX_ECHO_CHARS: usize = 16;

/// Looks variables up, trimming and treating empty values as unset, and collects problems.
pub(super) struct Reader<'a> {
    pub(super) lookup: &'a dyn Fn(&str) -> Option<String>,
    pub(super) problems: Vec<String>,
    /// Values that must never appear in a problem text.
    pub(super) secrets: Vec<String>,
    /// Variables set through one of Ping's other names for them ([`super::aliases`]).
    pub(super) aliased: Aliased,
}

impl Reader<'_> {
    /// The variable's value: its own, else one given through an alias.
    pub(super) fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
            .map(|value| value.trim().to_owned())
            .filter(|value| !value.is_empty())
            .or_else(|| self.aliased.get(name).map(|(value, _)| value.clone()))
    }

    /// The name the user set the variable by: its own, or the alias it came through.
    pub(super) fn set_as(&self, name: &'static str) -> &'static str {
        let own = (self.lookup)(name).is_some_and(|v| !v.trim().is_empty());
        match self.aliased.get(name) {
            Some((_, alias)) if !own => alias,
            _ => name,
        }
    }

    pub(super) fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub(super) fn problem(&mut self, text: String) {
        self.problems.push(text);
    }

    /// ` (got "value")` for a short value that contains no secret, else an empty string.
    pub(super) fn echo(&self, value: &str) -> String {
        let hides_secret = self
            .secrets
            .iter()
            .any(|secret| value.contains(secret.as_str()) || secret.contains(value));
        if value.chars().count() <= MAX_ECHO_CHARS && !hides_secret {
            format!(" (got {value:?})")
        } else {
            String::new()
        }
    }

    pub(super) fn uuid(&mut self, name: &str) -> Option<String> {
        let value = self.get(name)?;
        match uuid::Uuid::parse_str(&value) {
            // Canonical lower-case hyphenated form, as PingOne returns and the SDKs validate.
            Ok(id) => Some(id.to_string()),
            Err(_) => {
                let echo = self.echo(&value);
                self.problem(format!(
                    "{name} is not a UUID{echo}; expected e.g. 9c052a8a-14be-44e4-8f07-2662569994ce"
                ));
                None
            }
        }
    }

    /// A behaviour profile name: 1 to 64 of `a-z`, `0-9`, `-`, `_` (it names a file).
    pub(super) fn profile_name(&mut self, name: &str) -> Option<String> {
        let value = self.get(name)?;
        if valid_profile_name(&value) {
            Some(value)
        } else {
            let echo = self.echo(&value);
            self.problem(format!(
                "{name} is not a profile name{echo}; expected 1 to 64 of a-z, 0-9, - and _, e.g. tenant"
            ));
            None
        }
    }

    pub(super) fn url(&mut self, name: &str) -> Option<String> {
        let value = self.get(name)?;
        let lower = value.to_ascii_lowercase();
        let rest = ["http://", "https://"]
            .into_iter()
            .find_map(|scheme| lower.strip_prefix(scheme));
        match rest {
            Some(rest) if !rest.trim_matches('/').is_empty() => {
                Some(value.trim_end_matches('/').to_owned())
            }
            Some(_) => {
                self.problem(format!("{name} has no host after http:// or https://"));
                None
            }
            None => {
                // URLs are not echoed: they can carry user:password.
                self.problem(format!(
                    "{name} must be a full URL starting with http:// or https://"
                ));
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, name: &str) -> bool {
        let Some(value) = self.get(name) else {
            return false;
        };
        match value.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => {
                let echo = self.echo(&value);
                self.problem(format!(
                    "{name} is not a boolean{echo}; use true/false, yes/no or 1/0"
                ));
                false
            }
        }
    }

    /// An unsigned number within `min..=max`, or `default` when unset.
    pub(super) fn number<T>(&mut self, name: &str, default: T, min: T, max: T) -> T
    where
        T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
    {
        self.optional_number(name, min, max).unwrap_or(default)
    }

    pub(super) fn optional_number<T>(&mut self, name: &str, min: T, max: T) -> Option<T>
    where
        T: std::str::FromStr + PartialOrd + fmt::Display + Copy,
    {
        let value = self.get(name)?;
        match value.parse::<T>() {
            Ok(n) if n >= min && n <= max => Some(n),
            Ok(_) => {
                let echo = self.echo(&value);
                self.problem(format!("{name} must be between {min} and {max}{echo}"));
                None
            }
            Err(_) => {
                let echo = self.echo(&value);
                self.problem(format!(
                    "{name} is not a whole number between {min} and {max}{echo}"
                ));
                None
            }
        }
    }
}

/// `A is set` / `A, B are set`.
pub(super) fn are_set(names: &[&str]) -> String {
    let verb = if names.len() == 1 { "is" } else { "are" };
    format!("{} {verb} set", names.join(", "))
}

/// Whether `name` can name a behaviour profile: 1 to 64 of `a-z`, `0-9`, `-`, `_` (it names a
/// file, `snapshots/profile__<name>.snap`).
pub(super) fn valid_profile_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}
