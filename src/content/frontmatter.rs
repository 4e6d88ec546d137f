//! Splitting a Markdown file into its YAML front matter and its body.

use std::path::Path;

use crate::error::Diagnostic;
use crate::model::SourceText;

/// Finds the front matter: a first line `---`, the YAML, a closing `---`
/// line. The text is kept whole, with where each part starts.
pub fn split(file: &Path, text: String) -> Result<SourceText, Diagnostic> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::at(file, &text, 1, 1, "the file has no front matter")
            .with_hint("start the file with a line `---`, then `title: ...`, then another `---`"));
    }
    let yaml_start = (first.len() + 1).min(text.len());
    let mut offset = yaml_start;
    for (line_no, line) in (2..).zip(text[offset..].split_inclusive('\n')) {
        if line.trim_end() == "---" {
            let body_start = (offset + line.len()).min(text.len());
            let end = text.len();
            return Ok(SourceText {
                front: yaml_start..offset,
                front_line: 2,
                body: body_start..end,
                body_line: line_no + 1,
                text,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::at(file, &text, 1, 1, "the front matter is never closed")
        .with_hint("add a line `---` after the last front matter key"))
}

/// The 1-based (line, column) in the file of a value checked after parsing
/// (parsed values carry no position): the first `needle` inside the value of
/// the top-level `key`, inside its list item `item` when given. Searching
/// only there keeps a needle that also appears elsewhere (a title that
/// mentions a person's id, say) from pointing at the wrong line. Falls back
/// to the item's line, then the key's, then the front matter's first line.
pub(crate) fn locate(src: &SourceText, key: &str, item: Option<usize>, needle: &str) -> (usize, usize) {
    let lines: Vec<&str> = src.front().lines().collect();
    let fallback = (src.front_line.saturating_sub(1).max(1), 1);
    let Some(start) = lines.iter().position(|l| is_key_line(l, key)) else {
        return fallback;
    };
    let end = (start + 1..lines.len())
        .find(|&i| starts_top_level_key(lines[i]))
        .unwrap_or(lines.len());
    let (from, to) = match item {
        Some(n) => match list_item(&lines, start + 1, end, n) {
            Some(range) => range,
            None => return (src.front_line + start, 1),
        },
        None => (start, end),
    };
    let found = find_in(&lines[from..to], needle, from == start && item.is_none(), key.len());
    match found {
        Some((i, col)) => (src.front_line + from + i, col),
        None => (src.front_line + from, indent_of(lines[from]) + 1),
    }
}

fn is_key_line(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .is_some_and(|rest| rest.trim_start().starts_with(':'))
}

/// A line at column 0 that is not a comment, a list item or blank starts
/// the next top-level key.
fn starts_top_level_key(line: &str) -> bool {
    line.chars()
        .next()
        .is_some_and(|c| !c.is_whitespace() && c != '#' && c != '-')
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Lines `[from, to)` of the `n`th item (0-based) of the block list in `lines[start..end]`.
fn list_item(lines: &[&str], start: usize, end: usize, n: usize) -> Option<(usize, usize)> {
    let is_item = |l: &str| l.trim_start().starts_with("- ") || l.trim() == "-";
    let first = (start..end).find(|&i| is_item(lines[i]))?;
    let indent = indent_of(lines[first]);
    let starts: Vec<usize> = (first..end)
        .filter(|&i| is_item(lines[i]) && indent_of(lines[i]) == indent)
        .collect();
    let from = *starts.get(n)?;
    let to = starts.get(n + 1).copied().unwrap_or(end);
    Some((from, to))
}

/// The first line of `block` holding `needle` as a whole word (or else as
/// any substring), skipping the key itself on the key's own line.
fn find_in(block: &[&str], needle: &str, skip_key: bool, key_len: usize) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    let word_char = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let search = |whole: bool| {
        block.iter().enumerate().find_map(|(i, line)| {
            let skip = if i == 0 && skip_key { key_len.min(line.len()) } else { 0 };
            line.match_indices(needle).find_map(|(at, _)| {
                let before = line[..at].chars().next_back();
                let after = line[at + needle.len()..].chars().next();
                let ok = at >= skip && (!whole || (!word_char(before) && !word_char(after)));
                ok.then(|| (i, line[..at].chars().count() + 1))
            })
        })
    };
    search(true).or_else(|| search(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::decode;

    fn p() -> &'static Path {
        Path::new("a.md")
    }

    #[test]
    fn splits_and_counts_lines() {
        let s = split(p(), "---\ntitle: x\n---\nBody\n".into()).unwrap();
        assert_eq!(s.front(), "title: x\n");
        assert_eq!((s.front_line, s.body_line), (2, 4));
        assert_eq!(s.body(), "Body\n");
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split(p(), "---\n---".into()).unwrap();
        assert_eq!((s.front(), s.body()), ("", ""));
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let text = decode(p(), b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\nBody\r\n".to_vec()).unwrap();
        let s = split(p(), text).unwrap();
        assert_eq!((s.front(), s.body()), ("title: x\n", "Body\n"));
    }

    #[test]
    fn a_lone_cr_is_a_line_break_like_yaml_says() {
        // Found by fuzzing: YAML counted the CRs as lines, we did not.
        let text = decode(p(), b"---\rtitle: x\r\rkey:\r---\r".to_vec()).unwrap();
        let s = split(p(), text).unwrap();
        assert_eq!((s.front(), s.body_line), ("title: x\n\nkey:\n", 6));
    }

    #[test]
    fn unterminated_and_missing_are_errors() {
        let e = split(p(), "---\ntitle: x\nBody\n".into()).unwrap_err();
        assert!(e.message.contains("never closed"));
        let e = split(p(), "title: x\n".into()).unwrap_err();
        assert!(e.message.contains("no front matter"));
    }

    #[test]
    fn non_utf8_names_line_and_column() {
        let e = decode(p(), b"---\ntitle: caf\xe9\n---\n".to_vec()).unwrap_err();
        assert_eq!((e.line, e.col), (Some(2), Some(11)));
    }

    #[test]
    fn locate_looks_inside_the_key_and_its_item() {
        let text = "---\ntitle: \"What bob said\"\npeople: [alice, bob]\npositions:\n  - who: alice\n    says: x\n  - who: bob\n    says: y\n---\n";
        let s = split(p(), text.into()).unwrap();
        assert_eq!(locate(&s, "people", None, "bob"), (3, 17));
        assert_eq!(locate(&s, "positions", Some(1), "bob"), (7, 10));
        assert_eq!(locate(&s, "positions", Some(0), "says"), (6, 5));
        // Not found in the item: the item's own line.
        assert_eq!(locate(&s, "positions", Some(1), "zzz"), (7, 3));
        assert_eq!(locate(&s, "missing", None, "bob"), (1, 1));
    }
}
