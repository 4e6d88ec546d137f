//! All YAML parsing lives here: `site.yaml` and front matter both come through
//! [`parse`], so every YAML mistake is reported the same way, with the file,
//! line and column in the author's file and a hint.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, did_you_mean};

/// Where a piece of YAML sits inside a file, so errors point at the file's lines.
pub struct Origin<'a> {
    /// The file, as shown to the author.
    pub file: &'a Path,
    /// The whole file's text, to quote the offending line.
    pub file_text: &'a str,
    /// The 1-based line of the file on which the YAML starts.
    pub first_line: usize,
}

/// Parses `yaml` into `T`. Empty YAML parses as an empty mapping, so a missing
/// required key is reported as such rather than as "EOF".
pub fn parse<T: DeserializeOwned>(yaml: &str, origin: &Origin) -> Result<T, Diagnostic> {
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    match serde_yaml::from_str(yaml) {
        // `colour: #b3261e` parses, as an empty value: catch it here, before
        // a later check complains about the empty value with no place to show.
        Ok(value) => match value_read_as_comment(yaml, |_, comment| looks_like_a_value(comment)) {
            Some(found) => Err(found.at(origin)),
            None => Ok(value),
        },
        Err(e) => Err(to_diagnostic(&e, yaml, origin)),
    }
}

/// A problem found by reading the YAML text itself, where serde's report is
/// misplaced or says nothing an author can act on.
struct Found {
    /// 1-based line within the YAML, and 1-based column in characters.
    line: usize,
    col: usize,
    message: String,
    hint: String,
}

impl Found {
    fn at(self, origin: &Origin) -> Diagnostic {
        let file_line = origin.first_line + self.line - 1;
        Diagnostic::at(origin.file, origin.file_text, file_line, self.col, self.message).with_hint(self.hint)
    }
}

fn to_diagnostic(err: &serde_yaml::Error, yaml: &str, origin: &Origin) -> Diagnostic {
    let full = err.to_string();
    // The crate appends " at line L column C" and libyaml ", while scanning
    // ..."; we show the place our own way, and the context says nothing to
    // an author.
    let end = [" at line ", ", while "]
        .iter()
        .filter_map(|s| full.find(s))
        .min()
        .unwrap_or(full.len());
    let message = full[..end].to_string();
    let (line, col) = err.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
    // Only YAML that does not even parse as a value has a syntax error; the
    // rest is well-formed YAML of the wrong shape.
    let found = if serde_yaml::from_str::<serde_yaml::Value>(yaml).is_err() {
        syntax_problem(&full, &message, (line, col), yaml)
    } else {
        empty_value_problem(&message, yaml)
    };
    if let Some(found) = found {
        return found.at(origin);
    }
    let (line, col) = duplicate_key_place(&message, origin).unwrap_or((line, col));
    let file_line = origin.first_line + line - 1;
    // serde_yaml puts the path of a nested value first: "key_figures[0].source: ...".
    let (path, message) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (Some(path), rest.to_string()),
        _ => (None, message),
    };
    let (message, hint) = explain(&message);
    let message = match path {
        Some(path) if !message.contains(path) => format!("`{path}`: {message}"),
        _ => message,
    };
    let diag = Diagnostic::at(origin.file, origin.file_text, file_line, col, message);
    match hint {
        Some(h) => diag.with_hint(h),
        None => diag,
    }
}

/// libyaml names the symptom ("found unexpected end of stream") where it
/// noticed it, often lines after the cause; find the cause instead.
/// `(line, col)` is where libyaml stopped.
fn syntax_problem(full: &str, message: &str, (line, col): (usize, usize), yaml: &str) -> Option<Found> {
    let lines: Vec<&str> = yaml.lines().collect();
    // The stream ended inside a quoted value: libyaml says where it opened.
    if message.contains("unexpected end of stream") && full.contains("while scanning a quoted scalar") {
        // libyaml leaves out a place at the very start of the YAML.
        let (line, col) = context_place(full).unwrap_or((1, 1));
        return Some(unclosed_quote(&lines, line, col));
    }
    let text = lines.get(line - 1).copied().unwrap_or("");
    if let Some(tab) = leading_tab(text) {
        return Some(Found {
            line,
            col: tab,
            message: "a tab is used for indentation".into(),
            hint: "YAML indents with spaces only; replace the tab with spaces".into(),
        });
    }
    if message.contains("mapping values are not allowed") {
        return Some(colon_in_value(text, line, col));
    }
    // A quote closed by the next quoted value, lines later, leaves libyaml
    // confused there ("did not find expected key"): blame the open quote.
    let (open_line, open_col) = open_quote_before(&lines, line)?;
    Some(unclosed_quote(&lines, open_line, open_col))
}

/// The place libyaml gives for its context: ", while scanning a quoted
/// scalar at line L column C" (absent when it is the YAML's first character).
fn context_place(full: &str) -> Option<(usize, usize)> {
    let context = &full[full.find(", while ")?..];
    let place = &context[context.find(" at line ")? + " at line ".len()..];
    let (line, rest) = place.split_once(" column ")?;
    let col: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((line.parse().ok()?, col.parse().ok()?))
}

/// A quote opened at `line`:`col` (1-based, in the YAML) and never closed.
fn unclosed_quote(lines: &[&str], line: usize, col: usize) -> Found {
    let text = lines.get(line - 1).copied().unwrap_or("");
    let quote = text
        .chars()
        .nth(col - 1)
        .filter(|c| *c == '\'' || *c == '"')
        .unwrap_or('"');
    let message = match key_of(text) {
        Some(key) => format!("unclosed quote in the value of `{key}`"),
        None => "unclosed quote".into(),
    };
    Found {
        line,
        col,
        message,
        hint: format!(
            "this quote is never closed: add the closing `{quote}` on the same line \
             (or use `|` for text over several lines)"
        ),
    }
}

/// The last line before `line` (1-based) whose value opens a quote it does
/// not close, when the line after it starts a new key: a quoted value going
/// on over lines would not look like that. Its line and the quote's column.
fn open_quote_before(lines: &[&str], line: usize) -> Option<(usize, usize)> {
    (0..line.saturating_sub(1).min(lines.len())).rev().find_map(|i| {
        let start = value_start(lines[i])?;
        let next_is_key = lines.get(i + 1).is_some_and(|next| key_of(next).is_some());
        (next_is_key && !closes(&lines[i][start..])).then(|| (i + 1, char_col(lines[i], start)))
    })
}

/// Whether a value starting with a quote closes it on the same line. Any
/// other value counts as closed.
fn closes(value: &str) -> bool {
    let mut chars = value.chars();
    match chars.next() {
        Some('"') => {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => return true,
                    _ => {}
                }
            }
            false
        }
        // Inside single quotes, `''` is a quote and anything else is literal:
        // an odd number of quotes after the opening one closes it.
        Some('\'') => chars.filter(|c| *c == '\'').count() % 2 == 1,
        _ => true,
    }
}

/// The 1-based column of the first tab in the line's indentation.
fn leading_tab(line: &str) -> Option<usize> {
    let indent = &line[..line.len() - line.trim_start().len()];
    indent.find('\t').map(|i| char_col(line, i))
}

/// libyaml's "mapping values are not allowed in this context", at the `:`
/// that made a plain value look like a key.
fn colon_in_value(text: &str, line: usize, col: usize) -> Found {
    let start = value_start(text).map(|i| char_col(text, i));
    let example = match (key_of(text), start) {
        // Only when the colon is inside the value: the example must be the
        // author's own line, quoted.
        (Some(key), Some(start)) if col > start => {
            let value = &text[value_start(text).unwrap_or(0)..];
            format!(": `{key}: {}`", quoted(value.trim_end()))
        }
        _ => String::new(),
    };
    let message = match key_of(text) {
        Some(key) if !example.is_empty() => {
            format!("the value of `{key}` has a `: ` in it, which YAML reads as a new key")
        }
        _ => "a `: ` here starts a new key where YAML expects none".into(),
    };
    Found {
        line,
        col,
        message,
        hint: format!("a `: ` inside a value starts a new key; put the value in quotes{example}"),
    }
}

/// For well-formed YAML of the wrong shape: when a value came out empty or
/// missing because the author wrote `key: #...`, say so at that line. With
/// no key named in the message, only values that look like one (`#b3261e`,
/// `#1`) are blamed; a deliberate `# comment` is left alone.
fn empty_value_problem(message: &str, yaml: &str) -> Option<Found> {
    let about_empty = message.contains("unit value") || message.contains("null");
    // "timeline.categories[0].colour: invalid type: ..." names the key last.
    let key = message
        .split_once(": ")
        .map(|(path, _)| path)
        .filter(|path| !path.contains(' '))
        .and_then(|path| path.rsplit('.').next())
        .map(|key| key.split('[').next().unwrap_or(key));
    value_read_as_comment(yaml, |k, comment| {
        looks_like_a_value(comment) || (about_empty && key.is_none_or(|key| key == k))
    })
}

/// A comment with no space after its `#` is likely a value (`#b3261e`).
fn looks_like_a_value(comment: &str) -> bool {
    comment[1..].chars().next().is_some_and(|c| !c.is_whitespace())
}

/// The first line `key: #...` whose value YAML read as a comment, so as
/// empty, for which `blame(key, comment)` holds. A key whose value follows
/// on the next lines (`people: # who is who`) has a value, and lines inside
/// a `|` or `>` block are text.
fn value_read_as_comment(yaml: &str, blame: impl Fn(&str, &str) -> bool) -> Option<Found> {
    let lines: Vec<&str> = yaml.lines().collect();
    let mut block_indent: Option<usize> = None;
    for (i, text) in lines.iter().enumerate() {
        let indent = indent_of(text);
        if let Some(block) = block_indent {
            if text.trim().is_empty() || indent > block {
                continue;
            }
            block_indent = None;
        }
        let (Some(key), Some(start)) = (key_of(text), value_start(text)) else {
            continue;
        };
        let value = text[start..].trim_end();
        if value.starts_with(['|', '>']) {
            block_indent = Some(indent);
            continue;
        }
        let key_indent = text.len() - after_dashes(text).len();
        if !value.starts_with('#') || has_nested_value(&lines[i + 1..], key_indent) {
            continue;
        }
        if blame(key, value) {
            // `# note` was meant as a comment: the value itself is missing.
            let hint = if looks_like_a_value(value) {
                format!("put the value in quotes: `{key}: {}`", quoted(value))
            } else {
                format!("write the value of `{key}` before the `#`, in quotes if it starts with `#`")
            };
            return Some(Found {
                line: i + 1,
                col: char_col(text, start),
                message: format!("the value of `{key}` was read as empty, because `#` starts a comment in YAML"),
                hint,
            });
        }
    }
    None
}

/// Whether the lines after a key at column `key_indent` (0-based) give it
/// a value: more indented lines, or a list at the key's own indentation.
fn has_nested_value(rest: &[&str], key_indent: usize) -> bool {
    let next = rest
        .iter()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    next.is_some_and(|l| {
        let indent = indent_of(l);
        indent > key_indent || (indent == key_indent && l.trim_start().starts_with('-'))
    })
}

/// The line after its indentation and any list dashes (`- - key: value`).
fn after_dashes(line: &str) -> &str {
    let mut rest = line.trim_start();
    while let Some(after) = rest.strip_prefix("- ") {
        rest = after.trim_start();
    }
    rest
}

/// The key of a `key: value` line (inside a list item too), when it has one.
fn key_of(line: &str) -> Option<&str> {
    let rest = after_dashes(line);
    let end = key_end(rest)?;
    Some(rest[..end].trim_end())
}

/// The byte offset in `rest` of the `:` ending a plain key.
fn key_end(rest: &str) -> Option<usize> {
    if rest.starts_with(['"', '\'', '#', '[', '{']) {
        return None;
    }
    rest.char_indices()
        .find(|&(i, c)| c == ':' && rest[i + 1..].chars().next().is_none_or(char::is_whitespace))
        .map(|(i, _)| i)
        .filter(|&i| i > 0)
}

/// The byte offset in `line` where the value starts: after `key: `, or
/// after `- ` for a list item; `None` when there is no value on the line.
fn value_start(line: &str) -> Option<usize> {
    let rest = after_dashes(line);
    let offset = line.len() - rest.len();
    let after = match key_end(rest) {
        Some(end) => end + 1,
        None if offset > indent_of(line) => 0,
        None => return None,
    };
    let value = &rest[after..];
    let trimmed = value.trim_start();
    (!trimmed.is_empty()).then(|| offset + after + value.len() - trimmed.len())
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The 1-based column, in characters, of byte offset `i` in `line`.
fn char_col(line: &str, i: usize) -> usize {
    line[..i].chars().count() + 1
}

/// `value` as a YAML quoted string, for a hint the author can paste: in
/// single quotes when double ones would need escapes.
fn quoted(value: &str) -> String {
    if value.contains(['"', '\\']) {
        format!("'{}'", value.replace('\'', "''"))
    } else {
        format!("\"{value}\"")
    }
}

/// serde_yaml reports a duplicate key at the start of its mapping; point at
/// the second occurrence instead (1-based line within the YAML, and column).
fn duplicate_key_place(message: &str, origin: &Origin) -> Option<(usize, usize)> {
    let key = message
        .contains("duplicate field")
        .then(|| backticked(message).first().copied())
        .flatten()?;
    let yaml_lines = origin.file_text.lines().skip(origin.first_line - 1);
    let mut seen = 0;
    for (i, line) in yaml_lines.enumerate() {
        let trimmed = line.trim_start();
        if trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
        {
            seen += 1;
            if seen == 2 {
                return Some((i + 1, line.len() - trimmed.len() + 1));
            }
        }
    }
    None
}

/// Turns serde's wording into a message and a hint an author can act on.
fn explain(message: &str) -> (String, Option<String>) {
    let ticked = backticked(message);
    if message.contains("unknown field") && !ticked.is_empty() {
        let unknown = ticked[0];
        let allowed = &ticked[1..];
        let hint = match did_you_mean(unknown, allowed.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("allowed keys here: {}", allowed.join(", ")),
        };
        return (format!("unknown key `{unknown}`"), Some(hint));
    }
    if message.contains("unknown variant") && !ticked.is_empty() {
        let unknown = ticked[0];
        let allowed = &ticked[1..];
        let hint = match did_you_mean(unknown, allowed.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? (one of: {})", allowed.join(", ")),
            None => format!("use one of: {}", allowed.join(", ")),
        };
        return (format!("unknown value `{unknown}`"), Some(hint));
    }
    if message.contains("duplicate field") && !ticked.is_empty() {
        return (
            format!("the key `{}` appears twice", ticked[0]),
            Some("keep only one of them".into()),
        );
    }
    if message.contains("missing field") && !ticked.is_empty() {
        return (
            format!("missing required key `{}`", ticked[0]),
            Some(format!("add a line `{}: ...`", ticked[0])),
        );
    }
    if let Some(found) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split(", expected struct").next())
        .filter(|_| message.contains("expected struct"))
    {
        return (
            format!("expected a mapping of keys (like `title: ...`), found {found}"),
            Some("write one `key: value` per line".into()),
        );
    }
    (message.to_string(), None)
}

/// The words between backticks in a serde message, in order.
fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Meta {
        title: String,
        summary: Option<String>,
    }

    fn origin<'a>(text: &'a str) -> Origin<'a> {
        Origin {
            file: Path::new("a.md"),
            file_text: text,
            first_line: 2,
        }
    }

    #[test]
    fn unknown_key_points_at_its_line_and_suggests() {
        let text = "---\ntitle: x\ntitel: y\n---\n";
        let err = parse::<Meta>("title: x\ntitel: y\n", &origin(text)).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.message, "unknown key `titel`");
        assert_eq!(err.hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(err.snippet.as_deref(), Some("titel: y"));
    }

    #[test]
    fn missing_title_and_empty_yaml() {
        let err = parse::<Meta>("", &origin("---\n---\n")).unwrap_err();
        assert_eq!(err.message, "missing required key `title`");
    }

    #[test]
    fn a_list_is_not_a_mapping() {
        let err = parse::<Meta>("- a\n- b\n", &origin("---\n- a\n- b\n---\n")).unwrap_err();
        assert!(err.message.starts_with("expected a mapping"), "{}", err.message);
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Loose {
        title: String,
        summary: Option<String>,
        notes: Option<String>,
        people: Option<Vec<serde_yaml::Value>>,
    }

    #[test]
    fn deliberate_comments_and_hashes_in_text_are_not_blamed() {
        // A comment after a key whose value follows on the next lines, a
        // `# note` meant as a comment on an optional key, and `key: #x`
        // inside a block of text are all what the author meant.
        let yaml = "title: x\nsummary: # later\npeople: # who is who\n- id: a\nnotes: |\n  colour: #b3261e\n  more\n";
        let text = format!("---\n{yaml}---\n");
        let meta = parse::<Loose>(yaml, &origin(&text)).unwrap();
        assert_eq!(meta.notes.as_deref(), Some("colour: #b3261e\nmore\n"));
    }

    #[test]
    fn a_value_that_looks_like_a_comment_is_blamed_on_its_line() {
        let yaml = "title: x\nsummary: #1 reason\n";
        let text = format!("---\n{yaml}---\n");
        let err = parse::<Meta>(yaml, &origin(&text)).unwrap_err();
        assert_eq!((err.line, err.col), (Some(3), Some(10)));
        assert_eq!(
            err.hint.as_deref(),
            Some("put the value in quotes: `summary: \"#1 reason\"`")
        );
    }

    #[test]
    fn quotes_close_as_yaml_reads_them() {
        assert!(closes("\"a \\\" b\""));
        assert!(!closes("\"a \\\""));
        assert!(closes("'it''s'"));
        assert!(!closes("'it''s"));
        assert!(closes("plain"));
        assert_eq!(quoted(r"C:\dir: x"), r"'C:\dir: x'");
    }
}
