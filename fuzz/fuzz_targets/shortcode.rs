//! Any text as a page body for shortcodes: parsing never panics; pieces lie in
//! the text, in order, without overlap, and cover it except escapes' `/*` and
//! `*/`; every body parses again (to pieces or errors); errors point at char
//! boundaries inside the text.
#![no_main]

use dossier::shortcode::{MAX_ERRORS, Piece, Shortcode, parse};
use libfuzzer_sys::fuzz_target;

/// Bytes between pieces may only be escape markers.
fn only_markers(gap: &[u8]) -> bool {
    gap.len() % 2 == 0 && gap.chunks(2).all(|m| m == b"/*" || m == b"*/")
}

fn check(text: &str, depth: usize) {
    let pieces = match parse(text) {
        Ok(pieces) => pieces,
        Err(errors) => {
            assert!(!errors.is_empty() && errors.len() <= MAX_ERRORS);
            for e in &errors {
                assert!(e.offset <= text.len(), "{e:?} past {}", text.len());
                assert!(text.is_char_boundary(e.offset), "{e:?}");
                assert!(!e.message.is_empty() && !e.hint.is_empty());
            }
            assert!(errors.windows(2).all(|w| w[0].offset <= w[1].offset));
            return;
        }
    };
    let mut at = 0;
    for piece in &pieces {
        let range = match piece {
            Piece::Text(r) => r.clone(),
            Piece::Shortcode(s) => s.span.clone(),
        };
        assert!(range.start < range.end && range.end <= text.len(), "{range:?}");
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        assert!(only_markers(&text.as_bytes()[at..range.start]), "gap before {range:?}");
        at = range.end;
        if let Piece::Shortcode(s) = piece {
            check_shortcode(text, s, depth);
        }
    }
    assert!(only_markers(&text.as_bytes()[at..]), "tail after {at}");
}

fn check_shortcode(text: &str, s: &Shortcode, depth: usize) {
    let tag = &text[s.span.clone()];
    let (open, close) = if s.body.is_some() { ("{%", "%}") } else { ("{{", "}}") };
    assert!(tag.starts_with(open) && tag.ends_with(close), "{tag:?}");
    assert_eq!(text[s.name_span.clone()], s.name);
    assert!(s.span.start < s.name_span.start);
    let mut at = s.name_span.end;
    for a in &s.args {
        assert_eq!(text[a.name_span.clone()], a.name);
        assert!(at <= a.name_span.start && a.name_span.end < a.value_span.start);
        assert!(a.value_span.start < a.value_span.end && text.is_char_boundary(a.value_span.end));
        at = a.value_span.end;
    }
    match &s.body {
        Some(body) => {
            assert!(at < body.start && body.start <= body.end && body.end < s.span.end);
            assert!(text.is_char_boundary(body.start) && text.is_char_boundary(body.end));
            assert!(depth <= dossier::shortcode::MAX_NESTING, "nested {depth} deep");
            check(&text[body.clone()], depth + 1);
        }
        None => assert!(at < s.span.end),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    check(text, 0);
});
