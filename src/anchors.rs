//! Links to an anchor (`[costs](#positions)`, `[bill](cost.md#the-bill)`)
//! must land on an id the page has. Headings are not the only ids: the
//! theme renders others (`#positions`, `#source-2`), so each link is checked
//! against the ids in the HTML the page was rendered to, once it is.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::error::{Diagnostic, suggest};
use crate::model::{PageId, Site, output_path};

/// The ids of the pages some anchor link points at, gathered as they are rendered.
#[derive(Default)]
pub(crate) struct Ids {
    /// Output path -> the page there, for the pages links point into.
    wanted: HashMap<String, PageId>,
    found: Mutex<HashMap<PageId, HashSet<String>>>,
}

impl Ids {
    pub(crate) fn for_site(site: &Site) -> Ids {
        let mut wanted = HashMap::new();
        for p in site.page_ids() {
            for a in &site.page(p).html.body.anchors {
                let target = match &a.page {
                    Some(url) => site.page_by_url(url),
                    None => Some(p),
                };
                if let Some(t) = target {
                    wanted.insert(output_path(&site.page(t).url), t);
                }
            }
        }
        Ids {
            wanted,
            found: Mutex::default(),
        }
    }

    /// Notes the ids of the output at `path`, if a link points into it.
    pub(crate) fn note(&self, path: &str, html: &[u8]) {
        if let Some(&page) = self.wanted.get(path) {
            let ids = ids_in(&String::from_utf8_lossy(html));
            self.found.lock().expect("no panics hold it").insert(page, ids);
        }
    }

    /// The output paths of pages whose ids are still unknown (not rendered
    /// by this rebuild): the caller reads them from the output folder.
    pub(crate) fn missing(&self) -> Vec<String> {
        let found = self.found.lock().expect("no panics hold it");
        let mut paths: Vec<String> = (self.wanted.iter())
            .filter(|(_, p)| !found.contains_key(p))
            .map(|(path, _)| path.clone())
            .collect();
        paths.sort();
        paths
    }

    /// One problem per link to an id its page does not have.
    pub(crate) fn check(&self, site: &Site) -> Vec<Diagnostic> {
        let found = self.found.lock().expect("no panics hold it");
        let mut problems = Vec::new();
        for p in site.page_ids() {
            let page = site.page(p);
            for a in &page.html.body.anchors {
                let target = match &a.page {
                    Some(url) => site.page_by_url(url),
                    None => Some(p),
                };
                let Some(ids) = target.and_then(|t| found.get(&t)) else {
                    continue; // a section or the timeline: not checked
                };
                if ids.contains(&a.id) {
                    continue;
                }
                let on = match &a.page {
                    Some(url) => format!("{url} has"),
                    None => "this page has".into(),
                };
                let mut known: Vec<&str> = ids.iter().map(String::as_str).collect();
                known.sort();
                problems.push(
                    Diagnostic::at(
                        &page.file,
                        &page.text.text,
                        a.line,
                        a.col,
                        format!("link to `#{}`, which is not an anchor {on}", a.id),
                    )
                    .with_hint(suggest(
                        &a.id,
                        known.iter().copied(),
                        "an anchor is a heading's id (shown in the table of contents) or `{#id}` after a heading",
                    )),
                );
            }
        }
        problems
    }
}

/// Every `id="..."` in `html`.
pub(crate) fn ids_in(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut rest = html;
    while let Some(at) = rest.find(" id=\"") {
        rest = &rest[at + 5..];
        if let Some(end) = rest.find('"') {
            ids.insert(crate::text::unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_id_attribute() {
        let ids = ids_in(r#"<h2 id="the-bill">x</h2><section id="positions"><p data-id="no">"#);
        assert_eq!(ids, HashSet::from(["the-bill".to_string(), "positions".to_string()]));
        assert_eq!(ids_in(r#"<a id="a&amp;b">"#), HashSet::from(["a&b".to_string()]));
        assert!(ids_in(r#"<p id="unterminated"#).is_empty());
    }
}
