//! Small text helpers shared by the stages: decoding files, escaping for
//! HTML and XML, percent-decoding, and slugs.

use std::path::Path;

use crate::error::Diagnostic;

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

/// A stable hash of some bytes (FNV-1a, 64 bits): the same on every machine
/// and every build, unlike the standard library's hasher, so it can go in a
/// URL (`style.css?v=...`).
pub fn content_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A URL fragment from heading text: lowercase letters and digits (any
/// script), other runs become one hyphen.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "section".into() } else { out }
}

/// Escapes text for HTML or XML content and attribute values. Characters
/// XML forbids (below U+0020 but tab, newline and return; U+FFFE, U+FFFF)
/// are dropped, so a stray one in a title cannot break `atom.xml` or a
/// share card's SVG.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' | '<' | '>' | '"' | '\'' => out.push_str(entity(c as u8).unwrap_or_default()),
            '\t' | '\n' | '\r' => out.push(c),
            // Not characters XML allows: below U+0020, and U+FFFE/U+FFFF.
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The entity standing for one of the five characters HTML escaping replaces.
fn entity(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    }
}

/// Tera's autoescaping, with the same five entities as Tera's own, but
/// writing the text between them in one piece: Tera's writes each byte on
/// its own through `dyn Write`, a twentieth of a 10,000-page build.
pub fn escape_html_to(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(e) = entity(b) {
            out.write_all(&bytes[start..i])?;
            out.write_all(e.as_bytes())?;
            start = i + 1;
        }
    }
    out.write_all(&bytes[start..])
}

/// Undoes [`escape`] (and pulldown-cmark's and Tera's escaping, which use
/// the same five entities): text as a reader sees it.
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Decodes `%XX` escapes once; a `%` not followed by two hex digits stays.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_controls() {
        assert_eq!(
            escape("a<b & \"c\" 'd'\u{c}e\n"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;e\n"
        );
        assert_eq!(escape("x\u{ffff}y\u{fffe}"), "xy");
    }

    #[test]
    fn tera_escaping_writes_what_teras_own_writes() {
        for input in ["", "plain", "a<b & \"c\" 'd'>", "&&", "<", "é & ü\u{c}"] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            escape_html_to(input, &mut ours).unwrap();
            tera::escape_html(input, &mut teras).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(teras).unwrap());
        }
    }

    #[test]
    fn decodes_percent_escapes_once() {
        assert_eq!(percent_decode("my%20notes/p.md"), "my notes/p.md");
        assert_eq!(percent_decode("%252e"), "%2e");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
