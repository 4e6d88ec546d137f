//! The Markdown stage: every Markdown text of the site to HTML, in parallel,
//! filled into the model: page bodies, section intros, and the Markdown
//! inside front matter (positions, answers, what happens next). Problems
//! name the file and line, quoted from the text kept on the page.

use std::path::Path;

use std::sync::Arc;

use rayon::prelude::*;

use crate::content::frontmatter::locate;
use crate::content::section_rel;
use crate::error::Diagnostic;
use crate::markdown::{self, Glossary, Problem, Refs};
use crate::model::{GLOSSARY_URL, LinkMap, Page, PageHtml, Rendered, Section, Site};

/// Fills in the HTML of every page, section and glossary definition.
pub(crate) fn convert(site: &mut Site, problems: &mut Vec<Diagnostic>) {
    let glossary = Glossary::new(&site.config.glossary, &site.url(GLOSSARY_URL));
    let links = &site.links;
    let base = site.config.base_path().to_string();
    let found: Vec<Diagnostic> = site
        .pages
        .par_iter_mut()
        .flat_map_iter(|p| {
            let (html, found) = page_html(p, links, &glossary, &base);
            // Nothing else holds the pages yet: this never copies.
            Arc::make_mut(p).html = html;
            found
        })
        .collect();
    problems.extend(found);
    for s in site.sections.iter_mut().chain(site.timeline_section.as_mut()) {
        let (html, found) = section_html(s, links, &glossary, &base);
        s.html = html;
        problems.extend(found);
    }
    site.glossary = site
        .config
        .glossary
        .iter()
        .map(|t| crate::text::escape(&t.definition))
        .collect();
}

/// The HTML of one page alone (the incremental path converts the pages it re-read).
pub(crate) fn one_page(site: &Site, p: &Page) -> (PageHtml, Vec<Diagnostic>) {
    let glossary = Glossary::new(&site.config.glossary, &site.url(GLOSSARY_URL));
    page_html(p, &site.links, &glossary, site.config.base_path())
}

fn diagnostics(file: &Path, text: &str, found: Vec<Problem>) -> Vec<Diagnostic> {
    found
        .into_iter()
        .map(|p| Diagnostic::at(file, text, p.line, p.col, p.message).with_hint(p.hint))
        .collect()
}

fn page_html(p: &Page, links: &LinkMap, glossary: &Glossary, base: &str) -> (PageHtml, Vec<Diagnostic>) {
    let sources: Vec<String> = p.meta.sources.iter().map(|s| s.id.clone()).collect();
    let refs = Refs {
        sources: &sources,
        glossary: Some(glossary),
        base,
    };
    let (body, mut found) = markdown::render(p.text.body(), &p.rel, p.text.body_line, links, refs);
    // Markdown inside front matter: its problems point at the text's line
    // within its own key and item.
    let mut snippet = |key: &str, item: usize, text: &str| {
        let refs = Refs {
            sources: &sources,
            glossary: None,
            base,
        };
        let (r, problems) = markdown::render(text, &p.rel, 1, links, refs);
        if !problems.is_empty() {
            let (line, _) = locate(&p.text, key, Some(item), text.lines().next().unwrap_or(text));
            found.extend(problems.into_iter().map(|pr| Problem { line, col: 1, ..pr }));
        }
        r.html
    };
    let html = PageHtml {
        positions: (p.meta.positions.iter().enumerate())
            .map(|(n, x)| snippet("positions", n, &x.says))
            .collect(),
        answers: (p.meta.questions.iter().enumerate())
            .map(|(n, q)| snippet("questions", n, &q.answer))
            .collect(),
        what_next: (p.meta.what_next.iter().enumerate())
            .map(|(n, w)| snippet("what_next", n, w))
            .collect(),
        body,
    };
    (html, diagnostics(&p.file, &p.text.text, found))
}

fn section_html(s: &Section, links: &LinkMap, glossary: &Glossary, base: &str) -> (Rendered, Vec<Diagnostic>) {
    let rel = section_rel(s);
    let file = s.file.clone().unwrap_or_else(|| Path::new("content").join(&rel));
    let refs = Refs {
        sources: &[],
        glossary: Some(glossary),
        base,
    };
    let (rendered, found) = markdown::render(s.text.body(), &rel, s.text.body_line, links, refs);
    (rendered, diagnostics(&file, &s.text.text, found))
}
