//! Rendering with Tera 2: the theme's templates (a site's `templates/` folder
//! overrides them by name), the context each template sees ([`context`]), and
//! the functions and filters templates may call ([`functions`]).
//! See docs/templates.md.

pub mod context;
mod functions;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::content::{Section, Site};
use crate::convert::PageHtml;
use crate::error::{Diagnostic, Diagnostics, Error};
use crate::markdown::Rendered;
use crate::output::Emit;
use crate::timeline::{self, Event};
use context::*;
pub use context::{EventCtx, LinkCtx, has_timeline, timeline_link};
use functions::register_functions;

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

/// Everything rendering needs to know about the site, built once.
pub struct SiteData<'a> {
    pub site: &'a Site,
    /// The HTML of each page (same index as `site.pages`).
    pub pages_md: &'a [PageHtml],
    /// Rendered Markdown of each section's intro.
    pub sections_md: &'a [Rendered],
    pub timeline_md: Option<&'a Rendered>,
    /// The HTML of each glossary definition.
    pub glossary_md: &'a [String],
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

    /// Points the template functions and the global `site` at changed site
    /// data, without re-reading the templates (the incremental path).
    pub fn refresh(&mut self, data: &SiteData) {
        let events = Arc::new(event_ctxs(data));
        register_functions(&mut self.tera, data, events.clone());
        self.tera.global_context().insert("site", &site_ctx(data));
        self.events = events;
    }

    /// Do templates other than the listings (`index.html`, `section.html`)
    /// call functions that read other pages? Then a change to one page may
    /// show anywhere, and the incremental path must render everything.
    pub fn pages_read_the_site(&self) -> bool {
        const READERS: [&str; 4] = ["get_page(", "get_section(", "get_url(", "timeline_events("];
        self.sources.iter().any(|(name, text)| {
            let listing = name.ends_with("/index.html") || name.ends_with("/section.html");
            !listing && READERS.iter().any(|f| text.contains(f))
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

/// What every template sees besides `site`: the path and absolute URL of
/// the output being rendered.
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
    if !site.config.glossary.is_empty() {
        needed.push(("glossary.html".into(), PathBuf::from("site.yaml")));
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

/// Renders every page, section, the timeline, the glossary and the 404 page,
/// in parallel, handing each file to `emit` as soon as it is rendered.
/// Returns the paths rendered, or every problem found.
pub fn render_all(theme: &Theme, data: &SiteData, emit: &Emit) -> Result<HashSet<String>, Error> {
    let all: Vec<usize> = (0..data.site.pages.len()).collect();
    render_with_pages(theme, data, &all, emit)
}

/// Renders the pages `pages` and every other output (sections, timeline,
/// glossary, 404): what a change to listing data can reach.
pub fn render_with_pages(
    theme: &Theme,
    data: &SiteData,
    pages: &[usize],
    emit: &Emit,
) -> Result<HashSet<String>, Error> {
    let site = data.site;
    let missing = missing_templates(theme, site);
    if !missing.is_empty() {
        return Err(Diagnostics(missing).into());
    }
    let base = &site.config.base_url;
    let pages = pages.par_iter().map(|&i| render_page(theme, data, i));
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
    let singles = rayon::iter::once(()).flat_map_iter(|()| {
        let mut out = vec![
            theme
                .render("404.html", &base_context("/404.html", base))
                .map(|html| RenderedFile {
                    path: "404.html".into(),
                    bytes: html.into_bytes(),
                }),
        ];
        if has_timeline(site) {
            out.push(render_timeline(theme, data));
        }
        if !site.config.glossary.is_empty() {
            out.push(render_glossary(theme, data));
        }
        out
    });
    // Each file is written as soon as it is rendered; only its path is kept.
    let outcomes: Vec<Result<String, Error>> = pages
        .chain(sections)
        .chain(singles)
        .map(|r| {
            let file = r.map_err(Error::from)?;
            let path = file.path.clone();
            emit(file)?;
            Ok(path)
        })
        .collect();
    let mut paths = HashSet::with_capacity(outcomes.len());
    let mut problems = Diagnostics::default();
    for outcome in outcomes {
        match outcome {
            Ok(path) => {
                paths.insert(path);
            }
            Err(Error::Site(d)) => problems.extend(d.0),
            Err(other) => return Err(other),
        }
    }
    problems.into_result(paths)
}

/// Renders the page `i` alone (the incremental path re-renders one page).
pub fn render_page(theme: &Theme, data: &SiteData, i: usize) -> Result<RenderedFile, Diagnostic> {
    let p = &data.site.pages[i];
    let mut ctx = base_context(&p.url, &data.site.config.base_url);
    ctx.insert("page", &page_ctx(data, &theme.events, i));
    let template = p.meta.template.as_deref().unwrap_or("page.html");
    if !theme.has(template) {
        return Err(missing_templates(theme, data.site)
            .into_iter()
            .next()
            .unwrap_or_else(|| Diagnostic::file(&p.file, format!("template `{template}` not found"))));
    }
    theme.render(template, &ctx).map(|html| RenderedFile {
        path: output_path(&p.url),
        bytes: html.into_bytes(),
    })
}

fn render_timeline(theme: &Theme, data: &SiteData) -> Result<RenderedFile, Diagnostic> {
    let site = data.site;
    let link = timeline_link(site);
    let mut ctx = base_context(&link.url, &site.config.base_url);
    let mut actors: Vec<String> = data.events.iter().flat_map(|e| e.actors.iter().cloned()).collect();
    actors.sort();
    actors.dedup();
    let mut years: Vec<YearCtx> = Vec::new();
    // `theme.events` is `data.events` as templates see it, in the same order.
    for (raw, e) in data.events.iter().zip(theme.events.iter()) {
        let year = raw.date.year_number();
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
    ctx.insert("section", &generated_section(site, &link, summary, content));
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

/// `section` for a page the site generates (timeline, glossary): a child of
/// the home page with no listing of its own.
fn generated_section(site: &Site, link: &LinkCtx, summary: Option<String>, content: String) -> SectionCtx {
    SectionCtx {
        title: link.title.clone(),
        summary,
        url: link.url.clone(),
        permalink: link.permalink.clone(),
        content,
        toc: Vec::new(),
        pages: Vec::new(),
        subsections: Vec::new(),
        ancestors: ancestors(site, Some(0)),
    }
}

fn render_glossary(theme: &Theme, data: &SiteData) -> Result<RenderedFile, Diagnostic> {
    let site = data.site;
    let link = context::glossary_link(site);
    let mut ctx = base_context(&link.url, &site.config.base_url);
    let mut terms: Vec<TermCtx> = site
        .config
        .glossary
        .iter()
        .zip(data.glossary_md)
        .map(|(t, definition)| TermCtx {
            id: t.anchor(),
            term: t.term.clone(),
            aliases: t.aliases.clone(),
            definition: definition.clone(),
        })
        .collect();
    terms.sort_by_key(|t| t.term.to_lowercase());
    ctx.insert("glossary", &terms);
    ctx.insert("section", &generated_section(site, &link, None, String::new()));
    theme.render("glossary.html", &ctx).map(|html| RenderedFile {
        path: output_path(&link.url),
        bytes: html.into_bytes(),
    })
}
