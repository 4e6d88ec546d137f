//! The timeline stage: checks every event, gives it its id, related pages
//! and description, and puts the site's events in timeline order; then it
//! gathers the tags of pages and events (tag pages list events in that order).
//!
//! Events come from `content/timeline/*.md` (one per file) and from any page's
//! `events:` list (those link back to their page).

pub(crate) mod export;
mod order;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::content::frontmatter::locate;
use crate::date::PartialDate;
use crate::error::{Diagnostic, suggest};
use crate::markdown::{self, Refs};
use crate::model::{Event, EventOrigin, Site, SourceText};

/// Checks every event of `site`, fills in what the timeline adds, and sorts
/// them: by first possible day, then by precision, then in the order they
/// were written, except where an event says it comes `after:` or `before:`
/// another (see [`order`]). Returns every problem found.
pub(crate) fn build(site: &mut Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    // Explicit ids are reserved first, so a derived id never takes one.
    let mut taken: HashSet<String> = site.events.iter().filter_map(|e| e.meta.id.clone()).collect();
    let mut seen_explicit = HashSet::new();
    let mut events = std::mem::take(&mut site.events);
    for event in &mut events {
        let place = Place::of(site, event);
        problems.extend(check(site, event, &place));
        let related = related(site, event, &place, &mut problems);
        let id = match &event.meta.id {
            Some(id) => {
                if !is_valid_id(id) {
                    problems.push(place.at("id", id, format!("`{id}` cannot be an event id")).with_hint(
                        "start it with a letter and use letters, digits, `-` and `_`, e.g. `eleventh-strike`",
                    ));
                }
                if !seen_explicit.insert(id.clone()) {
                    problems.push(
                        place
                            .at("id", id, format!("event id `{id}` is used twice"))
                            .with_hint("give each event its own `id`"),
                    );
                }
                id.clone()
            }
            None => derive_id(&event.meta.date, &event.meta.title, &mut taken),
        };
        let refs = Refs {
            base: site.config.base_path(),
            ..Refs::default()
        };
        let (rendered, found) = markdown::render(place.body, place.rel, place.body_line, &site.links, refs);
        problems.extend(
            found
                .into_iter()
                .map(|p| Diagnostic::at(place.file, &place.text.text, p.line, p.col, p.message).with_hint(p.hint)),
        );
        (event.id, event.related, event.description) = (id, related, rendered.html);
    }
    // Written order first: it breaks ties between equal dates.
    events.sort_by_key(|e| e.written);
    let edges = constraints(site, &events, &mut problems);
    let dates: Vec<PartialDate> = events.iter().map(|e| e.meta.date).collect();
    match order::order(&dates, &edges) {
        Ok(order) => {
            let mut slots: Vec<Option<Event>> = events.into_iter().map(Some).collect();
            events = order.into_iter().filter_map(|i| slots[i].take()).collect();
        }
        Err(caught) => {
            problems.extend(cycle_problem(site, &events, &caught));
            events.sort_by_key(|e| e.meta.date);
        }
    }
    site.events = events;
    // Tags list events in timeline order, so they are gathered last.
    site.tags = std::sync::Arc::new(crate::model::collect_tags(site));
    problems
}

/// The `after:` and `before:` of every event as edges `(a, b)`: `a` comes
/// before `b`. An unknown id, an event placed against itself, or a
/// constraint the dates contradict is a problem (and no edge).
fn constraints(site: &Site, events: &[Event], problems: &mut Vec<Diagnostic>) -> Vec<(usize, usize)> {
    let index: HashMap<&str, usize> = events.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect();
    let mut edges = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let place = Place::of(site, e);
        for (key, target) in [("after", &e.meta.after), ("before", &e.meta.before)] {
            let Some(target) = target else { continue };
            let Some(&j) = index.get(target.as_str()) else {
                let ids = events.iter().map(|e| e.id.as_str());
                let hint = suggest(
                    target,
                    ids,
                    "name an event by its `id` (give that event an `id:` if it has none)",
                );
                problems.push(
                    place
                        .at(key, target, format!("`{key}: {target}` names no event"))
                        .with_hint(hint),
                );
                continue;
            };
            if i == j {
                problems.push(
                    place
                        .at(key, target, format!("an event cannot come {key} itself"))
                        .with_hint("name another event's id"),
                );
                continue;
            }
            let (first, then) = if key == "after" { (j, i) } else { (i, j) };
            let (a, b) = (&events[first], &events[then]);
            if !order::can_precede(&a.meta.date, &b.span().1) {
                problems.push(
                    place
                        .at(
                            key,
                            target,
                            format!(
                                "`{}` ({}) cannot come before `{}` ({}): it starts after that one ends",
                                a.id,
                                a.when(&site.dates),
                                b.id,
                                b.when(&site.dates)
                            ),
                        )
                        .with_hint("fix the `after:`/`before:` or one of the dates"),
                );
                continue;
            }
            edges.push((first, then));
        }
    }
    edges
}

/// One problem for a loop of `after:`/`before:`, at the first event caught in it.
fn cycle_problem(site: &Site, events: &[Event], caught: &[usize]) -> Option<Diagnostic> {
    let first = &events[*caught.first()?];
    let ids: Vec<&str> = caught.iter().map(|&i| events[i].id.as_str()).collect();
    let (key, target) = [("after", &first.meta.after), ("before", &first.meta.before)]
        .into_iter()
        .find_map(|(k, t)| t.as_deref().map(|t| (k, t)))
        .unwrap_or(("id", first.id.as_str()));
    let message = format!(
        "these events' `after:` and `before:` go round in a loop: {}",
        ids.join(", ")
    );
    Some(
        Place::of(site, first)
            .at(key, target, message)
            .with_hint("remove one of the constraints so each event has a first and a last"),
    )
}

/// Where an event was written, to point at its keys and quote its lines.
struct Place<'a> {
    file: &'a Path,
    rel: &'a str,
    text: &'a SourceText,
    /// For a page's event: its item in the page's `events:` list.
    item: Option<usize>,
    body: &'a str,
    body_line: usize,
}

impl<'a> Place<'a> {
    fn of(site: &'a Site, e: &'a Event) -> Place<'a> {
        match &e.origin {
            EventOrigin::File { file, rel, text } => Place {
                file,
                rel,
                text,
                item: None,
                body: text.body(),
                body_line: text.body_line,
            },
            EventOrigin::Page { page, index } => {
                let p = site.page(*page);
                let body = e.meta.description.as_deref().unwrap_or("");
                let first = body.lines().next().unwrap_or("description");
                Place {
                    file: &p.file,
                    rel: &p.rel,
                    text: &p.text,
                    item: Some(*index),
                    body,
                    body_line: locate(&p.text, "events", Some(*index), first).0,
                }
            }
        }
    }

    /// A problem with the value `needle` of the event's `key`.
    fn at(&self, key: &str, needle: &str, message: String) -> Diagnostic {
        let (line, col) = match self.item {
            // Inside the page's event item: the key's line, then the value on it.
            Some(n) => locate(self.text, "events", Some(n), needle),
            None => locate(self.text, key, None, needle),
        };
        Diagnostic::at(self.file, &self.text.text, line, col, message)
    }
}

/// What the front matter alone cannot check: the end after the start, and
/// category, sources and actors that exist.
fn check(site: &Site, event: &Event, place: &Place) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let meta = &event.meta;
    let config = &site.config;
    if let Some(end) = meta.end.filter(|end| *end < meta.date) {
        problems.push(
            place
                .at(
                    "end",
                    &end.iso(),
                    format!("the event ends ({}) before it starts ({})", end.iso(), meta.date.iso()),
                )
                .with_hint("swap `date` and `end`, or fix one of them"),
        );
    }
    if let Some(cat) = meta.category.as_ref().filter(|c| config.category(c).is_none()) {
        let ids = config.timeline.categories.iter().map(|c| c.id.as_str());
        let hint = suggest(
            cat,
            ids,
            "add it under `timeline: categories:` in site.yaml, or use one listed there",
        );
        problems.push(
            place
                .at("category", cat, format!("unknown category `{cat}`"))
                .with_hint(hint),
        );
    }
    for source in &meta.sources {
        let on_page = event
            .page()
            .is_some_and(|p| site.page(p).meta.sources.iter().any(|s| &s.id == source));
        if config.source(source).is_none() && !on_page {
            problems.push(
                place
                    .at("sources", source, format!("unknown source `{source}`"))
                    .with_hint("define it under `sources:` in site.yaml (or on the page)"),
            );
        }
    }
    for actor in meta.actors.iter().filter(|a| config.person(a).is_none()) {
        let ids = config.people.iter().map(|p| p.id.as_str());
        let hint = suggest(
            actor,
            ids,
            "actors are ids from `people:` in site.yaml; add them there (id, name, role)",
        );
        problems.push(
            place
                .at("actors", actor, format!("unknown actor `{actor}`"))
                .with_hint(hint),
        );
    }
    problems
}

/// The URLs of the pages an event concerns: the page listing it, then its `related` links.
fn related(site: &Site, event: &Event, place: &Place, problems: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut related: Vec<String> = event.page().map(|p| site.page(p).url.clone()).into_iter().collect();
    for link in &event.meta.related {
        match site.links.resolve(place.rel, link) {
            Some(url) if !related.contains(&url) => related.push(url),
            Some(_) => {}
            None => {
                let (what, hint) = markdown::unresolved(&site.links, place.rel, link);
                problems.push(
                    place
                        .at("related", link, format!("related page `{link}` {what}"))
                        .with_hint(hint),
                );
            }
        }
    }
    related
}

/// Ids become HTML ids and URL fragments: starting with a letter keeps them
/// usable as CSS selectors too.
fn is_valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `event-2024-06-27-11th-strike`, made unique against ids already taken.
fn derive_id(date: &PartialDate, title: &str, taken: &mut HashSet<String>) -> String {
    let base = format!("event-{}-{}", date.iso(), crate::text::slugify(title));
    let mut id = base.clone();
    let mut n = 1;
    while taken.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    taken.insert(id.clone());
    id
}
