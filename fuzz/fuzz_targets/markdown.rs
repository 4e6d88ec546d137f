//! Any text as a page body: rendering, heading ids, the table of contents,
//! link rewriting, citations and glossary marking must not panic, and every
//! problem must point at a line of the text.
#![no_main]

use dossier::config::Term;
use dossier::markdown::{Glossary, Refs, render};
use dossier::model::LinkMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut links = LinkMap::default();
    links.insert("a/b.md", "/a/b/");
    links.insert("_index.md", "/");
    let terms = [Term { term: "pay restoration".into(), aliases: vec!["FPR".into()], definition: "d".into(), id: None }];
    let glossary = Glossary::new(&terms, "/glossary/");
    let sources = ["src".to_string()];
    let refs = Refs {
        sources: &sources,
        glossary: Some(&glossary),
        ..Refs::default()
    };
    let (rendered, problems) = render(text, "a/c.md", 3, &links, refs);
    let lines = text.lines().count().max(1) + 3;
    for p in problems {
        assert!(p.line >= 3 && p.line <= lines, "line {} of {}", p.line, lines);
    }
    assert!(rendered.reading_time >= 1);
});
