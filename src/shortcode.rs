//! Shortcodes in page bodies: finding and parsing them (rendering is elsewhere).
//!
//! Authors write `{{ name(arg=value) }}` for a shortcode on its own and
//! `{% name(arg=value) %}Markdown{% end %}` for one with a body; bodies may hold
//! further shortcodes, nested. `{{/* name() */}}` and `{%/* name() */%}` write
//! one literally (for documentation): the text without the `/*` and `*/`.
//!
//! [`parse`] splits a text into plain text and its top-level shortcodes; the
//! renderer parses each body again. Only `{{` or `{%`, a name and `(` open a
//! shortcode, so `{{ x }}` in prose stays text. Code is left alone: an opener
//! inside a code span or block (as pulldown-cmark sees the text) is text.
//!
//! The scan is one forward pass with an explicit stack of open bodies, and
//! every search that may fail remembers its answer: no input recurses deeper
//! than [`MAX_LIST_DEPTH`] or makes the work quadratic.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

/// Bodies nested deeper than this are an error: the renderer recurses once per
/// level (parsing each body again), so the depth bounds its work and its stack.
pub const MAX_NESTING: usize = 32;
/// Lists in argument values nested deeper than this are an error (values are
/// parsed, dropped and compared recursively).
pub const MAX_LIST_DEPTH: usize = 16;
/// [`parse`] stops after this many errors: a broken page should not drown the
/// author, nor cost a quoted line per stray brace.
pub const MAX_ERRORS: usize = 20;
/// An argument's value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `"text"` or `'text'`, escapes (`\"`, `\'`, `\\`, `\n`, `\t`) decoded.
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// `[1, "a", true]`
    Array(Vec<Value>),
}

impl Value {
    /// What kind of value this is, for messages ("expected text, got a number").
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "text",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Bool(_) => "true or false",
            Value::Array(_) => "a list",
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// One `name=value` argument; spans are byte offsets into the parsed text.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    pub name_span: Range<usize>,
    pub value: Value,
    pub value_span: Range<usize>,
}

/// A shortcode found in the text; every span is a byte offset into it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortcode {
    pub name: String,
    pub name_span: Range<usize>,
    pub args: Vec<Arg>,
    /// From `{{`/`{%` to the end of `}}`, or of `{% end %}` for one with a body.
    pub span: Range<usize>,
    /// The text between `%}` and `{% end %}`; `None` for `{{ ... }}`.
    pub body: Option<Range<usize>>,
}

impl Shortcode {
    /// The argument called `name`, if given (names are unique).
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

/// A part of the text, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Plain text, to be used as it is. An escaped shortcode comes out as the
    /// text around its `/*` and `*/` (so as several `Text`s in a row):
    /// concatenating every `Text` gives the text as the author meant it.
    Text(Range<usize>),
    Shortcode(Shortcode),
}

/// A mistake in shortcode syntax, at a byte offset of the parsed text (see
/// [`line_col`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Splits `text` into plain text and top-level shortcodes, in order.
///
/// Nested shortcodes stay inside their parent's body: parse `&text[body]`
/// again and add `body.start` to its offsets. Texts are ranges of `text`; an
/// escaped shortcode gives the ranges around its `/*` and `*/`.
///
/// On a mistake, returns every mistake in the text (nested bodies included,
/// at most [`MAX_ERRORS`]), ordered by offset, one per mistake: what a first
/// mistake throws off (the `{% end %}` of a broken opener, a body left open
/// around a broken shortcode) is not reported again.
pub fn parse(text: &str) -> Result<Vec<Piece>, Vec<SyntaxError>> {
    // Markdown is asked where code is once the tags are out of the way: the
    // renderer replaces them, so a backtick inside an argument never opens a
    // code span (and must not hide the shortcodes after it). The tags are
    // found by a first scan that ignores code.
    let tags = Scan::new(text, &[]).run().tags;
    let code = code_ranges(&mask(text, &tags));
    Scan::new(text, &code).run().finish()
}

/// The 1-based (line, column) of a byte offset, the column counted in chars.
/// Offsets past the end or inside a character count as the nearest place before.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    (line, before[line_start..].chars().count() + 1)
}

/// The byte ranges of code spans and code blocks (fences included), by start.
fn code_ranges(text: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Parser::new_ext(text, crate::markdown::options())
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// `text` with the backticks inside tags made `x`. In a well-formed tag they
/// can only be in strings, which never start a line, so no code fence moves:
/// only the code spans a string's backtick would open or close go away.
fn mask<'t>(text: &'t str, tags: &[Range<usize>]) -> Cow<'t, str> {
    if !tags.iter().any(|t| text.as_bytes()[t.clone()].contains(&b'`')) {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for tag in tags {
        for b in &mut bytes[tag.clone()] {
            if *b == b'`' {
                *b = b'x';
            }
        }
    }
    // One ASCII byte replaced by another: still UTF-8.
    Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| text.to_string()))
}

/// The two kinds of tag: `{{ }}` and `{% %}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Delim {
    Inline,
    Body,
}

impl Delim {
    fn open(self) -> &'static str {
        match self {
            Delim::Inline => "{{",
            Delim::Body => "{%",
        }
    }

    fn close(self) -> &'static str {
        match self {
            Delim::Inline => "}}",
            Delim::Body => "%}",
        }
    }

    fn other(self) -> Delim {
        match self {
            Delim::Inline => Delim::Body,
            Delim::Body => Delim::Inline,
        }
    }
}

/// The next place of a fixed string at or after an offset, remembering the
/// last answer: asking again from later offsets (as the scan does after each
/// failed opener) costs nothing until that answer is passed, so a text full
/// of unclosed openers is still read once.
struct Finder {
    needle: &'static [u8],
    /// (asked from, answer): no occurrence between the two.
    last: Option<(usize, Option<usize>)>,
}

impl Finder {
    fn new(needle: &'static str) -> Finder {
        Finder {
            needle: needle.as_bytes(),
            last: None,
        }
    }

    fn find(&mut self, hay: &[u8], from: usize) -> Option<usize> {
        if let Some((asked, answer)) = self.last
            && asked <= from
            && answer.is_none_or(|a| a >= from)
        {
            return answer;
        }
        let answer = hay
            .get(from..)
            .and_then(|rest| rest.windows(self.needle.len()).position(|w| w == self.needle))
            .map(|i| i + from);
        self.last = Some((from, answer));
        answer
    }
}

/// A body opened by `{% name(...) %}`, waiting for its `{% end %}`.
struct Frame {
    start: usize,
    body_start: usize,
    /// `None` when the opener had a mistake: its `{% end %}` still closes it,
    /// so that end is not reported as stray.
    shortcode: Option<Shortcode>,
    /// A mistake happened inside: if the body is never closed, that mistake
    /// probably ate the `{% end %}`, so it is not reported again.
    tainted: bool,
}

/// Where a tag's lexing stopped after a mistake it cannot read past.
struct Stop(usize);

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Characters of a bare value: numbers, `true`/`false`, and unquoted words
/// (read whole so the error names them).
fn is_word(b: u8) -> bool {
    is_ident(b) || matches!(b, b'.' | b'-' | b'+')
}

const ARG_EXAMPLE: &str = "{{ figure(src=\"a.jpg\", alt=\"...\") }}";
const VALUE_HINT: &str = "values are \"text\", 'text', numbers (3, -1.5), true, false or lists [1, \"a\"]";

/// One pass over the text.
struct Scan<'t> {
    text: &'t str,
    bytes: &'t [u8],
    code: &'t [Range<usize>],
    pieces: Vec<Piece>,
    errors: Vec<SyntaxError>,
    /// Mistakes made, including those past [`MAX_ERRORS`].
    mistakes: usize,
    /// Every well-formed tag (`{{ }}`, `{% %}`, `{% end %}`), at any depth, in order.
    tags: Vec<Range<usize>>,
    open: Vec<Frame>,
    /// Broken `{%` openers that closed with `}}` and so opened no body: a
    /// stray `{% end %}` is theirs, not a mistake of its own.
    orphans: usize,
    /// Where the current top-level text began.
    text_start: usize,
    escape_close: [Finder; 2],
    close: [Finder; 2],
}

impl<'t> Scan<'t> {
    fn new(text: &'t str, code: &'t [Range<usize>]) -> Self {
        Scan {
            text,
            bytes: text.as_bytes(),
            code,
            pieces: Vec::new(),
            errors: Vec::new(),
            mistakes: 0,
            tags: Vec::new(),
            open: Vec::new(),
            orphans: 0,
            text_start: 0,
            escape_close: [Finder::new("*/}}"), Finder::new("*/%}")],
            close: [Finder::new("}}"), Finder::new("%}")],
        }
    }

    fn run(mut self) -> Self {
        let mut pos = 0;
        while let Some(brace) = self.bytes[pos..].iter().position(|&b| b == b'{') {
            pos = self.at_brace(pos + brace);
        }
        self
    }

    fn finish(mut self) -> Result<Vec<Piece>, Vec<SyntaxError>> {
        // Every body still open is reported, but not one around a mistake
        // (which probably ate its end).
        let mut unclosed = Vec::new();
        while let Some(frame) = self.open.pop() {
            match frame.shortcode {
                Some(sc) if !frame.tainted => unclosed.push((frame.start, sc.name)),
                _ => {}
            }
            if frame.tainted
                && let Some(parent) = self.open.last_mut()
            {
                parent.tainted = true;
            }
        }
        for (start, name) in unclosed {
            self.error(
                start,
                format!("`{{% {name}(...) %}}` has no `{{% end %}}`"),
                format!("close its body with {{% end %}}, or write {{{{ {name}(...) }}}} for one without a body"),
            );
        }
        if self.mistakes > 0 {
            self.errors.sort_by_key(|e| e.offset);
            return Err(self.errors);
        }
        self.flush_text(self.text.len());
        Ok(self.pieces)
    }

    fn error(&mut self, offset: usize, message: impl Into<String>, hint: impl Into<String>) {
        self.mistakes += 1;
        if let Some(frame) = self.open.last_mut() {
            frame.tainted = true;
        }
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(SyntaxError {
                offset,
                message: message.into(),
                hint: hint.into(),
            });
        }
    }

    /// Reports a mistake the tag cannot be read past.
    fn fatal(&mut self, offset: usize, message: impl Into<String>, hint: impl Into<String>) -> Stop {
        self.error(offset, message, hint);
        Stop(offset)
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn char_at(&self, i: usize) -> char {
        self.text.get(i..).and_then(|s| s.chars().next()).unwrap_or(' ')
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while self.byte(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        i
    }

    fn ident_end(&self, start: usize) -> usize {
        if !self.byte(start).is_some_and(is_ident_start) {
            return start;
        }
        let mut i = start + 1;
        while self.byte(i).is_some_and(is_ident) {
            i += 1;
        }
        i
    }

    fn at_closer(&self, i: usize) -> bool {
        let rest = &self.bytes[i.min(self.bytes.len())..];
        rest.is_empty() || rest.starts_with(b"}}") || rest.starts_with(b"%}")
    }

    /// The code range holding `i`, if any.
    fn code_at(&self, i: usize) -> Option<&Range<usize>> {
        let n = self.code.partition_point(|r| r.start <= i);
        self.code[..n].last().filter(|r| i < r.end)
    }

    /// Ends the current top-level text at `end`.
    fn flush_text(&mut self, end: usize) {
        if end > self.text_start {
            self.pieces.push(Piece::Text(self.text_start..end));
        }
        self.text_start = end;
    }

    fn emit(&mut self, sc: Shortcode) {
        self.flush_text(sc.span.start);
        self.text_start = sc.span.end;
        self.pieces.push(Piece::Shortcode(sc));
    }

    /// Reads whatever starts at the `{` at `p`; returns where to go on.
    fn at_brace(&mut self, p: usize) -> usize {
        let delim = match self.byte(p + 1) {
            Some(b'{') => Delim::Inline,
            Some(b'%') => Delim::Body,
            _ => return p + 1,
        };
        if let Some(code) = self.code_at(p) {
            return code.end.max(p + 1);
        }
        if self.bytes[p + 2..].starts_with(b"/*") {
            return self.escape(p, delim);
        }
        let name_start = self.skip_ws(p + 2);
        let name_end = self.ident_end(name_start);
        if name_end == name_start {
            return p + 1;
        }
        let after = self.skip_ws(name_end);
        let name = &self.text[name_start..name_end];
        if delim == Delim::Body && name == "end" && self.bytes[after..].starts_with(b"%}") {
            return self.end_tag(p, after + 2);
        }
        if self.byte(after) != Some(b'(') {
            return p + 1;
        }
        self.shortcode(p, delim, name_start..name_end, after + 1)
    }

    /// `{{/* ... */}}`: text without the `/*` and `*/`. With no `*/}}` after
    /// it, the `{{/*` is plain text.
    fn escape(&mut self, p: usize, delim: Delim) -> usize {
        let Some(close) = self.escape_close[delim as usize].find(self.bytes, p + 4) else {
            return p + 1;
        };
        if self.open.is_empty() {
            self.flush_text(p + 2);
            self.text_start = p + 4;
            self.flush_text(close);
            self.text_start = close + 2;
        }
        close + 4
    }

    /// `{% end %}` from `p` to `end`: closes the innermost open body.
    fn end_tag(&mut self, p: usize, end: usize) -> usize {
        let Some(frame) = self.open.pop() else {
            if self.orphans > 0 {
                self.orphans -= 1;
            } else {
                self.error(
                    p,
                    "`{% end %}` without a shortcode to close",
                    "remove it, or open a body before it with {% name(...) %}",
                );
            }
            return end;
        };
        if frame.tainted
            && let Some(parent) = self.open.last_mut()
        {
            parent.tainted = true;
        }
        if let Some(mut sc) = frame.shortcode {
            self.tags.push(p..end);
            if self.open.is_empty() {
                sc.body = Some(frame.body_start..p);
                sc.span = frame.start..end;
                self.emit(sc);
            }
        }
        end
    }

    /// A shortcode opened at `p`, its arguments starting at `args`.
    fn shortcode(&mut self, p: usize, delim: Delim, name_span: Range<usize>, args: usize) -> usize {
        let mistakes = self.mistakes;
        let name = self.text[name_span.clone()].to_string();
        if name == "end" {
            self.error(
                name_span.start,
                "`end` cannot name a shortcode",
                "{% end %} closes a body; give the shortcode another name",
            );
        }
        let (end, closer, args) = match self.arguments(args) {
            Ok((args, after_paren)) => {
                let (end, closer) = self.closer(after_paren, delim, &name);
                (end, closer, args)
            }
            Err(Stop(stop)) => {
                // Go on after the tag's end, if it has one.
                let ends = [Delim::Inline, Delim::Body]
                    .map(|d| self.close[d as usize].find(self.bytes, stop).map(|at| (at, d)));
                match ends.into_iter().flatten().min_by_key(|&(at, _)| at) {
                    Some((at, d)) => (at + 2, Some(d), Vec::new()),
                    None => (stop, None, Vec::new()),
                }
            }
        };
        let sc = Shortcode {
            name,
            name_span,
            args,
            span: p..end,
            body: None,
        };
        let clean = self.mistakes == mistakes;
        if clean {
            self.tags.push(p..end);
        }
        match (delim, clean) {
            (Delim::Inline, true) if self.open.is_empty() => self.emit(sc),
            (Delim::Inline, _) => {}
            (Delim::Body, true) if self.open.len() >= MAX_NESTING => {
                self.error(
                    p,
                    format!("shortcode bodies nested more than {MAX_NESTING} deep"),
                    "close the bodies around it with {% end %} first",
                );
                self.push_frame(p, end, None);
            }
            (Delim::Body, true) => self.push_frame(p, end, Some(sc)),
            // A broken opener that ended with `}}` was probably meant without a body.
            (Delim::Body, false) if closer == Some(Delim::Inline) => self.orphans += 1,
            (Delim::Body, false) => self.push_frame(p, end, None),
        }
        end
    }

    fn push_frame(&mut self, start: usize, body_start: usize, shortcode: Option<Shortcode>) {
        self.open.push(Frame {
            start,
            body_start,
            shortcode,
            tainted: false,
        });
    }

    /// After the `)`: the `}}` or `%}`. Returns the tag's end and which closer it had.
    fn closer(&mut self, after_paren: usize, delim: Delim, name: &str) -> (usize, Option<Delim>) {
        let at = self.skip_ws(after_paren);
        let rest = &self.bytes[at..];
        if rest.starts_with(delim.close().as_bytes()) {
            return (at + 2, Some(delim));
        }
        let example = match delim {
            Delim::Inline => format!("{{{{ {name}(...) }}}}"),
            Delim::Body => format!("{{% {name}(...) %}}...{{% end %}}"),
        };
        if rest.starts_with(delim.other().close().as_bytes()) {
            self.error(
                at,
                format!("`{}` closed with `{}`", delim.open(), delim.other().close()),
                format!("write {example}"),
            );
            return (at + 2, Some(delim.other()));
        }
        self.error(
            at,
            format!("missing `{}` after the arguments of `{name}`", delim.close()),
            format!("write {example}"),
        );
        (after_paren, None)
    }

    /// The arguments after `(`: returns them and the offset after `)`.
    fn arguments(&mut self, mut i: usize) -> Result<(Vec<Arg>, usize), Stop> {
        let mut args: Vec<Arg> = Vec::new();
        loop {
            i = self.skip_ws(i);
            match self.byte(i) {
                Some(b')') => return Ok((args, i + 1)),
                Some(b) if is_ident_start(b) => i = self.named_arg(i, &mut args)?,
                Some(b'"' | b'\'' | b'[' | b'0'..=b'9' | b'-' | b'+' | b'.') => {
                    self.positional(i);
                    i = self.value(i, None, 0)?.1;
                }
                _ if self.at_closer(i) => return Err(self.missing_paren(i)),
                _ => {
                    let c = self.char_at(i);
                    return Err(self.fatal(
                        i,
                        format!("unexpected `{c}` in the arguments"),
                        format!("write arguments as name=value, e.g. {ARG_EXAMPLE}"),
                    ));
                }
            }
            i = self.skip_ws(i);
            match self.byte(i) {
                Some(b',') => i += 1,
                Some(b')') => return Ok((args, i + 1)),
                Some(b) if is_word(b) || matches!(b, b'"' | b'\'' | b'[') => self.error(
                    i,
                    "missing `,` between arguments",
                    format!("separate arguments with commas, e.g. {ARG_EXAMPLE}"),
                ),
                _ if self.at_closer(i) => return Err(self.missing_paren(i)),
                _ => {
                    let c = self.char_at(i);
                    return Err(self.fatal(
                        i,
                        format!("unexpected `{c}` after an argument"),
                        format!("separate arguments with commas and end them with `)`, e.g. {ARG_EXAMPLE}"),
                    ));
                }
            }
        }
    }

    fn missing_paren(&mut self, i: usize) -> Stop {
        self.fatal(
            i,
            "missing `)` after the arguments",
            format!("close the argument list, e.g. {ARG_EXAMPLE}"),
        )
    }

    fn positional(&mut self, i: usize) {
        self.error(
            i,
            "arguments must be named",
            format!("write arguments as name=value, e.g. {ARG_EXAMPLE}"),
        );
    }

    /// `name=value` starting at `i`; returns the offset after it.
    fn named_arg(&mut self, i: usize, args: &mut Vec<Arg>) -> Result<usize, Stop> {
        let name_end = self.ident_end(i);
        let name = self.text[i..name_end].to_string();
        let eq = self.skip_ws(name_end);
        if self.byte(eq) != Some(b'=') {
            if name == "true" || name == "false" {
                self.positional(i);
                return Ok(name_end);
            }
            let message = format!("argument `{name}` has no value");
            let hint = format!("write {name}=value; {VALUE_HINT}");
            if matches!(self.byte(eq), Some(b',' | b')')) {
                self.error(i, message, hint);
                return Ok(name_end);
            }
            if self.at_closer(eq) {
                return Err(self.fatal(i, message, hint));
            }
            return Err(self.fatal(
                eq,
                format!("expected `=` after argument name `{name}`"),
                format!("write arguments as name=value, e.g. {ARG_EXAMPLE}"),
            ));
        }
        let value_start = self.skip_ws(eq + 1);
        let (value, value_end) = self.value(value_start, Some(&name), 0)?;
        if args.iter().any(|a| a.name == name) {
            self.error(
                i,
                format!("argument `{name}` is given twice"),
                format!("keep one {name}=... in this shortcode"),
            );
        }
        args.push(Arg {
            name,
            name_span: i..name_end,
            value,
            value_span: value_start..value_end,
        });
        Ok(value_end)
    }

    /// A value starting at `i` (of argument `arg`, or a list item); returns it
    /// and the offset after it.
    fn value(&mut self, i: usize, arg: Option<&str>, depth: usize) -> Result<(Value, usize), Stop> {
        match self.byte(i) {
            Some(quote @ (b'"' | b'\'')) => self.string(i, quote),
            Some(b'[') => self.list(i, depth),
            Some(b) if is_word(b) => self.word(i, arg),
            _ => Err(self.missing_value(i, arg)),
        }
    }

    fn missing_value(&mut self, i: usize, arg: Option<&str>) -> Stop {
        match arg {
            Some(name) => self.fatal(
                i,
                format!("argument `{name}` has no value"),
                format!("write {name}=value; {VALUE_HINT}"),
            ),
            None => self.fatal(i, "missing value in the list", format!("write [1, 2]; {VALUE_HINT}")),
        }
    }

    /// A quoted string starting at the quote at `open`. Strings end on their
    /// line: an unclosed quote is reported where it is, not at the next quote
    /// pages later.
    fn string(&mut self, open: usize, quote: u8) -> Result<(Value, usize), Stop> {
        let mut out = String::new();
        let mut chars = self.text[open + 1..].char_indices().map(|(k, c)| (open + 1 + k, c));
        while let Some((at, c)) = chars.next() {
            match c {
                '\n' | '\r' => return Err(self.unterminated(open, quote, at)),
                c if c as u32 == u32::from(quote) => return Ok((Value::Str(out), at + 1)),
                '\\' => match chars.next() {
                    None | Some((_, '\n' | '\r')) => return Err(self.unterminated(open, quote, at + 1)),
                    Some((_, e @ ('"' | '\'' | '\\'))) => out.push(e),
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, e)) => {
                        self.error(
                            at,
                            format!("unknown escape `\\{e}` in a string"),
                            "write \\\\ for a backslash; the escapes are \\\", \\', \\\\, \\n and \\t",
                        );
                        out.push('\\');
                        out.push(e);
                    }
                },
                c => out.push(c),
            }
        }
        Err(self.unterminated(open, quote, self.text.len()))
    }

    fn unterminated(&mut self, open: usize, quote: u8, stop: usize) -> Stop {
        let q = quote as char;
        self.error(
            open,
            "unterminated string",
            format!("close the string with {q} on the same line; write a line break as \\n and a {q} as \\{q}"),
        );
        Stop(stop)
    }

    /// `[value, ...]` starting at `open`.
    fn list(&mut self, open: usize, depth: usize) -> Result<(Value, usize), Stop> {
        if depth >= MAX_LIST_DEPTH {
            return Err(self.fatal(
                open,
                format!("lists nested more than {MAX_LIST_DEPTH} deep"),
                "flatten the list",
            ));
        }
        let mut items = Vec::new();
        let mut i = open + 1;
        loop {
            i = self.skip_ws(i);
            if self.byte(i) == Some(b']') {
                return Ok((Value::Array(items), i + 1));
            }
            let (item, end) = self.value(i, None, depth + 1)?;
            items.push(item);
            i = self.skip_ws(end);
            match self.byte(i) {
                Some(b',') => i += 1,
                Some(b']') => return Ok((Value::Array(items), i + 1)),
                _ => {
                    return Err(self.fatal(
                        i,
                        "missing `]` or `,` in a list",
                        "separate list items with commas and close the list, e.g. [1, \"a\", true]",
                    ));
                }
            }
        }
    }

    /// A bare word at `start`: a number, `true` or `false`; anything else is
    /// reported (and kept as text so the rest of the tag is still checked).
    fn word(&mut self, start: usize, arg: Option<&str>) -> Result<(Value, usize), Stop> {
        let mut end = start;
        while self.byte(end).is_some_and(is_word) {
            end += 1;
        }
        let word = &self.text[start..end];
        let bytes = word.as_bytes();
        let numeric = bytes[0].is_ascii_digit()
            || (matches!(bytes[0], b'-' | b'+' | b'.') && bytes.get(1).is_some_and(u8::is_ascii_digit));
        let value = match word {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ if numeric => self.number(start, word),
            _ if self.ident_end(start) == end && self.byte(self.skip_ws(end)) == Some(b'=') => {
                // `a= b=1`: the value was forgotten, `b` is the next argument.
                return Err(self.missing_value(start, arg));
            }
            _ => {
                self.error(
                    start,
                    format!("unquoted text `{word}`"),
                    format!("quote text values: \"{word}\""),
                );
                Value::Str(word.to_string())
            }
        };
        Ok((value, end))
    }

    fn number(&mut self, start: usize, word: &str) -> Value {
        let float = word.contains(['.', 'e', 'E']);
        let parsed = if float {
            word.parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::Float)
        } else {
            word.parse::<i64>().ok().map(Value::Int)
        };
        if let Some(value) = parsed {
            return value;
        }
        let digits = word.trim_start_matches(['-', '+']);
        let (message, hint) = if !float && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            (
                format!("number `{word}` is too large"),
                format!("numbers go up to {}; quote it as text: \"{word}\"", i64::MAX),
            )
        } else {
            (
                format!("`{word}` is not a number"),
                format!("write a number like 3, -2 or 1.5, or quote text: \"{word}\""),
            )
        };
        self.error(start, message, hint);
        Value::Int(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pieces(text: &str) -> Vec<Piece> {
        parse(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    /// The top-level shortcodes of `text`.
    fn shortcodes(text: &str) -> Vec<Shortcode> {
        pieces(text)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Shortcode(s) => Some(s),
                Piece::Text(_) => None,
            })
            .collect()
    }

    /// The text pieces of `text`, concatenated, with `<name>` for each shortcode.
    fn outline(text: &str) -> String {
        pieces(text)
            .into_iter()
            .map(|p| match p {
                Piece::Text(r) => text[r].to_string(),
                Piece::Shortcode(s) => format!("<{}>", s.name),
            })
            .collect()
    }

    /// (offset, message) of each error.
    fn errors(text: &str) -> Vec<(usize, String)> {
        match parse(text) {
            Ok(p) => panic!("{text:?} parsed: {p:?}"),
            Err(errors) => errors.into_iter().map(|e| (e.offset, e.message)).collect(),
        }
    }

    fn one_error(text: &str) -> SyntaxError {
        let errors = parse(text).expect_err(text);
        assert_eq!(errors.len(), 1, "{text:?}: {errors:?}");
        errors.into_iter().next().unwrap()
    }

    fn arg<'s>(sc: &'s Shortcode, name: &str) -> &'s Value {
        &sc.arg(name).unwrap_or_else(|| panic!("no {name} in {sc:?}")).value
    }

    #[test]
    fn inline_shortcode_with_every_kind_of_value() {
        let text = r#"See {{ figure(src="a \"b\"\\c\nd", alt='it\'s', n=3, neg=-12, x=-1.5, e=2e3, yes=true, no=false, list=[1, "a", [true, []]]) }} here."#;
        let scs = shortcodes(text);
        assert_eq!(scs.len(), 1);
        let sc = &scs[0];
        assert_eq!(sc.name, "figure");
        assert_eq!(&text[sc.name_span.clone()], "figure");
        assert_eq!(&text[sc.span.clone()], &text[4..text.len() - 6]);
        assert_eq!(sc.body, None);
        assert_eq!(arg(sc, "src"), &Value::Str("a \"b\"\\c\nd".into()));
        assert_eq!(arg(sc, "alt"), &Value::Str("it's".into()));
        assert_eq!(arg(sc, "n"), &Value::Int(3));
        assert_eq!(arg(sc, "neg"), &Value::Int(-12));
        assert_eq!(arg(sc, "x"), &Value::Float(-1.5));
        assert_eq!(arg(sc, "e"), &Value::Float(2000.0));
        assert_eq!(arg(sc, "yes"), &Value::Bool(true));
        assert_eq!(arg(sc, "no"), &Value::Bool(false));
        assert_eq!(
            arg(sc, "list"),
            &Value::Array(vec![
                Value::Int(1),
                Value::Str("a".into()),
                Value::Array(vec![Value::Bool(true), Value::Array(vec![])])
            ])
        );
        let names: Vec<&str> = sc.args.iter().map(|a| &text[a.name_span.clone()]).collect();
        assert_eq!(names, ["src", "alt", "n", "neg", "x", "e", "yes", "no", "list"]);
        assert_eq!(
            &text[sc.arg("list").unwrap().value_span.clone()],
            r#"[1, "a", [true, []]]"#
        );
        assert_eq!(&text[sc.arg("alt").unwrap().value_span.clone()], r"'it\'s'");
        assert_eq!(outline(text), "See <figure> here.");
    }

    #[test]
    fn whitespace_and_line_breaks_between_tokens() {
        let text = "{{figure(src=\"a\")}}\n{{\n  figure (\n    src = \"b\" ,\n    n =\n 2,\n  )\n}}";
        let scs = shortcodes(text);
        assert_eq!(scs.len(), 2);
        assert_eq!(arg(&scs[0], "src"), &Value::Str("a".into()));
        assert_eq!(arg(&scs[1], "src"), &Value::Str("b".into()));
        assert_eq!(arg(&scs[1], "n"), &Value::Int(2));
        assert_eq!(scs[1].span, 20..text.len());
        assert_eq!(outline(text), "<figure>\n<figure>");
    }

    #[test]
    fn body_shortcode_spans_its_end() {
        let text = "a {% note(kind=\"warn\") %}Hello *world*{%end%} b";
        let scs = shortcodes(text);
        let sc = &scs[0];
        assert_eq!(&text[sc.body.clone().unwrap()], "Hello *world*");
        assert_eq!(&text[sc.span.clone()], "{% note(kind=\"warn\") %}Hello *world*{%end%}");
        assert_eq!(arg(sc, "kind"), &Value::Str("warn".into()));
        assert_eq!(outline(text), "a <note> b");
    }

    #[test]
    fn nested_shortcodes_stay_in_their_parents_body() {
        let text = "{% a() %}x {% b(n=1) %}y {{ c() }}{% end %} z{% end %}{{ d() }}";
        let top = shortcodes(text);
        assert_eq!(top.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["a", "d"]);
        let body = top[0].body.clone().unwrap();
        assert_eq!(&text[body.clone()], "x {% b(n=1) %}y {{ c() }}{% end %} z");
        let inner = &text[body];
        assert_eq!(outline(inner), "x <b> z");
        let b = &shortcodes(inner)[0];
        assert_eq!(outline(&inner[b.body.clone().unwrap()]), "y <c>");
    }

    #[test]
    fn deep_nesting_within_the_limit_parses() {
        let depth = MAX_NESTING;
        let text = "{% n() %}".repeat(depth) + "core" + &"{% end %}".repeat(depth);
        let mut level = text.as_str();
        for _ in 0..depth {
            let sc = &shortcodes(level)[0];
            level = &level[sc.body.clone().unwrap()];
        }
        assert_eq!(level, "core");
    }

    #[test]
    fn nesting_too_deep_is_one_error() {
        let depth = MAX_NESTING + 1;
        let text = "{% n() %}".repeat(depth) + &"{% end %}".repeat(depth);
        let e = one_error(&text);
        assert_eq!(e.offset, "{% n() %}".len() * MAX_NESTING);
        assert!(e.message.contains("nested more than"), "{e:?}");
    }

    #[test]
    fn other_braces_are_text() {
        for text in [
            "{{ x }}",
            "{{ page.title }}",
            "{% if x %}y{% endif %}",
            "{%raw%}",
            "{ {a()} }",
            "{{ 1() }}",
            "{{",
            "{%",
            "{{/* never closed",
            "{% end",
            "a {{- x() }}",
        ] {
            assert_eq!(pieces(text), [Piece::Text(0..text.len())], "{text:?}");
        }
        assert_eq!(pieces(""), []);
    }

    #[test]
    fn code_is_left_alone() {
        let text = "`{{ x() }}` and ``{% y() %}``\n\n```\n{{ z() }}\n{% end %}\n```\n\n~~~md\n{% w() %}\n~~~\n\n    {{ v() }}\n\nbut {{ real() }}";
        assert_eq!(outline(text), text.replace("{{ real() }}", "<real>"));
    }

    #[test]
    fn an_end_in_code_does_not_close_a_body() {
        let text = "{% a() %}write `{% end %}` to close\n```\n{% end %}\n```\n{% end %}";
        let sc = &shortcodes(text)[0];
        assert_eq!(
            &text[sc.body.clone().unwrap()],
            "write `{% end %}` to close\n```\n{% end %}\n```\n"
        );
        assert_eq!(sc.span, 0..text.len());
    }

    #[test]
    fn a_backtick_in_an_argument_does_not_hide_what_follows() {
        // The string's backtick pairs with the one before `code` as Markdown
        // sees the raw text; the renderer replaces the shortcode, so it doesn't.
        let text = "{{ f(a=\"`\") }} then {{ g() }} and `{{ h() }}`";
        assert_eq!(outline(text), "<f> then <g> and `{{ h() }}`");
        // The opener alone decides: a code span starting inside arguments
        // does not make the shortcode text.
        let text = "{{ f(a=\"`x\", b=\"y`\") }}";
        assert_eq!(outline(text), "<f>");
        // Each backtick would pair with the next shortcode's.
        let text = "{{ f(a=\"`\") }}".repeat(4);
        assert_eq!(outline(&text), "<f>".repeat(4));
        // Code spans around shortcodes still count once the tags are masked.
        let text = "`{{ f(a=\"`\") }}` {{ g(b=\"`\") }}";
        assert_eq!(outline(text), "`{{ f(a=\"`\") }}` <g>");
        // A tag cut by a code fence does not unclose the fence.
        let text = "```\n{{ f(a=1,\n```\nb=2) }}\n\n{{ g() }}";
        assert_eq!(outline(text), "```\n{{ f(a=1,\n```\nb=2) }}\n\n<g>");
    }

    #[test]
    fn escapes_give_the_shortcode_as_text() {
        let text = "Write {{/* figure(src=\"a.jpg\") */}} or {%/* note() */%}x{%/* end */%}.";
        assert_eq!(
            outline(text),
            "Write {{ figure(src=\"a.jpg\") }} or {% note() %}x{% end %}."
        );
        // Inside a body, the escape is the body's business (and its `{% end %}` is not an end).
        let text = "{% a() %}{{/* b(x=\"{% end %}\") */}}{% end %}";
        let sc = &shortcodes(text)[0];
        assert_eq!(outline(&text[sc.body.clone().unwrap()]), "{{ b(x=\"{% end %}\") }}");
        // In code, an escape stays exactly as written.
        let text = "`{{/* x() */}}`";
        assert_eq!(outline(text), text);
        // Empty escape: both markers go.
        assert_eq!(outline("{{/**/}}"), "{{}}");
    }

    #[test]
    fn positional_argument() {
        let e = one_error("{{ figure(\"a.jpg\") }}");
        assert_eq!((e.offset, e.message.as_str()), (10, "arguments must be named"));
        assert!(
            e.hint.contains("name=value, e.g. {{ figure(src=\"a.jpg\""),
            "{}",
            e.hint
        );
        assert_eq!(
            errors("{{ f(a=1, true) }}"),
            [(10, "arguments must be named".to_string())]
        );
    }

    #[test]
    fn repeated_argument() {
        assert_eq!(
            errors("{{ f(a=1, b=2, a=3) }}"),
            [(15, "argument `a` is given twice".to_string())]
        );
    }

    #[test]
    fn missing_equals_or_value() {
        assert_eq!(errors("{{ f(a) }}"), [(5, "argument `a` has no value".to_string())]);
        assert_eq!(
            errors("{{ f(a, b=1) }}"),
            [(5, "argument `a` has no value".to_string())]
        );
        assert_eq!(errors("{{ f(a }}"), [(5, "argument `a` has no value".to_string())]);
        assert_eq!(errors("{{ f(a=) }}"), [(7, "argument `a` has no value".to_string())]);
        assert_eq!(
            errors("{{ f(a= b=1) }}"),
            [(8, "argument `a` has no value".to_string())]
        );
        assert_eq!(
            errors("{{ f(a 1) }}"),
            [(7, "expected `=` after argument name `a`".to_string())]
        );
        let e = one_error("{{ f(a=) }}");
        assert!(e.hint.starts_with("write a=value"), "{}", e.hint);
    }

    #[test]
    fn bad_values() {
        assert_eq!(errors("{{ f(a=big) }}"), [(7, "unquoted text `big`".to_string())]);
        assert_eq!(errors("{{ f(a=12px) }}"), [(7, "`12px` is not a number".to_string())]);
        assert_eq!(
            errors("{{ f(a=99999999999999999999) }}"),
            [(7, "number `99999999999999999999` is too large".to_string())]
        );
        assert_eq!(
            errors(r#"{{ f(a="C:\dir") }}"#),
            [(10, "unknown escape `\\d` in a string".to_string())]
        );
        assert_eq!(
            errors("{{ f(a=[1 2]) }}"),
            [(10, "missing `]` or `,` in a list".to_string())]
        );
        assert_eq!(
            errors("{{ f(a=[1,,2]) }}"),
            [(10, "missing value in the list".to_string())]
        );
        let deep = format!("{{{{ f(a={}) }}}}", "[".repeat(100));
        assert_eq!(
            errors(&deep),
            [(
                7 + MAX_LIST_DEPTH,
                format!("lists nested more than {MAX_LIST_DEPTH} deep")
            )]
        );
    }

    #[test]
    fn unterminated_string() {
        let e = one_error("{{ f(a=\"abc) }}\nmore text");
        assert_eq!((e.offset, e.message.as_str()), (7, "unterminated string"));
        assert!(e.hint.contains("same line"), "{}", e.hint);
        assert_eq!(errors("{{ f(a='abc\\"), [(7, "unterminated string".to_string())]);
        assert_eq!(errors("{{ f(a=\"abc"), [(7, "unterminated string".to_string())]);
    }

    #[test]
    fn missing_separators_and_closers() {
        assert_eq!(
            errors("{{ f(a=1 b=2) }}"),
            [(9, "missing `,` between arguments".to_string())]
        );
        assert_eq!(
            errors("{{ f(a=1 }}"),
            [(9, "missing `)` after the arguments".to_string())]
        );
        assert_eq!(errors("{{ f(a=1"), [(8, "missing `)` after the arguments".to_string())]);
        assert_eq!(
            errors("{{ f(a=1; b=2) }}"),
            [(8, "unexpected `;` after an argument".to_string())]
        );
        assert_eq!(
            errors("{{ f(é) }}"),
            [(5, "unexpected `é` in the arguments".to_string())]
        );
        assert_eq!(
            errors("{{ f(a=1)"),
            [(9, "missing `}}` after the arguments of `f`".to_string())]
        );
        assert_eq!(
            errors("{{ f() x }}"),
            [(7, "missing `}}` after the arguments of `f`".to_string())]
        );
        assert_eq!(
            errors("{% f() x %}{% end %}"),
            [(7, "missing `%}` after the arguments of `f`".to_string())]
        );
        assert_eq!(errors("{{ f() %}"), [(7, "`{{` closed with `%}`".to_string())]);
        let e = one_error("{% f() }}");
        assert_eq!((e.offset, e.message.as_str()), (7, "`{%` closed with `}}`"));
        assert_eq!(e.hint, "write {% f(...) %}...{% end %}");
    }

    #[test]
    fn unclosed_body_and_stray_end() {
        let e = one_error("x\n{% note() %}\nbody");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (2, "`{% note(...) %}` has no `{% end %}`")
        );
        assert!(e.hint.contains("{{ note(...) }}"), "{}", e.hint);
        let e = one_error("a {% end %}");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (2, "`{% end %}` without a shortcode to close")
        );
        assert_eq!(
            errors("{% a() %}{% b() %}"),
            [
                (0, "`{% a(...) %}` has no `{% end %}`".to_string()),
                (9, "`{% b(...) %}` has no `{% end %}`".to_string())
            ]
        );
        assert_eq!(errors("{% end() %}{% end %}").len(), 1);
    }

    #[test]
    fn one_mistake_is_one_error() {
        // A broken opener's `{% end %}` is still its end.
        assert_eq!(
            errors("{% f(1) %}body{% end %}"),
            [(5, "arguments must be named".to_string())]
        );
        // A body around a broken shortcode is not reported unclosed when the
        // broken one ate its end.
        assert_eq!(
            errors("{% a() %}{% b(x=\"y) %}{% end %}"),
            [(16, "unterminated string".to_string())]
        );
        // A broken `{%` that ends with `}}` had no body; an end after it is its own.
        assert_eq!(errors("{% f(1) }} x {% end %}").len(), 2);
        // Independent mistakes are all reported, in order.
        assert_eq!(
            errors("{% a() %}{{ b(1) }}{% end %}\n{{ c(x=) }}{% end %}"),
            [
                (14, "arguments must be named".to_string()),
                (36, "argument `x` has no value".to_string()),
                (40, "`{% end %}` without a shortcode to close".to_string())
            ]
        );
    }

    #[test]
    fn errors_are_capped() {
        let text = "{% end %}".repeat(1000);
        assert_eq!(errors(&text).len(), MAX_ERRORS);
    }

    #[test]
    fn line_col_counts_chars() {
        let text = "ab\nçé {{ x() }}\n日本";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 2), (1, 3));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, text.find("{{").unwrap()), (2, 4));
        assert_eq!(line_col(text, text.find('本').unwrap()), (3, 2));
        assert_eq!(line_col(text, text.len()), (3, 3));
        assert_eq!(line_col(text, text.len() + 10), (3, 3));
        // Inside a character: the character's own place.
        assert_eq!(line_col(text, text.find('本').unwrap() + 1), (3, 2));
        let e = one_error("ça\n  {{ f(1) }}");
        assert_eq!(line_col("ça\n  {{ f(1) }}", e.offset), (2, 8));
    }

    #[test]
    fn adversarial_repetitions_are_linear() {
        for unit in [
            "{{a(", "{%a()%}", "{{a(b=\"", "{%a(b=[", "{{/*a(", "{% end", "`{{a()}}", "{{a(b=1 ",
        ] {
            for n in [10_000, 100_000] {
                let text = unit.repeat(n);
                let started = std::time::Instant::now();
                let _ = parse(&text);
                let took = started.elapsed();
                // Debug builds on a shared machine: generous, but quadratic
                // behaviour on 100k repetitions takes minutes.
                assert!(took.as_secs_f64() < 5.0, "{unit:?} x {n}: {took:?}");
            }
        }
    }

    /// Fragments that make up shortcode syntax, for random texts that hit it often.
    const FRAGMENTS: &[&str] = &[
        "{{",
        "{%",
        "}}",
        "%}",
        "(",
        ")",
        "=",
        "\"",
        "'",
        "\\",
        ",",
        "[",
        "]",
        " ",
        "\n",
        "a",
        "end",
        "1",
        "-",
        ".",
        "`",
        "```",
        "~~~",
        "    ",
        "/*",
        "*/",
        "é",
        "日",
        "true",
        "x=",
        "{% end %}",
        "{{ a() }}",
        "{% b() %}",
        "\n\n",
        "e",
        "{{/*",
        "*/}}",
    ];

    fn fragment_text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60).prop_map(|v| v.concat())
    }

    /// The invariants every parse keeps, for any text.
    fn check(text: &str) {
        match parse(text) {
            Ok(pieces) => {
                let mut at = 0;
                for piece in &pieces {
                    let range = match piece {
                        Piece::Text(r) => r.clone(),
                        Piece::Shortcode(s) => s.span.clone(),
                    };
                    assert!(range.start < range.end && range.end <= text.len(), "{range:?}");
                    assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
                    // Only escape markers lie between pieces.
                    let gap = &text.as_bytes()[at..range.start];
                    assert!(
                        gap.chunks(2).all(|m| m == b"/*" || m == b"*/"),
                        "gap {gap:?} in {text:?}"
                    );
                    at = range.end;
                    if let Piece::Shortcode(s) = piece {
                        check_shortcode(text, s);
                    }
                }
                let gap = &text.as_bytes()[at..];
                assert!(
                    gap.chunks(2).all(|m| m == b"/*" || m == b"*/"),
                    "tail {gap:?} in {text:?}"
                );
            }
            Err(errors) => {
                assert!(!errors.is_empty() && errors.len() <= MAX_ERRORS);
                for e in &errors {
                    assert!(e.offset <= text.len() && text.is_char_boundary(e.offset), "{e:?}");
                    assert!(!e.message.is_empty() && !e.hint.is_empty());
                }
                assert!(errors.windows(2).all(|w| w[0].offset <= w[1].offset));
            }
        }
    }

    fn check_shortcode(text: &str, s: &Shortcode) {
        let tag = &text[s.span.clone()];
        assert!(tag.starts_with(if s.body.is_some() { "{%" } else { "{{" }), "{tag:?}");
        assert!(tag.ends_with(if s.body.is_some() { "%}" } else { "}}" }), "{tag:?}");
        assert_eq!(text[s.name_span.clone()], s.name);
        assert!(s.span.start < s.name_span.start);
        let mut at = s.name_span.end;
        for a in &s.args {
            assert_eq!(text[a.name_span.clone()], a.name);
            assert!(at <= a.name_span.start && a.name_span.end < a.value_span.start);
            assert!(a.value_span.start < a.value_span.end);
            at = a.value_span.end;
        }
        if let Some(body) = &s.body {
            assert!(at < body.start && body.start <= body.end && body.end < s.span.end);
            // The body parses again without panicking.
            check(&text[body.clone()]);
        } else {
            assert!(at < s.span.end);
        }
    }

    proptest! {
        #[test]
        fn any_text_parses_within_its_bounds(text in fragment_text()) {
            check(&text);
        }

        #[test]
        fn any_unicode_parses_within_its_bounds(text in "\\PC*") {
            check(&text);
        }
    }
}
