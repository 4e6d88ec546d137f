//! A site hosted under a sub-path (`https://org.github.io/dispute/`): every
//! URL the build writes points inside it, to a file that is there.

use std::path::Path;
use std::process::Command;

const BASE: &str = "http://127.0.0.1:8000/a/b/";

fn build_under_sub_path() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args([
            "build",
            "--root",
            env!("CARGO_MANIFEST_DIR"),
            "--base-url",
            BASE,
            "--output",
        ])
        .arg(out.path().join("site"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// Every `href="..."` and `src="..."` value in `html`.
fn urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for (at, _) in html.match_indices(attr) {
            let rest = &html[at + attr.len()..];
            out.extend(rest.split('"').next().map(|u| u.replace("&amp;", "&")));
        }
    }
    out
}

/// The file a served path names: `/a/b/explainers/pay/#why` -> `explainers/pay/index.html`.
fn file_for(site: &Path, url: &str) -> Option<std::path::PathBuf> {
    let path = url.split(['#', '?']).next()?;
    let rel = path.strip_prefix("/a/b/")?;
    let file = if rel.is_empty() || rel.ends_with('/') {
        site.join(rel).join("index.html")
    } else {
        site.join(rel)
    };
    file.is_file().then_some(file)
}

#[test]
fn every_link_of_a_site_under_a_sub_path_stays_inside_it_and_resolves() {
    let out = build_under_sub_path();
    let site = out.path().join("site");
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        for url in urls(&html) {
            if url.starts_with('#') || url.starts_with("mailto:") {
                continue;
            }
            if let Some(rest) = url.strip_prefix("http://127.0.0.1:8000") {
                assert!(rest.starts_with("/a/b/"), "{}: {url}", entry.path().display());
                continue;
            }
            if url.starts_with("http") {
                continue; // a source's own address
            }
            assert!(
                file_for(&site, &url).is_some(),
                "{}: `{url}` does not lead to a file of the site",
                entry.path().display()
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn feeds_and_data_name_the_sub_path() {
    let out = build_under_sub_path();
    let site = out.path().join("site");
    let read = |f: &str| std::fs::read_to_string(site.join(f)).unwrap();
    let sitemap = read("sitemap.xml");
    assert!(
        sitemap.contains("<loc>http://127.0.0.1:8000/a/b/explainers/cost/</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("<loc>http://127.0.0.1:8000/explainers"), "{sitemap}");
    assert!(read("atom.xml").contains("href=\"http://127.0.0.1:8000/a/b/atom.xml\""));
    assert!(read("robots.txt").contains("Sitemap: http://127.0.0.1:8000/a/b/sitemap.xml"));
    let ics = read("timeline.ics");
    assert!(ics.contains("URL:http://127.0.0.1:8000/a/b/timeline/#"), "{ics}");
    let page = read("explainers/cost/index.html");
    assert!(
        page.contains("<link rel=\"canonical\" href=\"http://127.0.0.1:8000/a/b/explainers/cost/\">"),
        "canonical"
    );
    // A page's events point at the timeline under the sub-path.
    assert!(page.contains("href=\"/a/b/timeline/#"), "events");
}
