//! `dossier build` on fixture sites: what it writes, and how it reports errors.

mod common;

use common::{Fixture, snapshot};

fn page(title: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n{extra}---\n{body}")
}

#[test]
fn builds_pretty_urls_sections_feeds_and_assets() {
    let f = Fixture::new();
    f.write("site.yaml", "title: Test site\nbase_url: https://news.example/\n");
    f.write(
        "content/explainers/_index.md",
        "---\ntitle: Explainers\nsort_by: weight\n---\nIntro.\n",
    );
    f.write(
        "content/explainers/pay.md",
        &page("Pay", "weight: 2\ndate: 2024-07\n", "## Why\n\nBecause.\n"),
    );
    f.write(
        "content/explainers/cost.md",
        &page("Cost", "weight: 1\n", "See [pay](pay.md#why).\n"),
    );
    f.write("content/explainers/chart.png", "PNG");
    f.write("content/bundle/index.md", &page("Bundle", "", "![x](photo.jpg)\n"));
    f.write("content/bundle/photo.jpg", "JPG");
    let stdout = f.build_ok();
    assert!(stdout.contains("3 pages, 2 sections"), "{stdout}");
    assert!(stdout.contains("ms -> "), "{stdout}");

    let pay = f.read("public/explainers/pay/index.html");
    assert!(pay.contains("<h1>Pay</h1>"));
    assert!(pay.contains("<p class=\"permalink\">https://news.example/explainers/pay/</p>"));
    assert!(pay.contains("<h2 id=\"why\">Why</h2>"));
    assert!(pay.contains("[Home][Explainers]"), "breadcrumbs: {pay}");
    // Sorted by weight: cost (1) then pay (2).
    assert!(pay.contains("<a rel=\"prev\" href=\"/explainers/cost/\">"));
    let cost = f.read("public/explainers/cost/index.html");
    assert!(cost.contains("href=\"/explainers/pay/#why\""), "link rewritten: {cost}");
    let listing = f.read("public/explainers/index.html");
    assert!(listing.find("Cost").unwrap() < listing.find(">Pay<").unwrap());
    assert!(f.read("public/index.html").contains("href=\"/explainers/\""));
    assert_eq!(f.read("public/explainers/chart.png"), "PNG");
    assert_eq!(f.read("public/bundle/photo.jpg"), "JPG");
    assert!(f.exists("public/bundle/index.html"));
    assert!(f.read("public/404.html").contains("Not found"));
    assert_eq!(f.read("public/style.css"), "body{}");
    let sitemap = f.read("public/sitemap.xml");
    // Known only to the month: no lastmod (the schema takes a day), no feed
    // entry (Atom takes an instant), never an invented 1 July.
    assert!(
        sitemap.contains("<loc>https://news.example/explainers/pay/</loc>\n  </url>"),
        "{sitemap}"
    );
    let atom = f.read("public/atom.xml");
    assert!(
        !atom.contains("<id>https://news.example/explainers/pay/</id>"),
        "{atom}"
    );
    assert!(!atom.contains("2024-07-01"), "{atom}");
}

#[test]
fn a_build_with_nothing_changed_is_skipped_and_any_change_rebuilds() {
    let f = Fixture::new();
    f.write("content/a.md", &page("A", "", "One.\n"));
    assert!(!f.build_ok().contains("up to date"));
    let again = f.build_ok();
    assert!(
        again.contains("up to date: nothing changed") && again.contains("1 pages"),
        "{again}"
    );
    // A changed source (same size, later time) is seen.
    std::thread::sleep(std::time::Duration::from_millis(20));
    f.write("content/a.md", &page("A", "", "Two.\n"));
    assert!(!f.build_ok().contains("up to date"));
    assert!(f.read("public/a/index.html").contains("Two."));
    // A template change is seen; so is a removed output; --force always builds.
    f.write("themes/explainer/templates/404.html", "Gone");
    assert!(!f.build_ok().contains("up to date"));
    std::fs::remove_dir_all(f.path("public")).unwrap();
    assert!(!f.build_ok().contains("up to date"));
    assert!(f.read("public/404.html").contains("Gone"));
    let forced = f.run(&["build", "--force"]);
    assert!(!String::from_utf8_lossy(&forced.stdout).contains("up to date"));
    // Other options make another build.
    assert!(!String::from_utf8_lossy(&f.run(&["build", "--drafts"]).stdout).contains("up to date"));
}

#[test]
fn config_is_optional_and_unknown_keys_get_a_hint() {
    let f = Fixture::new();
    f.build_ok();
    assert!(f.read("public/index.html").contains("<html lang=\"en-GB\">"));
    f.write("site.yaml", "title: T\nbase_ulr: https://x.example\n");
    let err = f.build_err();
    assert!(err.contains("site.yaml:2:1: unknown key `base_ulr`"), "{err}");
    assert!(err.contains("did you mean `base_url`?"), "{err}");
    assert!(err.contains("base_ulr: https://x.example"), "quotes the line: {err}");
}

#[test]
fn front_matter_accepts_bom_and_crlf() {
    let f = Fixture::new();
    f.write_bytes("content/a.md", b"\xef\xbb\xbf---\r\ntitle: Crlf\r\n---\r\n# Hello\r\n");
    f.build_ok();
    assert!(f.read("public/a/index.html").contains("<h1>Crlf</h1>"));
}

#[test]
fn front_matter_errors_name_file_line_and_column() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "unknown key",
            b"---\ntitle: A\ntitel: B\n---\n",
            "content/x.md:3:1: unknown key `titel`",
        ),
        (
            "missing title",
            b"---\nsummary: s\n---\n",
            "content/x.md:2:1: missing required key `title`",
        ),
        (
            "impossible date",
            b"---\ntitle: A\ndate: 2023-02-30\n---\n",
            "content/x.md:3:7: `date`: February 2023 has no day 30",
        ),
        (
            "month 13",
            b"---\ntitle: A\ndate: 2024-13\n---\n",
            "content/x.md:3:7: `date`: month 13 does not exist",
        ),
        (
            "non-UTF-8",
            b"---\ntitle: caf\xe9\n---\n",
            "content/x.md:2:11: the file is not valid UTF-8",
        ),
        (
            "unterminated",
            b"---\ntitle: A\nbody\n",
            "content/x.md:1:1: the front matter is never closed",
        ),
        (
            "no front matter",
            b"# Just markdown\n",
            "content/x.md:1:1: the file has no front matter",
        ),
        (
            "a list",
            b"---\n- a\n- b\n---\n",
            "content/x.md:2:1: expected a mapping",
        ),
        ("bad yaml", b"---\ntitle: [unclosed\n---\n", "content/x.md:"),
    ];
    for (name, bytes, expected) in cases {
        let f = Fixture::new();
        f.write_bytes("content/x.md", bytes);
        let err = f.build_err();
        assert!(err.contains(expected), "{name}: expected `{expected}` in:\n{err}");
    }
}

#[test]
fn every_error_is_reported_not_only_the_first() {
    let f = Fixture::new();
    f.write("content/a.md", "---\ntitel: A\n---\n");
    f.write("content/b.md", "---\ntitle: B\ndate: 2024-00\n---\n");
    f.write("content/c.md", "---\ntitle: C\n---\n[gone](missing.md)\n");
    let err = f.build_err();
    for needle in [
        "content/a.md:2:1",
        "content/b.md:3:7",
        "content/c.md:4:1: link to `missing.md`, which does not exist",
        "3 errors",
    ] {
        assert!(err.contains(needle), "missing {needle}:\n{err}");
    }
}

#[test]
fn two_sources_for_one_url_is_an_error() {
    let f = Fixture::new();
    f.write("content/a.md", &page("A", "slug: b\n", ""));
    f.write("content/b.md", &page("B", "", ""));
    let err = f.build_err();
    assert!(err.contains("`/b/` is also written by"), "{err}");
}

#[test]
fn slugs_cannot_climb_out_of_their_folder() {
    for slug in ["../../etc", "a/b", "..", "a\\\\b"] {
        let f = Fixture::new();
        f.write("content/a.md", &page("A", &format!("slug: \"{slug}\"\n"), ""));
        let err = f.build_err();
        assert!(
            err.contains("content/a.md:3:") && err.contains("cannot be a slug"),
            "{slug}: {err}"
        );
    }
}

#[test]
fn links_to_missing_pages_name_file_and_line() {
    let f = Fixture::new();
    f.write(
        "content/x/a.md",
        &page("A", "", "Line one.\n\nSee [b](@/x/b.md) and [c](../c.md).\n"),
    );
    f.write("content/c.md", &page("C", "", ""));
    let err = f.build_err();
    assert!(
        err.contains("content/x/a.md:6:5: link to `@/x/b.md`, which does not exist"),
        "{err}"
    );
    assert!(!err.contains("link to `../c.md`"), "existing page reported: {err}");
}

#[test]
fn toc_summary_and_reading_time_reach_templates() {
    let f = Fixture::new();
    let words = "word ".repeat(450);
    f.write(
        "content/a.md",
        &page(
            "A",
            "",
            &format!("First para.\n\n## One\n\n### Sub\n\n## One\n\n{words}\n"),
        ),
    );
    f.build_ok();
    let html = f.read("public/a/index.html");
    assert!(html.contains("<li>one:One<i>sub</i></li><li>one-1:One</li>"), "{html}");
    assert!(html.contains("<div class=\"summary\"><p>First para.</p>"));
    assert!(html.contains("<p class=\"reading\">3 min</p>"));
}

#[test]
fn sections_sort_by_date_newest_first_or_by_title() {
    let f = Fixture::new();
    f.write("content/news/_index.md", "---\ntitle: News\nsort_by: date\n---\n");
    f.write("content/news/old.md", &page("Old", "date: 2022\n", ""));
    f.write("content/news/new.md", &page("New", "date: 2024-07-01\n", ""));
    f.write("content/news/mid.md", &page("Mid", "date: 2023-05\n", ""));
    f.write("content/news/undated.md", &page("Undated", "", ""));
    f.write("content/abc/_index.md", "---\ntitle: Abc\nsort_by: title\n---\n");
    f.write("content/abc/z.md", &page("zebra", "weight: 1\n", ""));
    f.write("content/abc/a.md", &page("Apple", "weight: 2\n", ""));
    f.build_ok();
    let news = f.read("public/news/index.html");
    let pos: Vec<usize> = [">New<", ">Mid<", ">Old<", ">Undated<"]
        .iter()
        .map(|t| news.find(t).unwrap())
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{news}");
    let abc = f.read("public/abc/index.html");
    assert!(abc.find(">Apple<").unwrap() < abc.find(">zebra<").unwrap());
}

#[test]
fn drafts_are_left_out_unless_asked() {
    let f = Fixture::new();
    f.write("content/d.md", &page("Draft", "draft: true\n", ""));
    f.build_ok();
    assert!(!f.exists("public/d/index.html"));
    assert!(f.run(&["build", "--drafts"]).status.success());
    assert!(f.exists("public/d/index.html"));
}

#[test]
fn site_templates_override_the_theme_by_name() {
    let f = Fixture::new();
    f.write("content/a.md", &page("A", "", ""));
    f.write("templates/base.html", "<html><title>{% block title %}{% endblock %}</title><body class=\"mine\">{% block body %}{% endblock %}</body></html>");
    f.build_ok();
    let html = f.read("public/a/index.html");
    assert!(html.contains("class=\"mine\"") && html.contains("<h1>A</h1>"), "{html}");
}

#[test]
fn template_errors_name_the_template_file_and_line() {
    let f = Fixture::new();
    f.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block body %}\n{{ page.title \n{% endblock %}",
    );
    f.write("content/a.md", &page("A", "", ""));
    let err = f.build_err();
    // The tag that is never closed, where it opens.
    assert!(
        err.contains("templates/page.html:3:1: this tag is never closed"),
        "syntax error: {err}"
    );

    let f = Fixture::new();
    f.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block body %}\n{{ page.title | nosuchfilter }}\n{% endblock %}",
    );
    f.write("content/a.md", &page("A", "", ""));
    let err = f.build_err();
    assert!(
        err.contains("templates/page.html:3:") && err.contains("nosuchfilter"),
        "unknown filter: {err}"
    );

    let f = Fixture::new();
    f.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block body %}\n\n{{ page.nope.deeper }}{% endblock %}",
    );
    f.write("content/a.md", &page("A", "", ""));
    let err = f.build_err();
    assert!(err.contains("templates/page.html:3:"), "render error: {err}");

    let f = Fixture::new();
    f.write("content/a.md", &page("A", "template: special.html\n", ""));
    let err = f.build_err();
    assert!(err.contains("template `special.html` not found"), "{err}");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let f = Fixture::new();
    f.write("content/a.md", &page("A", "", "Good.\n"));
    f.build_ok();
    let before = snapshot(&f.path("public"));
    f.write("content/a.md", &page("A", "", "Changed.\n"));
    f.write("content/b.md", "---\ntitle: [broken\n---\n");
    f.build_err();
    assert_eq!(snapshot(&f.path("public")), before);
    // No staging folder is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().contains("dossier-new") || n.to_string_lossy().contains("dossier-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A later good build replaces the output, including removed pages.
    f.remove("content/b.md");
    f.remove("content/a.md");
    f.build_ok();
    assert!(!f.exists("public/a/index.html"));
}

#[test]
fn refuses_output_folders_that_hold_the_site() {
    let f = Fixture::new();
    for out in [".", "content", "content/inner", "themes", "templates", ".."] {
        let o = f.run(&["build", "--output", out]);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("refusing to write the site into"),
            "{out}"
        );
    }
    std::fs::create_dir_all(f.path("elsewhere")).unwrap();
    std::fs::write(f.path("elsewhere/notes.txt"), "mine").unwrap();
    let o = f.run(&["build", "--output", "elsewhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(f.read("elsewhere/notes.txt"), "mine");
    // A deploy checkout with its history is never replaced.
    std::fs::create_dir_all(f.path("gh-pages/.git")).unwrap();
    std::fs::write(f.path("gh-pages/index.html"), "old").unwrap();
    let o = f.run(&["build", "--output", "gh-pages"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".git"));
    assert!(f.path("gh-pages/.git").is_dir());
    assert!(f.run(&["build", "--output", "out/site"]).status.success());
    assert!(f.exists("out/site/index.html"));
}

#[test]
fn check_writes_nothing_and_exit_codes_follow_the_rules() {
    let f = Fixture::new();
    let o = f.run(&["check"]);
    assert!(o.status.success());
    assert!(!f.exists("public"));
    assert_eq!(f.run(&["build", "--no-such-flag"]).status.code(), Some(2));
    f.write("content/x.md", "---\n---\n");
    assert_eq!(f.run(&["check"]).status.code(), Some(1));
}

#[cfg(unix)]
#[test]
fn symlinks_never_lead_out_of_the_site_and_loops_do_not_hang() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: Secret\n---\n").unwrap();
    let f = Fixture::new();
    symlink(outside.path().join("secret.md"), f.path("content/secret.md")).unwrap();
    std::fs::create_dir_all(f.path("content/loop")).unwrap();
    symlink(f.path("content/loop"), f.path("content/loop/again")).unwrap();
    symlink(f.path("content/self"), f.path("content/self")).unwrap();
    let err = f.build_err();
    assert!(
        err.contains("content/secret.md: the symlink points outside the site"),
        "{err}"
    );
    assert!(err.contains("content/self: the symlink is broken or loops"), "{err}");
    assert!(!f.exists("public/secret/index.html"));
}

#[test]
fn init_and_new_make_a_site_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_dossier");
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap()
    };
    assert!(run(&["init", "site"]).status.success());
    assert!(
        run(&["new", "explainer", "Who pays?", "--root", "site"])
            .status
            .success()
    );
    assert!(
        run(&["new", "event", "Talks begin", "--date", "2024-07", "--root", "site"])
            .status
            .success()
    );
    assert!(tmp.path().join("site/content/explainers/who-pays.md").exists());
    let o = run(&["build", "--root", "site"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        tmp.path()
            .join("site/public/explainers/first-question/index.html")
            .exists()
    );
    // A new page is a draft until its author publishes it.
    assert!(!tmp.path().join("site/public/explainers/who-pays/index.html").exists());
    assert!(tmp.path().join("site/public/timeline/index.html").exists());
    // Neither overwrites.
    assert_eq!(run(&["init", "site"]).status.code(), Some(2));
    assert_eq!(
        run(&["new", "explainer", "Who pays?", "--root", "site"]).status.code(),
        Some(2)
    );
}

#[test]
fn every_command_has_help() {
    let f = Fixture::new();
    for cmd in [
        &["--help"][..],
        &["build", "--help"],
        &["check", "--help"],
        &["init", "--help"],
        &["new", "--help"],
    ] {
        let o = f.run(cmd);
        assert!(o.status.success());
        assert!(String::from_utf8_lossy(&o.stdout).contains("Usage"));
    }
}
