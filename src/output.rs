//! The output tree: where files go, which output folders are allowed, and the
//! atomic swap that leaves the previous output untouched when a build fails.
//!
//! A build writes into a staging folder beside the output (`.public.dossier-new`
//! for `public/`) and, only when every file is written, exchanges it with the
//! output in one rename. A build that fails or is killed half-way leaves the
//! previous output exactly as it was; the leftover staging folder is cleared
//! by the next build.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::{Diagnostic, Error};
use crate::render::RenderedFile;

/// A file to copy as it is.
#[derive(Debug, Clone)]
pub struct Copy {
    pub source: PathBuf,
    /// Output path, relative and `/`-separated.
    pub dest: String,
}

/// Everything the output folder will hold.
#[derive(Default)]
pub struct Tree {
    pub files: Vec<RenderedFile>,
    pub copies: Vec<Copy>,
}

impl Tree {
    /// Adds every file under `dir` to be copied to the same relative path.
    pub fn copy_folder(&mut self, dir: &Path) {
        for entry in WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && !crate::content::walk::is_junk(&name) {
                let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let dest = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                self.copies.push(Copy {
                    source: entry.path().to_path_buf(),
                    dest,
                });
            }
        }
    }

    /// Two things written to one path would silently lose one of them.
    /// Later copies (the site's `static/`) may replace earlier ones (the theme's).
    pub fn check_clashes(&mut self, overridable: usize) -> Vec<Diagnostic> {
        let mut owner: HashMap<&str, usize> = HashMap::new();
        let mut problems = Vec::new();
        let mut replaced = Vec::new();
        for (i, c) in self.copies.iter().enumerate() {
            if let Some(&prev) = owner.get(c.dest.as_str()) {
                if prev < overridable {
                    replaced.push(prev);
                } else {
                    problems.push(clash(&c.source, &c.dest));
                }
            }
            owner.insert(&c.dest, i);
        }
        for f in &self.files {
            if let Some(&i) = owner.get(f.path.as_str()) {
                problems.push(clash(&self.copies[i].source, &f.path));
            }
        }
        replaced.sort_unstable();
        for i in replaced.into_iter().rev() {
            self.copies.remove(i);
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
    for source in ["content", "themes", "templates", "static"] {
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
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = out.parent().unwrap_or(Path::new("/"));
    (
        parent.join(format!(".{name}.dossier-new")),
        parent.join(format!(".{name}.dossier-old")),
    )
}

/// Writes `tree` to `out` atomically (see the module docs).
pub fn write(tree: &Tree, out: &Path) -> Result<(), Error> {
    let (staging, retired) = siblings(out);
    for leftover in [&staging, &retired] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover).map_err(|e| Error::io(leftover, e))?;
        }
    }
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    if let Err(e) = fill(tree, &staging) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap(&staging, out, &retired)
}

/// Writes every file of `tree` under `dir`.
fn fill(tree: &Tree, dir: &Path) -> Result<(), Error> {
    let parents: BTreeSet<PathBuf> = tree
        .files
        .iter()
        .map(|f| f.path.as_str())
        .chain(tree.copies.iter().map(|c| c.dest.as_str()))
        .filter_map(|p| Path::new(p).parent().map(|parent| dir.join(parent)))
        .collect();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    for p in &parents {
        std::fs::create_dir_all(p).map_err(|e| Error::io(p, e))?;
    }
    tree.files.par_iter().try_for_each(|f| {
        let path = dir.join(&f.path);
        std::fs::write(&path, &f.bytes).map_err(|e| Error::io(&path, e))
    })?;
    tree.copies.par_iter().try_for_each(|c| {
        let path = dir.join(&c.dest);
        std::fs::copy(&c.source, &path)
            .map(|_| ())
            .map_err(|e| Error::io(&c.source, e))
    })
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
        return std::fs::remove_dir_all(retired).map_err(|e| Error::io(retired, e));
    }
    // After the exchange, `staging` holds the previous output.
    std::fs::remove_dir_all(staging).map_err(|e| Error::io(staging, e))
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
