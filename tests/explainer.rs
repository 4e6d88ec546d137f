//! The explainer features: each renders from front matter through the
//! default theme, and references to missing sources or people are errors.

mod common;

use std::path::Path;

use common::Fixture;

/// A fixture site using the repository's real default theme.
fn site() -> Fixture {
    let f = Fixture::new();
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/explainer");
    for entry in walkdir::WalkDir::new(&theme)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
    {
        let rel = entry.path().strip_prefix(&theme).unwrap();
        f.write_bytes(
            &format!("themes/explainer/{}", rel.display()),
            &std::fs::read(entry.path()).unwrap(),
        );
    }
    f.write(
        "site.yaml",
        r##"title: The Dispute
base_url: https://news.example
language: en-GB
description: A dispute, explained.
sources:
  - id: paper
    title: A report on the talks
    publisher: The Paper
    date: 2024-07
    url: https://paper.example/talks
people:
  - id: union
    name: The Union
    kind: organisation
    role: Represents the workers.
  - id: minister
    name: A Minister
    role: Runs the department.
glossary:
  - term: pay restoration
    aliases: [restoring pay]
    definition: Bringing pay back to what it was worth.
timeline:
  categories:
    - id: talks
      label: Talks
      colour: "#1d4ed8"
"##,
    );
    f.write("content/explainers/_index.md", "---\ntitle: Explainers\n---\n");
    f.write(
        "content/explainers/first.md",
        "---\ntitle: First question\nweight: 1\n---\nFirst.\n",
    );
    f.write(
        "content/explainers/pay.md",
        r#"---
title: What does pay restoration mean?
summary: The union wants pay back to where it was.
date: 2024-07
weight: 2
tags: [pay]
key_figures:
  - value: "35%"
    label: the rise the union says restoration means
    source: paper
sources:
  - id: paper
  - id: extra
    title: A second source
    publisher: Another Paper
people: [union, minister]
positions:
  - who: union
    says: "Wants **full** restoration."
    source: paper
  - who: minister
    says: Calls it a journey.
questions:
  - question: Why 35%?
    answer: Because of *inflation* since 2008.
  - question: Who decides?
    id: deciders
    answer: The two sides, in talks.
what_next:
  - More talks next week.
updates:
  - date: 2024-07-15
    kind: correction
    text: Fixed the figure.
events:
  - title: First talks
    date: 2024-07
    category: talks
---
## The demand

The union wants pay restoration [@paper], and the minister disagrees [@extra].

## The cost

Restoring pay would cost money. Pay restoration comes up again here.
"#,
    );
    f.write(
        "content/explainers/zlast.md",
        "---\ntitle: Last question\nweight: 3\n---\nLast.\n",
    );
    f
}

#[test]
fn every_explainer_feature_renders_from_front_matter() {
    let f = site();
    f.build_ok();
    let html = f.read("public/explainers/pay/index.html");
    let expect = |needle: &str| assert!(html.contains(needle), "missing {needle:?} in:\n{html}");
    // The short version, key figures with their source, numbered sources.
    expect("The short version");
    expect("The union wants pay back to where it was.");
    expect("<span class=\"key-figure__value\">35%</span>");
    expect("href=\"#source-1\"");
    expect(
        "<li id=\"source-1\"><a href=\"https://paper.example/talks\">A report on the talks</a>, <span class=\"source__publisher\">The Paper</span>",
    );
    expect("<li id=\"source-2\"><cite>A second source</cite>");
    // Citations in the body point at the numbered sources.
    expect("<sup class=\"citation\"><a href=\"#source-1\" aria-label=\"Source 1\">[1]</a></sup>");
    expect("<sup class=\"citation\"><a href=\"#source-2\" aria-label=\"Source 2\">[2]</a></sup>");
    // Glossary: the first use is linked to its definition, once.
    assert_eq!(
        html.matches("class=\"term\" href=\"/glossary/#pay-restoration\"")
            .count(),
        1,
        "{html}"
    );
    assert!(
        f.read("public/glossary/index.html")
            .contains("Bringing pay back to what it was worth.")
    );
    // Who's who, positions, questions with stable anchors, what happens next.
    expect("The Union");
    expect("Represents the workers.");
    expect("What each side says");
    expect("Wants <strong>full</strong> restoration.");
    expect("id=\"why-35\"");
    expect("id=\"deciders\"");
    expect("Because of <em>inflation</em> since 2008.");
    expect("What happens next");
    expect("More talks next week.");
    // Update log and the "last updated" it derives.
    expect("Updated <time datetime=\"2024-07-15\">15 July 2024</time>");
    expect("Correction");
    // Table of contents, reading time, breadcrumbs, previous/next explainer.
    expect("href=\"#the-demand\"");
    expect("min read");
    expect("aria-label=\"Breadcrumb\"");
    expect("href=\"/explainers/first/\" rel=\"prev\"");
    expect("href=\"/explainers/zlast/\" rel=\"next\"");
    // In the timeline.
    expect("First talks");
    // Social cards, canonical URL, JSON-LD.
    expect("<link rel=\"canonical\" href=\"https://news.example/explainers/pay/\">");
    expect("<meta property=\"og:title\" content=\"What does pay restoration mean?\">");
    expect("name=\"twitter:card\"");
    let ld = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    let ld: serde_json::Value = serde_json::from_str(ld).unwrap();
    assert_eq!(ld["@type"], "BackgroundNewsArticle");
    assert_eq!(ld["headline"], "What does pay restoration mean?");
    assert_eq!(ld["datePublished"], "2024-07");
    assert_eq!(ld["dateModified"], "2024-07-15");
    assert_eq!(ld["citation"][0]["name"], "A report on the talks");
}

fn error_for(page_front: &str, body: &str) -> String {
    let f = site();
    f.write(
        "content/explainers/bad.md",
        &format!("---\ntitle: Bad\n{page_front}---\n{body}"),
    );
    f.build_err()
}

#[test]
fn references_to_missing_sources_and_people_are_errors() {
    let err = error_for(
        "key_figures:\n  - value: \"1\"\n    label: x\n    source: nowhere\n",
        "",
    );
    assert!(
        err.contains("content/explainers/bad.md:6:") && err.contains("key figure `1` cites `nowhere`"),
        "{err}"
    );
    let err = error_for("sources:\n  - id: paper\n", "Text [@nowhere].\n");
    assert!(
        err.contains("content/explainers/bad.md:6:6: citation `[@nowhere]` names no source of this page"),
        "{err}"
    );
    let err = error_for("sources:\n  - id: unknown-id\n", "");
    assert!(
        err.contains("content/explainers/bad.md:4:") && err.contains("unknown source `unknown-id`"),
        "{err}"
    );
    let err = error_for("people: [nobody]\n", "");
    assert!(
        err.contains("content/explainers/bad.md:3:") && err.contains("unknown person `nobody`"),
        "{err}"
    );
    let err = error_for("positions:\n  - who: union\n    says: x\n    source: paper\n", "");
    assert!(
        err.contains("position of `union` cites `paper`, which is not in this page's sources"),
        "{err}"
    );
    let err = error_for(
        "questions:\n  - question: Same?\n    answer: a\n  - question: Same?\n    answer: b\n",
        "",
    );
    assert!(err.contains("two questions have the anchor `same`"), "{err}");
    let err = error_for("updates:\n  - date: 2024-07\n    kind: fix\n    text: x\n", "");
    assert!(
        err.contains("content/explainers/bad.md:5:") && err.contains("unknown value `fix`"),
        "{err}"
    );
}

#[test]
fn errors_point_inside_the_value_of_their_own_key() {
    // The id also appears in the title and in another item: each error names
    // the line of the value it is about.
    let f = site();
    f.write(
        "content/explainers/bad.md",
        "---\ntitle: \"What bob said\"\nsummary: bob and more bob\npeople: [union, bob]\npositions:\n  - who: union\n    says: bob is wrong\n  - who: bob\n    says: x\n---\nBody.\n",
    );
    let err = f.build_err();
    assert!(
        err.contains("content/explainers/bad.md:4:17: unknown person `bob`"),
        "{err}"
    );
    assert!(
        err.contains("content/explainers/bad.md:8:10: unknown person `bob`"),
        "{err}"
    );
    assert!(err.contains(" 4 | people: [union, bob]"), "{err}");
    // A page event's problem points into that event, not an earlier one.
    let f = site();
    f.write(
        "content/explainers/bad.md",
        "---\ntitle: Bad\nevents:\n  - title: strik\n    date: 2024\n  - title: Two\n    date: 2024\n    category: strik\n---\n",
    );
    let err = f.build_err();
    assert!(
        err.contains("content/explainers/bad.md:8:15: unknown category `strik`"),
        "{err}"
    );
}

#[test]
fn timeline_actors_must_be_known_people() {
    let f = site();
    f.write(
        "content/timeline/e.md",
        "---\ntitle: E\ndate: 2024\nactors: [unoin]\n---\n",
    );
    let err = f.build_err();
    assert!(
        err.contains("content/timeline/e.md:4:")
            && err.contains("unknown actor `unoin`")
            && err.contains("did you mean `union`?"),
        "{err}"
    );
}
