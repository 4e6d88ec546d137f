//! The module graph: dependencies point down, towards the model. Each
//! top-level module of `src/` (a file or a folder) is a node; every
//! `crate::name` it mentions is an edge. The graph must have no cycle, and
//! the model must import no stage.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// `src/render/context.rs` -> `render`; `src/feeds.rs` -> `feeds`.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    // lib.rs declares every module and main.rs is the binary on top.
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// The top-level modules `text` names through `crate::`.
fn mentions(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue; // `dossier_crate::`, say
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{content, convert::x, render}`
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            out.extend(inner.split(',').filter_map(|item| first_segment(item.trim())));
        } else {
            out.extend(first_segment(rest));
        }
    }
    out
}

fn first_segment(path: &str) -> Option<String> {
    let name: String = path.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty() && name.chars().next().is_some_and(|c| c.is_lowercase())).then_some(name)
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = Graph::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Some(module) = module_of(&src, entry.path()) else {
            continue;
        };
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let deps = graph.entry(module.clone()).or_default();
        deps.extend(mentions(&text).into_iter().filter(|m| *m != module));
    }
    graph
}

/// A cycle through `graph`, if there is one, as the modules along it.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(node: &str, graph: &Graph, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_module_graph_has_no_cycles() {
    let graph = graph();
    assert!(graph.len() > 10, "found the modules: {graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "modules import each other in a loop: {}\n{graph:#?}",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn modules_name_modules_not_the_crate_roots_re_exports() {
    // `crate::build` from inside the crate would hide a dependency on the pipeline.
    let graph = graph();
    for (module, deps) in &graph {
        let unknown: Vec<&String> = deps.iter().filter(|d| !graph.contains_key(*d)).collect();
        assert!(unknown.is_empty(), "{module} names crate::{unknown:?}, not a module");
    }
}

#[test]
fn the_model_imports_no_stage() {
    let graph = graph();
    let allowed = ["config", "date", "error", "text", "yaml"];
    let model = &graph["model"];
    let stages: Vec<&String> = model.iter().filter(|m| !allowed.contains(&m.as_str())).collect();
    assert!(stages.is_empty(), "the model imports {stages:?}");
}

#[test]
fn the_checker_sees_a_cycle() {
    let mut graph = Graph::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&graph), None);
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(
        mentions("use crate::{content, convert::x, render};\nlet x = crate::model::Site;"),
        ["content", "convert", "model", "render"].map(String::from).into()
    );
}
