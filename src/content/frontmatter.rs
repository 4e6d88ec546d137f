//! Splitting a Markdown file into its YAML front matter and its body.

use std::path::Path;

use crate::error::Diagnostic;

/// A file's text cut in two, with the lines each part starts on.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based line of the file on which the YAML starts.
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line of the file on which the body starts.
    pub body_line: usize,
}

/// Decodes a file's bytes: UTF-8 only, a leading BOM dropped, CRLF and CR made LF
/// (so line numbers and the YAML parser see one kind of line ending).
pub fn decode(file: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let col = String::from_utf8_lossy(&bytes[line_start..valid]).chars().count() + 1;
        let lossy = String::from_utf8_lossy(bytes);
        Diagnostic::at(file, &lossy, line, col, "the file is not valid UTF-8")
            .with_hint("save the file as UTF-8 (most editors have an encoding option in Save As)")
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    // A lone CR is a line break to YAML too (old Mac files): make it one here,
    // or line numbers would disagree with the parser's.
    Ok(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    })
}

/// A file's text as the parser saw it, to quote a line in a diagnostic
/// (empty if it cannot be read any more).
pub fn text_for_quoting(path: &Path) -> String {
    std::fs::read(path)
        .ok()
        .and_then(|bytes| decode(path, bytes).ok())
        .unwrap_or_default()
}

/// Finds the front matter: a first line `---`, the YAML, a closing `---` line.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first = text.lines().next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::at(file, text, 1, 1, "the file has no front matter")
            .with_hint("start the file with a line `---`, then `title: ...`, then another `---`"));
    }
    let yaml_start = first.len() + 1;
    let mut offset = yaml_start.min(text.len());
    for (line_no, line) in (2..).zip(text[offset..].split_inclusive('\n')) {
        if line.trim_end() == "---" {
            let body_start = (offset + line.len()).min(text.len());
            return Ok(Split {
                yaml: &text[yaml_start.min(text.len())..offset],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::at(file, text, 1, 1, "the front matter is never closed")
        .with_hint("add a line `---` after the last front matter key"))
}

/// The 1-based (line, column) in the file of the first `needle` inside the
/// YAML, for checks made after parsing (the parsed values carry no position).
pub fn locate(split: &Split, needle: &str) -> (usize, usize) {
    split
        .yaml
        .lines()
        .enumerate()
        .find_map(|(i, l)| {
            l.find(needle)
                .map(|c| (split.yaml_line + i, l[..c].chars().count() + 1))
        })
        .unwrap_or((split.yaml_line.saturating_sub(1).max(1), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("a.md")
    }

    #[test]
    fn splits_and_counts_lines() {
        let s = split(p(), "---\ntitle: x\n---\nBody\n").unwrap();
        assert_eq!(s.yaml, "title: x\n");
        assert_eq!((s.yaml_line, s.body_line), (2, 4));
        assert_eq!(s.body, "Body\n");
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split(p(), "---\n---").unwrap();
        assert_eq!((s.yaml, s.body), ("", ""));
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let text = decode(p(), b"\xef\xbb\xbf---\r\ntitle: x\r\n---\r\nBody\r\n".to_vec()).unwrap();
        let s = split(p(), &text).unwrap();
        assert_eq!((s.yaml, s.body), ("title: x\n", "Body\n"));
    }

    #[test]
    fn a_lone_cr_is_a_line_break_like_yaml_says() {
        // Found by fuzzing: YAML counted the CRs as lines, we did not.
        let text = decode(p(), b"---\rtitle: x\r\rkey:\r---\r".to_vec()).unwrap();
        let s = split(p(), &text).unwrap();
        assert_eq!((s.yaml, s.body_line), ("title: x\n\nkey:\n", 6));
    }

    #[test]
    fn unterminated_and_missing_are_errors() {
        let e = split(p(), "---\ntitle: x\nBody\n").unwrap_err();
        assert!(e.message.contains("never closed"));
        let e = split(p(), "title: x\n").unwrap_err();
        assert!(e.message.contains("no front matter"));
    }

    #[test]
    fn non_utf8_names_line_and_column() {
        let e = decode(p(), b"---\ntitle: caf\xe9\n---\n".to_vec()).unwrap_err();
        assert_eq!((e.line, e.col), (Some(2), Some(11)));
    }
}
