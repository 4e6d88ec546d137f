//! The staging folder and the swap.
//!
//! A build writes into a staging folder beside the output (`.public.dossier-new`
//! for `public/`) and, only when every file is written, exchanges the two in
//! one rename. The exchange leaves the previous output where the staging
//! folder was, and it stays there: the next build writes over it. Writing
//! over a file costs less than making a new one and deleting the old: at
//! 10,000 pages, deleting the old tree and making every folder again was a
//! fifth of a full build. What the kept tree holds is listed beside it
//! (`.public.dossier-new-files`), so the files a build does not write again
//! are removed before the swap without walking the tree; a tree without a
//! list (a build killed half-way, or an older dossier's) is removed whole.
//!
//! Nothing outside the staging folder is ever written through: a kept file
//! with other hard links (a snapshot made with `cp -al`, say) is replaced by
//! a new file rather than written over, and no symbolic link in a kept tree
//! is followed (see [`super::beneath`]). Where paths cannot be resolved that
//! way (not Linux, or Linux before 5.6), the kept tree is removed instead.

use std::collections::HashSet;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::{Copy, RenderedFile, beside, inside};
use crate::error::Error;

/// A build's new output, written beside the old one until [`Staging::commit`].
pub(crate) struct Staging {
    dir: PathBuf,
    out: PathBuf,
    retired: PathBuf,
    /// What the staging folder held when the build began (a previous output).
    kept: HashSet<String>,
    /// What this build wrote, relative and `/`-separated.
    written: Mutex<Vec<String>>,
    /// The kept tree, when the build writes over one.
    tree: Option<Tree>,
}

#[cfg(target_os = "linux")]
use super::beneath::Tree;

/// Where kept trees cannot be written over safely, none is kept.
#[cfg(not(target_os = "linux"))]
struct Tree;

#[cfg(not(target_os = "linux"))]
impl Tree {
    fn open(_: &Path) -> Option<Tree> {
        None
    }
    fn empty_file(&self, _: &str) -> std::io::Result<File> {
        Err(std::io::ErrorKind::Unsupported.into())
    }
    fn remove_file(&self, _: &str) {}
    fn remove_empty_folder(&self, _: &str) {}
}

/// The staging and retired folders that sit beside `out` during a swap.
fn siblings(out: &Path) -> (PathBuf, PathBuf) {
    (beside(out, "new"), beside(out, "old"))
}

/// The lists of files: of the output, and of the tree kept in the staging folder.
fn lists(out: &Path) -> (PathBuf, PathBuf) {
    (beside(out, "files"), beside(out, "new-files"))
}

impl Staging {
    /// Starts a new output for `out` in the staging folder, reusing the
    /// previous output kept there when its list says what it holds.
    pub(crate) fn begin(out: &Path) -> Result<Staging, Error> {
        let (dir, retired) = siblings(out);
        if !out.exists() && retired.exists() {
            // Killed between the two renames of a swap without atomic
            // exchange: the retired folder is the last good output.
            std::fs::rename(&retired, out).map_err(|e| Error::io(out, e))?;
        }
        if retired.exists() {
            remove_tree(&retired)?;
        }
        let (_, kept_list) = lists(out);
        let listed = read_list(&kept_list).filter(|files| !files.is_empty() && dir.is_dir());
        let (kept, tree) = match listed.and_then(|files| Some((files, Tree::open(&dir)?))) {
            Some((files, tree)) => (files, Some(tree)),
            None => {
                // What it holds is not known, or cannot be written over
                // safely here: start afresh.
                remove_tree(&dir)?;
                (HashSet::new(), None)
            }
        };
        // From here on the tree changes; a build killed now leaves it unlisted.
        remove_if_there(&kept_list)?;
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            retired,
            kept,
            written: Mutex::new(Vec::new()),
            tree,
        })
    }

    /// Writes one file (callable from many threads at once).
    pub(crate) fn write(&self, f: &RenderedFile) -> Result<(), Error> {
        let (path, mut file) = self.file(&f.path)?;
        file.write_all(&f.bytes).map_err(|e| Error::io(&path, e))
    }

    pub(crate) fn copy_all(&self, copies: &[Copy]) -> Result<(), Error> {
        copies.par_iter().try_for_each(|c| {
            let (_, mut file) = self.file(&c.dest)?;
            let copied = match c.builtin {
                Some(bytes) => file.write_all(bytes),
                None => File::open(&c.source).and_then(|mut from| std::io::copy(&mut from, &mut file).map(|_| ())),
            };
            copied.map_err(|e| Error::io(&c.source, e))
        })
    }

    /// An empty file at `rel`, noted as written before anything is written
    /// there, so a failed write is still on the list of what the tree holds.
    fn file(&self, rel: &str) -> Result<(PathBuf, File), Error> {
        let path = inside(&self.dir, rel)?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(rel.to_string());
        let file = match &self.tree {
            Some(tree) => tree.empty_file(rel).map_err(|e| Error::io(&path, e))?,
            // A tree this build made: only its own folders and files.
            None => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
                }
                File::create(&path).map_err(|e| Error::io(&path, e))?
            }
        };
        Ok((path, file))
    }

    /// Removes what the kept tree held and this build did not write, swaps
    /// the new output in, and keeps the previous one for the next build.
    /// The lists only save work: one missing or unwritten costs the next
    /// build a fresh tree, never a wrong one.
    pub(crate) fn commit(self) -> Result<(), Error> {
        let written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        let written: HashSet<String> = written.into_iter().collect();
        if let Some(tree) = &self.tree {
            remove_unwritten(tree, self.kept.difference(&written));
        }
        let (out_list, kept_list) = lists(&self.out);
        let previous = read_list(&out_list);
        remove_if_there(&out_list)?;
        if swap(&self.dir, &self.out, &self.retired)?
            && let Some(previous) = previous
        {
            let _ = write_list(&kept_list, &previous);
        }
        let _ = write_list(&out_list, &written);
        Ok(())
    }

    /// Leaves the previous output untouched; the staging folder is listed
    /// as it is now, for the next build to reuse.
    pub(crate) fn abort(self) {
        let mut files = self.kept;
        files.extend(self.written.into_inner().unwrap_or_else(|e| e.into_inner()));
        let _ = write_list(&lists(&self.out).1, &files);
    }
}

/// Removes the files `gone` of the kept tree, then the folders they leave
/// empty. A folder where such a file was is this build's: it stays.
fn remove_unwritten<'a>(tree: &Tree, gone: impl Iterator<Item = &'a String>) {
    let mut folders = HashSet::new();
    for rel in gone {
        tree.remove_file(rel);
        let mut parent = rel.as_str();
        while let Some((up, _)) = parent.rsplit_once('/') {
            folders.insert(up);
            parent = up;
        }
    }
    // Deepest first; a folder still holding something stays.
    let mut folders: Vec<&str> = folders.into_iter().collect();
    folders.sort_by_key(|f| std::cmp::Reverse(f.matches('/').count()));
    for folder in folders {
        tree.remove_empty_folder(folder);
    }
}

fn remove_if_there(path: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path).map_err(|e| Error::io(path, e)),
        Ok(_) => std::fs::remove_file(path).map_err(|e| Error::io(path, e)),
        Err(_) => Ok(()),
    }
}

/// A list of files: relative paths, each ended by a NUL (which no file name holds).
fn read_list(path: &Path) -> Option<HashSet<String>> {
    let text = std::fs::read_to_string(path).ok()?;
    let body = text.strip_suffix('\0').or(text.is_empty().then_some(""))?;
    Some(body.split('\0').filter(|s| !s.is_empty()).map(str::to_string).collect())
}

fn write_list(path: &Path, files: &HashSet<String>) -> Result<(), Error> {
    let mut text = String::new();
    for f in files {
        text.push_str(f);
        text.push('\0');
    }
    std::fs::write(path, text).map_err(|e| Error::io(path, e))
}

/// Removes a folder tree, its top-level entries in parallel (an old output
/// of 10,000 pages is 10,000 folders).
fn remove_tree(dir: &Path) -> Result<(), Error> {
    // The entry's type comes with the listing (no `stat` per entry); a
    // symbolic link is removed, never followed.
    let entries: Vec<(PathBuf, bool)> = match std::fs::read_dir(dir) {
        Ok(rd) => (rd.filter_map(Result::ok))
            .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    entries.par_iter().try_for_each(|(p, is_dir)| {
        let removed = if *is_dir {
            std::fs::remove_dir_all(p)
        } else {
            std::fs::remove_file(p)
        };
        removed.map_err(|e| Error::io(p, e))
    })?;
    std::fs::remove_dir(dir).map_err(|e| Error::io(dir, e))
}

/// Puts `staging` in the place of `out`, in one atomic exchange where the
/// system has one. Returns whether the previous output is now in `staging`.
fn swap(staging: &Path, out: &Path, retired: &Path) -> Result<bool, Error> {
    if !out.exists() {
        std::fs::rename(staging, out).map_err(|e| Error::io(out, e))?;
        return Ok(false);
    }
    if exchange(staging, out).is_err() {
        // No atomic exchange on this system or file system: two renames,
        // then the previous output goes where the next build looks for it.
        std::fs::rename(out, retired).map_err(|e| Error::io(out, e))?;
        std::fs::rename(staging, out).map_err(|e| Error::io(out, e))?;
        return Ok(std::fs::rename(retired, staging).is_ok());
    }
    Ok(true)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Builds an output of `files` (path, text) into `out` through a staging folder.
    fn build(out: &Path, files: &[(&str, &str)]) {
        let staging = Staging::begin(out).unwrap();
        for (path, text) in files {
            let f = RenderedFile {
                path: path.to_string(),
                bytes: text.as_bytes().to_vec(),
            };
            staging.write(&f).unwrap();
        }
        staging.commit().unwrap();
    }

    /// Every file under `dir` with its text, and every folder (as `name/`).
    fn tree(dir: &Path) -> BTreeMap<String, String> {
        let mut found = BTreeMap::new();
        for e in walkdir::WalkDir::new(dir).min_depth(1) {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            match e.file_type().is_dir() {
                true => found.insert(format!("{rel}/"), String::new()),
                false => found.insert(rel, std::fs::read_to_string(e.path()).unwrap()),
            };
        }
        found
    }

    /// What a fresh tree of `files` looks like.
    fn fresh(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        let dir = tempfile::tempdir().unwrap();
        build(&dir.path().join("public"), files);
        tree(&dir.path().join("public"))
    }

    #[test]
    fn building_over_the_kept_tree_gives_what_a_fresh_build_gives() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let builds: [&[(&str, &str)]; 5] = [
            &[("a/index.html", "a1"), ("foo", "a file"), ("x/y/z.html", "deep")],
            &[("a/index.html", "a2"), ("b/index.html", "b2")],
            // A folder where the kept tree has a file, a file where it has folders.
            &[
                ("a/index.html", "a3"),
                ("foo/index.html", "now a page"),
                ("x", "now a file"),
            ],
            &[("c.html", "c4"), ("foo", "a file again")],
            &[("x/y/z.html", "deep again"), ("a/index.html", "")],
        ];
        for (n, files) in builds.iter().enumerate() {
            build(&out, files);
            assert_eq!(tree(&out), fresh(files), "build {}", n + 1);
        }
        // The previous output is kept, listed, for the next build.
        assert_eq!(tree(&beside(&out, "new")), fresh(builds[3]));
        assert_eq!(read_list(&beside(&out, "new-files")).unwrap().len(), 2);
    }

    #[test]
    fn a_file_with_another_name_is_replaced_not_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.html", "one")]);
        let snapshot = dir.path().join("snapshot.html");
        std::fs::hard_link(out.join("a.html"), &snapshot).unwrap();
        build(&out, &[("a.html", "two")]);
        // The kept tree is now the first output, whose a.html is the snapshot's file.
        build(&out, &[("a.html", "three")]);
        assert_eq!(std::fs::read_to_string(&snapshot).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "three");
    }

    #[cfg(unix)]
    #[test]
    fn links_in_the_kept_tree_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.html", "one"), ("d/b.html", "b")]);
        build(&out, &[("a.html", "two"), ("d/b.html", "b")]);
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("secret.html"), "keep").unwrap();
        let kept = beside(&out, "new");
        std::fs::remove_file(kept.join("a.html")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.html"), kept.join("a.html")).unwrap();
        std::fs::remove_dir_all(kept.join("d")).unwrap();
        std::os::unix::fs::symlink(&outside, kept.join("d")).unwrap();
        build(&out, &[("a.html", "three"), ("d/b.html", "new b")]);
        assert_eq!(std::fs::read_to_string(outside.join("secret.html")).unwrap(), "keep");
        assert!(!outside.join("b.html").exists());
        assert_eq!(tree(&out), fresh(&[("a.html", "three"), ("d/b.html", "new b")]));
    }

    #[test]
    fn a_kept_tree_without_its_list_is_started_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.html", "1")]);
        build(&out, &[("a.html", "2")]);
        // As a build killed half-way leaves it: unlisted, holding a stray file.
        std::fs::remove_file(beside(&out, "new-files")).unwrap();
        std::fs::write(beside(&out, "new").join("stray.html"), "?").unwrap();
        build(&out, &[("a.html", "3")]);
        assert_eq!(tree(&out), fresh(&[("a.html", "3")]));
    }

    #[test]
    fn an_aborted_build_leaves_the_output_and_lists_what_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.html", "1")]);
        build(&out, &[("a.html", "2")]);
        let staging = Staging::begin(&out).unwrap();
        let f = RenderedFile {
            path: "half/written.html".into(),
            bytes: b"x".to_vec(),
        };
        staging.write(&f).unwrap();
        staging.abort();
        assert_eq!(tree(&out), fresh(&[("a.html", "2")]));
        build(&out, &[("b.html", "3")]);
        assert_eq!(tree(&out), fresh(&[("b.html", "3")]));
    }
}
