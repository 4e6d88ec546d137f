//! What a build writes for static hosts: redirects from a page's `aliases`
//! (pages and `_redirects`), `robots.txt`, and the theme's icons.

mod common;

use common::Fixture;

fn site() -> Fixture {
    let f = Fixture::new();
    f.write("site.yaml", "title: T\nbase_url: https://news.example\nlanguage: fr\n");
    f.write("content/explainers/_index.md", "---\ntitle: Explainers\n---\n");
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Pay & talks\naliases: [\"/old/pay/\", \"/2024/pay-talks\", \"/archive/pay.html\"]\n---\nBody.\n",
    );
    f.write("content/explainers/other.md", "---\ntitle: Other\n---\nBody.\n");
    f
}

#[test]
fn each_alias_is_a_page_that_redirects_to_the_permalink() {
    let f = site();
    f.build_ok();
    let to = "https://news.example/explainers/pay/";
    for path in [
        "public/old/pay/index.html",
        "public/2024/pay-talks/index.html",
        "public/archive/pay.html",
    ] {
        let html = f.read(path);
        assert!(
            html.contains(&format!("<meta http-equiv=\"refresh\" content=\"0; url={to}\">")),
            "{path}:\n{html}"
        );
        assert!(
            html.contains(&format!("<link rel=\"canonical\" href=\"{to}\">")),
            "{html}"
        );
        assert!(
            html.contains(&format!("<a href=\"{to}\">Pay &amp; talks</a>")),
            "{html}"
        );
        assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"), "{html}");
        assert!(html.contains("<html lang=\"fr\">"), "{html}");
    }
    assert_eq!(
        f.read("public/_redirects"),
        "/2024/pay-talks/ /explainers/pay/ 301\n/archive/pay.html /explainers/pay/ 301\n/old/pay/ /explainers/pay/ 301\n"
    );
}

#[test]
fn no_aliases_no_redirects_file() {
    let f = Fixture::new();
    f.write("content/a.md", "---\ntitle: A\n---\n");
    f.build_ok();
    assert!(!f.exists("public/_redirects"));
}

#[test]
fn an_alias_that_is_a_page_is_one_error_at_its_line() {
    let f = site();
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Pay\naliases:\n  - /old/pay/\n  - /explainers/other/\n---\nBody.\n",
    );
    let err = f.build_err();
    assert!(err.contains("content/explainers/pay.md:5:5"), "{err}");
    assert!(
        err.contains("`/explainers/other/` is already the URL of the page content/explainers/other.md"),
        "{err}"
    );
    assert_eq!(err.matches("error:").count(), 1, "exactly one error:\n{err}");
    assert!(err.contains("\n1 error"), "{err}");
    println!("{err}");
}

#[test]
fn an_alias_in_a_flow_list_is_found_on_its_line() {
    let f = site();
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Pay\naliases: [\"/old/pay/\", \"/explainers/\"]\n---\nBody.\n",
    );
    let err = f.build_err();
    assert!(err.contains("content/explainers/pay.md:3:25"), "{err}");
    assert!(err.contains("the section content/explainers/_index.md"), "{err}");
}

#[test]
fn two_pages_with_one_alias_and_assets_clash() {
    let f = site();
    f.write(
        "content/explainers/other.md",
        "---\ntitle: Other\naliases: [/old/pay]\n---\n",
    );
    let err = f.build_err();
    // Whichever comes second is the one in the wrong.
    assert!(
        err.contains(
            "content/explainers/pay.md:3:12: the alias `/old/pay/` is already an alias of content/explainers/other.md"
        ),
        "{err}"
    );
    let f = site();
    f.write("content/files/report.html", "<p>hi</p>");
    f.write(
        "content/explainers/other.md",
        "---\ntitle: Other\naliases: [/files/report.html]\n---\n",
    );
    let err = f.build_err();
    assert!(
        err.contains("is already where the file content/files/report.html goes"),
        "{err}"
    );
}

#[test]
fn a_bad_alias_is_an_error() {
    for (alias, why) in [
        ("../x", "does not start with `/`"),
        ("/a/../x/", "`..`"),
        ("/a?b=1", "query"),
        ("/a#top", "fragment"),
        ("//evil.example/x", "empty"),
        ("https://old.example/pay/", "does not start with `/`"),
    ] {
        let f = site();
        f.write(
            "content/explainers/pay.md",
            &format!("---\ntitle: Pay\naliases:\n  - \"{alias}\"\n---\nBody.\n"),
        );
        let err = f.build_err();
        assert!(err.contains("content/explainers/pay.md:4:"), "{alias}: {err}");
        assert!(
            err.contains("cannot be an alias") && err.contains(why),
            "{alias}: {err}"
        );
    }
}

#[test]
fn robots_txt_names_the_sitemap() {
    let f = site();
    f.build_ok();
    assert_eq!(
        f.read("public/robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://news.example/sitemap.xml\n"
    );
    let out = f.run(&["build", "--base-url", "https://elsewhere.example/"]);
    assert!(out.status.success());
    assert!(
        f.read("public/robots.txt")
            .contains("Sitemap: https://elsewhere.example/sitemap.xml\n")
    );
}

#[test]
fn a_site_s_own_robots_txt_replaces_it() {
    let f = site();
    f.write("static/robots.txt", "User-agent: *\nDisallow: /drafts/\n");
    f.build_ok();
    assert_eq!(f.read("public/robots.txt"), "User-agent: *\nDisallow: /drafts/\n");
}

#[test]
fn the_theme_s_icons_are_in_the_output_and_linked() {
    let f = Fixture::bare();
    f.write("content/_index.md", "---\ntitle: Home\n---\n");
    f.write("content/a.md", "---\ntitle: A\n---\nBody.\n");
    f.build_ok();
    let svg = f.read("public/favicon.svg");
    assert!(
        svg.starts_with("<svg") && svg.contains("viewBox=\"0 0 32 32\""),
        "{svg}"
    );
    let png = |rel: &str| std::fs::read(f.path(rel)).unwrap();
    for (rel, size) in [("public/favicon-32.png", 32), ("public/apple-touch-icon.png", 180)] {
        let bytes = png(rel);
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{rel}");
        // IHDR: width and height, big-endian, from byte 16.
        let dim = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
        assert_eq!((dim(16), dim(20)), (size, size), "{rel}");
    }
    let ico = png("public/favicon.ico");
    assert_eq!(&ico[..4], b"\0\0\x01\0", "an ICO header");
    for page in ["public/index.html", "public/a/index.html", "public/404.html"] {
        let html = f.read(page);
        for link in [
            r#"<link rel="icon" href="/favicon.svg" type="image/svg+xml">"#,
            r#"<link rel="icon" href="/favicon-32.png" sizes="32x32" type="image/png">"#,
            r#"<link rel="apple-touch-icon" href="/apple-touch-icon.png">"#,
        ] {
            assert!(html.contains(link), "{page} lacks {link}");
        }
    }
}

#[test]
fn a_site_s_own_icons_replace_the_theme_s() {
    let f = Fixture::bare();
    f.write("content/_index.md", "---\ntitle: Home\n---\n");
    let own = r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>"#;
    f.write("static/favicon.svg", own);
    f.write_bytes("static/favicon.ico", b"\0\0\x01\0own");
    f.build_ok();
    assert_eq!(f.read("public/favicon.svg"), own);
    assert_eq!(std::fs::read(f.path("public/favicon.ico")).unwrap(), b"\0\0\x01\0own");
    // The others are still the theme's.
    assert!(f.exists("public/apple-touch-icon.png"));
}

#[test]
fn the_github_pages_workflow_is_valid_yaml_with_the_official_actions() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/github-pages.yml");
    let text = std::fs::read_to_string(path).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let steps = |job: &str| doc["jobs"][job]["steps"].as_sequence().unwrap().clone();
    let uses: Vec<String> = (steps("build").into_iter().chain(steps("deploy")))
        .filter_map(|s| s["uses"].as_str().map(str::to_string))
        .collect();
    for action in [
        "actions/checkout@",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
    ] {
        assert!(uses.iter().any(|u| u.starts_with(action)), "{action} in {uses:?}");
    }
    let build = steps("build");
    let run = build.iter().find_map(|s| s["run"].as_str()).unwrap();
    assert!(run.contains("build --base-url"), "{run}");
    let upload = build
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.contains("upload-pages")));
    assert_eq!(upload.unwrap()["with"]["path"].as_str(), Some("public/"));
    assert_eq!(doc["permissions"]["id-token"].as_str(), Some("write"));
}
