//! Hostile input: every case must end in a clear error (exit code, file and
//! line where there is one) or a good build — never a panic, a hang, or a
//! write outside the output folder.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Fixture, snapshot};

/// Everything in the site folder except the output, to prove nothing else was written.
fn sources(f: &Fixture) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot(f.root())
        .into_iter()
        .filter(|(p, _)| !p.starts_with("public") && !p.to_string_lossy().starts_with(".public.dossier-"))
        .collect()
}

/// Builds, asserting: no panic, the expected exit code, the message names
/// `needle`, the sources are untouched, and nothing appeared beside the site.
fn check(f: &Fixture, code: i32, needles: &[&str]) -> String {
    let parent_before = list(f.root().parent().unwrap());
    let before = sources(f);
    let started = Instant::now();
    let out = f.run(&["build"]);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    assert_eq!(out.status.code(), Some(code), "exit code; stderr:\n{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "expected {needle:?} in:\n{stderr}");
    }
    assert!(sources(f) == before, "the build changed files outside public/");
    let parent_after = list(f.root().parent().unwrap());
    let new: Vec<_> = parent_after.iter().filter(|p| !parent_before.contains(p)).collect();
    assert!(new.is_empty(), "written beside the site: {new:?}");
    stderr
}

fn list(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// A fixture inside its own folder, so "beside the site" is observable.
fn site() -> Fixture {
    Fixture::in_folder()
}

#[test]
fn malformed_front_matter_of_every_kind() {
    let cases: &[(&[u8], &[&str])] = &[
        (b"---\ntitle: \"unclosed\n---\n", &["content/x.md:"]),
        (b"---\ntitle: a\n  bad: indent\n---\n", &["content/x.md:"]),
        (b"---\ntitle: A\nbody without end\n", &["content/x.md:1:1: the front matter is never closed"]),
        (b"---\n- a list\n---\n", &["content/x.md:2:1: expected a mapping"]),
        (b"---\njust a scalar\n---\n", &["content/x.md:2:1: expected a mapping"]),
        (b"---\ntitle: ok\n\xff\xfe\n---\n", &["content/x.md:3:1: the file is not valid UTF-8"]),
        (b"", &["content/x.md:1:1: the file has no front matter"]),
        (b"---\n---\n", &["content/x.md:", "missing required key `title`"]),
        (b"---\ntitle: A\ntitle: B\n---\n", &["content/x.md:3:1: the key `title` appears twice"]),
        (b"---\na: &a [x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: bomb\n---\n", &["content/x.md:"]),
        (&[b'['; 10_000], &["content/x.md:1:1: the file has no front matter"]),
    ];
    for (bytes, needles) in cases {
        let f = site();
        f.write_bytes("content/x.md", bytes);
        check(&f, 1, needles);
    }
}

#[test]
fn deeply_nested_yaml_is_an_error_not_a_crash() {
    let f = site();
    let deep = format!(
        "---\ntitle: A\nsummary: {}{}\n---\n",
        "[".repeat(20_000),
        "]".repeat(20_000)
    );
    f.write("content/x.md", &deep);
    check(&f, 1, &["content/x.md:"]);
}

#[test]
fn huge_and_pathological_markdown_builds() {
    let f = site();
    // A 50 MB page.
    let para = "Words and more words in a paragraph that goes on. ".repeat(20) + "\n\n";
    let big = format!("---\ntitle: Big\n---\n{}", para.repeat(50 * 1024 * 1024 / para.len()));
    f.write("content/big.md", &big);
    // 10,000 nested block quotes, 10,000 nested lists, 10,000 equal headings.
    f.write(
        "content/quotes.md",
        &format!("---\ntitle: Quotes\n---\n{} deep\n", ">".repeat(10_000)),
    );
    let lists: String = (0..10_000).map(|i| format!("{}- item\n", "  ".repeat(i))).collect();
    f.write("content/lists.md", &format!("---\ntitle: Lists\n---\n{lists}"));
    f.write(
        "content/heads.md",
        &format!("---\ntitle: Heads\n---\n{}", "## Same\n\n".repeat(10_000)),
    );
    f.write("content/empty.md", "---\ntitle: Empty\n---\n");
    check(&f, 0, &[]);
    let heads = f.read("public/heads/index.html");
    assert!(heads.contains("id=\"same-9999\""));
    assert!(std::fs::metadata(f.path("public/big/index.html")).unwrap().len() > 50_000_000);
}

#[test]
fn nested_bundles_and_odd_places_for_markdown() {
    let f = site();
    f.write("content/a/index.md", "---\ntitle: A\n---\n");
    f.write("content/a/b/index.md", "not even front matter");
    f.write("content/a/b/c/d.md", "also not");
    f.write("content/index.md", "---\ntitle: Index page\n---\n");
    f.write("content/timeline/sub/index.md", "---\ntitle: E\ndate: 2024\n---\n");
    check(&f, 0, &[]);
    assert!(f.exists("public/a/index.html"));
    assert_eq!(
        f.read("public/a/b/index.md"),
        "not even front matter",
        "copied as part of bundle a"
    );
    assert!(f.exists("public/index/index.html"));
    assert!(
        f.read("public/timeline/index.html").contains(">E<") || f.read("public/timeline/index.html").contains(" E ")
    );
}

#[test]
fn names_that_would_climb_out_are_refused() {
    let f = site();
    f.write("content/ ...md", "---\ntitle: Dots\n---\n");
    f.write("content/ ../img.png", "PNG");
    check(
        &f,
        1,
        &[
            "content/ ...md: this name cannot be part of a URL",
            "content/ ../img.png: this name cannot be part of a URL",
        ],
    );
    assert!(!f.root().join("index.html").exists() && !f.root().join("img.png").exists());
}

#[test]
fn bundles_with_odd_names_and_draft_bundles() {
    let f = site();
    f.write("content/a   b/index.md", "---\ntitle: Spaced\n---\n");
    f.write("content/a   b/c.png", "C");
    f.write("content/é\u{a0}x/index.md", "---\ntitle: Accented\n---\n");
    f.write("content/é\u{a0}x/é.png", "E");
    f.write("content/secret/index.md", "---\ntitle: Secret\ndraft: true\n---\n");
    f.write("content/secret/leak.pdf", "PDF");
    check(&f, 0, &[]);
    assert_eq!(f.read("public/a-b/c.png"), "C");
    assert_eq!(f.read("public/é-x/é.png"), "E", "the no-break space becomes a hyphen");
    assert!(
        !f.exists("public/secret/leak.pdf"),
        "a draft bundle's files stay unpublished"
    );
}

#[test]
fn names_with_spaces_and_other_scripts() {
    let f = site();
    f.write(
        "content/my notes/Ελληνικά και 日本語.md",
        "---\ntitle: Unicode\n---\nHello.\n",
    );
    f.write("content/my notes/chart one.png", "PNG");
    check(&f, 0, &[]);
    assert!(f.exists("public/my-notes/Ελληνικά-και-日本語/index.html"));
    assert!(f.exists("public/my-notes/chart one.png"));
}

#[test]
fn clashing_urls_and_escaping_slugs() {
    let f = site();
    f.write("content/a.md", "---\ntitle: A\n---\n");
    f.write("content/a/index.md", "---\ntitle: A again\n---\n");
    check(&f, 1, &["`/a/` is also written by"]);
    for slug in ["../../outside", "/etc/passwd", "..\\\\..\\\\win", "a/../../b", ".."] {
        let f = site();
        f.write("content/x.md", &format!("---\ntitle: X\nslug: \"{slug}\"\n---\n"));
        check(&f, 1, &["content/x.md:3:", "cannot be a slug"]);
    }
    let f = site();
    f.write(
        "content/x.md",
        "---\ntitle: X\n---\n[out](../../../../etc/passwd.md) [abs](/etc/passwd.md)\n",
    );
    check(
        &f,
        1,
        &[
            "content/x.md:4:1: link to `../../../../etc/passwd.md`",
            "link to `/etc/passwd.md`",
        ],
    );
}

#[cfg(unix)]
#[test]
fn symlinks_pipes_and_unreadable_files() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: Secret\n---\n").unwrap();
    let f = site();
    symlink(outside.path().join("secret.md"), f.path("content/secret.md")).unwrap();
    std::fs::create_dir_all(f.path("content/loop")).unwrap();
    symlink(f.path("content/loop"), f.path("content/loop/again")).unwrap();
    symlink("nowhere.md", f.path("content/dangling.md")).unwrap();
    let fifo = f.path("content/pipe.md");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    check(
        &f,
        1,
        &[
            "content/secret.md: the symlink points outside the site",
            "content/dangling.md: the symlink is broken or loops",
            "content/pipe.md: this is not a regular file",
        ],
    );
    // site.yaml as a pipe: an error, not a wait for a writer that never comes.
    let f = site();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(f.path("site.yaml"))
            .status()
            .unwrap()
            .success()
    );
    check(&f, 1, &["site.yaml: this is not a regular file"]);
    // An unreadable file (root reads everything, so only checked when the
    // permission really bites).
    let f = site();
    f.write("content/locked.md", "---\ntitle: Locked\n---\n");
    std::fs::set_permissions(f.path("content/locked.md"), std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(f.path("content/locked.md")).is_err() {
        check(&f, 1, &["content/locked.md: cannot read it"]);
    } else {
        check(&f, 0, &[]); // running as root: the file is readable, and builds
    }
}

#[test]
fn template_errors_of_every_kind() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("templates/page.html", "{% if %}", &["templates/page.html:1:"]),
        ("templates/page.html", "{% extends \"nope.html\" %}", &["nope.html"]),
        (
            "templates/page.html",
            "{% include \"page.html\" %}",
            &["page.html", "include"],
        ),
        ("templates/page.html", "{% extends \"page.html\" %}", &["page.html"]),
        (
            "templates/page.html",
            "{{ page.title | nofilter }}",
            &["templates/page.html:1:", "nofilter"],
        ),
    ];
    for (path, text, needles) in cases {
        let f = site();
        f.write("content/a.md", "---\ntitle: A\n---\n");
        f.write(path, text);
        check(&f, 1, needles);
    }
    let f = site();
    f.write("content/a.md", "---\ntitle: A\ntemplate: missing.html\n---\n");
    check(&f, 1, &["content/a.md: template `missing.html` not found"]);
}

#[test]
fn output_folders_that_hold_the_site_are_refused() {
    for out in [".", "content", "..", "themes/explainer"] {
        let f = site();
        let before = sources(&f);
        let o = f.run(&["build", "--output", out]);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("refusing to write the site into"));
        assert!(sources(&f) == before, "{out}: the sources changed");
    }
}

#[test]
fn a_build_killed_part_way_leaves_the_previous_output_complete() {
    let f = site();
    for i in 0..1500 {
        f.write(
            &format!("content/p{i}.md"),
            &format!("---\ntitle: Page {i}\n---\n{}", "Some text. ".repeat(200)),
        );
    }
    f.build_ok();
    let before = snapshot(&f.path("public"));
    for i in 0..1500 {
        f.write(
            &format!("content/p{i}.md"),
            &format!("---\ntitle: Changed {i}\n---\nNew.\n"),
        );
    }
    // What the new site looks like, whole (built elsewhere).
    assert!(f.run(&["build", "--output", "expected"]).status.success());
    let after = snapshot(&f.path("expected"));
    assert!(after != before);
    for delay in [5u64, 40, 120, 300] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["build", "--force"])
            .current_dir(f.root())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        // Killed before the swap: the old site; after it (while tidying up):
        // the new one. Never a mix, never a missing file.
        let now = snapshot(&f.path("public"));
        assert!(
            now == before || now == after,
            "killed after {delay} ms: public/ is neither the old site nor the new one"
        );
        if now == after {
            return;
        }
    }
}
