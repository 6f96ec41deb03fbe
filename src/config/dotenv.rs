//! Reading `.env`: the process environment first, the file second, nothing echoed from a line.

use std::collections::HashMap;
use std::path::Path;

/// The value of a variable given its value in the process environment and in `.env`: the
/// process environment wins whenever the variable exists there, even if empty or not UTF-8.
pub(super) fn layered(
    process: Option<std::ffi::OsString>,
    dotenv: Option<&String>,
) -> Option<String> {
    match process {
        Some(value) => value.into_string().ok(),
        None => dotenv.cloned(),
    }
}

/// Reads `path` as a dotenv file into a map (first occurrence wins, as in dotenvy's `load`).
/// A missing file gives an empty map; other failures are returned as problems.
///
/// The file is read whole and parsed with `dotenvy::from_read_iter` rather than
/// `dotenvy::from_path_iter`: the iterators, unlike dotenvy's `load`, do not strip a UTF-8 byte
/// order mark, which would make the first line unparsable.
pub(super) fn read_dotenv(path: &Path) -> (HashMap<String, String>, Vec<String>) {
    let mut map = HashMap::new();
    let mut problems = Vec::new();
    let file = path.display();
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (map, problems),
        Err(e) => {
            problems.push(format!("{file} cannot be read: {e}"));
            return (map, problems);
        }
    };
    let content = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    for item in dotenvy::from_read_iter(content) {
        match item {
            Ok((key, value)) => {
                map.entry(key).or_insert(value);
            }
            Err(e @ dotenvy::Error::Io(_)) => {
                // E.g. invalid UTF-8; stop rather than risk repeating the same error.
                problems.push(format!(
                    "{file} cannot be read: {}",
                    describe_dotenv_error(&e)
                ));
                break;
            }
            Err(e) => problems.push(format!("{file}: {}", describe_dotenv_error(&e))),
        }
    }
    (map, problems)
}

/// Describes a dotenvy error without quoting the offending line, which may hold a secret.
fn describe_dotenv_error(error: &dotenvy::Error) -> String {
    match error {
        dotenvy::Error::LineParse(line, _) => {
            let key = line
                .split('=')
                .next()
                .map(|k| k.trim().trim_start_matches("export ").trim())
                .filter(|k| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                });
            match key {
                Some(key) => format!(
                    "the line for {key} cannot be parsed (check its quoting; the line is not shown as it may hold a secret)"
                ),
                None => "a line cannot be parsed (check its quoting; the line is not shown as it may hold a secret)".to_owned(),
            }
        }
        dotenvy::Error::Io(e) => e.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "Sup3r-S3cret-Value~xyz";

    #[test]
    fn the_process_environment_wins_over_dotenv_even_when_empty() {
        let from_file = "from-file".to_owned();
        assert_eq!(
            layered(None, Some(&from_file)).as_deref(),
            Some("from-file")
        );
        assert_eq!(
            layered(Some("env".into()), Some(&from_file)).as_deref(),
            Some("env")
        );
        assert_eq!(
            layered(Some("".into()), Some(&from_file)).as_deref(),
            Some("")
        );
        assert_eq!(layered(None, None), None);
    }

    #[test]
    fn dotenv_file_is_read_into_a_map_first_value_wins_and_bom_is_ignored() {
        let dir = std::env::temp_dir().join(format!("p1-mfa-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join(".env");
        std::fs::write(
            &path,
            "\u{feff}PINGONE_REGION_CODE=EU\n# comment\nPINGONE_STRICT=\nexport PINGONE_CONCURRENCY=\"8\"\nPINGONE_REGION_CODE=CA\n",
        )
        .expect("write .env");
        let (map, problems) = read_dotenv(&path);
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(
            map.get("PINGONE_REGION_CODE").map(String::as_str),
            Some("EU")
        );
        assert_eq!(map.get("PINGONE_STRICT").map(String::as_str), Some(""));
        assert_eq!(
            map.get("PINGONE_CONCURRENCY").map(String::as_str),
            Some("8")
        );

        std::fs::write(&path, format!("PINGONE_CLIENT_SECRET='{SECRET}\n")).expect("write .env");
        let (_, problems) = read_dotenv(&path);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].contains("PINGONE_CLIENT_SECRET cannot be parsed"),
            "{problems:#?}"
        );
        assert!(!problems[0].contains(SECRET), "{problems:#?}");

        std::fs::write(&path, b"PINGONE_STRICT=true\nPINGONE_REGION_CODE=\xFF\n")
            .expect("write .env");
        let (map, problems) = read_dotenv(&path);
        assert_eq!(map.get("PINGONE_STRICT").map(String::as_str), Some("true"));
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].contains("cannot be read"), "{problems:#?}");

        let (map, problems) = read_dotenv(&dir.join("missing.env"));
        assert!(map.is_empty() && problems.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
