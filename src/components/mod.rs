//! Shortcodes: the components authors put in a page's Markdown
//! (`{{ figure(src="ward.jpg", alt="...") }}`, `{% callout(kind="note") %}
//! ... {% end %}`), each rendered by a template under `shortcodes/`.
//!
//! [`crate::shortcode`] finds them; this module checks their arguments,
//! gathers what the built-in ones show (see [`builtin`]), renders their
//! templates, and hands the Markdown stage a text in which each shortcode is
//! a placeholder, to be filled with its HTML once the Markdown is rendered
//! ([`Expanded::fill`]). Placeholders keep the lines of the text where they
//! were, so every later problem still names the line the author wrote.

pub(crate) mod builtin;
mod chart;
mod figure;
mod files;

use std::path::Path;
use std::sync::OnceLock;

use tera::Context;

use crate::markdown::{self, Problem, Refs};
use crate::model::{Site, Uses};
use crate::render::ShortcodeTemplates;
use crate::render::context::EventCtx;
use crate::shortcode::{self, Piece, Shortcode, Value};

/// Marks a placeholder: private-use characters Markdown passes through as
/// text and no author types.
const OPEN: char = '\u{F8F0}';
const CLOSE: char = '\u{F8F1}';

/// What every shortcode of one build can see.
pub(crate) struct Components<'a> {
    pub(crate) site: &'a Site,
    templates: &'a ShortcodeTemplates,
    /// The site's events as templates see them, made on first use.
    events: OnceLock<Vec<EventCtx>>,
    /// Where resized images are kept between builds (`None`: `check`, which writes nothing).
    pub(crate) image_cache: Option<&'a Path>,
}

/// The text being expanded: a page body or a section intro.
#[derive(Clone, Copy)]
pub(crate) struct Scope<'a> {
    /// The file, relative to `content/` (`explainers/cost.md`).
    pub(crate) rel: &'a str,
    /// The line of the file the text starts on.
    pub(crate) first_line: usize,
    pub(crate) refs: Refs<'a>,
}

/// A Markdown text with its shortcodes replaced by placeholders.
pub(crate) struct Expanded {
    pub(crate) markdown: String,
    /// The HTML of each placeholder, by number.
    fragments: Vec<String>,
    /// Lines of `markdown` (1-based) that were added to set a block
    /// shortcode apart: they are not in the author's text.
    added_lines: Vec<usize>,
    /// The newlines of `markdown[..counted]`: counted as it grows, so a
    /// text of many block shortcodes is not read again for each one.
    newlines: usize,
    counted: usize,
}

impl<'a> Components<'a> {
    pub(crate) fn new(site: &'a Site, templates: &'a ShortcodeTemplates, image_cache: Option<&'a Path>) -> Self {
        Components {
            site,
            templates,
            events: OnceLock::new(),
            image_cache,
        }
    }

    pub(crate) fn events(&self) -> &[EventCtx] {
        self.events
            .get_or_init(|| crate::render::context::event_ctxs(self.site))
    }

    /// The problems of the local files a text links to or shows.
    pub(crate) fn missing_files(&self, rel: &str, files: &[crate::model::FileRef]) -> Vec<Problem> {
        files::missing_files(self, rel, files)
    }

    /// Renders the Markdown `text` with its shortcodes: the HTML, and every
    /// problem with its line in the file.
    pub(crate) fn render(&self, text: &str, scope: Scope, uses: &mut Uses) -> (crate::model::Rendered, Vec<Problem>) {
        let links = &self.site.links;
        if !may_have_shortcodes(text) {
            // Most texts: nothing to expand.
            return markdown::render(text, scope.rel, scope.first_line, links, scope.refs);
        }
        let mut problems = Vec::new();
        let expanded = self.expand(text, scope, uses, &mut problems);
        let (mut rendered, found) = markdown::render(&expanded.markdown, scope.rel, 1, links, scope.refs);
        problems.extend(found.into_iter().map(|p| Problem {
            line: scope.first_line - 1 + expanded.author_line(p.line),
            ..p
        }));
        for a in &mut rendered.anchors {
            a.line = scope.first_line - 1 + expanded.author_line(a.line);
        }
        for f in &mut rendered.files {
            f.line = scope.first_line - 1 + expanded.author_line(f.line);
        }
        rendered.html = expanded.fill(&rendered.html);
        rendered.summary = strip_placeholders(&rendered.summary);
        strip_toc(&mut rendered.toc);
        (rendered, problems)
    }

    /// Replaces each top-level shortcode of `text` by a placeholder and renders it.
    fn expand(&self, text: &str, scope: Scope, uses: &mut Uses, problems: &mut Vec<Problem>) -> Expanded {
        let mut out = Expanded {
            markdown: String::with_capacity(text.len()),
            fragments: Vec::new(),
            added_lines: Vec::new(),
            newlines: 0,
            counted: 0,
        };
        let at = |(offset, message, hint): Found| problem_at(text, scope, offset, message, hint);
        let pieces = match shortcode::parse(text) {
            Ok(pieces) => pieces,
            Err(errors) => {
                problems.extend(errors.into_iter().map(|e| at((e.offset, e.message, e.hint))));
                out.markdown.push_str(text);
                return out;
            }
        };
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.markdown.push_str(&text[t]),
                Piece::Shortcode(sc) => {
                    let html = match self.one(text, &sc, scope, uses) {
                        // Inline, a template's last newline would be a space before a comma.
                        Ok(html) => html.trim().to_string(),
                        Err(found) => {
                            problems.extend(found);
                            String::new()
                        }
                    };
                    out.place(text, &sc, html);
                }
            }
        }
        out
    }

    /// The HTML of one shortcode, or its problems.
    fn one(&self, text: &str, sc: &Shortcode, scope: Scope, uses: &mut Uses) -> Result<String, Vec<Problem>> {
        let at = |found: Vec<Found>| -> Vec<Problem> {
            (found.into_iter())
                .map(|(offset, message, hint)| problem_at(text, scope, offset, message, hint))
                .collect()
        };
        if !self.templates.names.contains_key(&sc.name) {
            let known = self.templates.names.keys().map(String::as_str);
            let hint = crate::error::suggest(
                &sc.name,
                known,
                &format!(
                    "shortcodes are the templates in templates/shortcodes/ (the theme has {}); \
                     to write `{{{{` as text, put it in `code`",
                    self.templates.names.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            );
            return Err(at(vec![(
                sc.name_span.start,
                format!("unknown shortcode `{}`", sc.name),
                hint,
            )]));
        }
        let spec = builtin::spec(&sc.name);
        if let Some(spec) = spec {
            spec.check(sc).map_err(at)?;
        }
        let body = match &sc.body {
            Some(range) => {
                let inner = &text[range.clone()];
                let (line, _) = shortcode::line_col(text, range.start);
                let inner_scope = Scope {
                    first_line: scope.first_line + line - 1,
                    ..scope
                };
                let (rendered, found) = self.render(inner, inner_scope, uses);
                if !found.is_empty() {
                    return Err(found); // placed in the file already
                }
                Some(rendered.html)
            }
            None => None,
        };
        let mut ctx = Context::new();
        // Every argument is defined, so templates can test any of them.
        for p in spec.map_or(&[][..], |s| s.params) {
            ctx.insert(p.name, &serde_json::Value::Null);
        }
        let (line, col) = shortcode::line_col(text, sc.span.start);
        ctx.insert("id", &format!("{}-{}-{col}", sc.name, scope.first_line + line - 1));
        for arg in &sc.args {
            ctx.insert(arg.name.clone(), &to_json(&arg.value));
        }
        ctx.insert("body", &body.clone().unwrap_or_default());
        ctx.insert("base", &self.site.base_path);
        if let Some(spec) = spec {
            (spec.prepare)(self, sc, scope, uses, &mut ctx).map_err(at)?;
        }
        self.templates.render(&sc.name, &ctx).map_err(|d| {
            let place = match (d.line, d.col) {
                (Some(l), Some(c)) => format!(" ({}:{l}:{c})", d.file.display()),
                _ => format!(" ({})", d.file.display()),
            };
            at(vec![(
                sc.span.start,
                format!("shortcode `{}` failed to render{place}: {}", sc.name, d.message),
                d.hint.unwrap_or_else(|| "fix its template or its arguments".into()),
            )])
        })
    }
}

/// Could `text` hold a shortcode? (Most texts cannot: they skip the work.)
pub(crate) fn may_have_shortcodes(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// A problem found in a shortcode: (byte offset in the text, message, hint).
pub(crate) type Found = (usize, String, String);

fn problem_at(text: &str, scope: Scope, offset: usize, message: String, hint: String) -> Problem {
    let (line, col) = shortcode::line_col(text, offset);
    Problem {
        line: scope.first_line + line - 1,
        col,
        message,
        hint,
    }
}

impl Expanded {
    /// Puts the placeholder of `sc` (which spans `text[sc.span]`) and keeps its HTML.
    fn place(&mut self, text: &str, sc: &Shortcode, html: String) {
        let n = self.fragments.len();
        self.fragments.push(html);
        let token = format!("{OPEN}{n}{CLOSE}");
        let newlines = text[sc.span.clone()].matches('\n').count();
        // A shortcode on lines of its own is a block: blank lines around its
        // placeholder make it a paragraph of its own, which `fill` replaces
        // whole (a figure must not end up inside a `<p>`).
        let before = &text[..sc.span.start];
        let after = &text[sc.span.end..];
        let line_start = before.rsplit('\n').next().is_some_and(|l| l.trim().is_empty());
        let line_end = after.split('\n').next().is_some_and(|l| l.trim().is_empty());
        if line_start && line_end {
            self.markdown.push('\n');
            let line = self.lines();
            self.added_lines.push(line);
            self.markdown.push_str(&token);
            self.markdown.extend(std::iter::repeat_n('\n', newlines));
            self.markdown.push('\n');
            let line = self.lines();
            self.added_lines.push(line);
        } else {
            self.markdown.push_str(&token);
            // Inside a paragraph a line break is a space: keep the lines.
            self.markdown.extend(std::iter::repeat_n('\n', newlines));
        }
    }

    /// The newlines of `markdown` so far.
    fn lines(&mut self) -> usize {
        self.newlines += self.markdown[self.counted..].matches('\n').count();
        self.counted = self.markdown.len();
        self.newlines
    }

    /// The line of the author's text that line `line` of `markdown` is.
    fn author_line(&self, line: usize) -> usize {
        line - self.added_lines.partition_point(|&l| l < line)
    }

    /// `html` with every placeholder replaced by its shortcode's HTML (a
    /// placeholder alone in a paragraph replaces the paragraph).
    fn fill(&self, html: &str) -> String {
        let mut out = String::with_capacity(html.len() + self.fragments.iter().map(String::len).sum::<usize>());
        let mut rest = html;
        while let Some(start) = rest.find(OPEN) {
            let after = &rest[start + OPEN.len_utf8()..];
            let Some(end) = after.find(CLOSE) else { break };
            let Some(fragment) = after[..end].parse::<usize>().ok().and_then(|n| self.fragments.get(n)) else {
                out.push_str(&rest[..start + OPEN.len_utf8()]);
                rest = after;
                continue;
            };
            let mut head = &rest[..start];
            let mut tail = &after[end + CLOSE.len_utf8()..];
            if head.ends_with("<p>") && tail.starts_with("</p>") {
                head = &head[..head.len() - 3];
                tail = &tail[4..];
            }
            out.push_str(head);
            out.push_str(fragment);
            rest = tail;
        }
        out.push_str(rest);
        out
    }
}

/// Text without placeholders (summaries, headings in the table of contents).
fn strip_placeholders(s: &str) -> String {
    if !s.contains(OPEN) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut inside = false;
    for c in s.chars() {
        match c {
            OPEN => inside = true,
            CLOSE if inside => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("<p></p>\n", "")
}

fn strip_toc(toc: &mut [crate::model::TocEntry]) {
    for entry in toc {
        entry.title = strip_placeholders(&entry.title).trim().to_string();
        strip_toc(&mut entry.children);
    }
}

/// A shortcode argument as templates see it.
pub(crate) fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Str(s) => serde_json::Value::from(s.as_str()),
        Value::Int(n) => serde_json::Value::from(*n),
        Value::Float(f) => serde_json::Value::from(*f),
        Value::Bool(b) => serde_json::Value::from(*b),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
    }
}

#[cfg(test)]
mod tests;
