//! The search index: Pagefind's files written by a build, kept by a failed
//! one, switched off in `site.yaml`, and clashing with nothing. (What the
//! index finds is tested through Pagefind's own reader, in a browser:
//! tests/browser/search.test.js.)

mod common;

use common::Fixture;

/// A site on the built-in theme.
fn site() -> Fixture {
    let f = Fixture::bare();
    f.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    f.write("site.yaml", "title: T\nbase_url: https://news.example\nsearch: true\n");
    f.write("content/explainers/_index.md", "---\ntitle: Explainers\n---\n");
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Pay\ntags: [pay]\n---\nThe word zanzibar is in this body.\n",
    );
    f
}

fn bundle(f: &Fixture) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    common::snapshot(&f.path("public/pagefind"))
}

#[test]
fn a_build_writes_the_index_script_and_wasm() {
    let f = site();
    f.build_ok();
    let files = bundle(&f);
    let names: Vec<String> = files.iter().map(|(p, _)| p.display().to_string()).collect();
    for needed in [
        "pagefind.js",
        "pagefind-entry.json",
        "pagefind-worker.js",
        "wasm.en.pagefind",
    ] {
        assert!(names.iter().any(|n| n == needed), "{needed} missing from {names:?}");
    }
    assert!(names.iter().any(|n| n.ends_with(".pf_meta")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("fragment/")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("index/")), "{names:?}");
    let entry = f.read("public/pagefind/pagefind-entry.json");
    // The page and the two sections with an intro or a summary.
    assert!(
        entry.contains("\"en\"") && entry.contains("\"page_count\":2"),
        "{entry}"
    );
}

#[test]
fn the_same_site_gives_the_same_index() {
    let f = site();
    f.build_ok();
    let first = bundle(&f);
    f.run(&["build", "--force"]);
    assert_eq!(first, bundle(&f));
}

#[test]
fn a_failed_build_leaves_the_index_as_it_was() {
    let f = site();
    f.build_ok();
    let before = bundle(&f);
    f.write("content/explainers/pay.md", "---\ntitle: [unclosed\n---\nBody.\n");
    f.build_err();
    assert_eq!(before, bundle(&f));
}

#[test]
fn an_edit_changes_the_index() {
    let f = site();
    f.build_ok();
    let before = bundle(&f);
    f.write("content/explainers/pay.md", "---\ntitle: Pay\n---\nAnother word now.\n");
    f.build_ok();
    assert_ne!(before, bundle(&f));
}

#[test]
fn search_off_writes_no_index_no_page_and_no_box() {
    let f = site();
    f.write("site.yaml", "title: T\nbase_url: https://news.example\nsearch: false\n");
    f.build_ok();
    assert!(!f.exists("public/pagefind"));
    assert!(!f.exists("public/search/index.html"));
    assert!(!f.read("public/index.html").contains("role=\"search\""));
}

#[test]
fn the_box_and_the_page_work_without_javascript() {
    let f = site();
    f.build_ok();
    let home = f.read("public/index.html");
    assert!(
        home.contains("<form class=\"site-search\" role=\"search\"") && home.contains("action=\"/search/\""),
        "{home}"
    );
    assert!(home.contains("<input class=\"site-search__input\" id=\"site-search-q\" type=\"search\" name=\"q\""));
    assert!(home.contains("<label class=\"site-search__label visually-hidden\" for=\"site-search-q\">"));
    let page = f.read("public/search/index.html");
    assert!(page.contains("<li><a href=\"/explainers/pay/\">Pay</a></li>"), "{page}");
    assert!(page.contains("data-index=\"/pagefind/pagefind.js\""), "{page}");
}

#[test]
fn a_static_file_in_the_index_folder_is_a_clash() {
    let f = site();
    f.write("static/pagefind/pagefind.js", "// mine");
    let err = f.build_err();
    assert!(err.contains("pagefind/pagefind.js"), "{err}");
}

#[test]
fn a_page_at_the_search_url_is_a_clash() {
    let f = site();
    f.write("content/search.md", "---\ntitle: Search me\n---\n");
    let err = f.build_err();
    assert!(err.contains("/search/"), "{err}");
}

#[test]
fn search_is_off_unless_asked_for() {
    let f = Fixture::bare();
    f.write("site.yaml", "title: T\nbase_url: https://news.example\n");
    f.write("content/a.md", "---\ntitle: A\n---\nBody.\n");
    f.build_ok();
    assert!(!f.exists("public/pagefind") && !f.exists("public/search/index.html"));
    assert!(!f.read("public/a/index.html").contains("role=\"search\""));
}

#[test]
fn a_theme_without_a_usable_search_template_goes_without_the_page() {
    // The test theme's own base.html has none of the built-in blocks.
    let f = Fixture::new();
    f.write("site.yaml", "title: T\nbase_url: https://news.example\nsearch: true\n");
    f.write("content/a.md", "---\ntitle: A\n---\nBody.\n");
    f.build_ok();
    assert!(!f.exists("public/search/index.html"));
    assert!(f.exists("public/pagefind/pagefind.js"));
}

/// A site whose index comes in several shards (three records a shard).
fn sharded() -> Fixture {
    let f = site();
    f.write(
        "site.yaml",
        "title: T\nbase_url: https://news.example\nsearch: true\nsearch_shard_records: 3\n",
    );
    for i in 0..12 {
        f.write(
            &format!("content/explainers/p{i}.md"),
            &format!("---\ntitle: Page {i}\n---\nBody of page {i}.\n"),
        );
    }
    f
}

/// The cache's entries: name -> (inode, length).
fn cache(f: &Fixture) -> std::collections::BTreeMap<String, (u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    (std::fs::read_dir(f.path(".public.dossier-search")).unwrap())
        .map(|e| e.unwrap())
        .map(|e| {
            let m = e.metadata().unwrap();
            (e.file_name().to_string_lossy().into_owned(), (m.ino(), m.len()))
        })
        .collect()
}

#[test]
fn shards_are_merged_through_the_manifest() {
    let f = sharded();
    f.build_ok();
    let manifest: serde_json::Value = serde_json::from_str(&f.read("public/pagefind/shards.json")).unwrap();
    let shards = manifest["shards"].as_array().unwrap();
    assert!(shards.len() >= 2, "{manifest}");
    for s in shards {
        let dir = format!("public/pagefind/{}", s.as_str().unwrap());
        assert!(f.exists(&format!("{dir}pagefind-entry.json")), "{dir}");
        // Pagefind's script and WASM are only in the first.
        assert!(!f.exists(&format!("{dir}pagefind.js")), "{dir}");
    }
    assert_eq!(cache(&f).len(), shards.len() + 1);
}

#[test]
fn an_edit_indexes_one_shard_again() {
    let f = sharded();
    f.build_ok();
    let before = cache(&f);
    f.write(
        "content/explainers/p5.md",
        "---\ntitle: Page 5\n---\nAnother body now.\n",
    );
    f.build_ok();
    let after = cache(&f);
    let kept: Vec<_> = before.iter().filter(|(k, v)| after.get(*k) == Some(v)).collect();
    // One entry replaced by a new one; the others not written again.
    assert_eq!(kept.len(), before.len() - 1, "{before:?}\n{after:?}");
    assert_eq!(after.len(), before.len());
}

#[test]
fn a_cached_index_equals_a_cold_one_and_a_damaged_entry_is_made_again() {
    let f = sharded();
    f.build_ok();
    let cold = bundle(&f);
    f.run(&["build", "--force"]);
    assert_eq!(bundle(&f), cold);
    let entries = cache(&f);
    let (name, _) = entries.iter().next().unwrap();
    let path = f.path(&format!(".public.dossier-search/{name}"));
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
    f.run(&["build", "--force"]);
    assert_eq!(bundle(&f), cold);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    // Search off: the cache goes with the index.
    f.write("site.yaml", "title: T\nbase_url: https://news.example\nsearch: false\n");
    f.build_ok();
    assert!(cache(&f).is_empty());
}
