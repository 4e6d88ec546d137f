//! The Markdown stage: every Markdown text of the site to HTML, in parallel,
//! filled into the model: page bodies (with their shortcodes, see
//! [`crate::components`]), section intros, and the Markdown inside front
//! matter (positions, answers, what happens next). Problems name the file
//! and line, quoted from the text kept on the page.

use std::path::Path;

use std::sync::Arc;

use rayon::prelude::*;

use crate::components::{Components, Scope};
use crate::content::frontmatter::locate;
use crate::content::section_rel;
use crate::error::Diagnostic;
use crate::markdown::{self, Glossary, Problem, Refs};
use crate::model::{GLOSSARY_URL, Page, PageHtml, Rendered, Section, Site, Uses};
use crate::render::ShortcodeTemplates;

/// Fills in the HTML of every page, section and glossary definition.
pub(crate) fn convert(site: &mut Site, problems: &mut Vec<Diagnostic>) {
    let templates = match ShortcodeTemplates::load(site) {
        Ok(t) => t,
        Err(found) => return problems.extend(found),
    };
    let glossary = Glossary::new(&site.config.glossary, &site.url(GLOSSARY_URL));
    let cache = site.image_cache.clone();
    let components = Components::new(site, &templates, cache.as_deref());
    let pages: Vec<(PageHtml, Vec<Diagnostic>)> = (site.pages.par_iter())
        .map(|p| page_html(p, &components, &glossary))
        .collect();
    let sections: Vec<(Rendered, Uses, Vec<Diagnostic>)> = (site.sections.iter())
        .chain(site.timeline_section.as_ref())
        .map(|s| section_html(s, &components, &glossary))
        .collect();
    drop(components);
    for (p, (html, found)) in site.pages.iter_mut().zip(pages) {
        // Nothing else holds the pages yet: this never copies.
        Arc::make_mut(p).html = html;
        problems.extend(found);
    }
    let all_sections = site.sections.iter_mut().chain(site.timeline_section.as_mut());
    for (s, (html, uses, found)) in all_sections.zip(sections) {
        (s.html, s.uses) = (html, uses);
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
    let templates = match ShortcodeTemplates::load(site) {
        Ok(t) => t,
        Err(found) => return (PageHtml::default(), found),
    };
    let glossary = Glossary::new(&site.config.glossary, &site.url(GLOSSARY_URL));
    let components = Components::new(site, &templates, site.image_cache.as_deref());
    page_html(p, &components, &glossary)
}

fn diagnostics(file: &Path, text: &str, found: Vec<Problem>) -> Vec<Diagnostic> {
    found
        .into_iter()
        .map(|p| Diagnostic::at(file, text, p.line, p.col, p.message).with_hint(p.hint))
        .collect()
}

fn page_html(p: &Page, components: &Components, glossary: &Glossary) -> (PageHtml, Vec<Diagnostic>) {
    let links = &components.site.links;
    let base = components.site.base_path.as_str();
    let sources: Vec<String> = p.meta.sources.iter().map(|s| s.id.clone()).collect();
    let scope = Scope {
        rel: &p.rel,
        first_line: p.text.body_line,
        refs: Refs {
            sources: &sources,
            glossary: Some(glossary),
            base,
        },
    };
    let mut uses = Uses::default();
    let (body, mut found) = components.render(p.text.body(), scope, &mut uses);
    found.extend(components.missing_files(&p.rel, &body.files));
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
        uses,
    };
    (html, diagnostics(&p.file, &p.text.text, found))
}

fn section_html(s: &Section, components: &Components, glossary: &Glossary) -> (Rendered, Uses, Vec<Diagnostic>) {
    let rel = section_rel(s);
    let file = s.file.clone().unwrap_or_else(|| Path::new("content").join(&rel));
    let scope = Scope {
        rel: &rel,
        first_line: s.text.body_line,
        refs: Refs {
            sources: &[],
            glossary: Some(glossary),
            base: &components.site.base_path,
        },
    };
    let mut uses = Uses::default();
    let (rendered, mut found) = components.render(s.text.body(), scope, &mut uses);
    found.extend(components.missing_files(&rel, &rendered.files));
    (rendered, uses, diagnostics(&file, &s.text.text, found))
}
