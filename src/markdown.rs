//! Markdown -> HTML with pulldown-cmark: unique heading ids and a table of
//! contents, a summary, links to `.md` files rewritten to page URLs (a link to
//! a missing page is an error), and word count for the reading time.

use std::collections::{HashMap, HashSet};

use crate::model::{AnchorRef, FileRef, LinkMap, Rendered, TocEntry, Unresolved};
use crate::text::slugify;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Words read per minute, for the reading time.
const WORDS_PER_MINUTE: usize = 200;
const MORE_MARKER: &str = "<!-- more -->";

/// A problem in the Markdown, with its 1-based place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: String,
}

/// What a text may refer to besides other pages.
#[derive(Default, Clone, Copy)]
pub struct Refs<'a> {
    /// The page's sources in citation order: `[@id]` cites source `id` as "[n]".
    pub sources: &'a [String],
    /// Terms to mark up where the text first uses them.
    pub glossary: Option<&'a Glossary>,
    /// The path the site is served under (`/dispute`), put in front of the
    /// links it rewrites and of links from the site root (`/timeline/`).
    pub base: &'a str,
}

/// The site's glossary, ready to find its terms in text.
#[derive(Debug, Default, Clone)]
pub struct Glossary {
    /// (lowercase name or alias, term index), longest first so "pay
    /// restoration" wins over "pay".
    names: Vec<(String, usize)>,
    /// (anchor, HTML-escaped definition) per term.
    terms: Vec<(String, String)>,
    url: String,
}

impl Glossary {
    pub fn new(terms: &[crate::config::Term], url: &str) -> Glossary {
        let mut names: Vec<(String, usize)> = terms
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                std::iter::once(&t.term)
                    .chain(&t.aliases)
                    .map(move |n| (n.to_ascii_lowercase(), i))
            })
            .filter(|(n, _)| !n.trim().is_empty())
            .collect();
        names.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
        let terms = terms
            .iter()
            .map(|t| (t.anchor(), crate::text::escape(&t.definition)))
            .collect();
        Glossary {
            names,
            terms,
            url: url.to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The first use in `text` of a term not yet `used`: (start, end, term).
    fn find(&self, text: &str, used: &[bool]) -> Option<(usize, usize, usize)> {
        let lower = text.to_ascii_lowercase(); // ASCII-only: byte offsets stay valid
        let mut best: Option<(usize, usize, usize)> = None;
        for (name, term) in &self.names {
            if used[*term] {
                continue;
            }
            let mut from = 0;
            while let Some(pos) = lower[from..].find(name.as_str()).map(|p| p + from) {
                let end = pos + name.len();
                let before = lower[..pos].chars().next_back();
                let after = lower[end..].chars().next();
                if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
                    if best.is_none_or(|(b, _, _)| pos < b) {
                        best = Some((pos, end, *term));
                    }
                    break;
                }
                from = pos + name.len().max(1);
            }
        }
        best
    }

    fn open_tag(&self, term: usize) -> String {
        let (anchor, definition) = &self.terms[term];
        format!(
            "<a class=\"term\" href=\"{}#{anchor}\" title=\"{definition}\">",
            self.url
        )
    }
}

/// A link or image to a path from the site root (`/timeline/`), moved under
/// the path the site is served from.
fn under_base<'a>(tag: Tag<'a>, base: &str) -> Tag<'a> {
    let rooted = |url: &str| !base.is_empty() && url.starts_with('/') && !url.starts_with("//");
    match tag {
        Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        } if rooted(&dest_url) => Tag::Link {
            link_type,
            dest_url: CowStr::from(format!("{base}{dest_url}")),
            title,
            id,
        },
        Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        } if rooted(&dest_url) => Tag::Image {
            link_type,
            dest_url: CowStr::from(format!("{base}{dest_url}")),
            title,
            id,
        },
        other => other,
    }
}

/// What to say about a link to a Markdown file that leads nowhere: what
/// the target is ("is a draft", "does not exist") and what to do.
pub(crate) fn unresolved(links: &LinkMap, from: &str, link: &str) -> (&'static str, String) {
    match links.explain(from, link) {
        Unresolved::Draft(rel) => (
            "is a draft",
            format!(
                "drafts are left out unless you build with --drafts (or serve --drafts); \
                 remove `draft: true` from content/{rel} to publish it"
            ),
        ),
        Unresolved::Missing { nearest: Some(near) } => ("does not exist", format!("did you mean `@/{near}`?")),
        Unresolved::Missing { nearest: None } => (
            "does not exist",
            "link to a .md file under content/, relative to this file or as `@/path/from/content.md`".into(),
        ),
    }
}

/// The path of a link or image to a file of this site (`ward.jpg`,
/// `/data/pay.csv`), without query or fragment; `None` for the web, a data
/// URL, an anchor, or a page URL (`/timeline/`).
fn local_file(dest: &str) -> Option<String> {
    let path = dest.split(['?', '#']).next().unwrap_or(dest);
    let has_scheme = path.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    let local = !has_scheme && !path.starts_with("//") && !path.is_empty() && !path.ends_with('/');
    local.then(|| path.to_string())
}

/// Does a link name a file (`pay.csv`, `report.pdf`) rather than a page
/// (`/timeline/`, `cost.md`, `page.html`)?
fn has_file_extension(dest: &str) -> bool {
    let path = dest.split(['?', '#']).next().unwrap_or(dest);
    let last = path.rsplit('/').next().unwrap_or(path);
    match last.rsplit_once('.') {
        Some((stem, ext)) => {
            !stem.is_empty()
                && !ext.is_empty()
                && ext.chars().all(|c| c.is_ascii_alphanumeric())
                && !["md", "html", "htm"].contains(&ext.to_ascii_lowercase().as_str())
        }
        None => false,
    }
}

/// Is this a link to a Markdown file of the site (rather than to the web)?
fn is_internal_md(dest: &str) -> bool {
    let path = dest.split('#').next().unwrap_or(dest);
    let has_scheme = path.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    !has_scheme && !path.starts_with("//") && (path.ends_with(".md") || dest.starts_with("@/"))
}

/// The extensions pages are rendered with (the shortcode parser asks with
/// the same ones where code is).
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders the Markdown `text` of the file `from` (relative to `content/`),
/// whose first line is line `first_line` of the file.
pub fn render(text: &str, from: &str, first_line: usize, links: &LinkMap, refs: Refs) -> (Rendered, Vec<Problem>) {
    // Line numbers are only needed for problems: index the lines lazily.
    let line_of = std::cell::OnceCell::new();
    let mut problems = Vec::new();
    let place = |offset: usize| {
        let (line, col) = line_of.get_or_init(|| LineIndex::new(text)).position(offset);
        (first_line + line - 1, col)
    };
    let mut problem = |offset: usize, message: String, hint: String| {
        let (line, col) = place(offset);
        problems.push(Problem {
            line,
            col,
            message,
            hint,
        });
    };
    let mut files = Vec::new();
    let mut file = |offset: usize, dest: &str, image: bool| {
        if let Some(path) = local_file(dest) {
            let (line, col) = place(offset);
            files.push(FileRef { path, image, line, col });
        }
    };
    let mut anchors = Vec::new();
    let mut anchor = |offset: usize, page: Option<&str>, id: &str| {
        if !id.is_empty() {
            let (line, col) = place(offset);
            anchors.push(AnchorRef {
                page: page.map(str::to_string),
                id: id.to_string(),
                line,
                col,
            });
        }
    };
    // `[@id]` is a reference link with no definition: make it a citation.
    let cite = |link: pulldown_cmark::BrokenLink| {
        let id = link.reference.strip_prefix('@')?;
        Some((CowStr::from(format!("{CITE_SCHEME}{id}")), CowStr::from("")))
    };
    let mut events: Vec<Event> = Vec::new();
    let mut words = 0;
    let mut in_citation = false;
    // Inside links, headings, code and images, text is never marked as a term.
    let mut no_terms = 0usize;
    let mut used_terms = vec![false; refs.glossary.map_or(0, |g| g.terms.len())];
    let parser = Parser::new_with_broken_link_callback(text, options(), Some(cite));
    for (event, range) in parser.into_offset_iter() {
        if in_citation {
            in_citation = !matches!(event, Event::End(TagEnd::Link));
            continue;
        }
        match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(CITE_SCHEME) => {
                let id = &dest_url[CITE_SCHEME.len()..];
                match refs.sources.iter().position(|s| s == id) {
                    Some(n) => events.push(Event::InlineHtml(CowStr::from(citation(n + 1)))),
                    None => problem(
                        range.start,
                        format!("citation `[@{id}]` names no source of this page"),
                        "add it to the page's `sources:` list, or fix the id".into(),
                    ),
                }
                in_citation = true;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if is_internal_md(&dest_url) => {
                no_terms += 1;
                let dest_url = match links.resolve(from, &dest_url) {
                    Some(url) => {
                        if let Some((page, id)) = url.split_once('#') {
                            anchor(range.start, Some(page), id);
                        }
                        CowStr::from(format!("{}{url}", refs.base))
                    }
                    None => {
                        let (what, hint) = unresolved(links, from, &dest_url);
                        problem(range.start, format!("link to `{dest_url}`, which {what}"), hint);
                        dest_url
                    }
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Link { ref dest_url, .. }) if dest_url.starts_with('#') => {
                anchor(range.start, None, &dest_url[1..]);
                no_terms += 1;
                events.push(event);
            }
            Event::Start(t @ (Tag::Link { .. } | Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::Image { .. })) => {
                match &t {
                    Tag::Image { dest_url, .. } => file(range.start, dest_url, true),
                    Tag::Link { dest_url, .. } if has_file_extension(dest_url) => file(range.start, dest_url, false),
                    _ => {}
                }
                no_terms += 1;
                events.push(Event::Start(under_base(t, refs.base)));
            }
            Event::End(t @ (TagEnd::Link | TagEnd::Heading(_) | TagEnd::CodeBlock | TagEnd::Image)) => {
                no_terms = no_terms.saturating_sub(1);
                events.push(Event::End(t));
            }
            Event::Text(t) => {
                words += word_count(&t);
                match refs.glossary.filter(|g| no_terms == 0 && !g.is_empty()) {
                    Some(g) => mark_terms(g, t, &mut used_terms, &mut events),
                    None => events.push(Event::Text(t)),
                }
            }
            other => events.push(other),
        }
    }
    let toc = assign_heading_ids(&mut events);
    let events = row_headed_tables(events);
    let summary = summary(&events);
    let mut html_out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut html_out, events.into_iter());
    let rendered = Rendered {
        html: html_out,
        summary,
        toc,
        word_count: words,
        reading_time: words.div_ceil(WORDS_PER_MINUTE).max(1),
        anchors,
        files,
    };
    (rendered, problems)
}

const CITE_SCHEME: &str = "dossier-cite:";

/// The words of `text`, as `split_whitespace` counts them. Counting is a
/// twentieth of a 10,000-page build if done a character at a time: ASCII
/// text (nearly all of it) is counted as the places where a space is
/// followed by a non-space: byte pairs without a running state, which the
/// compiler can vectorise.
fn word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    // The six ASCII characters `char::is_whitespace` accepts.
    let space = |b: u8| b == b' ' || b.wrapping_sub(b'\t') < 5;
    let b = text.as_bytes();
    let Some(&first) = b.first() else { return 0 };
    let starts: usize = b
        .iter()
        .zip(&b[1..])
        .map(|(&prev, &next)| usize::from(space(prev) & !space(next)))
        .sum();
    starts + usize::from(!space(first))
}

/// The mark citing source `n` of a page (numbered from 1), linked to its entry.
pub(crate) fn citation(n: usize) -> String {
    format!("<sup class=\"citation\"><a href=\"#source-{n}\" aria-label=\"Source {n}\">[{n}]</a></sup>")
}

/// Wraps the first use of each glossary term in `text` in a link to its definition.
fn mark_terms<'a>(g: &Glossary, text: CowStr<'a>, used: &mut [bool], out: &mut Vec<Event<'a>>) {
    let mut rest: &str = &text;
    let mut pieces: Vec<Event<'a>> = Vec::new();
    while let Some((start, end, term)) = g.find(rest, used) {
        used[term] = true;
        if start > 0 {
            pieces.push(Event::Text(CowStr::from(rest[..start].to_string())));
        }
        pieces.push(Event::InlineHtml(CowStr::from(g.open_tag(term))));
        pieces.push(Event::Text(CowStr::from(rest[start..end].to_string())));
        pieces.push(Event::InlineHtml(CowStr::from("</a>")));
        rest = &rest[end..];
    }
    if pieces.is_empty() {
        out.push(Event::Text(text));
        return;
    }
    if !rest.is_empty() {
        pieces.push(Event::Text(CowStr::from(rest.to_string())));
    }
    out.extend(pieces);
}

/// A table whose first header cell is empty (`| | Scotland | Wales |`) has
/// a label in the first cell of each row: those become row headers
/// (`<th scope="row">`), and the empty corner an ordinary cell, so screen
/// readers announce each value with its row and column.
fn row_headed_tables(events: Vec<Event>) -> Vec<Event> {
    let corner_empty = |rest: &[Event]| {
        matches!(
            rest,
            [
                Event::Start(Tag::TableHead),
                Event::Start(Tag::TableCell),
                Event::End(TagEnd::TableCell),
                ..
            ]
        )
    };
    let starts: Vec<usize> = (0..events.len())
        .filter(|&i| matches!(events[i], Event::Start(Tag::Table(_))) && corner_empty(&events[i + 1..]))
        .collect();
    if starts.is_empty() {
        return events; // most pages: nothing to move
    }
    let mut out = Vec::with_capacity(events.len());
    let mut table: Option<Vec<Event>> = None;
    for (i, e) in events.into_iter().enumerate() {
        match (&mut table, e) {
            (None, e) if starts.contains(&i) => table = Some(vec![e]),
            (Some(t), e @ Event::End(TagEnd::Table)) => {
                t.push(e);
                let mut html_table = String::new();
                html::push_html(&mut html_table, t.drain(..));
                out.push(Event::Html(CowStr::from(with_row_headers(&html_table))));
                table = None;
            }
            (Some(t), e) => t.push(e),
            (None, e) => out.push(e),
        }
    }
    out
}

/// Rewrites a table's HTML as pulldown-cmark writes it: the first header
/// cell becomes `<td>`, the others `<th scope="col">`, and the first cell of
/// each body row `<th scope="row">`.
fn with_row_headers(html_table: &str) -> String {
    let Some((head, body)) = html_table.split_once("</thead>") else {
        return html_table.to_string();
    };
    // Once rows have headers, column headers must say they are (`scope="col"`).
    let head = head
        .replacen("<th></th>", "<td></td>", 1)
        .replace("<th>", "<th scope=\"col\">")
        .replace("<th style=", "<th scope=\"col\" style=");
    let rows: Vec<String> = body
        .split("<tr>")
        .enumerate()
        .map(|(n, row)| {
            if n == 0 {
                return row.to_string();
            }
            match (row.find("<td"), row.find("</td>")) {
                (Some(open), Some(close)) if open < close => {
                    // `<td style=...>text</td>` -> `<th scope="row" style=...>text</th>`
                    let (before, cell, after) = (&row[..open], &row[open + 3..close], &row[close + 5..]);
                    format!("{before}<th scope=\"row\"{cell}</th>{after}")
                }
                _ => row.to_string(),
            }
        })
        .collect();
    format!("{head}</thead>{}", rows.join("<tr>"))
}

/// Gives every heading a unique id (keeping ids the author set with `{#id}`)
/// and returns the table of contents.
fn assign_heading_ids(events: &mut [Event]) -> Vec<TocEntry> {
    let mut used: HashSet<String> = HashSet::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    let mut flat = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = heading_number(*level);
            let explicit = id.as_ref().map(|s| s.to_string());
            let end = events[i..]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                .map_or(events.len(), |p| i + p);
            let title = plain_text(&events[i + 1..end]);
            let base = explicit.unwrap_or_else(|| slugify(&title));
            let unique = unique_id(base, &mut used, &mut next_suffix);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(unique.clone()));
            }
            flat.push(TocEntry {
                level,
                id: unique,
                title,
                children: Vec::new(),
            });
            i = end;
        }
        i += 1;
    }
    nest(flat)
}

fn unique_id(base: String, used: &mut HashSet<String>, next: &mut HashMap<String, usize>) -> String {
    if used.insert(base.clone()) {
        return base;
    }
    // Counting per base keeps 10,000 equal headings linear, not quadratic.
    let n = next.entry(base.clone()).or_insert(0);
    loop {
        *n += 1;
        let candidate = format!("{base}-{n}");
        if used.insert(candidate.clone()) {
            return candidate;
        }
    }
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Turns a flat list of headings into a tree: each heading holds the deeper
/// headings that follow it.
fn nest(flat: Vec<TocEntry>) -> Vec<TocEntry> {
    let mut roots: Vec<TocEntry> = Vec::new();
    for entry in flat {
        insert_entry(&mut roots, entry);
    }
    roots
}

fn insert_entry(list: &mut Vec<TocEntry>, entry: TocEntry) {
    // Iterative descent: deep nesting must not recurse without bound.
    let mut list = list;
    loop {
        let descend = matches!(list.last(), Some(last) if last.level < entry.level);
        if !descend {
            list.push(entry);
            return;
        }
        list = &mut list.last_mut().expect("checked above").children;
    }
}

/// The text of inline events, as a reader would see it.
fn plain_text(events: &[Event]) -> String {
    let mut out = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// The HTML before `<!-- more -->`, or else the first paragraph.
fn summary(events: &[Event]) -> String {
    let slice = if let Some(pos) = more_marker(events) {
        &events[..pos]
    } else {
        let Some(start) = events.iter().position(|e| matches!(e, Event::Start(Tag::Paragraph))) else {
            return String::new();
        };
        let end = events[start..]
            .iter()
            .position(|e| matches!(e, Event::End(TagEnd::Paragraph)))
            .map_or(events.len(), |p| start + p + 1);
        &events[start..end]
    };
    let mut out = String::new();
    html::push_html(&mut out, slice.iter().cloned());
    out
}

/// Where a `<!-- more -->` block at the top level starts: only there can the
/// summary end without cutting a paragraph, list or quote in half.
fn more_marker(events: &[Event]) -> Option<usize> {
    let mut depth = 0usize;
    let mut block_start = 0;
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Start(Tag::HtmlBlock) if depth == 0 => {
                block_start = i;
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Html(h)
                if depth == 1
                    && h.contains(MORE_MARKER)
                    && matches!(events[block_start], Event::Start(Tag::HtmlBlock)) =>
            {
                return Some(block_start);
            }
            _ => {}
        }
    }
    None
}

/// The text of some HTML without its tags and with the common entities
/// decoded, for plain-text outputs (calendar descriptions, JSON-LD).
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    crate::text::unescape(&out)
}

/// Byte offset -> (line, column), both 1-based.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> LinkMap {
        let mut l = LinkMap::default();
        l.insert("explainers/pay.md", "/explainers/pay/");
        l.insert("_index.md", "/");
        l
    }

    #[test]
    fn broken_links_name_their_line() {
        let (r, broken) = render(
            "Intro\n\nSee [it](nope.md) and [web](https://e.org/a.md).\n",
            "x.md",
            5,
            &links(),
            Refs::default(),
        );
        assert_eq!(broken.len(), 1);
        assert_eq!((broken[0].line, broken[0].col), (7, 5));
        assert_eq!(broken[0].message, "link to `nope.md`, which does not exist");
        assert!(r.html.contains("href=\"https://e.org/a.md\""));
    }

    #[test]
    fn headings_get_unique_ids_and_a_nested_toc() {
        let md = "## Why strike?\n\n### Pay\n\n## Why strike?\n\n## Own {#mine}\n";
        let (r, _) = render(md, "x.md", 1, &links(), Refs::default());
        assert!(r.html.contains("<h2 id=\"why-strike\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"why-strike-1\">"));
        assert!(r.html.contains("<h2 id=\"mine\">"));
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].children[0].id, "pay");
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            " ",
            "one",
            " two  words ",
            "a\tb\nc\r\nd\x0be\x0cf",
            "naïve café\u{a0}bar",
            "x  ",
        ] {
            assert_eq!(word_count(text), text.split_whitespace().count(), "{text:?}");
        }
        // Every text of up to five characters from an alphabet with each
        // ASCII space and the bytes beside them.
        let alphabet = ['a', ' ', '\t', '\n', '\r', '\x0b', '\x0c', '\x08', '\x0e', '\x1c', '!'];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = (texts.iter())
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            for text in &longer {
                assert_eq!(word_count(text), text.split_whitespace().count(), "{text:?}");
            }
            texts = longer;
        }
    }

    #[test]
    fn summary_is_first_paragraph_or_up_to_more() {
        let (r, _) = render("# T\n\nFirst *one*.\n\nSecond.\n", "x.md", 1, &links(), Refs::default());
        assert_eq!(r.summary, "<p>First <em>one</em>.</p>\n");
        let (r, _) = render(
            "One.\n\nTwo.\n\n<!-- more -->\n\nThree.\n",
            "x.md",
            1,
            &links(),
            Refs::default(),
        );
        assert_eq!(r.summary, "<p>One.</p>\n<p>Two.</p>\n");
        // A marker inside a paragraph or a quote would cut it in half: ignored.
        let (r, _) = render(
            "One <!-- more --> two.\n\n> q\n> <!-- more -->\n",
            "x.md",
            1,
            &links(),
            Refs::default(),
        );
        assert_eq!(r.summary, "<p>One <!-- more --> two.</p>\n");
    }

    #[test]
    fn extensions_are_on_and_reading_time_counts_words() {
        let md =
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n- [x] done\n\nNote[^1].\n\n[^1]: A footnote.\n";
        let (r, _) = render(md, "x.md", 1, &links(), Refs::default());
        for needle in [
            "<table>",
            "<del>old</del>",
            "\u{201c}quoted\u{201d}",
            "type=\"checkbox\"",
            "footnote",
        ] {
            assert!(r.html.contains(needle), "missing {needle} in {}", r.html);
        }
        let (r, _) = render(&"word ".repeat(401), "x.md", 1, &links(), Refs::default());
        assert_eq!((r.word_count, r.reading_time), (401, 3));
    }

    #[test]
    fn citations_number_the_page_sources() {
        let sources = ["a".to_string(), "b".to_string()];
        let refs = Refs {
            sources: &sources,
            glossary: None,
            base: "",
        };
        let (r, problems) = render("Said so [@b], twice [@a].\n\nAnd [@nope].\n", "x.md", 1, &links(), refs);
        assert!(
            r.html.contains(
                "so <sup class=\"citation\"><a href=\"#source-2\" aria-label=\"Source 2\">[2]</a></sup>, twice"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"#source-1\""));
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].line, problems[0].col), (3, 5));
        assert!(problems[0].message.contains("`[@nope]`"));
    }

    #[test]
    fn glossary_terms_are_marked_once_outside_links_and_headings() {
        let terms = vec![crate::config::Term {
            term: "pay restoration".into(),
            aliases: vec!["FPR".into()],
            definition: "Raising pay to \"2008\" levels".into(),
            id: None,
        }];
        let g = Glossary::new(&terms, "/glossary/");
        let refs = Refs {
            sources: &[],
            glossary: Some(&g),
            base: "",
        };
        let md = "## Pay restoration\n\n[pay restoration](https://x.org) then Full pay restoration, and pay restoration again; FPR.\n";
        let (r, _) = render(md, "x.md", 1, &links(), refs);
        let open =
            "<a class=\"term\" href=\"/glossary/#pay-restoration\" title=\"Raising pay to &quot;2008&quot; levels\">";
        assert_eq!(r.html.matches(open).count(), 1, "{}", r.html);
        assert!(
            r.html
                .contains(&format!("Full {open}pay restoration</a>, and pay restoration again")),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h2 id=\"pay-restoration\">Pay restoration</h2>"));
    }

    #[test]
    fn tables_with_an_empty_corner_get_row_headers() {
        let md = "| | Scotland | Wales |\n|---|---:|---|\n| Rise | 12.4% | 12.4% |\n| Year | 2023 | 2024 |\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        let (r, _) = render(md, "x.md", 1, &links(), Refs::default());
        assert!(
            r.html.contains(
                "<thead><tr><td></td><th scope=\"col\" style=\"text-align: right\">Scotland</th><th scope=\"col\">Wales</th>"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<tr><th scope=\"row\">Rise</th><td style=\"text-align: right\">12.4%</td>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<tr><th scope=\"row\">Year</th>"), "{}", r.html);
        // A table with a header in its corner is left as it is.
        assert!(
            r.html.contains("<thead><tr><th>a</th><th>b</th></tr></thead>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("<tr><td>1</td><td>2</td></tr>"), "{}", r.html);
    }

    #[test]
    fn many_equal_headings_stay_unique() {
        let md = "## Same\n\n".repeat(2000);
        let (r, _) = render(&md, "x.md", 1, &links(), Refs::default());
        assert!(r.html.contains("id=\"same-1999\""));
    }
}
