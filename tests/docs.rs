//! docs/authoring.md names every key an author can write. The keys come from
//! the parser itself, not from a list kept by hand: each front matter and
//! `site.yaml` type is given YAML with an unknown key (at the place the type
//! is read from), and serde's `unknown field ..., expected one of ...` error
//! lists the keys that type accepts. The same trick with an unknown value
//! lists the values of the keys that take one of a fixed set of words.
//!
//! A key the parser accepts but the guide does not mention fails the test,
//! which prints every missing key and where it is written.

use std::fmt::Debug;
use std::path::Path;

use dossier::config::Config;
use dossier::model::{EventMeta, PageMeta, SectionMeta};
use serde::de::DeserializeOwned;

const UNKNOWN: &str = "zzz_not_a_key";

/// Where a type's keys are written, how to reach it, and what parses it.
struct Place {
    /// How an author finds it: `page front matter > key_figures[]`.
    name: &'static str,
    /// The path serde_yaml puts before a nested error (`key_figures[0]`), or "".
    path: &'static str,
    /// YAML with `zzz_not_a_key` where one of this type's keys would go.
    yaml: String,
    /// Parses the YAML as the top-level type it belongs to.
    parse: Parser,
}

/// The error message of parsing `yaml` as `T`, if it fails.
fn error_of<T: DeserializeOwned + Debug>(yaml: &str) -> Option<String> {
    serde_yaml::from_str::<T>(yaml).err().map(|e| e.to_string())
}

fn page(yaml: &str) -> Option<String> {
    error_of::<PageMeta>(yaml)
}
fn section(yaml: &str) -> Option<String> {
    error_of::<SectionMeta>(yaml)
}
fn event(yaml: &str) -> Option<String> {
    error_of::<EventMeta>(yaml)
}
fn config(yaml: &str) -> Option<String> {
    error_of::<Config>(yaml)
}

/// Every struct an author writes keys of, with the unknown key fed where it
/// belongs. Required keys before it are given so that nothing else fails
/// first (serde stops at the first unknown key anyway).
fn places() -> Vec<Place> {
    let k = UNKNOWN;
    let place = |name, path, yaml: String, parse| Place {
        name,
        path,
        yaml,
        parse,
    };
    vec![
        place("page front matter", "", format!("{k}: 1\n"), page),
        place(
            "page front matter > key_figures[]",
            "key_figures[0]",
            format!("title: x\nkey_figures:\n  - value: a\n    label: b\n    {k}: 1\n"),
            page,
        ),
        place(
            "page front matter > sources[]",
            "sources[0]",
            format!("title: x\nsources:\n  - id: a\n    {k}: 1\n"),
            page,
        ),
        place(
            "page front matter > updates[]",
            "updates[0]",
            format!("title: x\nupdates:\n  - date: 2024-07\n    {k}: 1\n"),
            page,
        ),
        place(
            "page front matter > events[]",
            "events[0]",
            format!("title: x\nevents:\n  - title: e\n    {k}: 1\n"),
            page,
        ),
        place(
            "page front matter > positions[]",
            "positions[0]",
            format!("title: x\npositions:\n  - who: a\n    {k}: 1\n"),
            page,
        ),
        place(
            "page front matter > questions[]",
            "questions[0]",
            format!("title: x\nquestions:\n  - question: q\n    {k}: 1\n"),
            page,
        ),
        place("section front matter (_index.md)", "", format!("{k}: 1\n"), section),
        place("timeline event front matter", "", format!("{k}: 1\n"), event),
        place("site.yaml", "", format!("{k}: 1\n"), config),
        place(
            "site.yaml > sources[]",
            "sources[0]",
            format!("sources:\n  - id: a\n    {k}: 1\n"),
            config,
        ),
        place(
            "site.yaml > people[]",
            "people[0]",
            format!("people:\n  - id: a\n    {k}: 1\n"),
            config,
        ),
        place(
            "site.yaml > glossary[]",
            "glossary[0]",
            format!("glossary:\n  - term: a\n    {k}: 1\n"),
            config,
        ),
        place(
            "site.yaml > timeline",
            "timeline",
            format!("timeline:\n  {k}: 1\n"),
            config,
        ),
        place(
            "site.yaml > timeline > categories[]",
            "timeline.categories[0]",
            format!("timeline:\n  categories:\n    - id: a\n      {k}: 1\n"),
            config,
        ),
    ]
}

/// Parses YAML as one of the top-level types, giving its error message.
type Parser = fn(&str) -> Option<String>;

/// Keys that take one of a few words: (where, key, YAML with an unknown word, parser).
fn choices() -> Vec<(&'static str, &'static str, String, Parser)> {
    let k = UNKNOWN;
    vec![
        (
            "section front matter",
            "sort_by",
            format!("title: x\nsort_by: {k}\n"),
            section,
        ),
        (
            "page front matter > updates[]",
            "kind",
            format!("title: x\nupdates:\n  - date: 2024-07\n    kind: {k}\n    text: t\n"),
            page,
        ),
        (
            "site.yaml > people[]",
            "kind",
            format!("people:\n  - id: a\n    name: b\n    role: c\n    kind: {k}\n"),
            config,
        ),
    ]
}

/// The words between backticks in `message` after `marker`: the unknown
/// word first, then every one serde expected instead. serde writes
/// "expected `a`", "expected `a` or `b`" and "expected one of `a`, `b`, `c`".
fn expected_after(message: &str, marker: &str) -> Option<Vec<String>> {
    let rest = &message[message.find(marker)?..];
    let ticked: Vec<String> = rest.split('`').skip(1).step_by(2).map(str::to_string).collect();
    match ticked.split_first() {
        Some((unknown, allowed)) if unknown == UNKNOWN && !allowed.is_empty() => Some(allowed.to_vec()),
        _ => None,
    }
}

/// Is `key` mentioned in `doc` as `` `key` `` or as `key:` (not as the end of
/// a longer word, so `id:` is not found in `paid:`)?
fn mentioned(doc: &str, key: &str) -> bool {
    if doc.contains(&format!("`{key}`")) {
        return true;
    }
    let needle = format!("{key}:");
    doc.match_indices(&needle).any(|(i, _)| {
        !doc[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

fn authoring_md() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/authoring.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn the_mention_check_is_not_fooled() {
    assert!(mentioned("write `slug` to", "slug"));
    assert!(mentioned("  id: x", "id"));
    assert!(mentioned("- id: x", "id"));
    assert!(!mentioned("was paid: x", "id"));
    assert!(!mentioned("the slug of", "slug"));
    assert!(!mentioned("`slugs`", "slug"));
}

#[test]
fn every_key_the_parser_accepts_is_in_the_authoring_guide() {
    let doc = authoring_md();
    let mut missing = Vec::new();
    let mut checked = 0;
    for p in places() {
        let message = (p.parse)(&p.yaml)
            .unwrap_or_else(|| panic!("{}: YAML with an unknown key parsed without error:\n{}", p.name, p.yaml));
        let keys = expected_after(&message, "unknown field")
            .unwrap_or_else(|| panic!("{}: not the unknown-field error expected: {message}", p.name));
        // The key was refused where it was fed, not somewhere else on the way.
        let at = message.split_once(": unknown field").map_or("", |(path, _)| path);
        let at = if message.starts_with("unknown field") { "" } else { at };
        assert_eq!(
            at, p.path,
            "{}: the unknown key was refused elsewhere: {message}",
            p.name
        );
        for key in keys {
            checked += 1;
            if !mentioned(&doc, &key) {
                missing.push(format!("  {key}  ({})", p.name));
            }
        }
    }
    for (name, key, yaml, parse) in choices() {
        let message =
            parse(&yaml).unwrap_or_else(|| panic!("{name}: an unknown `{key}` value parsed without error:\n{yaml}"));
        let values = expected_after(&message, "unknown variant")
            .unwrap_or_else(|| panic!("{name} > {key}: not the unknown-variant error expected: {message}"));
        for value in values {
            checked += 1;
            if !doc.contains(&format!("`{value}`")) && !doc.contains(&format!("{key}: {value}")) {
                missing.push(format!("  {key}: {value}  (a value of `{key}` in {name})"));
            }
        }
    }
    println!("checked {checked} keys and values against docs/authoring.md");
    assert!(
        missing.is_empty(),
        "docs/authoring.md does not mention these keys the parser accepts \
         (write each as `key` or `key:` in the section that explains it):\n{}",
        missing.join("\n")
    );
}
