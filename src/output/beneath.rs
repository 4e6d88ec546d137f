//! Writing into a kept output tree without ever leaving it.
//!
//! A kept tree (see [`super::staging`]) was an output a reader could touch:
//! someone may have linked `public/uploads` to a folder of their own to
//! preview it. Every path in it is therefore resolved by the kernel with no
//! symbolic link followed and no way out of the tree (`openat2` with
//! `RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV`, Linux 5.6 and
//! later): a link is removed as an obstacle, never written or deleted
//! through, and a folder mounted into it stops the build with its path.
//! New files and folders get the modes a fresh tree's would (0666 and 0777
//! less the umask).

use std::fs::File;
use std::io::Error as IoError;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
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
            OFlags::DIRECTORY | OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
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
        // Non-blocking: opening a named pipe someone left there would
        // otherwise wait for a reader for ever.
        if let Ok(fd) = resolve(&self.fd, rel, OFlags::WRONLY | OFlags::NONBLOCK) {
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
        let fd = rustix::fs::openat(&folder, name, flags, Mode::from_raw_mode(0o666))?;
        Ok(File::from(fd))
    }

    /// Removes the file `rel` if it is a file (or a link) of the tree; a
    /// folder there (this build's) is left, and so is anything behind a link.
    pub(super) fn remove_file(&self, rel: &Path) -> std::io::Result<()> {
        let Some((folder, name)) = self.parent_of(rel) else {
            return Ok(());
        };
        match unlinkat(&folder, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT | Errno::NOTDIR | Errno::ISDIR) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Removes the folder `rel` if it is empty.
    pub(super) fn remove_empty_folder(&self, rel: &Path) -> std::io::Result<()> {
        let Some((folder, name)) = self.parent_of(rel) else {
            return Ok(());
        };
        match unlinkat(&folder, name, AtFlags::REMOVEDIR) {
            Ok(()) | Err(Errno::NOENT | Errno::NOTDIR | Errno::NOTEMPTY) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The folder holding `rel`, reached without a link, and `rel`'s name.
    fn parent_of<'a>(&self, rel: &'a Path) -> Option<(OwnedFd, &'a std::ffi::OsStr)> {
        let name = rel.file_name()?;
        let parent = rel
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let folder = openat2(&self.fd, parent, flags, Mode::empty(), beneath()).ok()?;
        Some((folder, name))
    }

    /// The folder `rel`, made (with its parents) where missing; a file or a
    /// link where one of them goes is removed first. Other threads make
    /// folders at the same time: one made meanwhile is used, never removed.
    fn folder(&self, rel: &str) -> std::io::Result<OwnedFd> {
        let mut at = resolve(&self.fd, ".", OFlags::DIRECTORY | OFlags::RDONLY)?;
        for name in rel.split('/').filter(|n| !n.is_empty()) {
            let next = match resolve(&at, name, OFlags::DIRECTORY | OFlags::RDONLY) {
                Ok(fd) => fd,
                Err(e) => {
                    if e.kind() != std::io::ErrorKind::NotFound {
                        unlink_unless_folder(&at, name)?;
                    }
                    match mkdirat(&at, name, Mode::from_raw_mode(0o777)) {
                        Ok(()) | Err(Errno::EXIST) => {}
                        Err(e) => return Err(e.into()),
                    }
                    resolve(&at, name, OFlags::DIRECTORY | OFlags::RDONLY)?
                }
            };
            at = next;
        }
        Ok(at)
    }

    /// Removes what is at `name` in `folder` (the tree's `parent`) for a
    /// file to go there: a file or a link, or a whole folder of the kept tree.
    fn clear(&self, folder: &OwnedFd, parent: &str, name: &str) -> std::io::Result<()> {
        match unlinkat(folder, name, AtFlags::empty()) {
            Ok(()) | Err(Errno::NOENT) => Ok(()),
            Err(Errno::ISDIR) | Err(Errno::PERM) => remove_folder_at(folder, name.as_ref()).map_err(|e| {
                let path = self.root.join(parent).join(name);
                IoError::new(e.kind(), format!("{}: {e}", path.display()))
            }),
            Err(e) => Err(e.into()),
        }
    }
}

/// Removes the folder `name` in `folder` and all it holds, each step
/// through the open folder above it: no link followed, no mount entered.
fn remove_folder_at(folder: &OwnedFd, name: &std::ffi::OsStr) -> std::io::Result<()> {
    let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let inner = openat2(folder, name, flags, Mode::empty(), beneath())?;
    for entry in rustix::fs::Dir::read_from(&inner)? {
        let entry = entry?;
        let child = std::ffi::OsStr::from_bytes(entry.file_name().to_bytes());
        if child == "." || child == ".." {
            continue;
        }
        // A file system that does not say an entry's type says so on unlink.
        match entry.file_type() {
            rustix::fs::FileType::Directory => remove_folder_at(&inner, child)?,
            _ => match unlinkat(&inner, child, AtFlags::empty()) {
                Err(Errno::ISDIR) => remove_folder_at(&inner, child)?,
                other => other?,
            },
        }
    }
    Ok(unlinkat(folder, name, AtFlags::REMOVEDIR)?)
}

/// Removes a file or a link at `name` in `folder`; a folder stays.
fn unlink_unless_folder(folder: &OwnedFd, name: &str) -> std::io::Result<()> {
    match unlinkat(folder, name, AtFlags::empty()) {
        Ok(()) | Err(Errno::NOENT) | Err(Errno::ISDIR) | Err(Errno::PERM) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn resolve(at: &OwnedFd, rel: &str, flags: OFlags) -> std::io::Result<OwnedFd> {
    let rel = if rel.is_empty() { "." } else { rel };
    openat2(
        at,
        rel,
        flags | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
        beneath(),
    )
    .map_err(IoError::from)
}

/// Paths stay inside the tree, follow no link and cross no mount point
/// (a folder mounted into an output is not the build's to write).
fn beneath() -> ResolveFlags {
    ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_XDEV
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
