//! The staging folder and the swap.
//!
//! A build writes into a staging folder beside the output (`.public.dossier-new`
//! for `public/`) and, only when every file is written, exchanges the two in
//! one rename. The exchange leaves the previous output where the staging
//! folder was, and it stays there: the next build writes over it. Writing
//! over a file costs less than making a new one and deleting the old: at
//! 10,000 pages, deleting the old tree and making every folder again was a
//! fifth of a full build. What the kept tree holds is found by walking it on
//! a thread of its own while the build renders (it may hold files put into
//! the output by hand or by `serve --output`), and whatever the build does
//! not write again is removed before the swap, so the output is always
//! exactly what the build wrote.
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
    /// What the staging folder held when the build began (a previous
    /// output), being found out on a thread of its own.
    kept: Option<std::thread::JoinHandle<Result<Kept, String>>>,
    /// What this build wrote, relative and `/`-separated.
    written: Mutex<Vec<String>>,
    /// The kept tree, when the build writes over one.
    tree: Option<Tree>,
    /// Held until the swap: two builds into one output at once would
    /// write over each other's staging folder.
    _lock: File,
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
    fn remove_file(&self, _: &Path) -> std::io::Result<()> {
        Ok(())
    }
    fn remove_empty_folder(&self, _: &Path) -> std::io::Result<()> {
        Ok(())
    }
}

/// The staging and retired folders that sit beside `out` during a swap.
fn siblings(out: &Path) -> (PathBuf, PathBuf) {
    (beside(out, "new"), beside(out, "old"))
}

/// The files (and links) and folders of a kept tree, relative to it.
#[derive(Default)]
struct Kept {
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Staging {
    /// Starts a new output for `out` in the staging folder, writing over
    /// the previous output kept there.
    pub(crate) fn begin(out: &Path) -> Result<Staging, Error> {
        let (dir, retired) = siblings(out);
        let lock = lock(out)?;
        if !out.exists() && retired.exists() {
            // Killed between the two renames of a swap without atomic
            // exchange: the retired folder is the last good output.
            std::fs::rename(&retired, out).map_err(|e| Error::io(out, e))?;
        }
        if retired.exists() {
            remove_tree(&retired)?;
        }
        let tree = dir.is_dir().then(|| Tree::open(&dir)).flatten();
        if tree.is_none() {
            // Cannot be written over safely here: start afresh.
            remove_tree(&dir)?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let kept = tree.is_some().then(|| {
            let dir = dir.clone();
            std::thread::spawn(move || walk(&dir))
        });
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            retired,
            kept,
            written: Mutex::new(Vec::new()),
            tree,
            _lock: lock,
        })
    }

    /// Writes one file (callable from many threads at once).
    pub(crate) fn write(&self, f: &RenderedFile) -> Result<(), Error> {
        let (path, mut file) = self.file(&f.path)?;
        file.write_all(&f.bytes).map_err(|e| Error::io(&path, e))
    }

    pub(crate) fn copy_all(&self, copies: &[Copy]) -> Result<(), Error> {
        copies.par_iter().try_for_each(|c| {
            let (path, mut file) = self.file(&c.dest)?;
            let Some(bytes) = c.builtin else {
                let mut from = File::open(&c.source).map_err(|e| Error::io(&c.source, e))?;
                std::io::copy(&mut from, &mut file).map_err(|e| Error::io(&path, e))?;
                // As `fs::copy` does: the copy has the source's permissions.
                let permissions = from.metadata().map_err(|e| Error::io(&c.source, e))?.permissions();
                return file.set_permissions(permissions).map_err(|e| Error::io(&path, e));
            };
            file.write_all(bytes).map_err(|e| Error::io(&path, e))
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
    pub(crate) fn commit(mut self) -> Result<(), Error> {
        if let (Some(tree), Some(kept)) = (&self.tree, self.kept.take()) {
            let kept = (kept.join())
                .unwrap_or_else(|_| Err("the walk stopped".into()))
                .map_err(|e| {
                    Error::Runtime(format!(
                        "could not read {}: {e}; delete it and build again",
                        self.dir.display()
                    ))
                })?;
            let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            remove_unwritten(&self.dir, tree, &kept, &written)?;
        }
        swap(&self.dir, &self.out, &self.retired)
    }

    /// Leaves the previous output untouched (the next build writes over
    /// what this one left in the staging folder).
    pub(crate) fn abort(mut self) {
        if let Some(kept) = self.kept.take() {
            let _ = kept.join();
        }
    }
}

/// The lock of the output `out` (`.public.dossier-lock`), or an error
/// saying another build holds it.
fn lock(out: &Path) -> Result<File, Error> {
    let path = beside(out, "lock");
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let file = (std::fs::OpenOptions::new().create(true).truncate(false).write(true))
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    // A lock can outlive its build by a moment: a process forked at that
    // moment (to run another program) holds it until that program starts.
    // So a held lock is tried again for two seconds before it is an error.
    for _ in 0..100 {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(&path, e)),
        }
    }
    Err(Error::Runtime(format!(
        "another dossier build is writing {} (it holds {}): wait for it to finish",
        out.display(),
        path.display()
    )))
}

/// What the kept tree `dir` holds (links not followed). A folder that
/// vanishes (or becomes a file) while it is read was cleared by the build,
/// which writes at the same time: not an error.
fn walk(dir: &Path) -> Result<Kept, String> {
    use std::io::ErrorKind::{NotADirectory, NotFound};
    let mut kept = Kept::default();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).same_file_system(true) {
        let entry = match entry {
            Ok(e) => e,
            Err(e)
                if e.io_error()
                    .is_some_and(|io| matches!(io.kind(), NotFound | NotADirectory)) =>
            {
                continue;
            }
            Err(e) => return Err(e.to_string()),
        };
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_path_buf();
        match entry.file_type().is_dir() {
            true => kept.folders.push(rel),
            false => kept.files.push(rel),
        }
    }
    Ok(kept)
}

/// Removes the files of the kept tree this build did not write, then its
/// folders that hold nothing this build wrote (deepest first). One that
/// cannot be removed fails the build: it would be published.
fn remove_unwritten(dir: &Path, tree: &Tree, kept: &Kept, written: &[String]) -> Result<(), Error> {
    let written_files: HashSet<&Path> = written.iter().map(Path::new).collect();
    let written_folders: HashSet<&Path> = (written_files.iter()).flat_map(|f| f.ancestors().skip(1)).collect();
    for file in kept.files.iter().filter(|f| !written_files.contains(f.as_path())) {
        tree.remove_file(file).map_err(|e| Error::io(&dir.join(file), e))?;
    }
    let mut gone: Vec<&PathBuf> = (kept.folders.iter())
        .filter(|f| !written_folders.contains(f.as_path()))
        .collect();
    gone.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    for folder in gone {
        tree.remove_empty_folder(folder)
            .map_err(|e| Error::io(&dir.join(folder), e))?;
    }
    Ok(())
}

/// Removes a folder tree, its top-level entries in parallel (an old output
/// of 10,000 pages is 10,000 folders).
fn remove_tree(dir: &Path) -> Result<(), Error> {
    if std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir()) {
        // A link (or a file) where the folder goes: removed, not followed.
        return std::fs::remove_file(dir).map_err(|e| Error::io(dir, e));
    }
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
/// system has one; the previous output is left in `staging`.
fn swap(staging: &Path, out: &Path, retired: &Path) -> Result<(), Error> {
    if !out.exists() {
        return std::fs::rename(staging, out).map_err(|e| Error::io(out, e));
    }
    if exchange(staging, out).is_err() {
        // No atomic exchange on this system or file system: two renames,
        // then the previous output goes where the next build looks for it.
        std::fs::rename(out, retired).map_err(|e| Error::io(out, e))?;
        std::fs::rename(staging, out).map_err(|e| Error::io(out, e))?;
        let _ = std::fs::rename(retired, staging);
    }
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
        // The previous output is kept for the next build.
        assert_eq!(tree(&beside(&out, "new")), fresh(builds[3]));
    }

    #[test]
    fn threads_making_the_same_folders_at_once_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // The kept tree will have files where the new folders go.
        build(&out, &[("d0", "file"), ("d1/sub", "file")]);
        build(&out, &[("x.html", "x")]);
        let names: Vec<String> = (0..400).map(|i| format!("d{}/sub/deeper/f{i}.html", i % 4)).collect();
        let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "text")).collect();
        for _ in 0..3 {
            let staging = Staging::begin(&out).unwrap();
            files.par_iter().for_each(|(path, text)| {
                let f = RenderedFile {
                    path: path.to_string(),
                    bytes: text.as_bytes().to_vec(),
                };
                staging.write(&f).unwrap();
            });
            staging.commit().unwrap();
            assert_eq!(tree(&out), fresh(&files));
        }
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
    fn files_put_into_an_output_by_hand_do_not_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.html", "1")]);
        // Added to the output (by hand, or by `serve --output`), then to the kept tree.
        std::fs::write(out.join("extra.html"), "?").unwrap();
        std::fs::create_dir_all(out.join("deep/er")).unwrap();
        std::fs::write(out.join("deep/er/x.html"), "?").unwrap();
        build(&out, &[("a.html", "2")]);
        std::fs::write(beside(&out, "new").join("stray.html"), "?").unwrap();
        build(&out, &[("a.html", "3")]);
        assert_eq!(tree(&out), fresh(&[("a.html", "3")]));
        build(&out, &[("a.html", "4")]);
        assert_eq!(tree(&out), fresh(&[("a.html", "4")]));
    }

    #[cfg(unix)]
    #[test]
    fn a_staging_folder_that_is_a_link_or_holds_a_pipe_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("keep.html"), "keep").unwrap();
        std::os::unix::fs::symlink(&elsewhere, beside(&out, "new")).unwrap();
        build(&out, &[("a.html", "1")]);
        build(&out, &[("a.html", "2")]);
        assert_eq!(std::fs::read_to_string(elsewhere.join("keep.html")).unwrap(), "keep");
        // A named pipe in the kept tree where a file goes: replaced, no wait.
        let pipe = beside(&out, "new").join("a.html");
        std::fs::remove_file(&pipe).unwrap();
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&pipe)
                .status()
                .unwrap()
                .success()
        );
        build(&out, &[("a.html", "3")]);
        assert_eq!(tree(&out), fresh(&[("a.html", "3")]));
    }

    #[test]
    fn a_second_build_into_the_same_output_at_once_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("a.html", "1")]);
        let first = Staging::begin(&out).unwrap();
        let Err(e) = Staging::begin(&out) else {
            panic!("two builds at once")
        };
        assert!(e.to_string().contains("another dossier build is writing"), "{e}");
        first.abort();
        build(&out, &[("a.html", "2")]);
        assert_eq!(tree(&out), fresh(&[("a.html", "2")]));
    }

    #[test]
    fn an_aborted_build_leaves_the_output_and_the_next_clears_what_it_wrote() {
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
