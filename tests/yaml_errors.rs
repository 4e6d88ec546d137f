//! YAML mistakes a new author makes, reported where they are, with a hint
//! that says what to type. Front matter starts on line 2 of a page;
//! `site.yaml` on line 1.

mod common;

use common::Fixture;

/// `dossier build` on a site with `text` at `rel`; the one error it prints.
fn only_error(rel: &str, text: &str) -> String {
    let f = Fixture::new();
    f.write(rel, text);
    let err = f.build_err();
    assert_eq!(err.matches("error:").count(), 1, "exactly one error:\n{err}");
    err
}

fn assert_has(err: &str, wanted: &str) {
    assert!(err.contains(wanted), "expected {wanted:?} in:\n{err}");
}

#[test]
fn an_unclosed_double_quote_is_reported_where_it_opens() {
    let err = only_error(
        "content/a.md",
        "---\ntitle: \"Why strike\nsummary: x\ndate: 2024\n---\nBody\n",
    );
    assert_has(
        &err,
        "error: content/a.md:2:8: unclosed quote in the value of `title`\n",
    );
    assert_has(&err, " 2 | title: \"Why strike\n   |        ^\n");
    assert_has(
        &err,
        "hint: this quote is never closed: add the closing `\"` on the same line \
         (or use `|` for text over several lines)",
    );
}

#[test]
fn an_unclosed_single_quote_in_site_yaml_is_reported_where_it_opens() {
    let err = only_error("site.yaml", "title: T\ndescription: 'Why strike\nlanguage: en\n");
    assert_has(
        &err,
        "error: site.yaml:2:14: unclosed quote in the value of `description`\n",
    );
    assert_has(
        &err,
        "hint: this quote is never closed: add the closing `'` on the same line",
    );
}

#[test]
fn an_unclosed_quote_closed_by_a_later_value_is_still_blamed() {
    // The next `"` closes it, lines later, and libyaml complains there.
    let err = only_error(
        "content/a.md",
        "---\ntitle: \"Why strike\nsummary: \"x\"\ndate: 2024\n---\nBody\n",
    );
    assert_has(
        &err,
        "error: content/a.md:2:8: unclosed quote in the value of `title`\n",
    );
}

#[test]
fn an_unquoted_colour_is_read_as_a_comment() {
    let err = only_error(
        "site.yaml",
        "title: T\ntimeline:\n  categories:\n    - id: strike\n      label: Strike\n      colour: #b3261e\n",
    );
    assert_has(
        &err,
        "error: site.yaml:6:15: the value of `colour` was read as empty, because `#` starts a comment in YAML\n",
    );
    assert_has(&err, " 6 |       colour: #b3261e\n   |               ^\n");
    assert_has(&err, "hint: put the value in quotes: `colour: \"#b3261e\"`");
    assert!(!err.contains("``"), "no empty backticks:\n{err}");
}

#[test]
fn a_required_value_left_as_a_comment_is_named() {
    let err = only_error("content/timeline/e.md", "---\ntitle: x\ndate: # 2024\n---\nBody\n");
    assert_has(
        &err,
        "error: content/timeline/e.md:3:7: the value of `date` was read as empty, because `#` starts a comment in YAML\n",
    );
    assert_has(&err, "hint: write the value of `date` before the `#`");
}

#[test]
fn a_tab_used_for_indentation_is_reported_at_the_tab() {
    let err = only_error("content/a.md", "---\ntitle: x\nkey_figures:\n\t- value: 1\n---\nBody\n");
    assert_has(&err, "error: content/a.md:4:1: a tab is used for indentation\n");
    assert_has(&err, "hint: YAML indents with spaces only; replace the tab with spaces");

    let err = only_error(
        "site.yaml",
        "title: T\ntimeline:\n  categories:\n    - id: strike\n    \t  label: Strike\n",
    );
    assert_has(&err, "error: site.yaml:5:5: a tab is used for indentation\n");
}

#[test]
fn a_colon_in_an_unquoted_value_says_to_quote_it() {
    let err = only_error("content/a.md", "---\ntitle: Pay: the offer\n---\nBody\n");
    assert_has(
        &err,
        "error: content/a.md:2:11: the value of `title` has a `: ` in it, which YAML reads as a new key\n",
    );
    assert_has(
        &err,
        "hint: a `: ` inside a value starts a new key; put the value in quotes: `title: \"Pay: the offer\"`",
    );

    let err = only_error("site.yaml", "title: Pay: the offer\n");
    assert_has(
        &err,
        "error: site.yaml:1:11: the value of `title` has a `: ` in it, which YAML reads as a new key\n",
    );
}

#[test]
fn places_are_right_in_crlf_files() {
    let err = only_error(
        "content/a.md",
        "---\r\nsummary: x\r\ntitle: Pay: the offer\r\n---\r\nBody\r\n",
    );
    assert_has(&err, "error: content/a.md:3:11: the value of `title` has a `: ` in it");
    let err = only_error("site.yaml", "title: T\r\ndescription: \"Why strike\r\nlanguage: en\r\n");
    assert_has(
        &err,
        "error: site.yaml:2:14: unclosed quote in the value of `description`\n",
    );
}
