//! The output tree: where files go, which output folders are allowed, and the
//! atomic swap that leaves the previous output untouched when a build fails.
//!
//! A build writes into a staging folder beside the output (`.public.dossier-new`
//! for `public/`) and, only when every file is written, exchanges it with the
//! output in one rename. A build that fails or is killed half-way leaves the
//! previous output exactly as it was; the leftover staging folder is cleared
//! by the next build.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

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

/// The staging and retired folders that sit beside `out` during a swap.
fn siblings(out: &Path) -> (PathBuf, PathBuf) {
    (beside(out, "new"), beside(out, "old"))
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

/// A build's new output, written beside the old one until [`Staging::commit`].
pub(crate) struct Staging {
    dir: PathBuf,
    out: PathBuf,
    retired: PathBuf,
}

impl Staging {
    /// Starts a new output for `out`, clearing what a killed build left.
    pub(crate) fn begin(out: &Path) -> Result<Staging, Error> {
        let (dir, retired) = siblings(out);
        if !out.exists() && retired.exists() {
            // Killed between the two renames of a swap without atomic
            // exchange: the retired folder is the last good output.
            std::fs::rename(&retired, out).map_err(|e| Error::io(out, e))?;
        }
        for leftover in [&dir, &retired] {
            if leftover.exists() {
                remove_tree(leftover)?;
            }
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            retired,
        })
    }

    /// Writes one file (callable from many threads at once).
    pub(crate) fn write(&self, f: &RenderedFile) -> Result<(), Error> {
        let path = inside(&self.dir, &f.path)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, &f.bytes).map_err(|e| Error::io(&path, e))
    }

    pub(crate) fn copy_all(&self, copies: &[Copy]) -> Result<(), Error> {
        copies.par_iter().try_for_each(|c| {
            let path = inside(&self.dir, &c.dest)?;
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            match c.builtin {
                Some(bytes) => std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e)),
                None => std::fs::copy(&c.source, &path)
                    .map(|_| ())
                    .map_err(|e| Error::io(&c.source, e)),
            }
        })
    }

    /// Swaps the new output in (see the module docs).
    pub(crate) fn commit(self) -> Result<(), Error> {
        swap(&self.dir, &self.out, &self.retired)
    }

    /// Throws the new output away; the old one was never touched.
    pub(crate) fn abort(self) {
        let _ = remove_tree(&self.dir);
    }
}

/// Removes a folder tree, its top-level entries in parallel (an old output
/// of 10,000 pages is 10,000 folders).
fn remove_tree(dir: &Path) -> Result<(), Error> {
    let entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    entries.par_iter().try_for_each(|p| {
        let removed = if p.is_dir() && !p.is_symlink() {
            std::fs::remove_dir_all(p)
        } else {
            std::fs::remove_file(p)
        };
        removed.map_err(|e| Error::io(p, e))
    })?;
    std::fs::remove_dir(dir).map_err(|e| Error::io(dir, e))
}

/// Puts `staging` in the place of `out`, in one atomic exchange where the
/// system has one, and removes the previous output.
fn swap(staging: &Path, out: &Path, retired: &Path) -> Result<(), Error> {
    if !out.exists() {
        return std::fs::rename(staging, out).map_err(|e| Error::io(out, e));
    }
    if exchange(staging, out).is_err() {
        // No atomic exchange on this system or file system: two renames.
        std::fs::rename(out, retired).map_err(|e| Error::io(out, e))?;
        std::fs::rename(staging, out).map_err(|e| Error::io(out, e))?;
        // The new output is in place; what is left is tidying, which the
        // next build finishes if it fails now.
        let _ = remove_tree(retired);
        return Ok(());
    }
    // After the exchange, `staging` holds the previous output.
    let _ = remove_tree(staging);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}
