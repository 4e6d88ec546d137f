//! The one site model. Every stage fills in or reads this [`Site`]:
//!
//! - `content` walks `content/` and creates the sections, pages, assets and
//!   the events as written (their front matter and decoded text);
//! - `convert` (Markdown) fills in each page's and section's [`Html`];
//! - `timeline` checks the events, gives them ids, related pages and
//!   descriptions, and puts them in timeline order;
//! - `render`, `feeds`, `pipeline` and `project` only read it.
//!
//! Pages and sections are named by typed ids ([`PageId`], [`SectionId`]),
//! never by bare indexes. The site-wide names (the timeline's and the
//! glossary's URLs, the source folders) live here and nowhere else. This
//! module imports no stage.

pub mod meta;

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::config::Config;
use crate::date::PartialDate;
pub use meta::{EventMeta, KeyFigure, PageMeta, Position, Question, SectionMeta, SortBy, Update, UpdateKind};

/// The folder under `content/` whose files are timeline events.
pub const TIMELINE_DIR: &str = "timeline";
/// The timeline page's URL, when the site has one.
pub const TIMELINE_URL: &str = "/timeline/";
/// The glossary page's URL, when the site has a glossary.
pub const GLOSSARY_URL: &str = "/glossary/";
/// The search page's URL, when search is on (`search:` in `site.yaml`).
pub const SEARCH_URL: &str = "/search/";
/// The folder of the output that holds the search index (Pagefind's files).
pub const SEARCH_DIR: &str = "pagefind";
/// The tags index; each tag's page is under it (`/tags/pay/`).
pub const TAGS_URL: &str = "/tags/";
/// Where each person's page lives (`/people/streeting/`).
pub const PEOPLE_URL: &str = "/people/";
/// The folders of a site that hold its sources (besides `site.yaml`).
pub const SOURCE_DIRS: [&str; 5] = ["content", "themes", "templates", "static", "i18n"];

/// A page of [`Site::pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(pub(crate) u32);

/// A section of [`Site::sections`]; [`SectionId::HOME`] is the home page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub(crate) u32);

impl PageId {
    pub(crate) fn new(i: usize) -> PageId {
        PageId(i as u32)
    }
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

impl SectionId {
    pub(crate) const HOME: SectionId = SectionId(0);
    pub(crate) fn new(i: usize) -> SectionId {
        SectionId(i as u32)
    }
    pub(crate) fn index(self) -> usize {
        self.0 as usize
    }
}

/// Everything the site is made of, loaded and converted.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site root, canonical.
    pub root: PathBuf,
    pub config: Config,
    /// `sections[0]` is the home page; parents come before their children.
    pub sections: Vec<Section>,
    /// Shared, so that a rebuild can keep the site before an edit beside
    /// the site after it for the cost of the pages it re-read.
    pub pages: Vec<Arc<Page>>,
    pub assets: Vec<Asset>,
    /// Timeline events, in timeline order once the timeline stage has run.
    pub events: Vec<Event>,
    /// The timeline's own `content/timeline/_index.md`, when there is one.
    pub timeline_section: Option<Section>,
    /// Which URL each Markdown file became, for links between them.
    pub links: Arc<LinkMap>,
    /// The HTML of each glossary definition (same order as `config.glossary`).
    pub glossary: Vec<String>,
    /// The pages by file and by URL.
    pub index: Arc<PageIndex>,
    /// Every tag of pages and events, by slug (filled in by the timeline
    /// stage, which puts the events in order).
    pub tags: Arc<Vec<Tag>>,
    /// How dates read in the site's language.
    pub dates: crate::date::DateStyle,
    /// The path part of `base_url` (see [`Config::base_path`]), worked out
    /// once: every link of every page goes through [`Site::url`].
    pub base_path: String,
    /// Where resized images are kept between builds, beside the output
    /// (`None` for `check`, which writes nothing).
    pub image_cache: Option<PathBuf>,
}

/// A tag: every spelling with the same slug is one tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub slug: String,
    /// The first spelling met (pages in file order, then events in timeline order).
    pub name: String,
    /// Its pages, newest first (undated last), then by title.
    pub pages: Vec<PageId>,
    /// Its events, as indexes into [`Site::events`], in timeline order.
    pub events: Vec<usize>,
}

/// The tags of `site`'s pages and events, sorted by slug.
pub fn collect_tags(site: &Site) -> Vec<Tag> {
    let mut by_slug: std::collections::BTreeMap<String, Tag> = std::collections::BTreeMap::new();
    fn entry<'a>(by_slug: &'a mut std::collections::BTreeMap<String, Tag>, name: &str) -> Option<&'a mut Tag> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        let slug = crate::text::slugify(name);
        Some(by_slug.entry(slug.clone()).or_insert_with(|| Tag {
            slug,
            name: name.to_string(),
            pages: Vec::new(),
            events: Vec::new(),
        }))
    }
    for id in site.page_ids() {
        for name in &site.page(id).meta.tags {
            if let Some(tag) = entry(&mut by_slug, name).filter(|t| t.pages.last() != Some(&id)) {
                tag.pages.push(id);
            }
        }
    }
    for (i, e) in site.events.iter().enumerate() {
        for name in &e.meta.tags {
            if let Some(tag) = entry(&mut by_slug, name).filter(|t| t.events.last() != Some(&i)) {
                tag.events.push(i);
            }
        }
    }
    let mut tags: Vec<Tag> = by_slug.into_values().collect();
    for tag in &mut tags {
        tag.pages.sort_by_cached_key(|&id| {
            let p = site.page(id);
            (
                p.meta.date.is_none(),
                std::cmp::Reverse(p.meta.date),
                p.meta.title.clone(),
                p.rel.clone(),
            )
        });
    }
    tags
}

/// The URL of page `n` (from 1) of a listing at `base`: page 1 is `base`
/// itself, the others `base` + `page/n/`.
pub fn paginated_url(base: &str, n: usize) -> String {
    match n {
        0 | 1 => base.to_string(),
        n => format!("{base}page/{n}/"),
    }
}

/// How many listing pages `items` make at `per_page` each (at least one).
pub fn pager_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// The path of a tag's page: `/tags/pay/`.
pub fn tag_path(slug: &str) -> String {
    format!("{TAGS_URL}{slug}/")
}

/// The path of a person's page: `/people/streeting/`.
pub fn person_path(id: &str) -> String {
    format!("{PEOPLE_URL}{}/", crate::text::slugify(id))
}

/// Finds pages by their file (relative to `content/`) or their URL.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageIndex {
    by_rel: HashMap<String, PageId>,
    by_url: HashMap<String, PageId>,
}

impl PageIndex {
    pub fn of(pages: &[Arc<Page>]) -> PageIndex {
        let ids = (0..pages.len()).map(PageId::new);
        PageIndex {
            by_rel: pages
                .iter()
                .zip(ids.clone())
                .map(|(p, id)| (p.rel.clone(), id))
                .collect(),
            by_url: pages.iter().zip(ids).map(|(p, id)| (p.url.clone(), id)).collect(),
        }
    }
}

/// A Markdown page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The file, relative to the site root (`content/explainers/pay.md`).
    pub file: PathBuf,
    /// The file relative to `content/` (`explainers/pay.md`): what links name.
    pub rel: String,
    pub meta: PageMeta,
    pub text: SourceText,
    pub url: String,
    pub section: SectionId,
    /// Filled in by the Markdown stage.
    pub html: PageHtml,
}

/// A folder of `content/`: a listing page, with optional front matter and intro.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Its `_index.md`, when it has one.
    pub file: Option<PathBuf>,
    /// The folder relative to `content/` (`""` for the home page).
    pub dir: String,
    pub meta: SectionMeta,
    pub text: SourceText,
    pub url: String,
    pub parent: Option<SectionId>,
    /// Its pages, in the section's order (`sort_by`).
    pub pages: Vec<PageId>,
    pub subsections: Vec<SectionId>,
    /// The intro, filled in by the Markdown stage.
    pub html: Rendered,
    /// What the intro's shortcodes used.
    pub uses: Uses,
}

/// A Markdown file's decoded text (BOM dropped, line endings made LF), kept
/// so every problem found later can quote its line without reading the file
/// again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceText {
    pub text: String,
    /// The front matter's YAML.
    pub front: Range<usize>,
    /// 1-based line on which the YAML starts.
    pub front_line: usize,
    pub body: Range<usize>,
    /// 1-based line on which the body starts.
    pub body_line: usize,
}

impl SourceText {
    pub fn front(&self) -> &str {
        &self.text[self.front.clone()]
    }

    pub fn body(&self) -> &str {
        &self.text[self.body.clone()]
    }
}

/// A file copied as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub source: PathBuf,
    /// Output path relative to the output folder, `/`-separated.
    pub dest: String,
    /// The file relative to `content/`, as named.
    pub rel: String,
    /// The page bundle folder it belongs to (relative to `content/`), if any.
    pub bundle: Option<String>,
}

/// A timeline event: its front matter as written, where it was written, and
/// what the timeline stage made of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub meta: EventMeta,
    pub origin: EventOrigin,
    /// Its place in the order events were written in (timeline files in
    /// file order, then pages' events), which breaks ties between dates.
    pub written: usize,
    /// Filled in by the timeline stage: its id (written, or derived).
    pub id: String,
    /// Filled in by the timeline stage: URLs of the pages it concerns (the
    /// page that lists it first).
    pub related: Vec<String>,
    /// Filled in by the timeline stage: the description as HTML.
    pub description: String,
}

/// Where an event was written.
#[derive(Debug, Clone, PartialEq)]
pub enum EventOrigin {
    /// A file of `content/timeline/`; its body is the description.
    File {
        file: PathBuf,
        rel: String,
        text: SourceText,
    },
    /// Item `index` of a page's `events:` list.
    Page { page: PageId, index: usize },
}

impl Event {
    /// Its first and last dates.
    pub fn span(&self) -> (PartialDate, PartialDate) {
        (self.meta.date, self.meta.end.unwrap_or(self.meta.date))
    }

    /// "27 June – 2 July 2024", or the date alone.
    pub fn when(&self, style: &crate::date::DateStyle) -> String {
        self.meta.end.map_or_else(
            || self.meta.date.display_in(style),
            |end| self.meta.date.display_range_in(&end, style),
        )
    }

    /// The page whose `events:` list holds it.
    pub fn page(&self) -> Option<PageId> {
        match self.origin {
            EventOrigin::Page { page, .. } => Some(page),
            EventOrigin::File { .. } => None,
        }
    }
}

/// The HTML of one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageHtml {
    pub body: Rendered,
    /// One per `positions` entry: what the party says.
    pub positions: Vec<String>,
    /// One per `questions` entry: the answer.
    pub answers: Vec<String>,
    /// One per `what_next` item.
    pub what_next: Vec<String>,
    /// What the body's shortcodes used.
    pub uses: Uses,
}

/// What a text's shortcodes used besides the text (see `components`): a
/// rebuild converts the text again when one of these changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Uses {
    /// Data files and images read (absolute paths).
    pub files: Vec<PathBuf>,
    /// The site's events (the `timeline` shortcode shows some).
    pub events: bool,
    /// Resized images to copy into the output.
    pub images: Vec<UsedImage>,
}

/// A resized image a page shows: copied from the image cache into the output.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsedImage {
    /// Output path, relative and `/`-separated.
    pub dest: String,
    /// The file in the image cache.
    pub source: PathBuf,
}

/// What the Markdown of one text became.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Rendered {
    pub html: String,
    /// The part before `<!-- more -->`, or else the first paragraph.
    pub summary: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    /// Minutes, at least 1.
    pub reading_time: usize,
    /// Links to an anchor (`#positions`, `cost.md#the-bill`): checked once
    /// every page is rendered, against the ids each page's HTML has.
    #[serde(skip)]
    pub anchors: Vec<AnchorRef>,
    /// Images and files the text links to by a local path (`ward.jpg`,
    /// `/data/pay.csv`), with their place: each must exist.
    #[serde(skip)]
    pub files: Vec<FileRef>,
}

/// A local file a text names, where the text names it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileRef {
    /// As written, without `?query` or `#fragment`.
    pub path: String,
    /// An image (`![...](...)`), rather than a link.
    pub image: bool,
    pub line: usize,
    pub col: usize,
}

/// A link to an id on a page, where the text has it.
#[derive(Debug, Clone, PartialEq)]
pub struct AnchorRef {
    /// The page's URL (without the site's base path); `None`: this page.
    pub page: Option<String>,
    pub id: String,
    /// Its line in the file and its column.
    pub line: usize,
    pub col: usize,
}

/// A heading in the table of contents, with the headings under it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// Maps Markdown files (relative to `content/`) to the URLs they became.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LinkMap {
    urls: HashMap<String, String>,
    /// Pages left out of this build because they are drafts.
    drafts: std::collections::HashSet<String>,
}

/// Why a link to a Markdown file leads nowhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// The page is a draft, left out of this build.
    Draft(String),
    /// There is no such file; `nearest` is the file most like it.
    Missing { nearest: Option<String> },
}

impl LinkMap {
    pub fn insert(&mut self, rel: impl Into<String>, url: impl Into<String>) {
        self.urls.insert(rel.into(), url.into());
    }

    /// Notes a page left out of the build because it is a draft.
    pub fn insert_draft(&mut self, rel: impl Into<String>) {
        self.drafts.insert(rel.into());
    }

    /// Why `link`, written in `from`, does not resolve.
    pub fn explain(&self, from: &str, link: &str) -> Unresolved {
        let Some(rel) = self.target(from, link) else {
            return Unresolved::Missing { nearest: None };
        };
        if self.drafts.contains(&rel) {
            return Unresolved::Draft(rel);
        }
        let known = self.urls.keys().map(String::as_str);
        Unresolved::Missing {
            nearest: crate::error::did_you_mean(&rel, known).map(str::to_string),
        }
    }

    /// The file `link` (written in `from`) names, relative to `content/`.
    fn target(&self, from: &str, link: &str) -> Option<String> {
        let path = link.split('#').next().unwrap_or(link);
        // Links are URLs: `my%20notes.md` names `my notes.md`.
        let path = crate::text::percent_decode(path);
        match path.strip_prefix("@/").or_else(|| path.strip_prefix('/')) {
            Some(rooted) => normalize("", rooted),
            None => normalize(parent_dir(from), &path),
        }
    }

    /// The URL of the Markdown file `rel` (relative to `content/`).
    pub fn get(&self, rel: &str) -> Option<&str> {
        self.urls.get(rel).map(String::as_str)
    }

    /// Resolves a link written in the file `from` (relative to `content/`):
    /// `@/explainers/pay.md#why` or `/explainers/pay.md` from the content
    /// root, or `../pay.md` from the file's folder. `None` when no such file
    /// was loaded.
    pub fn resolve(&self, from: &str, link: &str) -> Option<String> {
        let fragment = link.split_once('#').map(|(_, f)| f);
        let url = self.urls.get(&self.target(from, link)?)?;
        Some(match fragment {
            Some(f) if url.contains('#') => format!("{}#{f}", url.split('#').next().unwrap_or(url)),
            Some(f) => format!("{url}#{f}"),
            None => url.clone(),
        })
    }
}

/// Joins `path` onto `base`, folding `.` and `..`; `None` if it climbs out of `content/`.
fn normalize(base: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for seg in path.split(['/', '\\']) {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

impl Site {
    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id.index()]
    }

    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.index()]
    }

    pub fn page_ids(&self) -> impl Iterator<Item = PageId> + use<> {
        (0..self.pages.len()).map(PageId::new)
    }

    pub fn section_ids(&self) -> impl Iterator<Item = SectionId> + use<> {
        (0..self.sections.len()).map(SectionId::new)
    }

    /// Does the site have a timeline page (events, or a timeline `_index.md`)?
    pub fn has_timeline(&self) -> bool {
        !self.events.is_empty() || self.timeline_section.is_some()
    }

    /// Does page `id` get a share card of its own (`card.png` beside it)?
    /// When its section asks for cards (`cards: true`) and the page names
    /// no `image` of its own.
    pub fn draws_card(&self, id: PageId) -> bool {
        let page = self.page(id);
        page.meta.image.is_none() && self.section(page.section).meta.cards
    }

    /// The absolute URL of the image link previews show for page `id`: its
    /// `image`, its own card, or the site's card.
    pub fn card_url(&self, id: PageId) -> String {
        let page = self.page(id);
        match &page.meta.image {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => url.clone(),
            Some(path) if path.starts_with('/') => self.permalink(path),
            Some(file) => self.permalink(&format!("{}{file}", page.url)),
            None if self.draws_card(id) => self.permalink(&format!("/{}", card_output_path(page))),
            None => self.permalink(&format!("/{CARD_FILE}")),
        }
    }

    /// Does the site have a search index and a search page?
    pub fn has_search(&self) -> bool {
        self.config.search
    }

    /// Does the site have a glossary page?
    pub fn has_glossary(&self) -> bool {
        !self.config.glossary.is_empty()
    }

    /// The absolute URL of a path of the site.
    pub fn permalink(&self, url: &str) -> String {
        format!("{}{url}", self.config.base_url)
    }

    /// Where a path of the site (`/explainers/pay/`) is served from: under
    /// the path of `base_url` when the site lives in a sub-folder
    /// (`/dispute/explainers/pay/`). Every link the site writes goes
    /// through here; output paths do not.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// The resized images pages and section intros show (one per use).
    pub fn used_images(&self) -> impl Iterator<Item = &UsedImage> {
        let pages = self.pages.iter().map(|p| &p.html.uses);
        let sections = self.sections.iter().chain(&self.timeline_section).map(|s| &s.uses);
        pages.chain(sections).flat_map(|u| &u.images)
    }

    /// How many pages a listing page of section `id` shows: its
    /// `paginate_by`, else the site's.
    pub fn paginate_by(&self, id: SectionId) -> usize {
        match self.section(id).meta.paginate_by {
            Some(n) if n > 0 => n,
            _ => self.config.paginate_by(),
        }
    }

    /// How many listing pages section `id` has.
    pub fn section_pager_count(&self, id: SectionId) -> usize {
        pager_count(self.section(id).pages.len(), self.paginate_by(id))
    }

    /// Where the page of person `id` (from `site.yaml`'s `people`) is served from.
    pub fn person_url(&self, id: &str) -> String {
        self.url(&person_path(id))
    }

    /// The tag whose slug is `slug`.
    pub fn tag(&self, slug: &str) -> Option<&Tag> {
        self.tags
            .binary_search_by(|t| t.slug.as_str().cmp(slug))
            .ok()
            .map(|i| &self.tags[i])
    }

    /// The page written in `rel` (relative to `content/`).
    pub fn page_by_rel(&self, rel: &str) -> Option<PageId> {
        self.index.by_rel.get(rel).copied()
    }

    /// The page at `url`.
    pub fn page_by_url(&self, url: &str) -> Option<PageId> {
        self.index.by_url.get(url).copied()
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

/// The URL of a folder of `content/`: `my notes/a` -> `/my-notes/a/`.
pub fn dir_url(dir: &str) -> String {
    if dir.is_empty() {
        return "/".into();
    }
    let segments: Vec<String> = dir.split('/').map(url_segment).collect();
    format!("/{}/", segments.join("/"))
}

/// The site's share card, at the root of the output; a page's, beside its `index.html`.
pub const CARD_FILE: &str = "card.png";

/// Where a page's own share card goes in the output.
pub fn card_output_path(page: &Page) -> String {
    format!("{}{CARD_FILE}", page.url.trim_start_matches('/'))
}

/// The file an HTML page is written to: `/explainers/pay/` -> `explainers/pay/index.html`.
pub fn output_path(url: &str) -> String {
    format!("{}index.html", url.trim_start_matches('/'))
}

/// The URL an alias redirects from, as `_redirects` and clash checks name
/// it: `/old/pay` -> `/old/pay/`; a file (`/2024/pay.html`) stays as it is.
pub fn alias_url(alias: &str) -> String {
    let alias = alias.trim();
    let last = alias.rsplit('/').next().unwrap_or("");
    if alias.ends_with('/') || last.ends_with(".html") || last.ends_with(".htm") {
        alias.to_string()
    } else {
        format!("{alias}/")
    }
}

/// The file an alias's redirect page is written to: `/old/pay/` ->
/// `old/pay/index.html`, `/2024/pay.html` -> `2024/pay.html`.
pub fn alias_output_path(alias: &str) -> String {
    let url = alias_url(alias);
    if url.ends_with('/') {
        output_path(&url)
    } else {
        url.trim_start_matches('/').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> LinkMap {
        let mut l = LinkMap::default();
        l.insert("explainers/pay.md", "/explainers/pay/");
        l.insert("_index.md", "/");
        l
    }

    #[test]
    fn rewrites_relative_and_rooted_md_links() {
        let l = links();
        assert_eq!(
            l.resolve("explainers/cost.md", "pay.md").as_deref(),
            Some("/explainers/pay/")
        );
        assert_eq!(
            l.resolve("about.md", "explainers/pay.md#why").as_deref(),
            Some("/explainers/pay/#why")
        );
        assert_eq!(
            l.resolve("a/b/c.md", "@/explainers/pay.md").as_deref(),
            Some("/explainers/pay/")
        );
        assert_eq!(l.resolve("explainers/pay.md", "../_index.md").as_deref(), Some("/"));
        assert_eq!(l.resolve("x.md", "../../etc/passwd.md"), None);
        assert_eq!(l.resolve("x.md", "missing.md"), None);
    }

    #[test]
    fn links_may_be_percent_encoded_or_rooted() {
        let mut l = links();
        l.insert("my notes/p.md", "/my-notes/p/");
        assert_eq!(
            l.resolve("a/b.md", "/explainers/pay.md").as_deref(),
            Some("/explainers/pay/")
        );
        assert_eq!(l.resolve("x.md", "my%20notes/p.md").as_deref(), Some("/my-notes/p/"));
    }
}
