//! The site kept in memory between rebuilds, for `serve` and `build --watch`.
//!
//! Every output notes what it read when it was rendered ([`Read`]s: its own
//! page, the links of the pages it lists, the events it shows, and whatever
//! template functions looked up). A rebuild loads what changed into a new
//! [`Site`], compares the views those reads name between the old site and
//! the new one, by value (the same structs the templates receive), and
//! re-renders exactly the outputs that read a view that changed, plus the
//! outputs that are new. Outputs that are gone are removed.
//!
//! What is re-read:
//! - edits to existing pages that keep their URL and presence (slug, draft)
//!   re-read those files alone;
//! - any other content change re-reads the content (all of it);
//! - a template or theme change reloads the templates and renders everything
//!   (Tera does not tell which templates a template includes);
//! - a `static/` change only copies files;
//! - a `site.yaml` change, or anything after a failed build, is a full build.
//!
//! Only files whose bytes changed are written (each to a temporary name, then
//! renamed, so the server never sends a half-written page). Tests check that
//! the output after any sequence of edits equals a fresh full build, byte for
//! byte (`tests/incremental.rs`, and `tests/differential.rs` at random).

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Diagnostics, Error};
use crate::model::{PageId, Section, Site};
use crate::output::{Copy, RenderedFile};
use crate::pipeline::{
    BuildOptions, DataFile, ROBOTS, card_cache, data_file_path, data_files, image_cache, load, load_theme,
    render_data_files, writes_robots,
};
use crate::render::context::{EventCtx, events_of, page_link, section_link, site_ctx};
use crate::render::{Read, Target, Theme};
use crate::{content, convert, render};

/// What one rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Rebuild {
    /// Output paths written (relative, `/`-separated).
    pub written: Vec<String>,
    /// Output paths removed.
    pub removed: Vec<String>,
    /// "page" (only the edited pages' own outputs and the feeds), "listing" (other outputs
    /// showed them too), "content", "templates", "static", "full".
    pub scope: &'static str,
    /// Output paths rendered (whether or not their bytes changed).
    pub rendered: Vec<String>,
    /// What the author should know that did not stop the rebuild, as printed
    /// (given when the theme is loaded).
    pub warnings: Vec<String>,
    pub elapsed: Duration,
}

impl Rebuild {
    /// Only stylesheets changed: a browser can swap them without reloading.
    pub fn css_only(&self) -> bool {
        !self.written.is_empty() && self.removed.is_empty() && self.written.iter().all(|p| p.ends_with(".css"))
    }
}

struct State {
    site: Arc<Site>,
    theme: Theme,
    /// Every output of the site, by path.
    outputs: HashMap<String, Job>,
    /// What each output read when it was last rendered, by its path.
    reads: HashMap<String, Vec<Read>>,
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
    /// Where the last rebuild copied files to, in order.
    copied: Vec<String>,
    /// Keeps `pagefind/` current, started by the first good rebuild.
    indexer: Option<crate::search::Indexer>,
    /// Return from a rebuild before the search index is made again (`serve`).
    search_in_background: bool,
}

/// Which part of the site a changed path belongs to.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone, Copy)]
enum Area {
    Static,
    Content,
    Templates,
    Config,
}

/// Which pages a content change touched: by file, or all of them.
enum Touched {
    Pages(Vec<String>),
    Everything,
}

/// One output to produce.
#[derive(Clone, Copy)]
enum Job {
    Html(Target),
    Data(DataFile),
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
            copied: Vec::new(),
            indexer: None,
            search_in_background: false,
        }
    }

    /// Makes rebuilds return as soon as the pages are written, the search
    /// index following on its own thread (a search just after a save may
    /// find the site as it was for a moment). Off by default: a rebuild
    /// returns with the output equal to a full build's.
    pub fn search_in_background(&mut self, on: bool) {
        self.search_in_background = on;
    }

    /// Waits until the search index is up to date with the last rebuild.
    pub fn wait_for_search(&self) {
        if let Some(indexer) = &self.indexer {
            indexer.wait();
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
        if let (Ok(_), Some(state)) = (&result, &self.state) {
            let out = self.out.clone();
            let indexer = self.indexer.get_or_insert_with(|| crate::search::Indexer::start(out));
            indexer.update(state.site.clone(), state.theme.offers(&state.site));
            if !self.search_in_background {
                indexer.wait();
            }
        }
        result.map(|mut r| {
            r.elapsed = started.elapsed();
            r
        })
    }

    fn rebuild_inner(&mut self, changed: &[PathBuf]) -> Result<Rebuild, Error> {
        let areas: Vec<Area> = changed.iter().filter_map(|p| self.area(p)).collect();
        if self.state.is_none() || changed.is_empty() || areas.contains(&Area::Config) {
            let site = Arc::new(load(&self.root, &self.opts, Some(image_cache(&self.out)))?);
            let theme = load_theme(&site)?;
            return self.render_all(site, theme, "full");
        }
        let templates = areas.contains(&Area::Templates);
        let state = self.state.take().expect("checked above");
        // Every page links its stylesheet by a hash of its content: a new
        // stylesheet or script changes every page that links it.
        let hashed = self.opts.hash_assets
            && changed
                .iter()
                .any(|p| p.extension().is_some_and(|e| e == "css" || e == "js"));
        // An image under static/ that a figure shows is content too.
        let shown = changed.iter().any(|p| uses_file(&state.site, p));
        if areas.contains(&Area::Content) || shown {
            let (site, touched) = match reread_pages(&state.site, changed) {
                Some(reread) => {
                    let (site, rels) = reread?;
                    (site, Touched::Pages(rels))
                }
                None => (
                    load(&self.root, &self.opts, Some(image_cache(&self.out)))?,
                    Touched::Everything,
                ),
            };
            let site = Arc::new(site);
            if templates || hashed {
                let theme = load_theme(&site)?;
                return self.render_all(site, theme, "content");
            }
            return self.render_changed(state, site, touched);
        }
        if templates || hashed {
            let theme = load_theme(&state.site)?;
            return self.render_all(state.site, theme, if templates { "templates" } else { "static" });
        }
        // A static file can stand in for an output (`robots.txt`): the
        // outputs are the ones the site has now.
        let mut state = state;
        let outputs = outputs_of(&state.site, state.theme.offers(&state.site))?;
        let jobs: Vec<Job> = (outputs.iter())
            .filter(|(path, _)| !state.outputs.contains_key(*path))
            .map(|(_, job)| *job)
            .collect();
        let outputs_changed = !jobs.is_empty() || outputs.len() != state.outputs.len();
        state.outputs = outputs;
        self.state = Some(state);
        let mut report = self.produce(&jobs, outputs_changed)?;
        report.scope = "static";
        Ok(report)
    }

    fn area(&self, path: &Path) -> Option<Area> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let first = rel.components().next()?.as_os_str().to_str()?;
        // Pages are converted with the shortcodes' templates (which may
        // include partials) and labels: a change to those is read again
        // like site.yaml.
        let shortcodes = first == "i18n"
            || rel.components().any(|c| {
                let c = c.as_os_str();
                c == "shortcodes" || c == "partials" || c == "i18n"
            });
        match first {
            crate::config::CONFIG_FILE => Some(Area::Config),
            "templates" | "themes" | "i18n" if shortcodes => Some(Area::Config),
            "templates" | "themes" => Some(Area::Templates),
            "content" => Some(Area::Content),
            "static" => Some(Area::Static),
            _ => None,
        }
    }

    /// Renders every output of `site`.
    fn render_all(&mut self, site: Arc<Site>, theme: Theme, scope: &'static str) -> Result<Rebuild, Error> {
        let warnings = theme
            .warnings
            .iter()
            .map(crate::error::Diagnostic::as_warning)
            .collect();
        let outputs = outputs_of(&site, theme.offers(&site))?;
        let jobs: Vec<Job> = outputs.values().copied().collect();
        self.state = Some(State {
            site,
            theme,
            outputs,
            reads: HashMap::new(),
        });
        let mut report = self.produce(&jobs, true)?;
        report.scope = scope;
        report.warnings = warnings;
        Ok(report)
    }

    /// Renders the outputs of `new` that read something that differs from
    /// the old site, and the outputs the old site did not have.
    fn render_changed(&mut self, old: State, new: Arc<Site>, touched: Touched) -> Result<Rebuild, Error> {
        let State {
            site: old,
            mut theme,
            outputs,
            reads,
        } = old;
        let old_events = theme.events();
        theme.bind(&new);
        let changed = changed_reads(&old, &new, &old_events, &theme.events(), &touched);
        // Pages edited in place, with `site` the same (so the same timeline
        // and glossary): the same outputs, with the same ids.
        let same_outputs = matches!(touched, Touched::Pages(_))
            && !changed.contains(&Read::Site)
            && !changed.contains(&Read::Tags)
            && outputs.contains_key(ROBOTS) == writes_robots(&new);
        let (outputs, jobs, outputs_changed) = if same_outputs {
            let hit = reads.iter().filter(|(_, r)| read_any(r, &changed));
            let jobs = hit.filter_map(|(path, _)| outputs.get(path).copied()).collect();
            (outputs, jobs, false)
        } else {
            let outputs = outputs_of(&new, theme.offers(&new))?;
            let jobs = (outputs.iter())
                .filter(|(path, _)| reads.get(*path).is_none_or(|r| read_any(r, &changed)))
                .map(|(_, job)| *job)
                .collect();
            (outputs, jobs, true)
        };
        self.state = Some(State {
            site: new.clone(),
            theme,
            outputs,
            reads,
        });
        self.finish_changed(jobs, outputs_changed, &touched, &new)
    }

    fn finish_changed(
        &mut self,
        jobs: Vec<Job>,
        outputs_changed: bool,
        touched: &Touched,
        site: &Site,
    ) -> Result<Rebuild, Error> {
        let own_pages_only = match touched {
            Touched::Pages(rels) => jobs.iter().all(|j| match j {
                Job::Html(Target::Page(p)) => rels.contains(&site.page(*p).rel),
                Job::Data(_) => true,
                Job::Html(_) => false,
            }),
            Touched::Everything => false,
        };
        let mut report = self.produce(&jobs, outputs_changed)?;
        report.scope = match touched {
            Touched::Everything => "content",
            Touched::Pages(_) if own_pages_only => "page",
            Touched::Pages(_) => "listing",
        };
        Ok(report)
    }

    /// Renders `jobs`, notes what each read, copies the static files and
    /// assets, and brings the output folder in line: changed files written,
    /// files no longer produced removed. Nothing is written unless all of it
    /// succeeded.
    fn produce(&mut self, jobs: &[Job], outputs_changed: bool) -> Result<Rebuild, Error> {
        let state = self.state.as_mut().expect("loaded before rendering");
        let site = &state.site;
        let changes = Changes::new(&self.written);
        let ids = crate::anchors::Ids::for_site(site);
        let offer = |f: RenderedFile| {
            ids.note(&f.path, &f.bytes);
            changes.offer(f);
            Ok(())
        };
        let targets: Vec<Target> = jobs
            .iter()
            .filter_map(|j| match j {
                Job::Html(t) => Some(*t),
                Job::Data(_) => None,
            })
            .collect();
        let mut done = render::render_targets(&state.theme, site, &targets, &offer)?;
        // Pages not rendered again are as the output holds them.
        for path in ids.missing() {
            if let Ok(bytes) = std::fs::read(self.out.join(&path)) {
                ids.note(&path, &bytes);
            }
        }
        Diagnostics(ids.check(site)).into_result(())?;
        let data: Vec<DataFile> = jobs
            .iter()
            .filter_map(|j| match j {
                Job::Data(d) => Some(*d),
                Job::Html(_) => None,
            })
            .collect();
        let cards = card_cache(&self.out);
        let offers = state.theme.offers(site);
        done.extend(render_data_files(site, offers, &data, &offer, Some(&cards))?);
        if outputs_changed {
            let outputs = &state.outputs;
            state.reads.retain(|path, _| outputs.contains_key(path));
        }
        state.reads.extend(done);
        let copies = crate::pipeline::copies(site, &state.theme, &|p| {
            state.outputs.contains_key(p) || crate::search::owns(site, p)
        })?;
        let (seen, changed) = changes.into_parts();
        let mut rendered: Vec<String> = seen.keys().cloned().collect();
        rendered.sort();
        let outputs = &self.state.as_ref().expect("set above").outputs;
        // Files can only have gone if the outputs or the copies changed.
        let same_copies = copies.iter().map(|c| &c.dest).eq(&self.copied);
        let current = (outputs_changed || !same_copies).then_some(outputs);
        let mut report = sync(&self.out, &mut self.written, seen, changed, &copies, current)?;
        if !same_copies {
            self.copied = copies.into_iter().map(|c| c.dest).collect();
        }
        report.rendered = rendered;
        Ok(report)
    }
}

/// Does any of `reads` appear in `changed`? (Usually a handful of changes
/// against ten thousand outputs: comparing beats hashing.)
fn read_any(reads: &[Read], changed: &HashSet<Read>) -> bool {
    if changed.len() <= 8 {
        reads.iter().any(|r| changed.iter().any(|c| c == r))
    } else {
        reads.iter().any(|r| changed.contains(r))
    }
}

/// Writes the changed files and copies into `out`, and, given the `current`
/// outputs, removes what it holds that is neither one of them nor a copy.
/// `written` is what `out` holds: path -> fingerprint.
fn sync(
    out: &Path,
    written: &mut HashMap<String, u64>,
    seen: HashMap<String, u64>,
    changed: Vec<RenderedFile>,
    copies: &[Copy],
    current: Option<&HashMap<String, Job>>,
) -> Result<Rebuild, Error> {
    if written.is_empty() && out.exists() {
        // First build into an existing output: learn what it holds, so
        // unchanged files stay as they are and stale ones go.
        *written = fingerprint_folder(out);
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let mut report = Rebuild::default();
    for f in &changed {
        write_atomically(out, f)?;
        report.written.push(f.path.clone());
    }
    written.extend(seen);
    for c in copies {
        let print = match c.builtin {
            Some(bytes) => fingerprint(bytes),
            None => {
                let meta = std::fs::metadata(&c.source).map_err(|e| Error::io(&c.source, e))?;
                fingerprint(&(c.source.as_path(), meta.len(), meta.modified().ok()))
            }
        };
        if written.get(&c.dest) != Some(&print) || !out.join(&c.dest).exists() {
            let bytes = c.bytes()?;
            write_atomically(
                out,
                &RenderedFile {
                    path: c.dest.clone(),
                    bytes,
                },
            )?;
            report.written.push(c.dest.clone());
        }
        written.insert(c.dest.clone(), print);
    }
    let copied: HashSet<&str> = copies.iter().map(|c| c.dest.as_str()).collect();
    let gone: Vec<String> = match current {
        // The search index's folder is the indexer's to keep.
        Some(current) => (written.keys())
            .filter(|p| !current.contains_key(*p) && !copied.contains(p.as_str()) && !in_search_dir(p))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    for path in gone {
        remove_output(out, &path);
        written.remove(&path);
        report.removed.push(path);
    }
    report.written.sort();
    report.removed.sort();
    Ok(report)
}

fn in_search_dir(path: &str) -> bool {
    (path.strip_prefix(crate::model::SEARCH_DIR)).is_some_and(|rest| rest.starts_with('/'))
}

/// Every output of `site`, by path; two HTML outputs at one path are an
/// error, as in a full build.
fn outputs_of(site: &Site, offers: render::browse::Offers) -> Result<HashMap<String, Job>, Error> {
    let targets = render::targets(site, offers);
    Diagnostics(render::clashes(site, &targets)).into_result(())?;
    let html = targets.into_iter().map(Job::Html);
    let jobs = html.chain(data_files(site, offers).into_iter().map(Job::Data));
    Ok(jobs.map(|job| (job_path(site, job), job)).collect())
}

fn job_path(site: &Site, job: Job) -> String {
    match job {
        Job::Html(t) => t.path(site),
        Job::Data(d) => data_file_path(site, d),
    }
}

/// The page whose file is `path` (absolute).
fn page_at(site: &Site, path: &Path) -> Option<PageId> {
    let rel = path.strip_prefix(site.root.join("content")).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    site.page_by_rel(&parts?.join("/"))
}

/// The site after edits to existing pages (or to files their shortcodes
/// read), re-reading those files alone, with the pages it converted again:
/// `None` when a change is anything else (a new, deleted or renamed file, a
/// section or timeline file, a page whose URL or presence changed), which
/// needs the content read again.
fn reread_pages(old: &Site, changed: &[PathBuf]) -> Option<Result<(Site, Vec<String>), Error>> {
    let mut ids: Vec<PageId> = Vec::new();
    for path in changed {
        match page_at(old, path).filter(|_| path.is_file()) {
            Some(id) => ids.push(id),
            // A data file or an image a page shows, changed in place: those pages.
            None if path.is_file() && !users_of(old, path).is_empty() && !section_uses(old, path) => {
                ids.extend(users_of(old, path));
            }
            None => return None,
        }
    }
    ids.sort();
    ids.dedup();
    let mut site = old.clone();
    let mut problems = Vec::new();
    for &id in &ids {
        let page = match content::reparse_page(&site, id)? {
            Ok(p) => p,
            Err(d) => return Some(Err(d.into())),
        };
        let before = &old.page(id).meta;
        if page.meta.slug != before.slug || page.meta.draft != before.draft {
            return None; // its URL or presence changed: links elsewhere may break
        }
        if page.meta.aliases != before.aliases {
            return None; // other outputs: the clash checks look at the whole site
        }
        if page.meta.image.is_some() != before.image.is_some() {
            return None; // its share card comes or goes: another set of outputs
        }
        problems.extend(content::check_page_references(&site, &page));
        site.pages[id.index()] = Arc::new(page);
    }
    for &id in &ids {
        // Its place in its section changes only with its sort key.
        let section = site.page(id).section;
        if content::sort_key(old, id) != content::sort_key(&site, id) {
            content::sort_section(&mut site, section);
        }
    }
    content::collect_page_events(&mut site);
    problems.extend(crate::timeline::build(&mut site));
    // Gathering the tags sorts every tagged page: only when what they show changed.
    fn tagged(s: &Site, id: PageId) -> (&Vec<String>, Option<crate::date::PartialDate>, &String) {
        let m = &s.page(id).meta;
        (&m.tags, m.date, &m.title)
    }
    let event_tags = |s: &Site| -> Vec<Vec<String>> { s.events.iter().map(|e| e.meta.tags.clone()).collect() };
    if ids.iter().any(|&id| tagged(old, id) != tagged(&site, id)) || event_tags(old) != event_tags(&site) {
        site.tags = Arc::new(crate::model::collect_tags(&site));
    }
    // Converted once the events are known: a page can show some.
    let mut convert: Vec<PageId> = ids;
    if site.events != old.events {
        convert.extend(site.page_ids().filter(|&p| site.page(p).html.uses.events));
        convert.sort();
        convert.dedup();
    }
    for &id in &convert {
        let (html, found) = convert::one_page(&site, site.page(id));
        problems.extend(found);
        Arc::make_mut(&mut site.pages[id.index()]).html = html;
    }
    let rels = convert.iter().map(|&id| site.page(id).rel.clone()).collect();
    Some(Diagnostics(problems).into_result((site, rels)))
}

/// The pages whose shortcodes read the file `path`.
fn users_of(site: &Site, path: &Path) -> Vec<PageId> {
    site.page_ids()
        .filter(|&p| site.page(p).html.uses.files.iter().any(|f| f == path))
        .collect()
}

/// Does any page or section of `site` show the file `path`?
fn uses_file(site: &Site, path: &Path) -> bool {
    !users_of(site, path).is_empty() || section_uses(site, path)
}

/// Does a section's intro read the file `path`? (Then the content is read again.)
fn section_uses(site: &Site, path: &Path) -> bool {
    (site.sections.iter().chain(&site.timeline_section)).any(|s| s.uses.files.iter().any(|f| f == path))
}

/// The reads whose views differ between `old` and `new`: views of the
/// touched pages and of their sections, the site-wide views, and, when the
/// events changed, the events each page shows. Views of pages not touched
/// are the same values, moved over unchanged.
fn changed_reads(
    old: &Site,
    new: &Site,
    old_events: &[EventCtx],
    new_events: &[EventCtx],
    touched: &Touched,
) -> HashSet<Read> {
    let mut changed = HashSet::new();
    let mut differ = |read: Read, same: bool| {
        if !same {
            changed.insert(read);
        }
    };
    differ(Read::Site, site_ctx(old) == site_ctx(new));
    differ(Read::Events, old_events == new_events);
    differ(
        Read::Timeline,
        same_section(old.timeline_section.as_ref(), new.timeline_section.as_ref()),
    );
    let rels: Vec<String> = match touched {
        Touched::Pages(rels) => rels.clone(),
        Touched::Everything => old.pages.iter().chain(&new.pages).map(|p| p.rel.clone()).collect(),
    };
    let mut dirs: HashSet<String> = HashSet::new();
    for rel in rels {
        let (a, b) = (old.page_by_rel(&rel), new.page_by_rel(&rel));
        let (a, b) = (a.as_ref(), b.as_ref());
        let link = |site: &Site, p: Option<&PageId>| p.map(|&p| page_link(site, site.page(p)));
        let updates = |site: &Site, p: Option<&PageId>| {
            p.map(|&p| (site.page(p).meta.updated, site.page(p).meta.updates.clone()))
        };
        differ(Read::Link(rel.clone()), link(old, a) == link(new, b));
        differ(Read::Updates(rel.clone()), updates(old, a) == updates(new, b));
        let same_page = match (a, b) {
            // A page not re-read is the same page, shared: its text need not be compared.
            (Some(&x), Some(&y)) => {
                let (x, y) = (&old.pages[x.index()], &new.pages[y.index()]);
                Arc::ptr_eq(x, y) || x == y
            }
            (x, y) => x.is_none() && y.is_none(),
        };
        differ(Read::Page(rel.clone()), same_page);
        dirs.extend(a.map(|&p| old.section(old.page(p).section).dir.clone()));
        dirs.extend(b.map(|&p| new.section(new.page(p).section).dir.clone()));
    }
    if matches!(touched, Touched::Everything) {
        dirs.extend(old.sections.iter().chain(&new.sections).map(|s| s.dir.clone()));
    }
    for dir in dirs {
        let (a, b) = (section_by_dir(old, &dir), section_by_dir(new, &dir));
        differ(Read::Section(dir.clone()), same_section(a, b));
        differ(Read::Listing(dir.clone()), listing(old, a) == listing(new, b));
        differ(
            Read::Cards(dir.clone()),
            a.map(|s| s.meta.cards) == b.map(|s| s.meta.cards),
        );
        differ(
            Read::SectionLink(dir.clone()),
            a.map(|s| section_link(old, s)) == b.map(|s| section_link(new, s)),
        );
    }
    if old_events != new_events {
        // Only pages some event concerns, before or after, show any.
        let urls: HashSet<&str> = old_events
            .iter()
            .chain(new_events)
            .flat_map(|e| e.related.iter().map(|l| l.url.as_str()))
            .collect();
        for url in urls {
            differ(
                Read::EventsOf(url.into()),
                events_of(old_events, url) == events_of(new_events, url),
            );
        }
    }
    let relinked = |rel: &str| changed.contains(&Read::Link(rel.to_string()));
    let edited = match touched {
        Touched::Pages(rels) => Some(render::browse::Edited {
            rels,
            relinked: &relinked,
        }),
        Touched::Everything => None,
    };
    let views = render::browse::changed_views(old, new, old_events, new_events, edited);
    changed.extend(views);
    changed
}

fn section_by_dir<'a>(site: &'a Site, dir: &str) -> Option<&'a Section> {
    site.sections.iter().find(|s| s.dir == dir)
}

/// Which pages and subsections a section lists, in order, by file and
/// folder, and how many to a listing page.
type ListingView<'a> = (Vec<&'a str>, Vec<&'a str>, Option<usize>);

fn listing<'a>(site: &'a Site, s: Option<&'a Section>) -> Option<ListingView<'a>> {
    s.map(|s| {
        let pages = s.pages.iter().map(|&p| site.page(p).rel.as_str()).collect();
        let subs = s.subsections.iter().map(|&c| site.section(c).dir.as_str()).collect();
        (pages, subs, s.meta.paginate_by)
    })
}

/// A section's own data, as its outputs show it (not its listing).
fn same_section(a: Option<&Section>, b: Option<&Section>) -> bool {
    fn own(
        s: &Section,
    ) -> (
        &Option<PathBuf>,
        &crate::model::SectionMeta,
        &crate::model::SourceText,
        &str,
        &crate::model::Rendered,
    ) {
        (&s.file, &s.meta, &s.text, &s.url, &s.html)
    }
    a.map(own) == b.map(own)
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
