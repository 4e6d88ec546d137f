//! Writing into a kept output tree without ever leaving it.
//!
//! A kept tree (see [`super::staging`]) was an output a reader could touch:
//! someone may have linked `public/uploads` to a folder of their own to
//! preview it. Every path in it is therefore resolved by the kernel with no
//! symbolic link followed and no way out of the tree (`openat2` with
//! `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS`, Linux 5.6 and later): a link is
//! removed as an obstacle, never written or deleted through.

use std::fs::File;
use std::io::Error as IoError;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{AtFlags, Mode, OFlags, ResolveFlags, mkdirat, openat2, unlinkat};
use rustix::io::Errno;

/// A folder tree opened once, whose paths are `/`-separated and relative.
pub(super) struct Tree {
    root: PathBuf,
    fd: OwnedFd,
}

impl Tree {
    /// `None` where the system cannot resolve paths safely (no `openat2`).
    pub(super) fn open(root: &Path) -> Option<Tree> {
        let fd = rustix::fs::open(
            root,
            OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .ok()?;
        // Probe once: an old kernel answers ENOSYS.
        resolve(&fd, ".", OFlags::DIRECTORY | OFlags::RDONLY).ok()?;
        Some(Tree {
            root: root.to_path_buf(),
            fd,
        })
    }

    /// An empty file at `rel` to write into: the tree's own file when it has
    /// one no other name shares (a hard link elsewhere would change too),
    /// else a new one, clearing whatever stands in its way.
    pub(super) fn empty_file(&self, rel: &str) -> std::io::Result<File> {
        if let Ok(fd) = resolve(&self.fd, rel, OFlags::WRONLY) {
            let file = File::from(fd);
            if file.metadata().is_ok_and(|m| m.is_file() && !shared(&m)) {
                file.set_len(0)?;
                return Ok(file);
            }
        }
        let (parent, name) = split(rel);
        let folder = self.folder(parent)?;
        self.clear(&folder, parent, name)?;
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&folder, name, flags, Mode::from_raw_mode(0o644))?;
        Ok(File::from(fd))
    }

    /// Removes the file `rel` if it is a file (or a link) of the tree; a
    /// folder there is left, and so is anything behind a link.
    pub(super) fn remove_file(&self, rel: &str) {
        let (parent, name) = split(rel);
        if let Ok(folder) = resolve(&self.fd, parent, OFlags::DIRECTORY | OFlags::RDONLY) {
            let _ = unlinkat(&folder, name, AtFlags::empty());
        }
    }

    /// Removes the folder `rel` if it is empty.
    pub(super) fn remove_empty_folder(&self, rel: &str) {
        let (parent, name) = split(rel);
        if let Ok(folder) = resolve(&self.fd, parent, OFlags::DIRECTORY | OFlags::RDONLY) {
            let _ = unlinkat(&folder, name, AtFlags::REMOVEDIR);
        }
    }

    /// The folder `rel`, made (with its parents) where missing; a file or a
    /// link where one of them goes is removed first.
    fn folder(&self, rel: &str) -> std::io::Result<OwnedFd> {
        let mut at = resolve(&self.fd, ".", OFlags::DIRECTORY | OFlags::RDONLY)?;
        let mut done = String::new();
        for name in rel.split('/').filter(|n| !n.is_empty()) {
            let next = match resolve(&at, name, OFlags::DIRECTORY | OFlags::RDONLY) {
                Ok(fd) => fd,
                Err(e) => {
                    if e.kind() != std::io::ErrorKind::NotFound {
                        self.clear(&at, &done, name)?;
                    }
                    mkdirat(&at, name, Mode::from_raw_mode(0o755))?;
                    resolve(&at, name, OFlags::DIRECTORY | OFlags::RDONLY)?
                }
            };
            done = if done.is_empty() {
                name.to_string()
            } else {
                format!("{done}/{name}")
            };
            at = next;
        }
        Ok(at)
    }

    /// Removes what is at `name` in `folder` (the tree's `parent`): a file
    /// or a link, or a whole folder.
    fn clear(&self, folder: &OwnedFd, parent: &str, name: &str) -> std::io::Result<()> {
        match unlinkat(folder, name, AtFlags::empty()) {
            Ok(()) => Ok(()),
            Err(Errno::NOENT) => Ok(()),
            Err(Errno::ISDIR) | Err(Errno::PERM) => {
                // `parent` was reached without a link, so its path is the
                // tree's own; `remove_dir_all` does not follow links inside.
                std::fs::remove_dir_all(self.root.join(parent).join(name))
            }
            Err(e) => Err(e.into()),
        }
    }
}

fn resolve(at: &OwnedFd, rel: &str, flags: OFlags) -> std::io::Result<OwnedFd> {
    let rel = if rel.is_empty() { "." } else { rel };
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS;
    openat2(
        at,
        rel,
        flags | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
        resolve,
    )
    .map_err(IoError::from)
}

/// `("a/b", "c")` for `a/b/c`; `("", "c")` for `c`.
fn split(rel: &str) -> (&str, &str) {
    rel.rsplit_once('/').unwrap_or(("", rel))
}

/// Does the file have another name (a hard link), which writing over it would change too?
fn shared(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() > 1
}
