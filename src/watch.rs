//! File events -> the list of paths to rebuild for.
//!
//! Folders are watched, not files, so editors that save by writing a temporary
//! file and renaming it over the original (vim, many others) are seen like any
//! other save. Editor junk (swap, backup and lock files) is ignored, and one
//! burst of saves becomes one rebuild: events are debounced for a few
//! milliseconds, not the second that makes some tools feel slow.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, RecommendedCache, new_debouncer_opt};

use crate::config::CONFIG_FILE;
use crate::content::walk::is_junk;
use crate::error::Error;
use crate::model::SOURCE_DIRS;

/// Long enough to gather one editor save (write, rename, chmod), short
/// enough that the reload feels immediate.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// Watches the site at `root` and calls `on_change` with each burst of
/// changed paths, until `on_change` returns `false`. `ignore` (the output
/// folder) is never reported. An empty list means "anything may have
/// changed" (events were lost): rebuild everything.
pub fn watch(
    root: &Path,
    ignore: &Path,
    ready: impl FnOnce(),
    mut on_change: impl FnMut(Vec<PathBuf>) -> bool,
) -> Result<(), Error> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let watch_error = |e: notify::Error| Error::Runtime(format!("cannot watch {}: {e}", root.display()));
    // Symlinks are not followed: a link to `/` must not make us watch the disk.
    let config = notify::Config::default().with_follow_symlinks(false);
    let mut debouncer = new_debouncer_opt::<_, notify::RecommendedWatcher, RecommendedCache>(
        DEBOUNCE,
        None,
        tx,
        RecommendedCache::new(),
        config,
    )
    .map_err(watch_error)?;
    // The root itself only for site.yaml and new source folders: watching it
    // recursively would also watch target/, node_modules/ and the output.
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(watch_error)?;
    for dir in SOURCE_DIRS {
        let path = root.join(dir);
        if path.is_dir()
            && let Err(e) = debouncer.watch(&path, RecursiveMode::Recursive)
        {
            eprintln!("warning: cannot watch {dir}/ ({e}); changes there will not rebuild");
        }
    }
    // Every folder is watched from here on: a save now is seen.
    ready();
    for result in rx {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                // Events were lost (say the kernel's queue overflowed): we
                // cannot know what changed, so rebuild everything.
                for e in errors {
                    eprintln!("warning: watching: {e}");
                }
                rewatch_all(&mut debouncer, root);
                if !on_change(Vec::new()) {
                    break;
                }
                continue;
            }
        };
        let mut paths = BTreeSet::new();
        let mut source_dirs = BTreeSet::new();
        for event in events {
            if event.need_rescan() {
                paths.clear();
                source_dirs.clear();
                rewatch_all(&mut debouncer, root);
                if !on_change(Vec::new()) {
                    return Ok(());
                }
                break;
            }
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            for path in &event.paths {
                if SOURCE_DIRS.iter().any(|d| path == &root.join(d)) {
                    source_dirs.insert(path.clone());
                }
                if relevant(root, ignore, path) {
                    paths.insert(path.clone());
                }
            }
        }
        // Before the rebuild, so that it reads any file written into a new
        // folder before its watch took hold.
        for dir in &source_dirs {
            rewatch(&mut debouncer, dir);
        }
        if !paths.is_empty() && !on_change(paths.into_iter().collect()) {
            break;
        }
    }
    Ok(())
}

type Debouncer = notify_debouncer_full::Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// Watches whatever is at the source folder `path` now. Called whenever the
/// folder itself was in an event: it may have been created, deleted, or
/// deleted and created again within one burst. A deleted folder's watch dies
/// with it, and notify re-adds folders it sees created only under a recursive
/// watch (so those under content/ and themes/ are its job, not ours), while
/// the site root is watched alone: without this, a folder that came back
/// would never be watched again. The old watch is dropped first, whatever
/// state it is in; the error when there is none is expected.
fn rewatch(debouncer: &mut Debouncer, path: &Path) {
    let _ = debouncer.unwatch(path);
    if path.is_dir()
        && let Err(e) = debouncer.watch(path, RecursiveMode::Recursive)
    {
        eprintln!(
            "warning: cannot watch {} ({e}); changes there will not rebuild",
            path.display()
        );
    }
}

/// After lost events any source folder may have gone and come back unseen.
fn rewatch_all(debouncer: &mut Debouncer, root: &Path) {
    for dir in SOURCE_DIRS {
        rewatch(debouncer, &root.join(dir));
    }
}

/// Is a change to `path` one the site cares about?
pub fn relevant(root: &Path, ignore: &Path, path: &Path) -> bool {
    if path.starts_with(ignore) {
        return false;
    }
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = parts.next() else { return false };
    let top_ok = first == CONFIG_FILE || SOURCE_DIRS.contains(&first.as_ref());
    top_ok && !rel.components().any(|c| is_junk(&c.as_os_str().to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_count_and_junk_never_does() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        for yes in [
            "/site/site.yaml",
            "/site/content/a.md",
            "/site/themes/x/templates/page.html",
            "/site/static/s.css",
        ] {
            assert!(relevant(root, out, Path::new(yes)), "{yes}");
        }
        for no in [
            "/site/public/index.html",
            "/site/target/debug/x",
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/content/4913",
            "/site/content/#a.md#",
            "/site/content/a.md.bck",
            "/site/README.md",
            "/elsewhere/content/a.md",
        ] {
            assert!(!relevant(root, out, Path::new(no)), "{no}");
        }
    }
}
