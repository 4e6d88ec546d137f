//! Finding the files of `content/`: no symlink is followed out of the site,
//! symlink loops end in an error instead of a hang, and editor junk is skipped.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::error::Diagnostic;

/// A file found under `content/`.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    /// Path relative to `content/`, with `/` separators: `explainers/pay.md`.
    pub rel: String,
    /// Where to read it (the target, for a symlink).
    pub path: PathBuf,
}

/// Everything under `content/`: files, folders (relative, `/`-separated), problems.
#[derive(Debug, Default)]
pub(crate) struct Walked {
    pub files: Vec<Found>,
    pub dirs: Vec<String>,
    pub problems: Vec<Diagnostic>,
}

/// Names editors and systems leave beside real files: swap, backup and lock
/// files, vim's `4913` probe, dotfiles. They are never content.
pub(crate) fn is_junk(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [".swp", ".swo", ".swx", ".bck", ".tmp", ".bak"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Walks `root/content`. `root` must be canonical, so symlink targets can be
/// checked against it.
pub(crate) fn walk(root: &Path, content_dir: &Path) -> Walked {
    let mut out = Walked::default();
    let walker = WalkDir::new(content_dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_junk(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| display(root, p)).unwrap_or_else(|| "content".into());
                out.problems.push(
                    Diagnostic::file(path, format!("cannot read it: {e}")).with_hint("check the file's permissions"),
                );
                continue;
            }
        };
        if entry.depth() == 0 {
            continue;
        }
        let rel = rel_path(content_dir, entry.path());
        let ft = entry.file_type();
        if ft.is_dir() {
            out.dirs.push(rel);
        } else if ft.is_symlink() {
            match resolve_symlink(root, entry.path()) {
                Ok(Some(target)) => out.files.push(Found { rel, path: target }),
                Ok(None) => {} // a folder inside the site: it is walked where it really is
                Err(message) => out.problems.push(
                    Diagnostic::file(display(root, entry.path()), message)
                        .with_hint("replace the symlink with the file itself, or remove it"),
                ),
            }
        } else if ft.is_file() {
            out.files.push(Found {
                rel,
                path: entry.path().to_path_buf(),
            });
        } else {
            // A pipe or a device would block or never end when read.
            out.problems.push(
                Diagnostic::file(
                    display(root, entry.path()),
                    "this is not a regular file (a pipe, socket or device)",
                )
                .with_hint("remove it from content/"),
            );
        }
    }
    out
}

/// The file a symlink leads to, if it stays inside the site and is a file.
fn resolve_symlink(root: &Path, link: &Path) -> Result<Option<PathBuf>, String> {
    let target = std::fs::canonicalize(link).map_err(|e| format!("the symlink is broken or loops ({e})"))?;
    if !target.starts_with(root) {
        return Err(format!("the symlink points outside the site, to {}", target.display()));
    }
    if target.is_dir() {
        return Ok(None);
    }
    if !target.is_file() {
        return Err("the symlink leads to something that is not a regular file".into());
    }
    Ok(Some(target))
}

fn rel_path(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A path as the author sees it: relative to the site root.
pub(crate) fn display(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::is_junk;

    #[test]
    fn editor_junk_is_recognised() {
        for name in [
            ".pay.md.swp",
            "pay.md~",
            "#pay.md#",
            "4913",
            ".#pay.md",
            "pay.md.bck",
            ".DS_Store",
        ] {
            assert!(is_junk(name), "{name}");
        }
        for name in ["pay.md", "chart.png", "_index.md", "2024.md"] {
            assert!(!is_junk(name), "{name}");
        }
    }
}
