//! Every Markdown text of the site to HTML, in parallel: page bodies, section
//! intros, and the Markdown inside front matter (positions, answers, what
//! happens next, glossary definitions). Problems name the file and line.

use std::path::Path;

use rayon::prelude::*;

use crate::content::{self, Page, Section, Site, locate};
use crate::error::Diagnostic;
use crate::markdown::{self, Glossary, LinkMap, Problem, Refs, Rendered};

/// URL of the glossary page, when the site has a glossary.
pub const GLOSSARY_URL: &str = "/glossary/";

/// The HTML of one page.
#[derive(Debug, Clone, Default)]
pub struct PageHtml {
    pub body: Rendered,
    /// One per `positions` entry: what the party says.
    pub positions: Vec<String>,
    /// One per `questions` entry: the answer.
    pub answers: Vec<String>,
    /// One per `what_next` item.
    pub what_next: Vec<String>,
}

/// The HTML of the whole site.
pub struct SiteHtml {
    /// Which URL each Markdown file became (also used to check event links).
    pub links: LinkMap,
    pub pages: Vec<PageHtml>,
    pub sections: Vec<Rendered>,
    pub timeline: Option<Rendered>,
    /// One per glossary term: its definition.
    pub glossary: Vec<String>,
}

pub fn convert(site: &Site, problems: &mut Vec<Diagnostic>) -> SiteHtml {
    let links = link_map(site);
    let glossary = Glossary::new(&site.config.glossary, GLOSSARY_URL);
    let pages: Vec<(PageHtml, Vec<Diagnostic>)> = site
        .pages
        .par_iter()
        .map(|p| page_html(site, p, &links, &glossary))
        .collect();
    let sections: Vec<(Rendered, Vec<Diagnostic>)> = site
        .sections
        .par_iter()
        .map(|s| section_html(site, s, &links, &glossary))
        .collect();
    let timeline = site
        .timeline_section
        .as_ref()
        .map(|s| section_html(site, s, &links, &glossary));
    SiteHtml {
        pages: take(pages, problems),
        sections: take(sections, problems),
        timeline: take(timeline.into_iter().collect(), problems).pop(),
        glossary: site
            .config
            .glossary
            .iter()
            .map(|t| crate::text::escape(&t.definition))
            .collect(),
        links,
    }
}

/// The values, with their problems moved into `problems`.
fn take<T>(results: Vec<(T, Vec<Diagnostic>)>, problems: &mut Vec<Diagnostic>) -> Vec<T> {
    results
        .into_iter()
        .map(|(value, found)| {
            problems.extend(found);
            value
        })
        .collect()
}

/// Which URL each Markdown file became, for resolving links between them.
fn link_map(site: &Site) -> LinkMap {
    let mut links = LinkMap::default();
    for p in &site.pages {
        links.insert(p.rel.clone(), p.url.clone());
    }
    for s in site.sections.iter().chain(&site.timeline_section) {
        if s.file.is_some() {
            links.insert(section_rel(s), s.url.clone());
        }
    }
    for e in site.events.iter().filter(|e| e.page.is_none()) {
        links.insert(e.rel.clone(), format!("/{}/", content::TIMELINE_DIR));
    }
    links
}

fn section_rel(s: &Section) -> String {
    if s.dir.is_empty() {
        "_index.md".to_string()
    } else {
        format!("{}/_index.md", s.dir)
    }
}

/// The file's text, to quote the offending line (only read when there is a problem).
fn diagnostics(site: &Site, file: &Path, found: Vec<Problem>) -> Vec<Diagnostic> {
    if found.is_empty() {
        return Vec::new();
    }
    let text = content::frontmatter::text_for_quoting(&site.root.join(file));
    found
        .into_iter()
        .map(|p| Diagnostic::at(file, &text, p.line, p.col, p.message).with_hint(p.hint))
        .collect()
}

/// The HTML of one page alone (the incremental path converts one page).
pub fn one_page(site: &Site, p: &Page, links: &LinkMap) -> (PageHtml, Vec<Diagnostic>) {
    page_html(site, p, links, &Glossary::new(&site.config.glossary, GLOSSARY_URL))
}

fn page_html(site: &Site, p: &Page, links: &LinkMap, glossary: &Glossary) -> (PageHtml, Vec<Diagnostic>) {
    let sources: Vec<String> = p.meta.sources.iter().map(|s| s.id.clone()).collect();
    let refs = Refs {
        sources: &sources,
        glossary: Some(glossary),
    };
    let (body, mut found) = markdown::render(&p.body, &p.rel, p.body_line, links, refs);
    // Markdown inside front matter: its problems point at the text's line there.
    let mut snippet = |text: &str| {
        let (r, problems) = markdown::render(
            text,
            &p.rel,
            1,
            links,
            Refs {
                sources: &sources,
                glossary: None,
            },
        );
        let (line, _) = locate(&p.front, text.lines().next().unwrap_or(text));
        found.extend(problems.into_iter().map(|pr| Problem { line, col: 1, ..pr }));
        r.html
    };
    let html = PageHtml {
        positions: p.meta.positions.iter().map(|x| snippet(&x.says)).collect(),
        answers: p.meta.questions.iter().map(|q| snippet(&q.answer)).collect(),
        what_next: p.meta.what_next.iter().map(|w| snippet(w)).collect(),
        body,
    };
    (html, diagnostics(site, &p.file, found))
}

fn section_html(site: &Site, s: &Section, links: &LinkMap, glossary: &Glossary) -> (Rendered, Vec<Diagnostic>) {
    let rel = section_rel(s);
    let file = s.file.clone().unwrap_or_else(|| Path::new("content").join(&rel));
    let refs = Refs {
        sources: &[],
        glossary: Some(glossary),
    };
    let (rendered, found) = markdown::render(&s.body, &rel, s.body_line, links, refs);
    (rendered, diagnostics(site, &file, found))
}
