//! Timeline events: checked, given ids, ordered, and grouped by year.
//!
//! Events come from `content/timeline/*.md` (one per file) and from any page's
//! `events:` list (those link back to their page).

pub mod export;

use std::collections::HashSet;
use std::path::PathBuf;

use serde::Serialize;

use crate::content::{RawEvent, Site, locate};
use crate::date::PartialDate;
use crate::error::{Diagnostic, did_you_mean};
use crate::markdown::{self, LinkMap, Refs};

/// A checked event, ready to render.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub id: String,
    pub title: String,
    pub date: PartialDate,
    pub end: Option<PartialDate>,
    pub category: Option<String>,
    pub actors: Vec<String>,
    pub sources: Vec<String>,
    /// URLs of the related pages (and of the page that lists it).
    pub related: Vec<String>,
    /// The description, as HTML.
    pub description: String,
    /// The page whose `events:` holds it.
    #[serde(skip)]
    pub page: Option<usize>,
    #[serde(skip)]
    pub file: PathBuf,
}

/// Checks every event and returns them in timeline order: by first possible
/// day, then by precision, then in the order they were written.
pub fn build(site: &Site, links: &LinkMap) -> (Vec<Event>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut events = Vec::new();
    // Explicit ids are reserved first, so a derived id never takes one.
    let mut taken: HashSet<String> = site.events.iter().filter_map(|e| e.meta.id.clone()).collect();
    let mut seen_explicit = HashSet::new();
    for raw in &site.events {
        let mut check = |needle: &str, message: String, hint: String| {
            problems.push(at(raw, needle, message).with_hint(hint));
        };
        let meta = &raw.meta;
        if let Some(end) = meta.end.filter(|end| *end < meta.date) {
            check(
                "end:",
                format!("the event ends ({}) before it starts ({})", end.iso(), meta.date.iso()),
                "swap `date` and `end`, or fix one of them".into(),
            );
        }
        if let Some(cat) = &meta.category
            && site.config.category(cat).is_none()
        {
            let ids = site.config.timeline.categories.iter().map(|c| c.id.as_str());
            let hint = match did_you_mean(cat, ids) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "add it under `timeline: categories:` in site.yaml, or use one listed there".into(),
            };
            check("category:", format!("unknown category `{cat}`"), hint);
        }
        for source in &meta.sources {
            let on_page = raw
                .page
                .is_some_and(|p| site.pages[p].meta.sources.iter().any(|s| &s.id == source));
            if site.config.source(source).is_none() && !on_page {
                check(
                    source,
                    format!("unknown source `{source}`"),
                    "define it under `sources:` in site.yaml (or on the page)".into(),
                );
            }
        }
        for actor in &meta.actors {
            if site.config.person(actor).is_none() {
                let ids = site.config.people.iter().map(|p| p.id.as_str());
                let hint = match did_you_mean(actor, ids) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "actors are ids from `people:` in site.yaml; add them there (id, name, role)".into(),
                };
                check(actor, format!("unknown actor `{actor}`"), hint);
            }
        }
        let mut related = Vec::new();
        if let Some(p) = raw.page {
            related.push(site.pages[p].url.clone());
        }
        for link in &meta.related {
            match links.resolve(&raw.rel, link) {
                Some(url) if !related.contains(&url) => related.push(url),
                Some(_) => {}
                None => check(
                    link,
                    format!("related page `{link}` does not exist"),
                    "link to a .md file under content/, e.g. \"@/explainers/pay.md\"".into(),
                ),
            }
        }
        let id = match &meta.id {
            Some(id) => {
                if !is_valid_id(id) {
                    check(
                        "id:",
                        format!("`{id}` cannot be an event id"),
                        "start it with a letter and use letters, digits, `-` and `_`, e.g. `eleventh-strike`".into(),
                    );
                }
                if !seen_explicit.insert(id.as_str()) {
                    check(
                        "id:",
                        format!("event id `{id}` is used twice"),
                        "give each event its own `id`".into(),
                    );
                }
                id.clone()
            }
            None => derive_id(&meta.date, &meta.title, &mut taken),
        };
        let (rendered, found) = markdown::render(&raw.body, &raw.rel, raw.body_line.max(1), links, Refs::default());
        if !found.is_empty() {
            let text = crate::content::frontmatter::text_for_quoting(&site.root.join(&raw.file));
            for p in found {
                problems.push(Diagnostic::at(&raw.file, &text, p.line, p.col, p.message).with_hint(p.hint));
            }
        }
        events.push(Event {
            id,
            title: meta.title.clone(),
            date: meta.date,
            end: meta.end,
            category: meta.category.clone(),
            actors: meta.actors.clone(),
            sources: meta.sources.clone(),
            related,
            description: rendered.html,
            page: raw.page,
            file: raw.file.clone(),
        });
    }
    // A stable sort keeps the written order among equal dates.
    events.sort_by_key(|e| e.date);
    (events, problems)
}

impl Event {
    /// "27 June – 2 July 2024", or the date alone.
    pub fn when(&self, style: crate::date::DateStyle) -> String {
        self.end.map_or_else(
            || self.date.display_in(style),
            |end| self.date.display_range_in(&end, style),
        )
    }
}

/// Ids become HTML ids and URL fragments: starting with a letter keeps them
/// usable as CSS selectors too.
fn is_valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `event-2024-06-27-11th-strike`, made unique against ids already taken.
fn derive_id(date: &PartialDate, title: &str, taken: &mut HashSet<String>) -> String {
    let base = format!("event-{}-{}", date.iso(), markdown::slugify(title));
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    taken.insert(id.clone());
    id
}

fn at(raw: &RawEvent, needle: &str, message: String) -> Diagnostic {
    let (line, col) = locate(&raw.front, needle);
    let line = line + raw.front_line - 2;
    Diagnostic::at(
        &raw.file,
        &format!("{}{}", "---\n".repeat(raw.front_line - 1), raw.front),
        line,
        col,
        message,
    )
}
