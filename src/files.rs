//! Files the crate writes (results, the test user's state file, profile snapshots) are written
//! atomically: to a temporary sibling first, then renamed into place, so that a reader, or a
//! run interrupted half-way, never sees half a file.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Write `bytes` to a temporary sibling of `path` (creating the directory), then rename it over
/// `path`.
///
/// # Errors
///
/// What could not be done, naming the file: `cannot write /x/.results.json.1.0.tmp: …`.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let failed = |what: &str, path: &Path, e: std::io::Error| {
        format!("cannot {what} {}: {e}", path.display())
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".to_string());
    let tmp = path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| failed("create", parent, e))?;
    }
    std::fs::write(&tmp, bytes).map_err(|e| failed("write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        failed("rename a temporary file to", path, e)
    })
}
