//! Rendering with Tera 2: the theme's templates (a site's `templates/` folder
//! overrides them by name), the context each template sees ([`context`]), and
//! the functions and filters templates may call ([`functions`]).
//! See docs/templates.md.

pub(crate) mod browse;
pub(crate) mod builtin;
pub(crate) mod context;
pub(crate) mod functions;
mod i18n;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::error::{Diagnostic, Diagnostics, Error};
use crate::model::{
    PageId, Section, SectionId, Site, TAGS_URL, TIMELINE_URL, Tag, output_path, paginated_url, person_path, tag_path,
};
use crate::output::{Emit, RenderedFile};
use context::*;
use functions::{Recorder, register_functions};

/// Templates are loaded under their path from the site root; these prefixes
/// let `page.html` find `templates/page.html` first, then the theme's.
const SITE_TEMPLATES: &str = "templates/";

/// Something an output showed besides its own source, named so that a later
/// rebuild can tell whether it changed: each is a view of the site that
/// templates receive (a link, the event list...), compared by value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Read {
    /// `site`, which every template sees.
    Site,
    /// A page's own data (front matter, text, HTML), by its file under `content/`.
    Page(String),
    /// A page's link ([`LinkCtx`]), by its file.
    Link(String),
    /// A page's update dates and log, by its file (the feeds show them).
    Updates(String),
    /// A section's own data (front matter, intro), by its folder.
    Section(String),
    /// Which pages and subsections a section lists, in order, and its
    /// `paginate_by`, by its folder.
    Listing(String),
    /// A section's link, by its folder.
    SectionLink(String),
    /// Whether a section's pages get share cards of their own (`cards:`), by its folder.
    Cards(String),
    /// Every event, as templates see them.
    Events,
    /// The events that concern the page at this URL.
    EventsOf(String),
    /// The timeline's own `_index.md`.
    Timeline,
    /// Every tag with its count ([`browse::tags_index`]).
    Tags,
    /// One tag: its pages in order and its events ([`browse::tag_view`]), by slug.
    Tag(String),
    /// What a person's page shows ([`browse::person_page_ctx`]), by id.
    Person(String),
}

/// What one output read, noted only when a rebuild will ask (`serve`,
/// `build --watch`): a one-off build skips the bookkeeping.
pub(crate) struct Reads {
    pub(crate) list: Vec<Read>,
    pub(crate) on: bool,
}

impl Reads {
    pub(crate) fn note(&mut self, read: impl FnOnce() -> Read) {
        if self.on {
            self.list.push(read());
        }
    }
}

/// An HTML output that a template renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    Page(PageId),
    /// A section's first listing page, at its URL.
    Section(SectionId),
    /// Listing page `n` (from 2) of a section, at `page/n/` under its URL.
    SectionPage(SectionId, u32),
    Timeline,
    Glossary,
    /// `/search/`: the search form and results, and a list of the site's
    /// pages for readers without JavaScript.
    Search,
    NotFound,
    /// `/tags/`.
    Tags,
    /// Listing page `n` (from 1) of the tag `site.tags[i]`: `Tag(i, n)`.
    Tag(u32, u32),
    /// The page of `site.config.people[i]`.
    Person(u32),
}

/// Outputs by path, each with what it read.
pub(crate) type ReadsByOutput = Vec<(String, Vec<Read>)>;

/// A rendered output and what it read.
pub(crate) struct Output {
    pub file: RenderedFile,
    pub reads: Vec<Read>,
}

/// A loaded theme: Tera with every template, and the functions bound to a site.
pub(crate) struct Theme {
    tera: Tera,
    /// Template name -> source text, to quote lines in errors.
    sources: HashMap<String, String>,
    /// The theme's `static/` folder, if it has one.
    pub static_dir: Option<PathBuf>,
    /// The theme is the built-in one (its folder, if any, overrides it file by file).
    pub builtin: bool,
    /// Built-in templates the site's own templates do not work with, with why.
    unusable: HashMap<String, Diagnostic>,
    /// What the author should know but that does not stop the build
    /// (labels missing in the site's language).
    pub(crate) warnings: Vec<Diagnostic>,
    /// Every event as templates see it, built once for all pages.
    events: Arc<Vec<EventCtx>>,
    recorder: Arc<Recorder>,
}

/// The theme folder of a site: `themes/<name>/`.
pub(crate) fn theme_dir(root: &Path, name: &str) -> PathBuf {
    root.join("themes").join(name)
}

impl Theme {
    /// Loads the theme named in `site.yaml` and the site's own overrides,
    /// with the functions bound to `site`.
    pub(crate) fn load(site: &Arc<Site>) -> Result<Theme, Vec<Diagnostic>> {
        let (root, theme) = (&site.root, &site.config.theme);
        let dir = theme_dir(root, theme);
        let builtin = theme == builtin::NAME;
        if !builtin && !dir.join("templates").is_dir() {
            return Err(vec![
                Diagnostic::file(
                    "site.yaml",
                    format!("theme `{theme}` not found: there is no themes/{theme}/templates/ folder"),
                )
                .with_hint(
                    "set `theme:` in site.yaml to a folder under themes/, or to `explainer` (the built-in theme)",
                ),
            ]);
        }
        let theme_prefix = format!("themes/{theme}/templates/");
        let mut sources = HashMap::new();
        let mut problems = Vec::new();
        if builtin {
            // Under the theme folder's names, so a file there replaces its
            // built-in twin and errors name the file to copy and change.
            for (name, bytes) in builtin::files("templates") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                sources.insert(format!("{theme_prefix}{name}"), text);
            }
        }
        for (folder, prefix) in [
            (root.join("templates"), SITE_TEMPLATES.to_string()),
            (dir.join("templates"), theme_prefix.clone()),
        ] {
            read_templates(&folder, &prefix, &mut sources, &mut problems);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let labels = load_labels(site, &dir, builtin)?;
        let mut unusable = HashMap::new();
        loop {
            let mut tera = new_tera();
            tera.set_fallback_prefixes([SITE_TEMPLATES.to_string(), theme_prefix.clone()])
                .map_err(|e| vec![tera_diagnostic(&e, &sources)])?;
            let mut theme = Theme {
                tera,
                sources: HashMap::new(),
                static_dir: Some(dir.join("static")).filter(|d| d.is_dir()),
                builtin,
                unusable: HashMap::new(),
                warnings: Vec::new(),
                events: Arc::default(),
                recorder: Arc::default(),
            };
            theme.bind(site);
            theme.tera.global_context().insert("t", &labels.text);
            let added = theme
                .tera
                .add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())));
            match added {
                Ok(()) => {
                    theme.sources = sources;
                    theme.unusable = unusable;
                    theme.warnings = labels.warnings;
                    return Ok(theme);
                }
                Err(e) => {
                    let d = tera_diagnostic(&e, &sources);
                    // A built-in template the site's own templates break (a
                    // `base.html` without its blocks, say) is set aside: it
                    // is an error only if the site needs it.
                    let name = d.file.to_string_lossy().into_owned();
                    if !builtin_only(&name, &theme_prefix, root) || sources.remove(&name).is_none() {
                        return Err(vec![d]);
                    }
                    unusable.insert(name, d);
                }
            }
        }
    }

    /// Points the template functions and the global `site` at `site`,
    /// without re-reading the templates (the incremental path).
    pub(crate) fn bind(&mut self, site: &Arc<Site>) {
        self.events = Arc::new(event_ctxs(site));
        let assets = functions::Assets::new(site.root.join("static"), self.static_dir.clone(), self.builtin);
        let (events, recorder) = (self.events.clone(), self.recorder.clone());
        register_functions(&mut self.tera, site.clone(), events, recorder, Arc::new(assets));
        self.tera.global_context().insert("site", &site_ctx(site));
    }

    /// Stops noting what outputs read: a one-off build never asks.
    pub(crate) fn without_reads(self) -> Theme {
        self.recorder.switch_off();
        self
    }

    /// Every event as templates see it (for comparing one site with the next).
    pub(crate) fn events(&self) -> Arc<Vec<EventCtx>> {
        self.events.clone()
    }

    fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Which generated pages (tags, people) it renders for `site`.
    pub(crate) fn offers(&self, site: &Site) -> browse::Offers {
        browse::Offers::of(site, |name| self.has(name))
    }

    /// Renders `name`, which [`missing_templates`] has checked exists.
    fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| tera_diagnostic(&e, &self.sources))
    }
}

/// The templates shortcodes render with: every template under `shortcodes/`
/// and `partials/` of the built-in theme, the theme folder and the site's
/// `templates/` (the site's first), with the theme's labels as `t`. Loaded
/// apart from the theme because page bodies are converted before the
/// theme's other templates can render.
pub(crate) struct ShortcodeTemplates {
    pub(crate) tera: Tera,
    /// Shortcode name -> where its template comes from, for messages.
    pub(crate) names: std::collections::BTreeMap<String, String>,
    sources: HashMap<String, String>,
}

const SHORTCODE_FOLDERS: [&str; 2] = ["shortcodes/", "partials/"];

impl ShortcodeTemplates {
    pub(crate) fn load(site: &Site) -> Result<ShortcodeTemplates, Vec<Diagnostic>> {
        let (root, theme) = (&site.root, &site.config.theme);
        let dir = theme_dir(root, theme);
        let builtin = theme == builtin::NAME;
        let theme_prefix = format!("themes/{theme}/templates/");
        let mut sources = HashMap::new();
        let mut problems = Vec::new();
        for folder in SHORTCODE_FOLDERS {
            if builtin {
                for (name, bytes) in builtin::files(&format!("templates/{folder}")) {
                    let text = String::from_utf8_lossy(bytes).into_owned();
                    sources.insert(format!("{theme_prefix}{folder}{name}"), text);
                }
            }
            for (base, prefix) in [
                (root.join("templates"), SITE_TEMPLATES),
                (dir.join("templates"), &theme_prefix),
            ] {
                read_templates(
                    &base.join(folder),
                    &format!("{prefix}{folder}"),
                    &mut sources,
                    &mut problems,
                );
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let labels = load_labels(site, &dir, builtin)?;
        let mut tera = new_tera();
        tera.set_fallback_prefixes([SITE_TEMPLATES.to_string(), theme_prefix.clone()])
            .map_err(|e| vec![tera_diagnostic(&e, &sources)])?;
        tera.global_context().insert("t", &labels.text);
        tera.global_context().insert("lang", &site.config.language);
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| vec![tera_diagnostic(&e, &sources)])?;
        let mut names = std::collections::BTreeMap::new();
        // The theme's first, so the site's own replace them.
        for prefix in [theme_prefix.as_str(), SITE_TEMPLATES] {
            let folder = format!("{prefix}shortcodes/");
            for file in sources.keys() {
                if let Some(name) = file.strip_prefix(&folder).and_then(|n| n.strip_suffix(".html")) {
                    names.insert(name.to_string(), file.clone());
                }
            }
        }
        Ok(ShortcodeTemplates { tera, names, sources })
    }

    /// No templates: for a text with no shortcode in it, which needs none
    /// (loading them reads the theme's labels and parses its templates).
    pub(crate) fn none() -> ShortcodeTemplates {
        ShortcodeTemplates {
            tera: new_tera(),
            names: std::collections::BTreeMap::new(),
            sources: HashMap::new(),
        }
    }

    /// Renders the shortcode `name` (which must be in `names`); an error
    /// names the template's file and line.
    pub(crate) fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(&format!("shortcodes/{name}.html"), ctx)
            .map_err(|e| tera_diagnostic(&e, &self.sources))
    }
}

/// A Tera whose autoescaping writes runs of text at once (see
/// [`crate::text::escape_html_to`]).
fn new_tera() -> Tera {
    let mut tera = Tera::new();
    tera.set_escape_fn(crate::text::escape_html_to);
    tera
}

/// The theme's labels in the site's language: the built-in theme's, then
/// the theme folder's `i18n/`, then the site's own `i18n/`, key by key.
fn load_labels(site: &Site, theme_dir: &Path, builtin: bool) -> Result<i18n::Labels, Vec<Diagnostic>> {
    let on_disk = |dir: &Path| -> Vec<(String, String)> {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut files: Vec<(String, String)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let lang = name.strip_suffix(".yaml")?.to_string();
                let bytes = std::fs::read(e.path()).ok()?;
                Some((lang, crate::text::decode(&e.path(), bytes).ok()?))
            })
            .collect();
        files.sort();
        files
    };
    let built_in: Vec<(String, &str)> = match builtin {
        true => builtin::files("i18n")
            .into_iter()
            .filter_map(|(name, bytes)| {
                Some((
                    name.strip_suffix(".yaml")?.to_string(),
                    std::str::from_utf8(bytes).ok()?,
                ))
            })
            .collect(),
        false => Vec::new(),
    };
    let theme_files = on_disk(&theme_dir.join("i18n"));
    let site_files = on_disk(&site.root.join("i18n"));
    let theme_name = format!("themes/{}/i18n", site.config.theme);
    let layers = [
        i18n::Layer {
            name: theme_name.clone(),
            files: built_in,
        },
        i18n::Layer {
            name: theme_name,
            files: borrowed(&theme_files),
        },
        i18n::Layer {
            name: "i18n".into(),
            files: borrowed(&site_files),
        },
    ];
    i18n::labels(&layers, &site.config.language)
}

fn borrowed(files: &[(String, String)]) -> Vec<(String, &str)> {
    files.iter().map(|(l, t)| (l.clone(), t.as_str())).collect()
}

/// Is the template `name` the built-in theme's own, with no file of the site
/// in its place?
fn builtin_only(name: &str, theme_prefix: &str, root: &Path) -> bool {
    let Some(rel) = name.strip_prefix(theme_prefix) else {
        return false;
    };
    let on_disk = root.join(theme_prefix).join(rel);
    !on_disk.exists() && builtin::files("templates").iter().any(|(n, _)| n == rel)
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
            // A tag left open makes Tera parse the text after it as an
            // expression and give up somewhere later, with a message about
            // whatever it found there: blame the tag instead.
            if matches!(err.kind(), ErrorKind::SyntaxError(_))
                && let Some((open, closer)) = unclosed_tag(text, span.range.end.max(span.range.start))
            {
                let line_start = text[..open].rfind('\n').map_or(0, |i| i + 1);
                let line = text[..open].matches('\n').count() + 1;
                let col = text[line_start..open].chars().count() + 1;
                return Diagnostic::at(r.filename(), text, line, col, "this tag is never closed")
                    .with_hint(format!("close it with `{closer}`"));
            }
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

/// The first `{%` or `{{` that opens at or before byte `upto` of `text` and
/// is never closed: its byte offset, and the closer it lacks. A tag counts as
/// unclosed when the next `{{`, `{%` or `{#`, or the end of the template,
/// comes before its closer (outside quoted strings); it may span lines.
/// Comments and `{% raw %}` blocks are skipped.
fn unclosed_tag(text: &str, upto: usize) -> Option<(usize, &'static str)> {
    let mut at = 0;
    while let Some(found) = text.get(at..)?.find('{') {
        let open = at + found;
        if open > upto {
            return None;
        }
        let body = open + 2;
        let closer = match text.get(open..body) {
            Some("{{") => "}}",
            Some("{%") => "%}",
            Some("{#") => {
                at = text[body..].find("#}").map_or(text.len(), |i| body + i + 2);
                continue;
            }
            _ => {
                at = open + 1;
                continue;
            }
        };
        let Some(end) = tag_end(text, body, closer) else {
            return Some((open, closer));
        };
        at = end;
        if closer == "%}" && text[body..end - 2].trim_matches(|c: char| c == '-' || c.is_whitespace()) == "raw" {
            // Skip to the end of `{% endraw %}`.
            at = text[end..]
                .find("endraw")
                .and_then(|i| text[end + i..].find("%}").map(|j| end + i + j + 2))
                .unwrap_or(text.len());
        }
    }
    None
}

/// The byte just after `closer` for the tag whose inside starts at `from`,
/// or `None` when another tag opens (or the template ends) first.
fn tag_end(text: &str, from: usize, closer: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in text[from..].char_indices() {
        let rest = &text[from + i..];
        match quote {
            // A string ends at its quote, or (unterminated) at the line's end.
            Some(q) if c == q || c == '\n' => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '`') => quote = Some(c),
            None if rest.starts_with(closer) => return Some(from + i + closer.len()),
            None if rest.starts_with("{{") || rest.starts_with("{%") || rest.starts_with("{#") => return None,
            None => {}
        }
    }
    None
}

fn parse_place(place: &str) -> Option<(&str, usize, usize)> {
    let mut parts = place.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?, line, col))
}

/// What every template sees besides `site`: the path and absolute URL of
/// the output being rendered.
fn base_context(site: &Site, url: &str) -> Context {
    let mut ctx = Context::new();
    ctx.insert("current_path", &site.url(url));
    ctx.insert(functions::OUTPUT_VAR, url);
    ctx.insert("current_url", &site.permalink(url));
    ctx
}

/// Every HTML output of the site: the search page is one when search is on
/// and the theme offers `search.html` (a site whose own `base.html` lacks
/// the built-in theme's blocks goes without it).
pub(crate) fn targets(site: &Site, offers: browse::Offers) -> Vec<Target> {
    let mut all: Vec<Target> = site.page_ids().map(Target::Page).collect();
    all.extend(site.section_ids().map(Target::Section));
    for id in site.section_ids() {
        let more = (2..=site.section_pager_count(id)).map(|n| Target::SectionPage(id, n as u32));
        all.extend(more);
    }
    if offers.tags {
        all.push(Target::Tags);
        let per_page = site.config.paginate_by();
        for (i, tag) in site.tags.iter().enumerate() {
            let count = crate::model::pager_count(tag.pages.len(), per_page);
            all.extend((1..=count).map(|n| Target::Tag(i as u32, n as u32)));
        }
    }
    if offers.people {
        all.extend((0..site.config.people.len()).map(|i| Target::Person(i as u32)));
    }
    if site.has_timeline() {
        all.push(Target::Timeline);
    }
    if site.has_glossary() {
        all.push(Target::Glossary);
    }
    if offers.search {
        all.push(Target::Search);
    }
    all.push(Target::NotFound);
    all
}

impl Target {
    /// The URL it is rendered for (its `current_path`), before the site's path.
    pub(crate) fn url(self, site: &Site) -> String {
        match self {
            Target::Page(p) => site.page(p).url.clone(),
            Target::Section(s) => site.section(s).url.clone(),
            Target::SectionPage(s, n) => paginated_url(&site.section(s).url, n as usize),
            Target::Timeline => TIMELINE_URL.into(),
            Target::Glossary => crate::model::GLOSSARY_URL.into(),
            Target::Search => crate::model::SEARCH_URL.into(),
            Target::NotFound => "/404.html".into(),
            Target::Tags => TAGS_URL.into(),
            Target::Tag(i, n) => paginated_url(&tag_path(&site.tags[i as usize].slug), n as usize),
            Target::Person(i) => person_path(&site.config.people[i as usize].id),
        }
    }

    /// The file it is written to, relative to the output folder.
    pub(crate) fn path(self, site: &Site) -> String {
        match self {
            Target::NotFound => "404.html".into(),
            _ => output_path(&self.url(site)),
        }
    }

    /// The template that renders it, and the file to blame when it is missing.
    fn template(self, site: &Site) -> (String, PathBuf) {
        match self {
            Target::Page(p) => {
                let p = site.page(p);
                let name = p.meta.template.clone().unwrap_or_else(|| "page.html".into());
                (name, p.file.clone())
            }
            Target::Section(id) | Target::SectionPage(id, _) => {
                let s = site.section(id);
                let default = if id == SectionId::HOME {
                    "index.html"
                } else {
                    "section.html"
                };
                let name = s.meta.template.clone().unwrap_or_else(|| default.into());
                (name, section_file(s))
            }
            Target::Timeline => {
                let t = site.timeline_section.as_ref();
                let name = t
                    .and_then(|s| s.meta.template.clone())
                    .unwrap_or_else(|| "timeline.html".into());
                (name, t.map_or_else(|| PathBuf::from("content/timeline"), section_file))
            }
            Target::Glossary => ("glossary.html".into(), PathBuf::from("site.yaml")),
            Target::Search => (SEARCH_TEMPLATE.into(), PathBuf::from("site.yaml")),
            Target::NotFound => ("404.html".into(), PathBuf::from("content")),
            Target::Tags => ("tags.html".into(), PathBuf::from("content")),
            Target::Tag(..) => ("tag.html".into(), PathBuf::from("content")),
            Target::Person(_) => ("person.html".into(), PathBuf::from("site.yaml")),
        }
    }
}

fn section_file(s: &Section) -> PathBuf {
    s.file.clone().unwrap_or_else(|| Path::new("content").join(&s.dir))
}

/// One problem per missing template (not one per page that needs it).
fn missing_templates(theme: &Theme, site: &Site, targets: &[Target]) -> Vec<Diagnostic> {
    let mut users: Vec<(String, Vec<PathBuf>)> = Vec::new();
    let mut unusable = Vec::new();
    for (name, file) in targets.iter().map(|t| t.template(site)) {
        if theme.has(&name) {
            continue;
        }
        let builtin = theme.unusable.iter().find(|(n, _)| n.ends_with(&format!("/{name}")));
        if let Some((_, why)) = builtin {
            if !users.iter().any(|(n, _)| *n == name) {
                users.push((name.clone(), Vec::new()));
                unusable.push(why.clone().with_hint(format!(
                    "the built-in `{name}` needs blocks or templates your own templates replace; \
                     write your own `{name}`, or start from the built-in one (`dossier theme export`)"
                )));
            }
            continue;
        }
        match users.iter_mut().find(|(n, _)| *n == name) {
            Some((_, files)) => files.push(file),
            None => users.push((name, vec![file])),
        }
    }
    let missing = users
        .into_iter()
        .filter(|(_, files)| !files.is_empty())
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
        });
    unusable.into_iter().chain(missing).collect()
}

/// One problem per output path two targets would both write: a page or
/// folder of `content/` where the site puts its tag or people pages.
pub(crate) fn clashes(site: &Site, targets: &[Target]) -> Vec<Diagnostic> {
    let mut seen: HashMap<String, Target> = HashMap::with_capacity(targets.len());
    let mut problems = Vec::new();
    for &t in targets {
        let path = t.path(site);
        let Some(&first) = seen.get(&path) else {
            seen.insert(path, t);
            continue;
        };
        // Blame the content file, not the generated page.
        let generated = |t: Target| matches!(t, Target::Tags | Target::Tag(..) | Target::Person(_));
        let (mine, theirs) = if generated(first) { (t, first) } else { (first, t) };
        let what = match theirs {
            Target::Tags => "the tags index".to_string(),
            Target::Tag(i, _) => format!("the page of the tag `{}`", site.tags[i as usize].name),
            Target::Person(i) => format!(
                "the page of `{}` from site.yaml's people",
                site.config.people[i as usize].id
            ),
            _ => "another page".to_string(),
        };
        problems.push(
            Diagnostic::file(
                mine.template(site).1,
                format!("this would be written to `{path}`, as would {what}"),
            )
            .with_hint("rename or move it: `/tags/` and `/people/` hold the pages the site makes for tags and people"),
        );
    }
    problems
}

/// Renders `targets` in parallel, handing each file to `emit` as soon as it
/// is rendered. Returns each output's path with what it read, or every
/// problem found.
pub(crate) fn render_targets(
    theme: &Theme,
    site: &Site,
    targets: &[Target],
    emit: &Emit,
) -> Result<ReadsByOutput, Error> {
    let mut problems = missing_templates(theme, site, targets);
    problems.extend(clashes(site, targets));
    if !problems.is_empty() {
        return Err(Diagnostics(problems).into());
    }
    // Each file is written as soon as it is rendered; only its path is kept.
    let outcomes: Vec<Result<(String, Vec<Read>), Error>> = targets
        .par_iter()
        .map(|&t| {
            let out = render_target(theme, site, t)?;
            let path = out.file.path.clone();
            emit(out.file)?;
            Ok((path, out.reads))
        })
        .collect();
    let mut done = Vec::with_capacity(outcomes.len());
    let mut problems = Diagnostics::default();
    for outcome in outcomes {
        match outcome {
            Ok(d) => done.push(d),
            Err(Error::Site(d)) => problems.extend(d.0),
            Err(other) => return Err(other),
        }
    }
    problems.into_result(done)
}

/// Renders one output, noting what it read.
fn render_target(theme: &Theme, site: &Site, target: Target) -> Result<Output, Diagnostic> {
    let url = target.url(site);
    let url = url.as_str();
    let mut ctx = base_context(site, url);
    let mut reads = Reads {
        list: Vec::new(),
        on: theme.recorder.on(),
    };
    reads.note(|| Read::Site);
    match target {
        Target::Page(id) => ctx.insert("page", &page_ctx(site, &theme.events, id, &mut reads)),
        Target::Section(id) => section_context(site, id, 1, &mut ctx, &mut reads),
        Target::SectionPage(id, n) => section_context(site, id, n as usize, &mut ctx, &mut reads),
        Target::Timeline => timeline_context(theme, site, &mut ctx, &mut reads),
        Target::Glossary => glossary_context(site, &mut ctx, &mut reads),
        Target::Search => search_context(site, theme.offers(site), &mut ctx, &mut reads),
        Target::NotFound => {}
        Target::Tags => tags_context(site, &mut ctx, &mut reads),
        Target::Tag(i, n) => tag_context(theme, site, &site.tags[i as usize], n as usize, &mut ctx, &mut reads),
        Target::Person(i) => person_context(theme, site, i as usize, &mut ctx, &mut reads),
    }
    let (template, _) = target.template(site);
    let html = theme.render(&template, &ctx)?;
    if reads.on {
        reads.list.extend(theme.recorder.take(url));
    }
    Ok(Output {
        file: RenderedFile {
            path: target.path(site),
            bytes: html.into_bytes(),
        },
        reads: reads.list,
    })
}

fn timeline_context(theme: &Theme, site: &Site, ctx: &mut Context, reads: &mut Reads) {
    reads.note(|| Read::Events);
    reads.note(|| Read::Timeline);
    let link = timeline_link(site);
    let events = &theme.events;
    let mut actors: Vec<String> = site.events.iter().flat_map(|e| e.meta.actors.iter().cloned()).collect();
    actors.sort();
    actors.dedup();
    let mut years: Vec<YearCtx> = Vec::new();
    for e in events.iter() {
        let year = e.span.0.year_number();
        match years.last_mut() {
            Some(y) if y.year == year => y.events.push(e.clone()),
            _ => years.push(YearCtx {
                year,
                events: vec![e.clone()],
            }),
        }
    }
    let json_ld = crate::timeline::export::json_ld(&site.events, &link.title, &link.permalink);
    ctx.insert(
        "timeline",
        &TimelineCtx {
            years,
            count: events.len(),
            actors,
            json_ld,
        },
    );
    let (content, summary) = match &site.timeline_section {
        Some(s) => (s.html.html.clone(), s.meta.summary.clone()),
        None => (String::new(), None),
    };
    ctx.insert("section", &generated_section(site, &link, summary, content, reads));
}

/// `section` for a page the site generates (timeline, glossary): a child of
/// the home page with no listing of its own.
fn generated_section(
    site: &Site,
    link: &LinkCtx,
    summary: Option<String>,
    content: String,
    reads: &mut Reads,
) -> SectionCtx {
    SectionCtx {
        title: link.title.clone(),
        summary,
        url: link.url.clone(),
        permalink: link.permalink.clone(),
        content,
        toc: Vec::new(),
        pages: Vec::new(),
        subsections: Vec::new(),
        ancestors: ancestors(site, Some(SectionId::HOME), reads),
    }
}

fn glossary_context(site: &Site, ctx: &mut Context, reads: &mut Reads) {
    let link = glossary_link(site);
    let mut terms: Vec<TermCtx> = site
        .config
        .glossary
        .iter()
        .zip(&site.glossary)
        .map(|(t, definition)| TermCtx {
            id: t.anchor(),
            term: t.term.clone(),
            aliases: t.aliases.clone(),
            definition: definition.clone(),
        })
        .collect();
    terms.sort_by_key(|t| t.term.to_lowercase());
    ctx.insert("glossary", &terms);
    ctx.insert("section", &generated_section(site, &link, None, String::new(), reads));
}

const SEARCH_TEMPLATE: &str = "search.html";

/// How many pages of each section the search page lists for readers
/// without JavaScript; the rest are a link to the section away. A site of
/// 10,000 pages in one section keeps a small search page.
const SEARCH_LIST_MAX: usize = 100;

/// `search`: every section (the home page first) with the first
/// [`SEARCH_LIST_MAX`] pages it lists, and how many more it has; the tags
/// index and the people pages when the theme has them.
fn search_context(site: &Site, offers: browse::Offers, ctx: &mut Context, reads: &mut Reads) {
    // Every section's listing is read, the empty ones' too: a section
    // that gains its first page joins the list.
    for s in &site.sections {
        reads.note(|| Read::Listing(s.dir.clone()));
    }
    let sections: Vec<SearchSectionCtx> = site
        .sections
        .iter()
        .filter(|s| !s.pages.is_empty())
        .map(|s| {
            reads.note(|| Read::SectionLink(s.dir.clone()));
            let pages = (s.pages.iter().take(SEARCH_LIST_MAX))
                .map(|&p| {
                    let page = site.page(p);
                    reads.note(|| Read::Link(page.rel.clone()));
                    page_link(site, page)
                })
                .collect();
            SearchSectionCtx {
                link: section_link(site, s),
                pages,
                more: s.pages.len().saturating_sub(SEARCH_LIST_MAX),
            }
        })
        .collect();
    // Whether there is a tags index follows the tags (and their view).
    reads.note(|| Read::Tags);
    let tags = offers.tags.then(|| generated_link(site, TAGS_URL, "Tags"));
    // People's names are the site's (`Read::Site`).
    let people = match offers.people {
        true => (site.config.people.iter())
            .map(|p| generated_link(site, &person_path(&p.id), &p.name))
            .collect(),
        false => Vec::new(),
    };
    let link = generated_link(site, crate::model::SEARCH_URL, "Search");
    ctx.insert(
        "search",
        &SearchCtx {
            sections,
            tags,
            people,
            index: site.url(&format!("/{}/pagefind.js", crate::model::SEARCH_DIR)),
        },
    );
    ctx.insert("section", &generated_section(site, &link, None, String::new(), reads));
}

/// `section` and `paginator` for listing page `n` of section `id`.
fn section_context(site: &Site, id: SectionId, n: usize, ctx: &mut Context, reads: &mut Reads) {
    let section = section_ctx(site, id, n, reads);
    let s = site.section(id);
    let pager = browse::paginator(
        site,
        &s.url,
        n,
        site.paginate_by(id),
        s.pages.len(),
        section.pages.clone(),
    );
    ctx.insert("paginator", &pager);
    ctx.insert("section", &section);
}

/// `tags` and `section` for `/tags/`.
fn tags_context(site: &Site, ctx: &mut Context, reads: &mut Reads) {
    reads.note(|| Read::Tags);
    ctx.insert("tags", &browse::tags_index(site));
    let link = generated_link(site, TAGS_URL, "Tags");
    ctx.insert("section", &generated_section(site, &link, None, String::new(), reads));
}

/// `tag`, `paginator` and `section` for listing page `n` of `tag`.
fn tag_context(theme: &Theme, site: &Site, tag: &Tag, n: usize, ctx: &mut Context, reads: &mut Reads) {
    reads.note(|| Read::Tag(tag.slug.clone()));
    let per_page = site.config.paginate_by();
    let shown = &tag.pages[browse::slice(tag.pages.len(), per_page, n)];
    let links = browse::links_of(site, shown, reads);
    let path = tag_path(&tag.slug);
    ctx.insert(
        "paginator",
        &browse::paginator(site, &path, n, per_page, tag.pages.len(), links),
    );
    // Its events go on its first listing page.
    let events = match n {
        1 => tag
            .events
            .iter()
            .filter_map(|&i| theme.events.get(i).cloned())
            .collect(),
        _ => Vec::new(),
    };
    ctx.insert(
        "tag",
        &browse::TagPageCtx {
            tag: browse::tag_ctx(site, tag),
            events,
        },
    );
    let mut section = generated_section(
        site,
        &generated_link(site, &path, &tag.name),
        None,
        String::new(),
        reads,
    );
    // Its breadcrumbs lead through the tags index.
    section.ancestors.push(generated_link(site, TAGS_URL, "Tags"));
    ctx.insert("section", &section);
}

/// `person` and `section` for the page of `site.config.people[i]`.
fn person_context(theme: &Theme, site: &Site, i: usize, ctx: &mut Context, reads: &mut Reads) {
    let person = &site.config.people[i];
    reads.note(|| Read::Person(person.id.clone()));
    let page = browse::person_page_ctx(site, &theme.events, &person.id);
    let link = generated_link(site, &person_path(&person.id), &person.name);
    ctx.insert("person", &page);
    ctx.insert("section", &generated_section(site, &link, None, String::new(), reads));
}

/// The link of a page the site generates at `path`.
fn generated_link(site: &Site, path: &str, title: &str) -> LinkCtx {
    LinkCtx {
        title: title.to_string(),
        url: site.url(path),
        permalink: site.permalink(path),
        summary: None,
        date: None,
        reading_time: None,
    }
}
