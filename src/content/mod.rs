//! Loading `content/`: files become [`Page`]s, [`Section`]s, [`Asset`]s and
//! timeline events, with their URLs, checked for everything that can be checked
//! without rendering.

pub mod frontmatter;
pub(crate) mod walk;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::date::PartialDate;
use crate::error::Diagnostic;
use crate::model::{
    Asset, Event, EventOrigin, GLOSSARY_URL, LinkMap, Page, PageId, SEARCH_URL, Section, SectionId, SectionMeta, Site,
    SortBy, SourceText, TIMELINE_DIR, TIMELINE_URL, alias_output_path, alias_url, dir_url, output_path, parent_dir,
    url_segment,
};
use crate::yaml;
use frontmatter::locate;

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
    Page(Box<Page>),
    Section(Section),
    Event(Event),
    TimelineIndex(Section),
}

/// Loads the content of the site at `root` (canonical). Drafts are left out
/// unless `drafts`. Returns the site and every problem found.
pub(crate) fn load(root: &Path, config: Config, drafts: bool) -> (Site, Vec<Diagnostic>) {
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

    let dates = crate::date::DateStyle::for_language(&config.language);
    let base_path = config.base_path().to_string();
    let mut site = Site {
        root: root.to_path_buf(),
        config,
        sections: Vec::new(),
        pages: Vec::new(),
        assets: Vec::new(),
        events: Vec::new(),
        timeline_section: None,
        links: Arc::default(),
        index: Arc::default(),
        tags: Arc::default(),
        dates,
        base_path,
        image_cache: None,
        glossary: Vec::new(),
    };
    let mut section_files = HashMap::new();
    // Pages that are not built still exist for links to them: a draft gets
    // "is a draft", and a page that failed to parse its own error only.
    let mut unbuilt = LinkMap::default();
    for (result, (kind, found)) in parsed.into_iter().zip(&classified) {
        let is_page = matches!(kind, Kind::Page | Kind::Bundle);
        match result {
            Ok(Some(Parsed::Page(p))) if !p.meta.draft || drafts => site.pages.push(Arc::from(p)),
            Ok(Some(Parsed::Page(p))) => unbuilt.insert_draft(p.rel.clone()),
            Ok(Some(Parsed::Section(s))) => {
                section_files.insert(s.dir.clone(), s);
            }
            Ok(Some(Parsed::Event(e))) => site.events.push(Event {
                written: site.events.len(),
                ..e
            }),
            Ok(Some(Parsed::TimelineIndex(s))) => site.timeline_section = Some(s),
            Ok(_) => {}
            Err(d) => {
                if is_page {
                    unbuilt.insert(found.rel.clone(), dir_url(found.rel.trim_end_matches(".md")));
                }
                problems.push(d);
            }
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
    site.links = Arc::new(link_map(&site, unbuilt));
    site.index = Arc::new(crate::model::PageIndex::of(&site.pages));
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
    let text = frontmatter::split(&file, crate::text::decode(&file, bytes)?)?;
    let origin = yaml::Origin {
        file: &file,
        file_text: &text.text,
        first_line: text.front_line,
    };
    let dir = parent_dir(&found.rel);
    Ok(Some(match kind {
        Kind::Page | Kind::Bundle => Parsed::Page(Box::new(Page {
            meta: yaml::parse(text.front(), &origin)?,
            file: file.clone(),
            rel: found.rel.clone(),
            text,
            url: String::new(),
            section: SectionId::HOME,
            html: Default::default(),
        })),
        Kind::SectionIndex | Kind::TimelineIndex => {
            let section = Section {
                meta: yaml::parse(text.front(), &origin)?,
                file: Some(file.clone()),
                dir: dir.to_string(),
                text,
                url: String::new(),
                parent: None,
                pages: Vec::new(),
                subsections: Vec::new(),
                html: Default::default(),
                uses: Default::default(),
            };
            if matches!(kind, Kind::TimelineIndex) {
                Parsed::TimelineIndex(Section {
                    url: TIMELINE_URL.into(),
                    ..section
                })
            } else {
                Parsed::Section(section)
            }
        }
        Kind::Event => Parsed::Event(Event {
            meta: yaml::parse(text.front(), &origin)?,
            origin: EventOrigin::File {
                file: file.clone(),
                rel: found.rel.clone(),
                text,
            },
            written: 0,
            id: String::new(),
            related: Vec::new(),
            description: String::new(),
        }),
        Kind::Asset => unreachable!("assets returned above"),
    }))
}

/// Reads and parses the page `id` again (for the incremental path), keeping
/// its place in the site. `None` if it is no longer a page.
pub(crate) fn reparse_page(site: &Site, id: PageId) -> Option<Result<Page, Diagnostic>> {
    let old = site.page(id);
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
            ..*p
        })),
        Ok(_) => None,
        Err(d) => Some(Err(d)),
    }
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
            text: SourceText {
                body_line: 1,
                ..SourceText::default()
            },
            url: String::new(),
            parent: None,
            pages: Vec::new(),
            subsections: Vec::new(),
            html: Default::default(),
            uses: Default::default(),
        });
        section.url = dir_url(dir);
        all.insert(dir.to_string(), section);
    }
    // BTreeMap order puts every parent before its children, and "" first.
    site.sections = all.into_values().collect();
    let index = section_index(site);
    for i in 1..site.sections.len() {
        let parent = index[parent_dir(&site.sections[i].dir)];
        site.sections[i].parent = Some(parent);
        site.sections[parent.index()].subsections.push(SectionId::new(i));
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

fn section_index(site: &Site) -> HashMap<String, SectionId> {
    site.section_ids().map(|s| (site.section(s).dir.clone(), s)).collect()
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
    let index = section_index(site);
    for (i, page) in site.pages.iter_mut().enumerate() {
        // Nothing else holds the pages yet: this never copies.
        let page = Arc::make_mut(page);
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
        let section = index.get(dir).copied().unwrap_or(SectionId::HOME);
        let slug = match &page.meta.slug {
            Some(slug) => match check_slug(slug) {
                Ok(()) => slug.clone(),
                Err(why) => {
                    let (line, col) = locate(&page.text, "slug", None, slug);
                    problems.push(
                        Diagnostic::at(&page.file, &page.text.text, line, col, why)
                            .with_hint("a slug is one URL segment: letters, digits and hyphens, e.g. `pay-offer`"),
                    );
                    url_segment(name)
                }
            },
            None => url_segment(name),
        };
        page.section = section;
        page.url = format!("{}{}/", site.sections[section.index()].url, slug);
        site.sections[section.index()].pages.push(PageId::new(i));
    }
    for s in site.section_ids() {
        sort_section(site, s);
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
    problems.extend(check_aliases(site));
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

/// Puts a section's pages in its `sort_by` order.
pub(crate) fn sort_section(site: &mut Site, s: SectionId) {
    let mut pages = std::mem::take(&mut site.sections[s.index()].pages);
    pages.sort_by_cached_key(|&id| sort_key(site, id));
    site.sections[s.index()].pages = pages;
}

/// Where a page sorts in its section: by `weight`, newest `date` first, or
/// `title`, as the section says; undated or unweighted pages after the
/// others; then by title, and ties by the file's name, so the order never
/// depends on the order pages were loaded or edited in.
pub(crate) fn sort_key(site: &Site, id: PageId) -> SortKey {
    let page = site.page(id);
    let meta = &page.meta;
    let (missing, weight, date) = match site.section(page.section).meta.sort_by {
        SortBy::Weight => (meta.weight.is_none(), meta.weight, None),
        SortBy::Date => (meta.date.is_none(), None, meta.date.map(std::cmp::Reverse)),
        SortBy::Title => (false, None, None),
    };
    (missing, weight, date, meta.title.to_lowercase(), page.rel.clone())
}

/// See [`sort_key`].
pub(crate) type SortKey = (
    bool,
    Option<i64>,
    Option<std::cmp::Reverse<PartialDate>>,
    String,
    String,
);

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
    let timeline = site
        .has_timeline()
        .then(|| (TIMELINE_URL.to_string(), PathBuf::from("content/timeline")));
    let glossary = site
        .has_glossary()
        .then(|| (GLOSSARY_URL.to_string(), PathBuf::from("site.yaml (glossary)")));
    let search = (site.has_search()).then(|| (SEARCH_URL.to_string(), PathBuf::from("site.yaml (search)")));
    let assets = site
        .assets
        .iter()
        .map(|a| (format!("/{}", a.dest), Path::new("content").join(&a.dest)));
    for (url, file) in sections
        .chain(pages)
        .chain(timeline)
        .chain(glossary)
        .chain(search)
        .chain(assets)
    {
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

/// A page's `aliases` are old URLs that redirect to it: each must be a path
/// of the site (`/old/pay/`) that nothing else writes: not a page, a
/// section, the timeline, the glossary, the 404 page, an asset or another
/// alias.
fn check_aliases(site: &Site) -> Vec<Diagnostic> {
    let mut owners: HashMap<String, String> = HashMap::new();
    let sections = site.sections.iter().map(|s| {
        let file = s.file.clone().unwrap_or_else(|| Path::new("content").join(&s.dir));
        (
            output_path(&s.url),
            format!("the URL of the section {}", file.display()),
        )
    });
    let pages = (site.pages.iter()).map(|p| (output_path(&p.url), format!("the URL of the page {}", p.file.display())));
    let timeline = (site.has_timeline()).then(|| (output_path(TIMELINE_URL), "the URL of the timeline".to_string()));
    let glossary = (site.has_glossary()).then(|| (output_path(GLOSSARY_URL), "the URL of the glossary".to_string()));
    let search = (site.has_search()).then(|| (output_path(SEARCH_URL), "the URL of the search page".to_string()));
    let assets = (site.assets.iter()).map(|a| (a.dest.clone(), format!("where the file content/{} goes", a.rel)));
    let not_found = std::iter::once(("404.html".to_string(), "the 404 page".to_string()));
    for (path, owner) in sections
        .chain(pages)
        .chain(timeline)
        .chain(glossary)
        .chain(search)
        .chain(assets)
        .chain(not_found)
    {
        owners.entry(path).or_insert(owner);
    }
    let mut problems = Vec::new();
    for page in &site.pages {
        for (n, alias) in page.meta.aliases.iter().enumerate() {
            let (line, col) = match locate(&page.text, "aliases", Some(n), alias) {
                // A flow list (`aliases: [...]`) has no items to look in.
                (_, 1) => locate(&page.text, "aliases", None, alias),
                found => found,
            };
            let mut report = |message: String, hint: &str| {
                problems.push(Diagnostic::at(&page.file, &page.text.text, line, col, message).with_hint(hint));
            };
            if let Err(why) = check_alias(alias) {
                report(
                    why,
                    "an alias is an old URL path of the site, e.g. `/old/pay/` or `/2024/pay-talks.html`",
                );
                continue;
            }
            let path = alias_output_path(alias);
            let url = alias_url(alias);
            match owners.get(&path) {
                Some(owner) => report(
                    format!("the alias `{url}` is already {owner}"),
                    "an alias is an old URL that nothing else uses: remove it, or move what has that URL",
                ),
                None => {
                    owners.insert(path, format!("an alias of {}", page.file.display()));
                }
            }
        }
    }
    problems
}

/// An alias is an absolute path: no host, query, fragment, `.` or `..`.
fn check_alias(alias: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("`{alias}` cannot be an alias: {why}"));
    if !alias.starts_with('/') {
        return bad("it does not start with `/`");
    }
    if alias.contains(['?', '#']) {
        return bad("it has a query (`?`) or a fragment (`#`); an alias is a path");
    }
    if alias.contains('\\') || alias.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("it holds a space, a backslash or a control character");
    }
    let inner = alias.trim_start_matches('/');
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if alias.starts_with("//") || (!inner.is_empty() && inner.split('/').any(|s| s.is_empty() || s == "." || s == ".."))
    {
        return bad("it has an empty, `.` or `..` part");
    }
    Ok(())
}

/// Events listed in a page's front matter belong to that page. Called again
/// after an incremental edit, it keeps the timeline files' events (first, as
/// a full load has them) and lists the pages' events anew.
pub(crate) fn collect_page_events(site: &mut Site) {
    site.events.retain(|e| e.page().is_none());
    site.events.sort_by_key(|e| e.written);
    let files = site.events.len();
    for (i, page) in site.pages.iter().enumerate() {
        let listed = page.meta.events.iter().enumerate().map(|(index, meta)| Event {
            meta: meta.clone(),
            origin: EventOrigin::Page {
                page: PageId::new(i),
                index,
            },
            written: 0,
            id: String::new(),
            related: Vec::new(),
            description: String::new(),
        });
        site.events.extend(listed);
    }
    for (n, e) in site.events.iter_mut().enumerate().skip(files) {
        e.written = n;
    }
}

/// Which URL each Markdown file became, for resolving links between them,
/// starting from the pages that exist but are not built.
fn link_map(site: &Site, unbuilt: LinkMap) -> LinkMap {
    let mut links = unbuilt;
    for p in &site.pages {
        links.insert(p.rel.clone(), p.url.clone());
    }
    for s in site.sections.iter().chain(&site.timeline_section) {
        if s.file.is_some() {
            links.insert(section_rel(s), s.url.clone());
        }
    }
    for e in &site.events {
        if let EventOrigin::File { rel, .. } = &e.origin {
            links.insert(rel.clone(), TIMELINE_URL);
        }
    }
    links
}

/// `explainers/_index.md`: the file that holds a section, relative to `content/`.
pub(crate) fn section_rel(s: &Section) -> String {
    if s.dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{}/_index.md", s.dir)
    }
}

/// Checks what pages cite: each source on a page is defined (on the page, or
/// in `site.yaml` when the page gives only its id) and listed once, and each
/// key figure's source is one of the page's sources.
pub(crate) fn check_references(site: &Site) -> Vec<Diagnostic> {
    site.pages.iter().flat_map(|p| check_page_references(site, p)).collect()
}

/// [`check_references`] for one page.
pub(crate) fn check_page_references(site: &Site, page: &Page) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut report = |(key, item): (&str, Option<usize>), needle: &str, message: String, hint: &str| {
        let (line, col) = locate(&page.text, key, item, needle);
        problems.push(Diagnostic::at(&page.file, &page.text.text, line, col, message).with_hint(hint));
    };
    let meta = &page.meta;
    // A file name is a file of the page's bundle (a site path or a URL is not checked).
    if let Some(image) = meta.image.as_deref()
        && !image.starts_with('/')
        && !image.starts_with("https://")
        && !image.starts_with("http://")
    {
        let dest = format!("{}{image}", page.url.trim_start_matches('/'));
        if !site.assets.iter().any(|a| a.dest == dest) {
            report(
                ("image", None),
                image,
                format!("`{image}` is not a file of this page's bundle"),
                "put the image next to the page's index.md, or give a path of the site (`/img/strike.png`)",
            );
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (n, s) in meta.sources.iter().enumerate() {
        let at = ("sources", Some(n));
        if !seen.insert(&s.id) {
            report(
                at,
                &s.id,
                format!("source `{}` is listed twice", s.id),
                "list each source once",
            );
        }
        if s.title.is_none() && site.config.source(&s.id).is_none() {
            report(
                at,
                &s.id,
                format!("unknown source `{}`", s.id),
                "define it under `sources:` in site.yaml, or give it a `title` here",
            );
        }
    }
    let people = meta.people.iter().map(|id| (("people", None), id));
    let sides = meta
        .positions
        .iter()
        .enumerate()
        .map(|(n, x)| (("positions", Some(n)), &x.who));
    for (at, id) in people.chain(sides) {
        if site.config.person(id).is_none() {
            let ids = site.config.people.iter().map(|p| p.id.as_str());
            let hint = crate::error::suggest(id, ids, "add them under `people:` in site.yaml (id, name, role)");
            report(at, id, format!("unknown person `{id}`"), &hint);
        }
    }
    let cited = |id: &String| meta.sources.iter().any(|s| &s.id == id);
    for (n, x) in meta.positions.iter().enumerate() {
        if let Some(id) = x.source.as_ref().filter(|id| !cited(id)) {
            report(
                ("positions", Some(n)),
                id,
                format!(
                    "position of `{}` cites `{id}`, which is not in this page's sources",
                    x.who
                ),
                "add `- id: ...` for it under `sources:` on this page",
            );
        }
    }
    let mut anchors = std::collections::HashSet::new();
    for (n, q) in meta.questions.iter().enumerate() {
        let id = q.id.clone().unwrap_or_else(|| crate::text::slugify(&q.question));
        if !anchors.insert(id.clone()) {
            report(
                ("questions", Some(n)),
                &q.question,
                format!("two questions have the anchor `{id}`"),
                "give one of them an `id`",
            );
        }
    }
    for (n, k) in meta.key_figures.iter().enumerate() {
        if let Some(id) = k.source.as_ref().filter(|id| !cited(id)) {
            report(
                ("key_figures", Some(n)),
                id,
                format!(
                    "key figure `{}` cites `{id}`, which is not in this page's sources",
                    k.value
                ),
                "add `- id: ...` for it under `sources:` on this page",
            );
        }
    }
    problems
}
