//! Loading `content/`: files become [`Page`]s, [`Section`]s, [`Asset`]s and
//! timeline events, with their URLs, checked for everything that can be checked
//! without rendering.

pub mod frontmatter;
pub mod meta;
pub mod walk;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::yaml;
pub use meta::{EventMeta, KeyFigure, PageMeta, SectionMeta, SortBy, Update, UpdateKind};

/// The folder under `content/` whose files are timeline events.
pub const TIMELINE_DIR: &str = "timeline";

/// A Markdown page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file, relative to the site root (`content/explainers/pay.md`).
    pub file: PathBuf,
    /// The file relative to `content/` (`explainers/pay.md`): what links name.
    pub rel: String,
    pub meta: PageMeta,
    pub body: String,
    /// 1-based line of the file on which the body starts.
    pub body_line: usize,
    /// The text of the front matter, for pointing at keys in later checks.
    pub front: String,
    pub url: String,
    /// Index of its section in [`Site::sections`].
    pub section: usize,
}

/// A folder of `content/`: a listing page, with optional front matter and intro.
#[derive(Debug, Clone)]
pub struct Section {
    /// Its `_index.md`, when it has one.
    pub file: Option<PathBuf>,
    /// The folder relative to `content/` (`""` for the home page).
    pub dir: String,
    pub meta: SectionMeta,
    pub body: String,
    pub body_line: usize,
    pub url: String,
    pub parent: Option<usize>,
    /// Its pages, in the section's order (`sort_by`).
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
}

/// A file copied as it is.
#[derive(Debug, Clone)]
pub struct Asset {
    pub source: PathBuf,
    /// Output path relative to the output folder, `/`-separated.
    pub dest: String,
    /// The file relative to `content/`, as named.
    pub rel: String,
    /// The page bundle folder it belongs to (relative to `content/`), if any.
    pub bundle: Option<String>,
}

/// A timeline event as loaded, before the timeline checks it.
#[derive(Debug, Clone)]
pub struct RawEvent {
    pub meta: EventMeta,
    /// The file it was written in, relative to the site root.
    pub file: PathBuf,
    /// The file relative to `content/`.
    pub rel: String,
    /// The front matter text it came from (the page's, for a page's events).
    pub front: String,
    /// 1-based line of the front matter's first line in the file.
    pub front_line: usize,
    /// The Markdown description: a timeline file's body, or a list item's `description`.
    pub body: String,
    pub body_line: usize,
    /// The page whose `events:` list holds it.
    pub page: Option<usize>,
}

/// Everything `content/` holds.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site root, canonical.
    pub root: PathBuf,
    pub config: Config,
    /// `sections[0]` is the home page.
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    pub events: Vec<RawEvent>,
    /// The timeline's own `_index.md`, when there is one.
    pub timeline_section: Option<Section>,
}

/// What a file under `content/` is.
enum Kind {
    Page,
    Bundle,
    SectionIndex,
    Event,
    TimelineIndex,
    Asset,
}

/// A parsed file, before it is placed in the site.
enum Parsed {
    Page(Page),
    Section(Section),
    Event(RawEvent),
    TimelineIndex(Section),
}

/// Loads the content of the site at `root` (canonical). Drafts are left out
/// unless `drafts`. Returns the site and every problem found.
pub fn load(root: &Path, config: Config, drafts: bool) -> (Site, Vec<Diagnostic>) {
    let content_dir = root.join("content");
    let mut problems = Vec::new();
    if !content_dir.is_dir() {
        problems.push(
            Diagnostic::file("content", "there is no content/ folder here")
                .with_hint("run dossier in the site's folder, pass --root, or create one with `dossier init`"),
        );
    }
    let walked = walk::walk(root, &content_dir);
    problems.extend(walked.problems);
    let bundles = find_bundles(&walked.files);

    // Reading and parsing are independent per file: do them in parallel.
    let classified: Vec<(Kind, &walk::Found)> = walked.files.iter().map(|f| (classify(&f.rel, &bundles), f)).collect();
    let parsed: Vec<Result<Option<Parsed>, Diagnostic>> = classified
        .par_iter()
        .map(|(kind, found)| parse_file(kind, found))
        .collect();

    let mut site = Site {
        root: root.to_path_buf(),
        config,
        sections: Vec::new(),
        pages: Vec::new(),
        assets: Vec::new(),
        events: Vec::new(),
        timeline_section: None,
    };
    let mut section_files = HashMap::new();
    for result in parsed {
        match result {
            Ok(Some(Parsed::Page(p))) if !p.meta.draft || drafts => site.pages.push(p),
            Ok(Some(Parsed::Section(s))) => {
                section_files.insert(s.dir.clone(), s);
            }
            Ok(Some(Parsed::Event(e))) => site.events.push(e),
            Ok(Some(Parsed::TimelineIndex(s))) => site.timeline_section = Some(s),
            Ok(_) => {}
            Err(d) => problems.push(d),
        }
    }
    for (kind, found) in &classified {
        if matches!(kind, Kind::Asset) {
            let bundle = bundles.iter().find(|b| found.rel.starts_with(&format!("{b}/")));
            site.assets.push(Asset {
                source: found.path.clone(),
                dest: asset_dest(&found.rel),
                rel: found.rel.clone(),
                bundle: bundle.map(|b| b.to_string()),
            });
        }
    }
    build_sections(&mut site, &walked.dirs, &bundles, section_files);
    problems.extend(place_pages(&mut site));
    collect_page_events(&mut site);
    (site, problems)
}

/// Folders holding an `index.md` are page bundles; one inside another bundle
/// is part of it (copied as it is), and the timeline has none.
fn find_bundles(files: &[walk::Found]) -> Vec<&str> {
    let candidates: Vec<&str> = files
        .iter()
        .filter_map(|f| f.rel.strip_suffix("/index.md"))
        .filter(|b| *b != TIMELINE_DIR && !b.starts_with("timeline/"))
        .collect();
    candidates
        .iter()
        .filter(|b| !candidates.iter().any(|outer| b.starts_with(&format!("{outer}/"))))
        .copied()
        .collect()
}

fn classify(rel: &str, bundles: &[&str]) -> Kind {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let in_timeline = rel.starts_with("timeline/");
    let is_md = name.ends_with(".md");
    if in_timeline {
        return match (name, is_md) {
            ("_index.md", _) if rel == "timeline/_index.md" => Kind::TimelineIndex,
            (_, true) => Kind::Event,
            _ => Kind::Asset,
        };
    }
    if bundles.iter().any(|b| rel == format!("{b}/index.md")) {
        return Kind::Bundle;
    }
    if bundles.iter().any(|b| rel.starts_with(&format!("{b}/"))) {
        return Kind::Asset;
    }
    match (name, is_md) {
        ("_index.md", _) => Kind::SectionIndex,
        (_, true) => Kind::Page,
        _ => Kind::Asset,
    }
}

fn parse_file(kind: &Kind, found: &walk::Found) -> Result<Option<Parsed>, Diagnostic> {
    if matches!(kind, Kind::Asset) {
        return Ok(None);
    }
    let file = Path::new("content").join(&found.rel);
    let bytes = std::fs::read(&found.path).map_err(|e| {
        Diagnostic::file(&file, format!("cannot read it: {e}")).with_hint("check the file's permissions")
    })?;
    let text = frontmatter::decode(&file, bytes)?;
    let split = frontmatter::split(&file, &text)?;
    let origin = yaml::Origin {
        file: &file,
        file_text: &text,
        first_line: split.yaml_line,
    };
    let dir = parent_dir(&found.rel);
    Ok(Some(match kind {
        Kind::Page | Kind::Bundle => Parsed::Page(Page {
            meta: yaml::parse(split.yaml, &origin)?,
            file: file.clone(),
            rel: found.rel.clone(),
            body: split.body.to_string(),
            body_line: split.body_line,
            front: split.yaml.to_string(),
            url: String::new(),
            section: 0,
        }),
        Kind::SectionIndex | Kind::TimelineIndex => {
            let section = Section {
                meta: yaml::parse(split.yaml, &origin)?,
                file: Some(file.clone()),
                dir: dir.to_string(),
                body: split.body.to_string(),
                body_line: split.body_line,
                url: String::new(),
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
            };
            if matches!(kind, Kind::TimelineIndex) {
                Parsed::TimelineIndex(Section {
                    url: format!("/{TIMELINE_DIR}/"),
                    ..section
                })
            } else {
                Parsed::Section(section)
            }
        }
        Kind::Event => Parsed::Event(RawEvent {
            meta: yaml::parse(split.yaml, &origin)?,
            file: file.clone(),
            rel: found.rel.clone(),
            front: split.yaml.to_string(),
            front_line: split.yaml_line,
            body: split.body.to_string(),
            body_line: split.body_line,
            page: None,
        }),
        Kind::Asset => unreachable!("assets returned above"),
    }))
}

/// Reads and parses the page `rel` again (for the incremental path), keeping
/// its place in the site. `None` if it is no longer a page.
pub fn reparse_page(site: &Site, i: usize) -> Option<Result<Page, Diagnostic>> {
    let old = &site.pages[i];
    let found = walk::Found {
        rel: old.rel.clone(),
        path: site.root.join(&old.file),
    };
    let kind = if old.rel.ends_with("/index.md") {
        Kind::Bundle
    } else {
        Kind::Page
    };
    match parse_file(&kind, &found) {
        Ok(Some(Parsed::Page(p))) => Some(Ok(Page {
            url: old.url.clone(),
            section: old.section,
            ..p
        })),
        Ok(_) => None,
        Err(d) => Some(Err(d)),
    }
}

/// `explainers/pay.md` -> `explainers`; `pay.md` -> ``.
pub fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// A folder or file name as a URL segment: spaces become hyphens, the rest is kept.
pub fn url_segment(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join("-")
}

/// Every folder is a section, except page bundles and the timeline folder.
fn build_sections(site: &mut Site, dirs: &[String], bundles: &[&str], mut files: HashMap<String, Section>) {
    let mut all: BTreeMap<String, Section> = BTreeMap::new();
    let is_section = |d: &str| {
        d != TIMELINE_DIR
            && !d.starts_with("timeline/")
            && !bundles.iter().any(|b| d == *b || d.starts_with(&format!("{b}/")))
    };
    for dir in std::iter::once("")
        .chain(dirs.iter().map(String::as_str))
        .filter(|d| is_section(d))
    {
        let mut section = files.remove(dir).unwrap_or_else(|| Section {
            file: None,
            dir: dir.to_string(),
            meta: SectionMeta {
                title: title_from_dir(dir, &site.config.title),
                ..SectionMeta::default()
            },
            body: String::new(),
            body_line: 1,
            url: String::new(),
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
        });
        section.url = dir_url(dir);
        all.insert(dir.to_string(), section);
    }
    // BTreeMap order puts every parent before its children, and "" first.
    site.sections = all.into_values().collect();
    let index: HashMap<String, usize> = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.dir.clone(), i))
        .collect();
    for i in 1..site.sections.len() {
        let parent = index[parent_dir(&site.sections[i].dir)];
        site.sections[i].parent = Some(parent);
        site.sections[parent].subsections.push(i);
    }
}

/// Where an asset goes: its folders renamed as their sections' URLs are, its
/// own name kept (the author's links name it).
fn asset_dest(rel: &str) -> String {
    match rel.rsplit_once('/') {
        Some((dir, name)) => format!("{}{name}", &dir_url(dir)[1..]),
        None => rel.to_string(),
    }
}

fn dir_url(dir: &str) -> String {
    if dir.is_empty() {
        return "/".into();
    }
    let segments: Vec<String> = dir.split('/').map(url_segment).collect();
    format!("/{}/", segments.join("/"))
}

/// "pay-dispute" -> "Pay dispute"; the home page takes the site's title.
fn title_from_dir(dir: &str, site_title: &str) -> String {
    let Some(name) = dir.rsplit('/').next().filter(|n| !n.is_empty()) else {
        return site_title.to_string();
    };
    let words = name.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Gives every page its section and URL, checks slugs and URL clashes, and
/// orders each section's pages.
fn place_pages(site: &mut Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let index: HashMap<String, usize> = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (s.dir.clone(), i))
        .collect();
    for (i, page) in site.pages.iter_mut().enumerate() {
        // A bundle (`pay/index.md`) belongs to the folder above its own.
        let own = page.rel.strip_suffix("/index.md");
        let dir = parent_dir(own.unwrap_or(&page.rel));
        let name = own.map_or_else(
            || page.rel.rsplit('/').next().unwrap_or("").trim_end_matches(".md"),
            |b| b.rsplit('/').next().unwrap_or(b),
        );
        // The nearest folder that is a section (the home page at the latest).
        let mut dir = dir;
        while !index.contains_key(dir) && !dir.is_empty() {
            dir = parent_dir(dir);
        }
        let section = index.get(dir).copied().unwrap_or(0);
        let slug = match &page.meta.slug {
            Some(slug) => match check_slug(slug) {
                Ok(()) => slug.clone(),
                Err(why) => {
                    let (line, col) = locate(&page.front, "slug:");
                    problems.push(
                        Diagnostic::at(&page.file, &file_text(page), line, col, why)
                            .with_hint("a slug is one URL segment: letters, digits and hyphens, e.g. `pay-offer`"),
                    );
                    url_segment(name)
                }
            },
            None => url_segment(name),
        };
        page.section = section;
        page.url = format!("{}{}/", site.sections[section].url, slug);
        site.sections[section].pages.push(i);
    }
    for s in 0..site.sections.len() {
        let mut pages = std::mem::take(&mut site.sections[s].pages);
        sort_pages(&mut pages, &site.pages, site.sections[s].meta.sort_by);
        site.sections[s].pages = pages;
    }
    // Assets of a bundle go where their page goes (a slug may move it); the
    // assets of a draft bundle are left out with it.
    let pages = &site.pages;
    site.assets.retain_mut(|asset| {
        let Some(bundle) = &asset.bundle else { return true };
        let index_md = format!("{bundle}/index.md");
        let Some(page) = pages.iter().find(|p| p.rel == index_md) else {
            return false;
        };
        // `rel` starts with "<bundle>/" by construction.
        let inner = &asset.rel[bundle.len() + 1..];
        asset.dest = format!("{}{inner}", page.url.trim_start_matches('/'));
        true
    });
    problems.extend(check_url_segments(site));
    problems.extend(check_url_clashes(site));
    problems
}

/// File and folder names become URL segments: a name that is empty, `.` or
/// `..` once its spaces become hyphens would point somewhere else entirely.
fn check_url_segments(site: &Site) -> Vec<Diagnostic> {
    let bad = |path: &str| {
        path.split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == ".." || seg.contains('\\'))
    };
    let pages = site
        .pages
        .iter()
        .map(|p| (p.url.trim_matches('/').to_string(), p.file.clone()));
    let sections = site
        .sections
        .iter()
        .skip(1)
        .map(|s| (s.url.trim_matches('/').to_string(), Path::new("content").join(&s.dir)));
    let assets = site
        .assets
        .iter()
        .map(|a| (a.dest.clone(), Path::new("content").join(&a.rel)));
    pages
        .chain(sections)
        .chain(assets)
        .filter(|(path, _)| bad(path))
        .map(|(_, file)| {
            Diagnostic::file(
                file,
                "this name cannot be part of a URL (it is empty, `.` or `..` once spaces become hyphens)",
            )
            .with_hint("rename the file or folder")
        })
        .collect()
}

/// Slugs are one URL segment: they cannot climb out of their folder or start a new one.
fn check_slug(slug: &str) -> Result<(), String> {
    let bad = slug.trim().is_empty()
        || slug == "."
        || slug == ".."
        || slug.contains(['/', '\\', '?', '#'])
        || slug.chars().any(char::is_control);
    if bad {
        Err(format!("`{slug}` cannot be a slug"))
    } else {
        Ok(())
    }
}

pub fn sort_pages(pages: &mut [usize], all: &[Page], by: SortBy) {
    let title = |i: &usize| all[*i].meta.title.to_lowercase();
    match by {
        SortBy::Weight => pages.sort_by_key(|i| (all[*i].meta.weight.is_none(), all[*i].meta.weight, title(i))),
        // Newest first; undated pages last; then by title.
        SortBy::Date => pages.sort_by_key(|i| {
            (
                all[*i].meta.date.is_none(),
                std::cmp::Reverse(all[*i].meta.date),
                title(i),
            )
        }),
        SortBy::Title => pages.sort_by_key(title),
    }
}

/// Two sources writing the same URL would silently overwrite each other.
fn check_url_clashes(site: &Site) -> Vec<Diagnostic> {
    let mut owners: HashMap<String, PathBuf> = HashMap::new();
    let mut problems = Vec::new();
    let sections = site.sections.iter().map(|s| {
        (
            s.url.clone(),
            s.file.clone().unwrap_or_else(|| Path::new("content").join(&s.dir)),
        )
    });
    let pages = site.pages.iter().map(|p| (p.url.clone(), p.file.clone()));
    let timeline = (!site.events.is_empty() || site.timeline_section.is_some())
        .then(|| (format!("/{TIMELINE_DIR}/"), PathBuf::from("content/timeline")));
    let glossary = (!site.config.glossary.is_empty()).then(|| {
        (
            crate::convert::GLOSSARY_URL.to_string(),
            PathBuf::from("site.yaml (glossary)"),
        )
    });
    let assets = site
        .assets
        .iter()
        .map(|a| (format!("/{}", a.dest), Path::new("content").join(&a.dest)));
    for (url, file) in sections.chain(pages).chain(timeline).chain(glossary).chain(assets) {
        if let Some(first) = owners.get(&url) {
            problems.push(
                Diagnostic::file(&file, format!("`{url}` is also written by {}", first.display()))
                    .with_hint("rename one of the files or give one a different `slug`"),
            );
        } else {
            owners.insert(url, file);
        }
    }
    problems
}

/// Events listed in a page's front matter belong to that page. Called again
/// after an incremental edit, it keeps the timeline files' events (first, as
/// a full load has them) and lists the pages' events anew.
pub fn collect_page_events(site: &mut Site) {
    site.events.retain(|e| e.page.is_none());
    for (i, page) in site.pages.iter().enumerate() {
        for meta in &page.meta.events {
            let body = meta.description.clone().unwrap_or_default();
            // Problems in the description point at its line in the front matter.
            let body_line = locate(&page.front, body.lines().next().unwrap_or("description:")).0;
            site.events.push(RawEvent {
                meta: meta.clone(),
                file: page.file.clone(),
                rel: page.rel.clone(),
                front: page.front.clone(),
                front_line: 2,
                body,
                body_line,
                page: Some(i),
            });
        }
    }
}

/// (line, col) in the file of `needle` in front matter that starts on line 2.
pub fn locate(front: &str, needle: &str) -> (usize, usize) {
    let split = frontmatter::Split {
        yaml: front,
        yaml_line: 2,
        body: "",
        body_line: 0,
    };
    frontmatter::locate(&split, needle)
}

/// The front matter as the file shows it, enough to quote a line of it.
fn file_text(page: &Page) -> String {
    format!("---\n{}", page.front)
}

/// Checks what pages cite: each source on a page is defined (on the page, or
/// in `site.yaml` when the page gives only its id) and listed once, and each
/// key figure's source is one of the page's sources.
pub fn check_references(site: &Site) -> Vec<Diagnostic> {
    site.pages.iter().flat_map(|p| check_page_references(site, p)).collect()
}

/// [`check_references`] for one page.
pub fn check_page_references(site: &Site, page: &Page) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    {
        let text = file_text(page);
        let mut report = |needle: &str, message: String, hint: &str| {
            let (line, col) = locate(&page.front, needle);
            problems.push(Diagnostic::at(&page.file, &text, line, col, message).with_hint(hint));
        };
        let mut seen = std::collections::HashSet::new();
        for s in &page.meta.sources {
            if !seen.insert(&s.id) {
                report(
                    &format!("id: {}", s.id),
                    format!("source `{}` is listed twice", s.id),
                    "list each source once",
                );
            }
            if s.title.is_none() && site.config.source(&s.id).is_none() {
                report(
                    &format!("id: {}", s.id),
                    format!("unknown source `{}`", s.id),
                    "define it under `sources:` in site.yaml, or give it a `title` here",
                );
            }
        }
        for id in page
            .meta
            .people
            .iter()
            .chain(page.meta.positions.iter().map(|x| &x.who))
        {
            if site.config.person(id).is_none() {
                report(
                    id,
                    format!("unknown person `{id}`"),
                    "add them under `people:` in site.yaml (id, name, role)",
                );
            }
        }
        for x in &page.meta.positions {
            if let Some(id) = x
                .source
                .as_ref()
                .filter(|id| !page.meta.sources.iter().any(|s| &s.id == *id))
            {
                report(
                    &format!("source: {id}"),
                    format!(
                        "position of `{}` cites `{id}`, which is not in this page's sources",
                        x.who
                    ),
                    "add `- id: ...` for it under `sources:` on this page",
                );
            }
        }
        let mut anchors = std::collections::HashSet::new();
        for q in &page.meta.questions {
            let id = q.id.clone().unwrap_or_else(|| crate::markdown::slugify(&q.question));
            if !anchors.insert(id.clone()) {
                report(
                    &q.question,
                    format!("two questions have the anchor `{id}`"),
                    "give one of them an `id`",
                );
            }
        }
        for k in &page.meta.key_figures {
            if let Some(id) = &k.source
                && !page.meta.sources.iter().any(|s| &s.id == id)
            {
                report(
                    &format!("source: {id}"),
                    format!(
                        "key figure `{}` cites `{id}`, which is not in this page's sources",
                        k.value
                    ),
                    "add `- id: ...` for it under `sources:` on this page",
                );
            }
        }
    }
    problems
}
