//! Skipping a build that would change nothing.
//!
//! After a successful build, a stamp beside the output (`.public.dossier-stamp`
//! for `public/`) records a fingerprint of everything the build read: the
//! size and modification time of every file under `site.yaml`, `content/`,
//! `templates/`, `themes/` and `static/`, the build options, and the dossier
//! binary itself. The next `dossier build` computes the fingerprint again
//! (one pass of `stat` calls, milliseconds even for 10,000 pages) and, when it
//! matches and the output is there, stops: nothing it would write differs.
//! `--force` builds anyway.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use walkdir::WalkDir;

use crate::model::SOURCE_DIRS;

/// What the last build of an output produced, for the one-line report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counts {
    pub pages: usize,
    pub sections: usize,
    pub events: usize,
    pub assets: usize,
}

/// More files than any site has: past this, the fingerprint is not worth it.
const MAX_INPUTS: usize = 500_000;

fn stamp_path(out: &Path) -> PathBuf {
    crate::output::beside(out, "stamp")
}

/// The fingerprint of the build's inputs, or `None` if they cannot all be seen.
/// `options` are the build options that change the output (drafts, base URL).
pub(crate) fn fingerprint(root: &Path, out: &Path, options: &impl Hash) -> Option<u64> {
    let mut h = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut h);
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    (exe.len(), exe.modified().ok()).hash(&mut h);
    (options, out).hash(&mut h);
    let mut seen = 0usize;
    for top in std::iter::once(crate::config::CONFIG_FILE).chain(SOURCE_DIRS) {
        // Through symlinks (a shared theme folder, say), as the build reads;
        // a symlink loop ends in an error, and then we simply build. A link
        // to somewhere huge (`/`) must not make this slower than building.
        for entry in WalkDir::new(root.join(top)).follow_links(true).sort_by_file_name() {
            seen += 1;
            if seen > MAX_INPUTS {
                return None;
            }
            let entry = match entry {
                Ok(e) => e,
                // A missing optional folder is fine; anything else: just build.
                Err(e) if e.io_error().is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) => continue,
                Err(_) => return None,
            };
            let meta = std::fs::metadata(entry.path()).ok()?;
            entry.path().hash(&mut h);
            (meta.len(), meta.modified().unwrap_or(SystemTime::UNIX_EPOCH)).hash(&mut h);
        }
    }
    Some(h.finish())
}

/// The counts of the last build into `out`, if its stamp matches `fingerprint`
/// and the output is still there.
pub(crate) fn up_to_date(out: &Path, fingerprint: u64) -> Option<Counts> {
    if !out.join("index.html").is_file() {
        return None;
    }
    let text = std::fs::read_to_string(stamp_path(out)).ok()?;
    let mut parts = text.split_whitespace();
    if u64::from_str_radix(parts.next()?, 16).ok()? != fingerprint {
        return None;
    }
    let mut n = || parts.next()?.parse().ok();
    Some(Counts {
        pages: n()?,
        sections: n()?,
        events: n()?,
        assets: n()?,
    })
}

/// Records a successful build. Failing to write the stamp only costs the
/// next build its shortcut.
pub(crate) fn record(out: &Path, fingerprint: u64, c: Counts) {
    let text = format!(
        "{fingerprint:016x} {} {} {} {}\n",
        c.pages, c.sections, c.events, c.assets
    );
    let _ = std::fs::write(stamp_path(out), text);
}

/// Forgets the last build (before writing a new one, so a killed build
/// never leaves a stamp that vouches for a half-changed site).
pub(crate) fn clear(out: &Path) {
    let _ = std::fs::remove_file(stamp_path(out));
}
