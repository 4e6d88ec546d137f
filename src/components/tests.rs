//! The placeholder mechanics; each component's output is tested through
//! real builds in `tests/components.rs`.

use super::*;

fn expanded(markdown: &str, fragments: &[&str], added_lines: Vec<usize>) -> Expanded {
    Expanded {
        markdown: markdown.into(),
        fragments: fragments.iter().map(|f| f.to_string()).collect(),
        added_lines,
        newlines: 0,
        counted: 0,
    }
}

#[test]
fn a_placeholder_alone_in_a_paragraph_replaces_the_paragraph() {
    let e = expanded("", &["<aside>A</aside>", "<b>x</b>"], Vec::new());
    let html = format!("<p>{OPEN}0{CLOSE}</p>\n<p>One {OPEN}1{CLOSE} two.</p>\n");
    assert_eq!(e.fill(&html), "<aside>A</aside>\n<p>One <b>x</b> two.</p>\n");
    // Not a placeholder of ours: left as it is.
    let odd = format!("<p>{OPEN}9{CLOSE} {OPEN}x</p>");
    assert_eq!(e.fill(&odd), odd);
}

#[test]
fn lines_added_around_blocks_do_not_count() {
    // Lines 2 and 4 of the expanded text were added.
    let e = expanded("", &[], vec![2, 4]);
    assert_eq!(e.author_line(1), 1);
    assert_eq!(e.author_line(3), 2);
    assert_eq!(e.author_line(5), 3);
}

#[test]
fn many_block_shortcodes_take_linear_time() {
    // 20,000 callouts, each on lines of its own: counting the lines of the
    // whole text again for each was quadratic.
    let text = "{% callout() %}x{% end %}\n\n".repeat(20_000);
    let mut e = expanded("", &[], Vec::new());
    let started = std::time::Instant::now();
    for piece in crate::shortcode::parse(&text).unwrap() {
        match piece {
            crate::shortcode::Piece::Shortcode(sc) => e.place(&text, &sc, String::new()),
            crate::shortcode::Piece::Text(t) => e.markdown.push_str(&text[t]),
        }
    }
    assert_eq!(e.fragments.len(), 20_000);
    assert_eq!(e.added_lines.len(), 40_000);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn placeholders_leave_summaries_and_headings() {
    assert_eq!(
        strip_placeholders(&format!("<p>{OPEN}0{CLOSE}</p>\n<p>Text</p>")),
        "<p>Text</p>"
    );
    assert_eq!(strip_placeholders("plain"), "plain");
}
