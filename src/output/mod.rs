//! The output tree: where files go, which output folders are allowed, and the
//! atomic swap that leaves the previous output untouched when a build fails.
//!
//! A build writes into a staging folder beside the output and, only when
//! every file is written, exchanges it with the output in one rename (see
//! [`staging`]). A build that fails or is killed half-way leaves the previous
//! output exactly as it was.

#[cfg(target_os = "linux")]
mod beneath;
mod staging;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

pub(crate) use staging::Staging;

use crate::error::{Diagnostic, Error};

/// One output file: its path in the output and its bytes.
pub(crate) struct RenderedFile {
    /// Relative to the output folder, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// A file to copy as it is.
#[derive(Debug, Clone)]
pub(crate) struct Copy {
    /// The file; for a file of the built-in theme, the path it has in a
    /// copy of the theme (`themes/explainer/static/...`), to name it.
    pub source: PathBuf,
    /// The bytes of a built-in theme file (it has no file to copy from).
    pub builtin: Option<&'static [u8]>,
    /// Output path, relative and `/`-separated.
    pub dest: String,
}

impl Copy {
    pub(crate) fn bytes(&self) -> Result<Vec<u8>, Error> {
        match self.builtin {
            Some(bytes) => Ok(bytes.to_vec()),
            None => std::fs::read(&self.source).map_err(|e| Error::io(&self.source, e)),
        }
    }
}

/// Where each rendered file goes as soon as it is rendered: a build's staging
/// folder, the folder `serve` serves, or nowhere (`check`). Rendering streams
/// files out instead of holding the whole site in memory.
pub(crate) type Emit<'a> = dyn Fn(RenderedFile) -> Result<(), Error> + Sync + 'a;

/// The files copied as they are: theme and site `static/`, content assets.
#[derive(Default)]
pub(crate) struct Copies {
    pub list: Vec<Copy>,
}

impl Copies {
    /// Adds every file under `dir` to be copied to the same relative path.
    pub(crate) fn copy_folder(&mut self, dir: &Path) {
        for entry in WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && !crate::content::walk::is_junk(&name) {
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let dest = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                self.list.push(Copy {
                    source: entry.path().to_path_buf(),
                    builtin: None,
                    dest,
                });
            }
        }
    }

    /// Two things written to one path would silently lose one of them. The
    /// first `overridable` copies (the theme's `static/`) may be replaced by
    /// later ones (the site's); anything else is a problem.
    pub(crate) fn check_clashes(&mut self, overridable: usize, rendered: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
        let mut owner: HashMap<&str, usize> = HashMap::new();
        let mut problems = Vec::new();
        let mut replaced = Vec::new();
        for (i, c) in self.list.iter().enumerate() {
            if rendered(&c.dest) {
                problems.push(clash(&c.source, &c.dest));
            }
            if let Some(&prev) = owner.get(c.dest.as_str()) {
                if prev < overridable {
                    replaced.push(prev);
                } else {
                    problems.push(clash(&c.source, &c.dest));
                }
            }
            owner.insert(&c.dest, i);
        }
        replaced.sort_unstable();
        replaced.dedup();
        for i in replaced.into_iter().rev() {
            self.list.remove(i);
        }
        problems
    }
}

fn clash(source: &Path, dest: &str) -> Diagnostic {
    Diagnostic::file(source, format!("`{dest}` is also written by a page or another file"))
        .with_hint("rename or move one of them")
}

/// Resolves the output folder and refuses the ones a build must never replace:
/// the site root or a folder above it, and the site's source folders.
pub fn check_dir(root: &Path, out: &Path) -> Result<PathBuf, Error> {
    let out = absolute(out)?;
    let refuse = |why: &str| Error::Usage(format!("refusing to write the site into {}: {why}", out.display()));
    if root.starts_with(&out) {
        return Err(refuse("it holds the site itself (pick a folder such as public/)"));
    }
    for source in crate::model::SOURCE_DIRS {
        if out.starts_with(root.join(source)) {
            return Err(refuse(&format!("it is inside the site's {source}/ folder")));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(refuse("it is a file, not a folder"));
        }
        let mut entries = std::fs::read_dir(&out).map_err(|e| Error::io(&out, e))?;
        let empty = entries.next().is_none();
        if out.join(".git").exists() {
            // A deploy checkout (gh-pages, say): replacing it would delete its history.
            return Err(refuse("it holds a .git folder; build elsewhere and copy the files in"));
        }
        if !empty && !out.join("index.html").exists() && !out.join("404.html").exists() {
            return Err(refuse(
                "it is not empty and does not look like a built site; empty it or pick another folder",
            ));
        }
    }
    Ok(out)
}

/// An absolute, `..`-free form of `path` (which need not exist yet).
fn absolute(path: &Path) -> Result<PathBuf, Error> {
    let abs = std::path::absolute(path).map_err(|e| Error::io(path, e))?;
    // Canonicalize the deepest part that exists, so symlinks cannot hide where it is.
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(existing).map_err(|e| Error::io(existing, e))?;
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    Ok(out)
}

/// `.public.dossier-<what>` beside the output `public/`: the only names a
/// build writes outside its output (staging, retired, stamp, cards cache).
pub(crate) fn beside(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = out.parent().unwrap_or(Path::new("/"));
    parent.join(format!(".{name}.dossier-{what}"))
}

/// `dir/rel`, refusing any `rel` that could leave `dir` (a last guard: the
/// content checks already refuse such names).
pub(crate) fn inside(dir: &Path, rel: &str) -> Result<PathBuf, Error> {
    let rel_path = Path::new(rel);
    let plain = rel_path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain || rel.is_empty() {
        return Err(Error::Usage(format!(
            "refusing to write `{rel}`: it would leave the output folder"
        )));
    }
    Ok(dir.join(rel_path))
}

/// Removes from the cache folder `dir` (beside the output) every
/// `<key><suffix>` file whose key is not in `keep`, and anything else there
/// (a half-written entry), so that it holds what the last build used.
pub(crate) fn keep_only(dir: &Path, suffix: &str, keep: &std::collections::HashSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.strip_suffix(suffix).is_some_and(|key| keep.contains(key)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
