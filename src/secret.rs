//! A string that must never be printed: a worker app's client secret or a bearer access token.
//!
//! [`Secret`] has no `Display` and no `Serialize`, and its `Debug` prints `Secret(***)`, so a
//! secret cannot reach a log line, a panic message, a snapshot or a failure report by accident
//! (house style §5: "Never print a token or secret"). The only way to read the value is the
//! deliberately named [`Secret::expose`], to be called where the value goes on the wire.

use std::fmt;

/// A client secret or access token whose value is redacted from `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Returns the secret value. Call this only where the value is sent to the server.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    const VALUE: &str = "s3cr3t-v4lue-that-must-not-leak";

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new(VALUE);
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{secret:#?}"), "Secret(***)");
    }

    #[test]
    fn debug_of_a_struct_containing_a_secret_never_shows_the_value() {
        #[derive(Debug)]
        #[allow(dead_code)] // the fields are read only through Debug
        struct Holder {
            client_id: String,
            client_secret: Secret,
            token: Option<Secret>,
        }
        let holder = Holder {
            client_id: "visible-id".to_owned(),
            client_secret: Secret::new(VALUE),
            token: Some(Secret::new(format!("{VALUE}-token"))),
        };
        for text in [format!("{holder:?}"), format!("{holder:#?}")] {
            assert!(!text.contains(VALUE), "secret leaked: {text}");
            assert!(
                text.contains("visible-id"),
                "unexpected Debug output: {text}"
            );
            assert!(
                text.contains("Secret(***)"),
                "unexpected Debug output: {text}"
            );
        }
    }

    #[test]
    fn expose_returns_the_value() {
        assert_eq!(Secret::new(VALUE).expose(), VALUE);
        assert_eq!(Secret::new(String::from("x")).expose(), "x");
    }

    #[test]
    fn clone_and_eq_compare_values() {
        let a = Secret::new(VALUE);
        assert_eq!(a.clone(), a);
        assert_ne!(a, Secret::new("other"));
    }
}
