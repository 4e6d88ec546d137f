//! Rendering with Tera 2: the theme's templates (a site's `templates/` folder
//! overrides them by name), the context each template sees, and the filters
//! and functions templates may call. See docs/templates.md.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Kwargs, State, Tera};
use walkdir::WalkDir;

use crate::content::{Page, Section, Site, TIMELINE_DIR, UpdateKind};
use crate::date::PartialDate;
use crate::error::Diagnostic;
use crate::markdown::{Rendered, TocEntry};
use crate::timeline::{self, Event};

/// Templates are loaded under their path from the site root; these prefixes
/// let `page.html` find `templates/page.html` first, then the theme's.
const SITE_TEMPLATES: &str = "templates/";

/// A loaded theme: Tera with every template, ready to render.
pub struct Theme {
    tera: Tera,
    /// Template name -> source text, to quote lines in errors.
    sources: HashMap<String, String>,
    /// The theme's `static/` folder, if it has one.
    pub static_dir: Option<PathBuf>,
    /// Every event as templates see it, built once for all pages.
    events: Arc<Vec<EventCtx>>,
}

/// The theme folder of a site: `themes/<name>/`.
pub fn theme_dir(root: &Path, name: &str) -> PathBuf {
    root.join("themes").join(name)
}

/// A date as templates see it: `iso` for machines, `display` for readers.
#[derive(Debug, Clone, Serialize)]
pub struct DateCtx {
    pub iso: String,
    pub display: String,
}

impl From<&PartialDate> for DateCtx {
    fn from(d: &PartialDate) -> Self {
        DateCtx {
            iso: d.iso(),
            display: d.display(),
        }
    }
}

/// A link to a page or section, for listings, navigation and breadcrumbs.
#[derive(Debug, Clone, Serialize)]
pub struct LinkCtx {
    pub title: String,
    pub url: String,
    pub permalink: String,
    pub summary: Option<String>,
    pub date: Option<DateCtx>,
    pub reading_time: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceCtx {
    /// 1-based number for citations ("[1]").
    pub number: usize,
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub date: Option<DateCtx>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyFigureCtx {
    pub value: String,
    pub label: String,
    /// The source's number in `page.sources`.
    pub source: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UpdateCtx {
    pub date: DateCtx,
    pub kind: UpdateKind,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventCtx {
    pub id: String,
    pub title: String,
    pub date: DateCtx,
    pub end: Option<DateCtx>,
    /// "27 June – 2 July 2024" or the date alone.
    pub when: String,
    pub category: Option<CategoryCtx>,
    pub actors: Vec<String>,
    pub sources: Vec<SourceCtx>,
    /// URLs of related pages.
    pub related: Vec<LinkCtx>,
    pub description: String,
    /// Its place on the timeline page: `/timeline/#id`.
    pub url: String,
    /// The events before and after it on the timeline.
    pub previous: Option<EventRef>,
    pub next: Option<EventRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventRef {
    pub id: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryCtx {
    pub id: String,
    pub label: String,
    pub colour: String,
}

/// `page` in `page.html`.
#[derive(Debug, Clone, Serialize)]
pub struct PageCtx {
    pub title: String,
    pub summary: Option<String>,
    pub url: String,
    pub permalink: String,
    /// The Markdown file, relative to `content/`.
    pub path: String,
    pub date: Option<DateCtx>,
    pub updated: Option<DateCtx>,
    /// The latest of `updated` and the update log's dates.
    pub last_updated: Option<DateCtx>,
    pub tags: Vec<String>,
    pub weight: Option<i64>,
    pub content: String,
    /// The first paragraph (or up to `<!-- more -->`), as HTML.
    pub summary_html: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    pub reading_time: usize,
    pub key_figures: Vec<KeyFigureCtx>,
    pub sources: Vec<SourceCtx>,
    pub updates: Vec<UpdateCtx>,
    /// Timeline events related to this page.
    pub events: Vec<EventCtx>,
    pub section: LinkCtx,
    /// Home first, down to the page's own section.
    pub ancestors: Vec<LinkCtx>,
    pub previous: Option<LinkCtx>,
    pub next: Option<LinkCtx>,
}

/// `section` in `section.html` and `index.html`.
#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    pub title: String,
    pub summary: Option<String>,
    pub url: String,
    pub permalink: String,
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub pages: Vec<LinkCtx>,
    pub subsections: Vec<LinkCtx>,
    pub ancestors: Vec<LinkCtx>,
}

/// `site`, in every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    pub title: String,
    pub base_url: String,
    pub language: String,
    pub description: String,
    /// The home page's subsections, for the main navigation.
    pub sections: Vec<LinkCtx>,
    /// The timeline page, when the site has events.
    pub timeline: Option<LinkCtx>,
    pub categories: Vec<CategoryCtx>,
}

/// `timeline` in `timeline.html`.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineCtx {
    pub years: Vec<YearCtx>,
    pub count: usize,
    pub actors: Vec<String>,
    /// schema.org ItemList of Events, for `<script type="application/ld+json">`.
    pub json_ld: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearCtx {
    pub year: i16,
    pub events: Vec<EventCtx>,
}

/// Everything rendering needs to know about the site, built once.
pub struct SiteData<'a> {
    pub site: &'a Site,
    /// Rendered Markdown of each page (same index as `site.pages`).
    pub pages_md: &'a [Rendered],
    /// Rendered Markdown of each section's intro.
    pub sections_md: &'a [Rendered],
    pub timeline_md: Option<&'a Rendered>,
    pub events: &'a [Event],
}

/// One rendered file: its path in the output and its bytes.
pub struct RenderedFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl Theme {
    /// Loads the theme named in `site.yaml` and the site's own overrides.
    pub fn load(root: &Path, theme: &str, data: &SiteData) -> Result<Theme, Vec<Diagnostic>> {
        let dir = theme_dir(root, theme);
        if !dir.join("templates").is_dir() {
            return Err(vec![
                Diagnostic::file(
                    "site.yaml",
                    format!("theme `{theme}` not found: there is no themes/{theme}/templates/ folder"),
                )
                .with_hint("set `theme:` in site.yaml to a folder under themes/, or create one with `dossier init`"),
            ]);
        }
        let theme_prefix = format!("themes/{theme}/templates/");
        let mut sources = HashMap::new();
        let mut problems = Vec::new();
        for (folder, prefix) in [
            (root.join("templates"), SITE_TEMPLATES.to_string()),
            (dir.join("templates"), theme_prefix.clone()),
        ] {
            read_templates(&folder, &prefix, &mut sources, &mut problems);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut tera = Tera::new();
        tera.set_fallback_prefixes([SITE_TEMPLATES.to_string(), theme_prefix])
            .map_err(|e| vec![tera_diagnostic(&e, &sources)])?;
        let events = Arc::new(event_ctxs(data));
        register_functions(&mut tera, data, events.clone());
        tera.global_context().insert("site", &site_ctx(data));
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| vec![tera_diagnostic(&e, &sources)])?;
        let static_dir = Some(dir.join("static")).filter(|d| d.is_dir());
        Ok(Theme {
            tera,
            sources,
            static_dir,
            events,
        })
    }

    fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `name`, which [`missing_templates`] has checked exists.
    fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| tera_diagnostic(&e, &self.sources))
    }
}

/// Reads every file under `folder` as a template named `prefix` + its path.
fn read_templates(folder: &Path, prefix: &str, out: &mut HashMap<String, String>, problems: &mut Vec<Diagnostic>) {
    if !folder.is_dir() {
        return;
    }
    for entry in WalkDir::new(folder)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() || crate::content::walk::is_junk(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let rel = entry.path().strip_prefix(folder).unwrap_or(entry.path());
        let name = format!("{prefix}{}", rel.to_string_lossy().replace('\\', "/"));
        match std::fs::read_to_string(entry.path()) {
            Ok(text) => {
                out.insert(name, text);
            }
            Err(e) => problems.push(Diagnostic::file(name, format!("cannot read the template: {e}"))),
        }
    }
}

/// A Tera error as a diagnostic naming the template file and line.
fn tera_diagnostic(err: &tera::Error, sources: &HashMap<String, String>) -> Diagnostic {
    use tera::ErrorKind;
    match err.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let text = sources.get(r.filename()).map_or("", String::as_str);
            let span = r.span();
            let mut d = Diagnostic::at(r.filename(), text, span.start_line, span.start_col + 1, r.message());
            if let Some(cause) = std::error::Error::source(err) {
                d.message = format!("{}: {cause}", d.message);
            }
            d
        }
        _ => {
            // Other errors carry Tera's own report; pull the place out of its "--> file:line:col".
            let msg = err.to_string();
            let place = msg.lines().find_map(|l| l.trim().strip_prefix("--> "));
            let first = msg
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_string();
            match place.and_then(parse_place) {
                Some((file, line, col)) => {
                    let text = sources.get(file).map_or("", String::as_str);
                    Diagnostic::at(file, text, line, col, first)
                }
                None => Diagnostic::file("templates", msg),
            }
        }
    }
}

fn parse_place(place: &str) -> Option<(&str, usize, usize)> {
    let mut parts = place.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?, line, col))
}

/// `get_url(path="@/explainers/pay.md")`, `get_page(path=...)`,
/// `get_section(path=...)`: look-ups by content path.
fn register_functions(tera: &mut Tera, data: &SiteData, events: Arc<Vec<EventCtx>>) {
    let site = data.site;
    let base = site.config.base_url.clone();
    let mut pages: HashMap<String, LinkCtx> = HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        pages.insert(p.rel.clone(), page_link(p, Some(&data.pages_md[i]), &base));
    }
    let mut sections: HashMap<String, LinkCtx> = HashMap::new();
    for s in &site.sections {
        sections.insert(s.dir.clone(), section_link(s, &base));
    }
    let (pages, sections) = (Arc::new(pages), Arc::new(sections));
    let clean = |p: String| p.trim_start_matches("@/").trim_matches('/').to_string();
    {
        let (pages, sections) = (pages.clone(), sections.clone());
        tera.register_function("get_url", move |kw: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path = clean(kw.must_get::<String>("path")?);
            let dir = path.trim_end_matches("_index.md").trim_end_matches('/').to_string();
            pages
                .get(&path)
                .or_else(|| sections.get(&dir))
                .map(|l| l.url.clone())
                .ok_or_else(|| tera::Error::message(format!("get_url: no page or section `{path}` in content/")))
        });
    }
    {
        let pages = pages.clone();
        tera.register_function(
            "get_page",
            move |kw: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
                let path = clean(kw.must_get::<String>("path")?);
                let page = pages
                    .get(&path)
                    .ok_or_else(|| tera::Error::message(format!("get_page: no page `{path}` in content/")))?;
                Ok(tera::Value::from_serializable(page))
            },
        );
    }
    tera.register_function(
        "get_section",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let path = clean(kw.must_get::<String>("path")?);
            let dir = path.trim_end_matches("_index.md").trim_end_matches('/').to_string();
            let section = sections
                .get(&dir)
                .ok_or_else(|| tera::Error::message(format!("get_section: no section `{path}` in content/")))?;
            Ok(tera::Value::from_serializable(section))
        },
    );
    let urls: HashMap<String, String> = pages.iter().map(|(rel, l)| (rel.clone(), l.url.clone())).collect();
    tera.register_function(
        "timeline_events",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let mut query = EventQuery::from_kwargs(&kw)?;
            // A content path names a page by its file; compare by its URL.
            if let Some(r) = query.related.as_mut().filter(|r| r.ends_with(".md")) {
                let path = r.trim_start_matches("@/");
                *r = urls
                    .get(path)
                    .cloned()
                    .ok_or_else(|| tera::Error::message(format!("timeline_events: no page `{path}` in content/")))?;
            }
            let found: Vec<&EventCtx> = events.iter().filter(|e| query.matches(e)).collect();
            Ok(tera::Value::from_serializable(&found))
        },
    );
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    tera.register_filter("slug", tera_contrib::slug::slug);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter("urlencode_strict", tera_contrib::urlencode::urlencode_strict);
}

/// The arguments of `timeline_events(...)`: all optional, all must match.
struct EventQuery {
    category: Option<String>,
    actor: Option<String>,
    /// A page URL (`/explainers/pay/`); a content path is resolved to one first.
    related: Option<String>,
    from: Option<PartialDate>,
    to: Option<PartialDate>,
}

impl EventQuery {
    fn from_kwargs(kw: &Kwargs) -> tera::TeraResult<Self> {
        let date = |key: &str| -> tera::TeraResult<Option<PartialDate>> {
            kw.get::<String>(key)?
                .map(|s| {
                    s.parse::<PartialDate>()
                        .map_err(|e| tera::Error::message(format!("timeline_events: `{key}`: {e}")))
                })
                .transpose()
        };
        Ok(EventQuery {
            category: kw.get("category")?,
            actor: kw.get("actor")?,
            related: kw.get("related")?,
            from: date("from")?,
            to: date("to")?,
        })
    }

    fn matches(&self, e: &EventCtx) -> bool {
        let first: PartialDate = e.date.iso.parse().expect("event dates are valid");
        let last: PartialDate = e
            .end
            .as_ref()
            .map_or(first, |d| d.iso.parse().expect("event dates are valid"));
        self.category.as_ref().is_none_or(|c| e.category.as_ref().is_some_and(|ec| &ec.id == c))
            && self.actor.as_ref().is_none_or(|a| e.actors.contains(a))
            && self.related.as_ref().is_none_or(|r| e.related.iter().any(|l| &l.url == r))
            // Overlap: the event ends on or after `from` and starts on or before `to`.
            && self.from.is_none_or(|f| last.last_day() >= f.first_day())
            && self.to.is_none_or(|t| first.first_day() <= t.last_day())
    }
}

fn permalink(base: &str, url: &str) -> String {
    format!("{base}{url}")
}

fn page_link(p: &Page, md: Option<&Rendered>, base: &str) -> LinkCtx {
    LinkCtx {
        title: p.meta.title.clone(),
        url: p.url.clone(),
        permalink: permalink(base, &p.url),
        summary: p.meta.summary.clone(),
        date: p.meta.date.as_ref().map(DateCtx::from),
        reading_time: md.map(|m| m.reading_time),
    }
}

fn section_link(s: &Section, base: &str) -> LinkCtx {
    LinkCtx {
        title: s.meta.title.clone(),
        url: s.url.clone(),
        permalink: permalink(base, &s.url),
        summary: s.meta.summary.clone(),
        date: None,
        reading_time: None,
    }
}

fn site_ctx(data: &SiteData) -> SiteCtx {
    let site = data.site;
    let base = &site.config.base_url;
    let home = &site.sections[0];
    SiteCtx {
        title: site.config.title.clone(),
        base_url: base.clone(),
        language: site.config.language.clone(),
        description: site.config.description.clone(),
        sections: home
            .subsections
            .iter()
            .map(|&s| section_link(&site.sections[s], base))
            .collect(),
        timeline: has_timeline(site).then(|| timeline_link(site)),
        categories: site.config.timeline.categories.iter().map(category_ctx).collect(),
    }
}

pub fn has_timeline(site: &Site) -> bool {
    !site.events.is_empty() || site.timeline_section.is_some()
}

pub fn timeline_link(site: &Site) -> LinkCtx {
    let url = format!("/{TIMELINE_DIR}/");
    LinkCtx {
        title: site
            .timeline_section
            .as_ref()
            .map_or_else(|| "Timeline".to_string(), |s| s.meta.title.clone()),
        permalink: permalink(&site.config.base_url, &url),
        url,
        summary: site.timeline_section.as_ref().and_then(|s| s.meta.summary.clone()),
        date: None,
        reading_time: None,
    }
}

fn category_ctx(c: &crate::config::Category) -> CategoryCtx {
    CategoryCtx {
        id: c.id.clone(),
        label: c.label.clone(),
        colour: c.colour.clone(),
    }
}

/// Every event as templates see it, in timeline order.
pub fn event_ctxs(data: &SiteData) -> Vec<EventCtx> {
    let site = data.site;
    let base = &site.config.base_url;
    let url_of = |e: &Event| format!("/{TIMELINE_DIR}/#{}", e.id);
    let link_of = |url: &String| {
        let page = site.pages.iter().position(|p| &p.url == url);
        match page {
            Some(i) => page_link(&site.pages[i], Some(&data.pages_md[i]), base),
            None => LinkCtx {
                title: url.clone(),
                url: url.clone(),
                permalink: permalink(base, url),
                summary: None,
                date: None,
                reading_time: None,
            },
        }
    };
    let ev_ref = |e: &Event| EventRef {
        id: e.id.clone(),
        title: e.title.clone(),
        url: url_of(e),
    };
    let events = data.events;
    events
        .iter()
        .enumerate()
        .map(|(i, e)| EventCtx {
            id: e.id.clone(),
            title: e.title.clone(),
            date: DateCtx::from(&e.date),
            end: e.end.as_ref().map(DateCtx::from),
            when: e.when(),
            category: e
                .category
                .as_deref()
                .and_then(|c| site.config.category(c))
                .map(category_ctx),
            actors: e.actors.clone(),
            sources: e
                .sources
                .iter()
                .enumerate()
                .map(|(n, id)| {
                    let on_page = e
                        .page
                        .and_then(|p| site.pages[p].meta.sources.iter().find(|s| &s.id == id));
                    let stub = crate::config::Source {
                        id: id.clone(),
                        title: None,
                        publisher: None,
                        date: None,
                        url: None,
                    };
                    source_ctx(site, n, on_page.unwrap_or(&stub))
                })
                .collect(),
            related: e.related.iter().map(link_of).collect(),
            description: e.description.clone(),
            url: url_of(e),
            previous: i.checked_sub(1).map(|j| ev_ref(&events[j])),
            next: events.get(i + 1).map(ev_ref),
        })
        .collect()
}

fn ancestors(site: &Site, mut section: Option<usize>) -> Vec<LinkCtx> {
    let mut out = Vec::new();
    while let Some(s) = section {
        out.push(section_link(&site.sections[s], &site.config.base_url));
        section = site.sections[s].parent;
    }
    out.reverse();
    out
}

fn page_ctx(data: &SiteData, events: &[EventCtx], i: usize) -> PageCtx {
    let site = data.site;
    let p = &site.pages[i];
    let md = &data.pages_md[i];
    let base = &site.config.base_url;
    let section = &site.sections[p.section];
    let pos = section.pages.iter().position(|&x| x == i);
    let neighbour = |j: Option<usize>| {
        j.and_then(|j| section.pages.get(j))
            .map(|&q| page_link(&site.pages[q], Some(&data.pages_md[q]), base))
    };
    let sources: Vec<SourceCtx> = p
        .meta
        .sources
        .iter()
        .enumerate()
        .map(|(n, s)| source_ctx(site, n, s))
        .collect();
    let last_updated = p.meta.updates.iter().map(|u| u.date).chain(p.meta.updated).max();
    PageCtx {
        title: p.meta.title.clone(),
        summary: p.meta.summary.clone(),
        url: p.url.clone(),
        permalink: permalink(base, &p.url),
        path: p.rel.clone(),
        date: p.meta.date.as_ref().map(DateCtx::from),
        updated: p.meta.updated.as_ref().map(DateCtx::from),
        last_updated: last_updated.as_ref().map(DateCtx::from),
        tags: p.meta.tags.clone(),
        weight: p.meta.weight,
        content: md.html.clone(),
        summary_html: md.summary.clone(),
        toc: md.toc.clone(),
        word_count: md.word_count,
        reading_time: md.reading_time,
        key_figures: p
            .meta
            .key_figures
            .iter()
            .map(|k| KeyFigureCtx {
                value: k.value.clone(),
                label: k.label.clone(),
                source: k
                    .source
                    .as_ref()
                    .and_then(|id| sources.iter().find(|s| &s.id == id))
                    .map(|s| s.number),
            })
            .collect(),
        sources,
        updates: p
            .meta
            .updates
            .iter()
            .map(|u| UpdateCtx {
                date: DateCtx::from(&u.date),
                kind: u.kind,
                text: u.text.clone(),
            })
            .collect(),
        events: events
            .iter()
            .filter(|e| e.related.iter().any(|r| r.url == p.url))
            .cloned()
            .collect(),
        section: section_link(section, base),
        ancestors: ancestors(site, Some(p.section)),
        previous: neighbour(pos.and_then(|x| x.checked_sub(1))),
        next: neighbour(pos.map(|x| x + 1)),
    }
}

/// A page's source, filled in from `site.yaml` when the page gives only its id.
fn source_ctx(site: &Site, n: usize, s: &crate::config::Source) -> SourceCtx {
    let full = if s.title.is_some() {
        Some(s)
    } else {
        site.config.source(&s.id)
    };
    let pick = |f: fn(&crate::config::Source) -> Option<String>| f(s).or_else(|| full.and_then(f));
    SourceCtx {
        number: n + 1,
        id: s.id.clone(),
        title: pick(|x| x.title.clone()).unwrap_or_else(|| s.id.clone()),
        publisher: pick(|x| x.publisher.clone()),
        date: s.date.or_else(|| full.and_then(|f| f.date)).as_ref().map(DateCtx::from),
        url: pick(|x| x.url.clone()),
    }
}

fn section_ctx(data: &SiteData, i: usize) -> SectionCtx {
    let site = data.site;
    let s = &site.sections[i];
    let md = &data.sections_md[i];
    let base = &site.config.base_url;
    SectionCtx {
        title: s.meta.title.clone(),
        summary: s.meta.summary.clone(),
        url: s.url.clone(),
        permalink: permalink(base, &s.url),
        content: md.html.clone(),
        toc: md.toc.clone(),
        pages: s
            .pages
            .iter()
            .map(|&p| page_link(&site.pages[p], Some(&data.pages_md[p]), base))
            .collect(),
        subsections: s
            .subsections
            .iter()
            .map(|&c| section_link(&site.sections[c], base))
            .collect(),
        ancestors: ancestors(site, s.parent),
    }
}

fn base_context(url: &str, base: &str) -> Context {
    let mut ctx = Context::new();
    ctx.insert("current_path", url);
    ctx.insert("current_url", &permalink(base, url));
    ctx
}

/// `explainers/pay/` -> `explainers/pay/index.html`.
pub fn output_path(url: &str) -> String {
    format!("{}index.html", url.trim_start_matches('/'))
}

/// Which template renders each output, with the file it is for.
fn templates_needed(site: &Site) -> Vec<(String, PathBuf)> {
    let mut needed: Vec<(String, PathBuf)> = site
        .pages
        .iter()
        .map(|p| {
            (
                p.meta.template.clone().unwrap_or_else(|| "page.html".into()),
                p.file.clone(),
            )
        })
        .collect();
    for (i, s) in site.sections.iter().enumerate() {
        let default = if i == 0 { "index.html" } else { "section.html" };
        needed.push((
            s.meta.template.clone().unwrap_or_else(|| default.into()),
            section_file(s),
        ));
    }
    if has_timeline(site) {
        let t = site.timeline_section.as_ref();
        let name = t
            .and_then(|s| s.meta.template.clone())
            .unwrap_or_else(|| "timeline.html".into());
        needed.push((name, t.map_or_else(|| PathBuf::from("content/timeline"), section_file)));
    }
    needed.push(("404.html".into(), PathBuf::from("content")));
    needed
}

fn section_file(s: &Section) -> PathBuf {
    s.file.clone().unwrap_or_else(|| Path::new("content").join(&s.dir))
}

/// One problem per missing template (not one per page that needs it).
fn missing_templates(theme: &Theme, site: &Site) -> Vec<Diagnostic> {
    let mut users: Vec<(String, Vec<PathBuf>)> = Vec::new();
    for (name, file) in templates_needed(site) {
        if theme.has(&name) {
            continue;
        }
        match users.iter_mut().find(|(n, _)| *n == name) {
            Some((_, files)) => files.push(file),
            None => users.push((name, vec![file])),
        }
    }
    users
        .into_iter()
        .map(|(name, files)| {
            let more = match files.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            Diagnostic::file(
                &files[0],
                format!("template `{name}` not found; it renders this file{more}"),
            )
            .with_hint("add it to templates/ or to the theme's templates/ folder, or fix the `template` key")
        })
        .collect()
}

/// Renders every page, section, the timeline and the 404 page, in parallel.
/// Returns the files, or every problem found.
pub fn render_all(theme: &Theme, data: &SiteData) -> (Vec<RenderedFile>, Vec<Diagnostic>) {
    let site = data.site;
    let missing = missing_templates(theme, site);
    if !missing.is_empty() {
        return (Vec::new(), missing);
    }
    let base = &site.config.base_url;
    let pages = (0..site.pages.len()).into_par_iter().map(|i| {
        let p = &site.pages[i];
        let mut ctx = base_context(&p.url, base);
        ctx.insert("page", &page_ctx(data, &theme.events, i));
        let template = p.meta.template.as_deref().unwrap_or("page.html");
        theme.render(template, &ctx).map(|html| RenderedFile {
            path: output_path(&p.url),
            bytes: html.into_bytes(),
        })
    });
    let sections = (0..site.sections.len()).into_par_iter().map(|i| {
        let s = &site.sections[i];
        let mut ctx = base_context(&s.url, base);
        ctx.insert("section", &section_ctx(data, i));
        let default = if i == 0 { "index.html" } else { "section.html" };
        let template = s.meta.template.as_deref().unwrap_or(default);
        theme.render(template, &ctx).map(|html| RenderedFile {
            path: output_path(&s.url),
            bytes: html.into_bytes(),
        })
    });
    let mut results: Vec<Result<RenderedFile, Diagnostic>> = pages.chain(sections).collect();
    if has_timeline(site) {
        results.push(render_timeline(theme, data));
    }
    results.push(
        theme
            .render("404.html", &base_context("/404.html", base))
            .map(|html| RenderedFile {
                path: "404.html".into(),
                bytes: html.into_bytes(),
            }),
    );
    let mut files = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(d) => problems.push(d),
        }
    }
    (files, problems)
}

fn render_timeline(theme: &Theme, data: &SiteData) -> Result<RenderedFile, Diagnostic> {
    let site = data.site;
    let link = timeline_link(site);
    let mut ctx = base_context(&link.url, &site.config.base_url);
    let mut actors: Vec<String> = data.events.iter().flat_map(|e| e.actors.iter().cloned()).collect();
    actors.sort();
    actors.dedup();
    let mut years: Vec<YearCtx> = Vec::new();
    for e in theme.events.iter() {
        let year = e.date.iso[..4].parse().unwrap_or_default();
        match years.last_mut() {
            Some(y) if y.year == year => y.events.push(e.clone()),
            _ => years.push(YearCtx {
                year,
                events: vec![e.clone()],
            }),
        }
    }
    let json_ld = timeline::export::json_ld(data.events, &link.title, &link.permalink);
    ctx.insert(
        "timeline",
        &TimelineCtx {
            years,
            count: data.events.len(),
            actors,
            json_ld,
        },
    );
    let (content, summary) = match (&site.timeline_section, data.timeline_md) {
        (Some(s), Some(md)) => (md.html.clone(), s.meta.summary.clone()),
        _ => (String::new(), None),
    };
    ctx.insert(
        "section",
        &SectionCtx {
            title: link.title.clone(),
            summary,
            url: link.url.clone(),
            permalink: link.permalink.clone(),
            content,
            toc: Vec::new(),
            pages: Vec::new(),
            subsections: Vec::new(),
            ancestors: ancestors(site, Some(0)),
        },
    );
    let template = site
        .timeline_section
        .as_ref()
        .and_then(|s| s.meta.template.clone())
        .unwrap_or_else(|| "timeline.html".into());
    theme.render(&template, &ctx).map(|html| RenderedFile {
        path: output_path(&link.url),
        bytes: html.into_bytes(),
    })
}
