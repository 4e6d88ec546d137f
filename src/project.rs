//! The site kept in memory between rebuilds, for `serve` and `build --watch`.
//!
//! A rebuild does the least work that gives the same output as a full build:
//! - an edit to one page that other outputs cannot see (its title, summary,
//!   dates, weight, slug, draft flag, events and reading time unchanged)
//!   re-reads only that file and re-renders only that page (and the feeds,
//!   if its update log changed);
//! - an edit to one page's listing data or events re-reads that file and
//!   re-renders it, its section's pages, the pages its events concern, the
//!   listings, the timeline and the feeds (unless page templates call
//!   functions that read other pages: then everything is rendered);
//! - any other content change re-reads the content and re-renders the site;
//! - a template or theme change re-renders without re-reading content;
//! - a `site.yaml` change, or anything after a failed build, is a full build.
//!
//! Either way only files whose bytes changed are written (each to a temporary
//! name, then renamed, so the server never sends a half-written page), and
//! outputs that are no longer produced are removed. A test checks that the
//! output after any sequence of edits equals a fresh full build, byte for byte.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{Diagnostics, Error};
use crate::output::Copy;
use crate::render::{RenderedFile, Theme};
use crate::{BuildOptions, Loaded, content, convert, feed_files, load, load_theme, render, render_tree};

/// What one rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Rebuild {
    /// Output paths written (relative, `/`-separated).
    pub written: Vec<String>,
    /// Output paths removed.
    pub removed: Vec<String>,
    /// "page", "listing", "content", "templates", "static", "full".
    pub scope: &'static str,
    pub elapsed: Duration,
}

impl Rebuild {
    /// Only stylesheets changed: a browser can swap them without reloading.
    pub fn css_only(&self) -> bool {
        !self.written.is_empty() && self.removed.is_empty() && self.written.iter().all(|p| p.ends_with(".css"))
    }
}

struct State {
    loaded: Loaded,
    theme: Theme,
}

pub struct Project {
    opts: BuildOptions,
    root: PathBuf,
    out: PathBuf,
    /// `None` before the first build and after a failed one: the next
    /// rebuild starts from scratch.
    state: Option<State>,
    /// What the output folder holds: path -> fingerprint of its bytes (or,
    /// for copies, of the source's path, size and time).
    written: HashMap<String, u64>,
}

/// Which part of the site a changed path belongs to.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Area {
    Static,
    Content,
    Templates,
    Config,
}

impl Project {
    /// A project writing to `out` (which `output::check_dir` has approved).
    pub fn new(opts: BuildOptions, root: PathBuf, out: PathBuf) -> Project {
        Project {
            opts,
            root,
            out,
            state: None,
            written: HashMap::new(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn output(&self) -> &Path {
        &self.out
    }

    /// Brings the output up to date after `changed` paths (absolute) changed.
    /// An empty list means "build everything".
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Error> {
        let started = Instant::now();
        let result = self.rebuild_inner(changed);
        if result.is_err() {
            self.state = None;
        }
        result.map(|mut r| {
            r.elapsed = started.elapsed();
            r
        })
    }

    fn rebuild_inner(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Error> {
        let areas: Vec<Area> = changed.iter().filter_map(|p| self.area(p)).collect();
        let widest = areas.iter().max().copied();
        if self.state.is_none() || changed.is_empty() || widest == Some(Area::Config) {
            return self.full();
        }
        let content_changed = areas.contains(&Area::Content);
        if widest == Some(Area::Templates) && !content_changed {
            let state = self.state.as_mut().expect("checked above");
            state.theme = load_theme(&state.loaded)?;
            return self.render_all("templates");
        }
        if !content_changed {
            return self.render_all("static");
        }
        // One page alone (a burst with other files, say a pull, goes wide).
        if let [one] = changed
            && let Some(result) = self.one_page(one)
        {
            return result;
        }
        let loaded = load(&self.root, &self.opts)?;
        let theme = load_theme(&loaded)?;
        self.state = Some(State { loaded, theme });
        self.render_all("content")
    }

    fn area(&self, path: &Path) -> Option<Area> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let first = rel.components().next()?.as_os_str().to_str()?;
        match first {
            "site.yaml" => Some(Area::Config),
            "templates" | "themes" => Some(Area::Templates),
            "content" => Some(Area::Content),
            "static" => Some(Area::Static),
            _ => None,
        }
    }

    fn full(&mut self) -> Result<Rebuild, Error> {
        let loaded = load(&self.root, &self.opts)?;
        let theme = load_theme(&loaded)?;
        self.state = Some(State { loaded, theme });
        self.render_all("full")
    }

    fn render_all(&mut self, scope: &'static str) -> Result<Rebuild, Error> {
        let state = self.state.as_ref().expect("loaded before rendering");
        let known = std::mem::take(&mut self.written);
        let changes = Changes::new(&known);
        let copies = render_tree(&state.loaded, &state.theme, &|f| {
            changes.offer(f);
            Ok(())
        });
        let (seen, changed) = changes.into_parts();
        self.written = known;
        let mut report = self.sync(seen, changed, &copies?, true)?;
        report.scope = scope;
        Ok(report)
    }

    /// The incremental path for one edited page that keeps its place (same
    /// file, URL and draft flag). If nothing other outputs read changed, only
    /// that page is rendered ("page"); if its listing data (title, summary,
    /// date, weight, reading time) or its events changed, it, its section's
    /// pages, the pages its events concern, and the listings, timeline and
    /// feeds are ("listing"). `None` when neither applies (the caller falls
    /// back to a wider rebuild).
    fn one_page(&mut self, path: &Path) -> Option<Result<Rebuild, Error>> {
        if !path.is_file() {
            return None; // deleted or renamed: the site's shape changed
        }
        let state = self.state.as_mut()?;
        let site = &state.loaded.site;
        let i = site.pages.iter().position(|p| site.root.join(&p.file) == path)?;
        let page = match content::reparse_page(site, i)? {
            Ok(p) => p,
            Err(d) => return Some(Err(d.into())),
        };
        let old = &site.pages[i];
        if page.meta.slug != old.meta.slug || page.meta.draft != old.meta.draft {
            return None; // its URL or presence changed: links elsewhere may break
        }
        let problems = content::check_page_references(site, &page);
        if !problems.is_empty() {
            return Some(Err(Diagnostics(problems).into()));
        }
        let (html, problems) = convert::one_page(site, &page, &state.loaded.html.links);
        if !problems.is_empty() {
            return Some(Err(Diagnostics(problems).into()));
        }
        let listing_same = page.meta.title == old.meta.title
            && page.meta.summary == old.meta.summary
            && page.meta.date == old.meta.date
            && page.meta.weight == old.meta.weight
            && html.body.reading_time == state.loaded.html.pages[i].body.reading_time;
        // The page's own events read its sources too.
        let events_same = page.meta.events == old.meta.events
            && (page.meta.events.is_empty() || page.meta.sources == old.meta.sources);
        let visible_elsewhere = !(listing_same && events_same);
        if visible_elsewhere && state.theme.pages_read_the_site() {
            return None; // any page may show this one: render everything
        }
        // The feeds read the listing data, the update log and the events.
        let feeds_changed =
            visible_elsewhere || page.meta.updated != old.meta.updated || page.meta.updates != old.meta.updates;
        let url = old.url.clone();
        let before: Vec<String> = concerned_pages(&state.loaded.events, &url);
        state.loaded.site.pages[i] = page;
        state.loaded.html.pages[i] = html;
        let pages = if visible_elsewhere {
            match relist(state, i, &url, before) {
                Ok(Relisted::Pages(pages)) => pages,
                Ok(Relisted::Everything) => return Some(self.render_all("listing")),
                Err(e) => return Some(Err(e)),
            }
        } else {
            vec![i]
        };
        let changes = Changes::new(&self.written);
        let data = state.loaded.data();
        let rendered = if visible_elsewhere {
            render::render_with_pages(&state.theme, &data, &pages, &|f| {
                changes.offer(f);
                Ok(())
            })
            .map(|_| ())
        } else {
            render::render_page(&state.theme, &data, i)
                .map(|f| changes.offer(f))
                .map_err(Error::from)
        };
        if let Err(e) = rendered {
            return Some(Err(e));
        }
        if feeds_changed {
            feed_files(&state.loaded).into_iter().for_each(|f| changes.offer(f));
        }
        let (seen, changed) = changes.into_parts();
        let scope = if visible_elsewhere { "listing" } else { "page" };
        Some(self.sync(seen, changed, &[], false).map(|mut r| {
            r.scope = scope;
            r
        }))
    }

    /// Writes the changed files and copies; with `complete`, they are the
    /// whole output and files it no longer has are removed.
    fn sync(
        &mut self,
        mut seen: HashMap<String, u64>,
        changed: Vec<RenderedFile>,
        copies: &[Copy],
        complete: bool,
    ) -> Result<Rebuild, Error> {
        if complete && self.written.is_empty() && self.out.exists() {
            // First build into an existing output: learn what it holds, so
            // unchanged files stay as they are and stale ones go.
            self.written = fingerprint_folder(&self.out);
        }
        std::fs::create_dir_all(&self.out).map_err(|e| Error::io(&self.out, e))?;
        let mut report = Rebuild::default();
        for f in &changed {
            write_atomically(&self.out, f)?;
            report.written.push(f.path.clone());
        }
        for c in copies {
            let meta = std::fs::metadata(&c.source).map_err(|e| Error::io(&c.source, e))?;
            let print = fingerprint(&(c.source.as_path(), meta.len(), meta.modified().ok()));
            if self.written.get(&c.dest) != Some(&print) || !self.out.join(&c.dest).exists() {
                let bytes = std::fs::read(&c.source).map_err(|e| Error::io(&c.source, e))?;
                write_atomically(
                    &self.out,
                    &RenderedFile {
                        path: c.dest.clone(),
                        bytes,
                    },
                )?;
                report.written.push(c.dest.clone());
            }
            seen.insert(c.dest.clone(), print);
        }
        if complete {
            for gone in self.written.keys().filter(|p| !seen.contains_key(*p)) {
                remove_output(&self.out, gone);
                report.removed.push(gone.clone());
            }
            self.written = seen;
        } else {
            self.written.extend(seen);
        }
        report.written.sort();
        report.removed.sort();
        Ok(report)
    }
}

/// The rendered files of a rebuild that differ from what the output holds.
/// They are kept in memory and written only once the whole rebuild has
/// succeeded, so a failed rebuild leaves the served site as it was.
struct Changes<'a> {
    known: &'a HashMap<String, u64>,
    /// Every path rendered, with its fingerprint.
    seen: Mutex<HashMap<String, u64>>,
    changed: Mutex<Vec<RenderedFile>>,
}

impl<'a> Changes<'a> {
    fn new(known: &'a HashMap<String, u64>) -> Self {
        Changes {
            known,
            seen: Mutex::new(HashMap::new()),
            changed: Mutex::new(Vec::new()),
        }
    }

    /// Called from many threads: notes the file, keeps it if it changed.
    fn offer(&self, f: RenderedFile) {
        let print = fingerprint(&f.bytes);
        let is_new = self.known.get(&f.path) != Some(&print);
        self.seen
            .lock()
            .expect("no panics hold it")
            .insert(f.path.clone(), print);
        if is_new {
            self.changed.lock().expect("no panics hold it").push(f);
        }
    }

    /// (every path with its fingerprint, the files that changed)
    fn into_parts(self) -> (HashMap<String, u64>, Vec<RenderedFile>) {
        let seen = self.seen.into_inner().expect("no panics hold it");
        (seen, self.changed.into_inner().expect("no panics hold it"))
    }
}

/// After page `i`'s listing data or events changed: re-sorts its section,
/// rebuilds the events, points the theme at the new data, and returns the
/// pages to render: its section's (neighbours, order) and every page its
/// events, old (`before`) or new, concern.
fn relist(state: &mut State, i: usize, url: &str, before: Vec<String>) -> Result<Relisted, Error> {
    let loaded = &mut state.loaded;
    let had_timeline = render::has_timeline(&loaded.site);
    let section = loaded.site.pages[i].section;
    let mut order = std::mem::take(&mut loaded.site.sections[section].pages);
    content::sort_pages(
        &mut order,
        &loaded.site.pages,
        loaded.site.sections[section].meta.sort_by,
    );
    loaded.site.sections[section].pages = order;
    let old_events: Vec<(String, Vec<String>)> = loaded
        .events
        .iter()
        .map(|e| (e.id.clone(), e.related.clone()))
        .collect();
    content::collect_page_events(&mut loaded.site);
    let (events, problems) = crate::timeline::build(&loaded.site, &loaded.html.links);
    if !problems.is_empty() {
        return Err(Diagnostics(problems).into());
    }
    loaded.events = events;
    state.theme.refresh(&loaded.data());
    if render::has_timeline(&loaded.site) != had_timeline {
        // The timeline appeared or went: every page's navigation changes.
        return Ok(Relisted::Everything);
    }
    let new_events: Vec<(String, Vec<String>)> = loaded
        .events
        .iter()
        .map(|e| (e.id.clone(), e.related.clone()))
        .collect();
    let mut urls = concerned_pages(&loaded.events, url);
    urls.extend(before);
    if new_events != old_events {
        // Ids are numbered in site order and events know their neighbours:
        // every page that shows events may show a changed one.
        urls.extend(
            old_events
                .into_iter()
                .chain(new_events)
                .flat_map(|(_, related)| related),
        );
    }
    let mut pages: Vec<usize> = loaded.site.sections[section].pages.clone();
    pages.extend((0..loaded.site.pages.len()).filter(|&p| urls.contains(&loaded.site.pages[p].url)));
    pages.sort_unstable();
    pages.dedup();
    Ok(Relisted::Pages(pages))
}

/// What a listing change must re-render.
enum Relisted {
    /// These pages, and every listing, the timeline and the feeds.
    Pages(Vec<usize>),
    /// The whole site.
    Everything,
}

/// URLs of the pages that show events concerning the page at `url` (an event
/// concerns the pages in its `related`, which includes the page listing it).
fn concerned_pages(events: &[crate::timeline::Event], url: &str) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.related.iter().any(|r| r == url))
        .flat_map(|e| e.related.iter().cloned())
        .collect()
}

/// Every file under `dir` (relative, `/`-separated) with the fingerprint of its bytes.
fn fingerprint_folder(dir: &Path) -> HashMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some((rel, fingerprint(&std::fs::read(e.path()).ok()?)))
        })
        .collect()
}

fn fingerprint<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// Writes to a temporary name beside the file, then renames it into place:
/// a reader sees the old file or the new one, never half of one.
fn write_atomically(out: &Path, f: &RenderedFile) -> Result<(), Error> {
    let path = crate::output::inside(out, &f.path)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let tmp = path.with_file_name(format!(
        ".{}.dossier-tmp",
        path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
    ));
    std::fs::write(&tmp, &f.bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
}

/// Removes an output file and the folders it leaves empty.
fn remove_output(out: &Path, rel: &str) {
    let path = out.join(rel);
    let _ = std::fs::remove_file(&path);
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != out && d.starts_with(out)) {
        if std::fs::remove_dir(d).is_err() {
            break; // not empty
        }
        dir = d.parent();
    }
}
