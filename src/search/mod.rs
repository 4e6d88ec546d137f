//! The search index: Pagefind's files (its index, `pagefind.js`, its WASM)
//! made at build time with the `pagefind` crate, into `pagefind/`.
//!
//! Pagefind is fed custom records built from the model, never the rendered
//! HTML: parsing every page's HTML again (head, navigation, footer, JSON-LD
//! and all) would cost more than rendering it, and the model already holds
//! each page's text. One record per page (its title, summary, body, what
//! parties say, answers, people named), per section with an intro, per
//! glossary term (`/glossary/#term`), per timeline event (`/timeline/#id`)
//! and per person (their page, `/people/ID/`, when the theme has people
//! pages; else the first page that lists them, at `#people`).
//! Records carry filters: `section`, `tag` and `person`.
//!
//! The records are split into shards, each its own index, cached by
//! content beside the output (`shard`), so a build or an edit indexes only
//! the shards that changed (`index`); `search.js` merges them.
//!
//! URLs are stored without the site's base path: `pagefind.js` puts the
//! folder it is loaded from in front of them, so one index serves any
//! sub-path, and the index does not change with `--base-url`.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use crate::model::{GLOSSARY_URL, SEARCH_DIR, Site, TIMELINE_URL, person_path};
use crate::render::browse::Offers;

mod index;
mod shard;

pub(crate) use index::{Indexer, Written, plan, write};
pub(crate) use shard::prune;

/// Where the shards of the index of the output `out` are cached by key.
pub(crate) fn cache_dir(out: &std::path::Path) -> std::path::PathBuf {
    crate::output::beside(out, "search")
}

/// Is `path` (in the output) one of the search index's? The index's
/// folder belongs to it alone: a static file there would clash.
pub(crate) fn owns(site: &Site, path: &str) -> bool {
    site.config.search && path.strip_prefix(SEARCH_DIR).is_some_and(|rest| rest.starts_with('/'))
}

/// One thing a reader can find: where it is, what it is called, its text
/// and its filters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Record {
    /// Site-relative (`/explainers/pay/`, `/timeline/#strike-1`).
    pub url: String,
    pub title: String,
    /// Plain text shown under the title in results: a page's summary.
    pub summary: String,
    /// Plain text, words separated by whitespace.
    pub text: String,
    /// Filter name -> values.
    pub filters: BTreeMap<String, Vec<String>>,
}

/// What a record is made from. A page's record (its text: most of the
/// work) is made only when its shard must be indexed; the others are small
/// and made at once.
#[derive(Debug)]
pub(crate) enum Source {
    Page(crate::model::PageId),
    Made(Record),
}

/// A record to be, with its URL (which picks its shard) and a hash of what
/// it is made from (which goes into its shard's key).
#[derive(Debug)]
pub(crate) struct Sourced {
    pub url: String,
    pub digest: u64,
    pub source: Source,
}

impl Sourced {
    pub(crate) fn made(record: Record) -> Sourced {
        let mut h = std::hash::DefaultHasher::new();
        record.hash(&mut h);
        Sourced {
            url: record.url.clone(),
            digest: h.finish(),
            source: Source::Made(record),
        }
    }

    /// The record itself.
    pub(crate) fn record(&self, site: &Site) -> Record {
        match &self.source {
            Source::Page(id) => page_record(site, site.page(*id)),
            Source::Made(r) => r.clone(),
        }
    }
}

/// Every record of the site, in a stable order (pages, sections, terms,
/// events, people), so the same site gives the same index, byte for byte.
/// `offers` says which generated pages (people's) records can point at.
pub(crate) fn sources(site: &Site, offers: Offers) -> Vec<Sourced> {
    use rayon::prelude::*;
    // What every page's record also reads: the names and roles of people.
    let mut people = std::hash::DefaultHasher::new();
    for p in &site.config.people {
        (&p.id, &p.name, &p.role).hash(&mut people);
    }
    let people = people.finish();
    let mut all: Vec<Sourced> = (site.page_ids().collect::<Vec<_>>().par_iter())
        .map(|&id| Sourced {
            url: site.page(id).url.clone(),
            digest: page_digest(site, site.page(id), people),
            source: Source::Page(id),
        })
        .collect();
    let made = (site.sections.iter().filter_map(section_record))
        .chain(glossary_records(site))
        .chain(event_records(site))
        .chain(people_records(site, offers.people));
    all.extend(made.map(Sourced::made));
    all
}

/// A hash of everything [`page_record`] reads of a page.
fn page_digest(site: &Site, page: &crate::model::Page, people: u64) -> u64 {
    let (meta, html) = (&page.meta, &page.html);
    let mut h = std::hash::DefaultHasher::new();
    (people, &page.url, &meta.title, &meta.summary, &meta.tags, &meta.people).hash(&mut h);
    for p in &meta.positions {
        p.who.hash(&mut h);
    }
    for q in &meta.questions {
        q.question.hash(&mut h);
    }
    (
        &html.body.html,
        &html.body.summary,
        &html.positions,
        &html.answers,
        &html.what_next,
    )
        .hash(&mut h);
    section_title(site, page).hash(&mut h);
    h.finish()
}

fn filters(pairs: [(&str, Vec<String>); 3]) -> BTreeMap<String, Vec<String>> {
    (pairs.into_iter())
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn section_title(site: &Site, page: &crate::model::Page) -> String {
    site.section(page.section).meta.title.clone()
}

fn person_name(site: &Site, id: &str) -> String {
    site.config
        .person(id)
        .map_or_else(|| id.to_string(), |p| p.name.clone())
}

fn page_record(site: &Site, page: &crate::model::Page) -> Record {
    let (meta, html) = (&page.meta, &page.html);
    let mut text = String::with_capacity(html.body.html.len());
    push_text(&mut text, &html.body.html, true);
    for (position, says) in meta.positions.iter().zip(&html.positions) {
        push_text(&mut text, &person_name(site, &position.who), false);
        push_text(&mut text, says, true);
    }
    for (q, answer) in meta.questions.iter().zip(&html.answers) {
        push_text(&mut text, &q.question, false);
        push_text(&mut text, answer, true);
    }
    for next in &html.what_next {
        push_text(&mut text, next, true);
    }
    for person in meta.people.iter().filter_map(|id| site.config.person(id)) {
        push_text(&mut text, &person.name, false);
        push_text(&mut text, &person.role, false);
    }
    let mut people: Vec<String> = (meta.people.iter())
        .chain(meta.positions.iter().map(|p| &p.who))
        .map(|id| person_name(site, id))
        .collect();
    people.dedup();
    let summary = match &meta.summary {
        Some(s) => s.clone(),
        None => {
            let mut s = String::new();
            html_text(&html.body.summary, &mut s);
            s.split_whitespace().collect::<Vec<_>>().join(" ")
        }
    };
    Record {
        url: page.url.clone(),
        title: meta.title.clone(),
        summary,
        text: distinct_words(&text),
        filters: filters([
            ("section", vec![section_title(site, page)]),
            ("tag", meta.tags.clone()),
            ("person", people),
        ]),
    }
}

/// A section with an intro of its own (the home page's included).
fn section_record(s: &crate::model::Section) -> Option<Record> {
    let mut text = String::new();
    push_text(&mut text, &s.html.html, true);
    let summary = s.meta.summary.clone().unwrap_or_default();
    (!text.trim().is_empty() || !summary.is_empty()).then(|| Record {
        url: s.url.clone(),
        title: s.meta.title.clone(),
        summary,
        text: distinct_words(&text),
        filters: filters([
            ("section", vec![s.meta.title.clone()]),
            ("tag", vec![]),
            ("person", vec![]),
        ]),
    })
}

fn glossary_records(site: &Site) -> Vec<Record> {
    if !site.has_glossary() {
        return Vec::new();
    }
    let section = crate::render::context::glossary_link(site).title;
    (site.config.glossary.iter())
        .map(|t| Record {
            url: format!("{GLOSSARY_URL}#{}", t.anchor()),
            title: t.term.clone(),
            summary: t.definition.clone(),
            text: t.aliases.join(" "),
            filters: filters([("section", vec![section.clone()]), ("tag", vec![]), ("person", vec![])]),
        })
        .collect()
}

fn event_records(site: &Site) -> Vec<Record> {
    if !site.has_timeline() {
        return Vec::new();
    }
    let section = crate::render::context::timeline_link(site).title;
    (site.events.iter())
        .map(|e| {
            let mut summary = e.when(&site.dates);
            push_text(&mut summary, &e.description, true);
            let summary = summary.split_whitespace().collect::<Vec<_>>().join(" ");
            let people: Vec<String> = e.meta.actors.iter().map(|a| person_name(site, a)).collect();
            let mut text = e.meta.location.clone().unwrap_or_default();
            for name in &people {
                push_text(&mut text, name, false);
            }
            Record {
                url: format!("{TIMELINE_URL}#{}", e.id),
                title: e.meta.title.clone(),
                summary,
                text,
                filters: filters([
                    ("section", vec![section.clone()]),
                    ("tag", e.meta.category.iter().cloned().collect()),
                    ("person", people),
                ]),
            }
        })
        .collect()
}

/// Each person, found at their own page (`/people/ID/`) when the theme has
/// people pages; else at the first page that lists them (`#people`), and
/// not at all when none does.
fn people_records(site: &Site, pages: bool) -> Vec<Record> {
    (site.config.people.iter())
        .filter_map(|person| {
            let listed = site.pages.iter().find(|p| p.meta.people.contains(&person.id));
            let (url, section) = match (pages, listed) {
                (true, _) => (person_path(&person.id), Vec::new()),
                (false, Some(page)) => (format!("{}#people", page.url), vec![section_title(site, page)]),
                (false, None) => return None,
            };
            Some(Record {
                url,
                title: person.name.clone(),
                summary: person.role.clone(),
                text: String::new(),
                filters: filters([
                    ("section", section),
                    ("tag", vec![]),
                    ("person", vec![person.name.clone()]),
                ]),
            })
        })
        .collect()
}

/// Appends the text of `s` (HTML when `html`) to `out`, after a space.
fn push_text(out: &mut String, s: &str, html: bool) {
    if s.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    match html {
        true => html_text(s, out),
        false => out.push_str(s),
    }
}

/// Inline elements: their tags do not separate words.
const INLINE: [&str; 18] = [
    "a", "abbr", "b", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "s", "small", "span",
    "strong", "sup",
];

/// The text of `html` into `out`: tags dropped (a space for the block
/// ones), `<script>` and `<style>` skipped, the usual entities decoded.
/// A linear scan: at 10,000 pages this runs over tens of megabytes.
fn html_text(html: &str, out: &mut String) {
    let mut rest = html;
    while let Some(lt) = rest.find(['<', '&']) {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        if rest.starts_with('&') {
            let (decoded, used) = entity(rest);
            out.push_str(decoded.as_deref().unwrap_or("&"));
            rest = &rest[used..];
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[1..end.saturating_sub(1).max(1)];
        let bare = tag.trim_start_matches('/');
        let name = &bare[..bare.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(bare.len())];
        rest = &rest[end..];
        if !tag.starts_with('/') && (name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style")) {
            let close = format!("</{}", name.to_ascii_lowercase());
            let at = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
            rest = &rest[at..];
            continue;
        }
        if !INLINE.iter().any(|i| i.eq_ignore_ascii_case(name)) && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.push_str(rest);
}

/// The byte after the `>` closing the tag `s` starts with (quotes respected),
/// or the end of `s`.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// The character an entity at the start of `s` stands for, and its length
/// (1 and `None` for a lone `&`).
fn entity(s: &str) -> (Option<String>, usize) {
    let Some(semi) = s[..s.len().min(12)].find(';') else {
        return (None, 1);
    };
    let name = &s[1..semi];
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => name.strip_prefix('#').and_then(|n| {
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => n.parse().ok(),
            };
            code.and_then(char::from_u32)
        }),
    };
    match c {
        Some(c) => (Some(c.to_string()), semi + 1),
        None => (None, 1),
    }
}

/// Each word of `text` once, in the order they first appear: Pagefind's
/// cost (stemming, positions, its compressed copy of the text) grows with
/// every word it is given, and a page is found by any word it holds just
/// the same. What is lost: how often a body word occurs (titles rank
/// results instead) and phrases longer than the words kept side by side.
fn distinct_words(text: &str) -> String {
    let mut seen: std::collections::HashSet<u64, std::hash::BuildHasherDefault<Prehashed>> = Default::default();
    let mut out = String::with_capacity(text.len() / 4);
    // ASCII text (nearly all) is split and trimmed by bytes; the same words.
    let words: Box<dyn Iterator<Item = &str>> = match text.is_ascii() {
        true => Box::new(
            (text.split([' ', '\t', '\n', '\x0b', '\x0c', '\r']))
                .map(|w| w.trim_matches(|c: char| !c.is_ascii_alphanumeric())),
        ),
        false => Box::new((text.split_whitespace()).map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))),
    };
    for key in words {
        if !key.is_empty() && seen.insert(folded_hash(key)) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(key);
        }
    }
    out
}

/// FNV-1a of `word` in lower case, without allocating: this runs once per
/// word of every page (ASCII words, nearly all, a byte at a time).
fn folded_hash(word: &str) -> u64 {
    let step = |hash: u64, c: u64| (hash ^ c).wrapping_mul(0x0100_0000_01b3);
    let start: u64 = 0xcbf2_9ce4_8422_2325;
    match word.is_ascii() {
        true => (word.bytes()).fold(start, |h, b| step(h, u64::from(b.to_ascii_lowercase()))),
        false => (word.chars().flat_map(char::to_lowercase)).fold(start, |h, c| step(h, u64::from(c))),
    }
}

/// The hasher of a set of [`folded_hash`]es: they are hashes already, so
/// hashing them again (SipHash, the standard one) is wasted work.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        // FNV's last step is a multiply, whose low bits see only low bits:
        // fold the high half in, as the table picks buckets by low bits.
        self.0 = n ^ (n >> 32);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Pagefind reads words starting `___PAGEFIND` in a record's text as its
/// own markers (weights, anchors): a reader's text must not hold one.
fn defuse(text: &str) -> String {
    match text.contains("___") {
        false => text.to_string(),
        true => text
            .split_whitespace()
            .filter(|w| !(w.starts_with("___") && w.contains("PAGEFIND")))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Pagefind's language code for the site's BCP 47 tag: its primary subtag.
fn language(tag: &str) -> String {
    let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    match primary.is_empty() {
        true => "en".into(),
        false => primary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        let mut out = String::new();
        html_text(html, &mut out);
        out
    }

    #[test]
    fn html_becomes_words() {
        assert_eq!(
            text("<p>Pay <em>restoration</em></p><p>in&nbsp;2008</p>"),
            " Pay restoration in 2008 "
        );
        assert_eq!(text("<td>a</td><td>b</td>"), " a b ");
        assert_eq!(
            text("<a href=\"x>y\">link</a> &amp; &#39;q&#x27; &bogus; & done"),
            "link & 'q' &bogus; & done"
        );
        assert_eq!(text("a<script>var x = '<p>';</script>b<STYLE>p{}</style>c"), "a b c");
        assert_eq!(text("<p unclosed"), " ");
        assert_eq!(text("&#1114112; &"), "&#1114112; &");
    }

    #[test]
    fn each_word_is_kept_once_in_first_order() {
        assert_eq!(distinct_words("Pay, pay PAY rise (rise) — 12.4%"), "Pay rise 12.4");
        // ASCII text takes a quicker path to the same words.
        assert_eq!(
            distinct_words("Pay,\x0bpay\tPAY  rise\r\n(rise) 12.4% ."),
            "Pay rise 12.4"
        );
        assert_eq!(distinct_words("a\x0bb\x0cc"), "a b c");
        assert_eq!(distinct_words("a\x0bb\x0cc é"), "a b c é");
        assert_eq!(distinct_words(""), "");
    }

    #[test]
    fn pagefind_markers_in_text_are_dropped() {
        assert_eq!(defuse("a ___PAGEFIND_WEIGHT___9 b"), "a b");
        assert_eq!(defuse("a ___ b"), "a ___ b");
    }

    #[test]
    fn languages_are_primary_subtags() {
        assert_eq!(language("en-GB"), "en");
        assert_eq!(language("cy"), "cy");
        assert_eq!(language(""), "en");
    }
}
