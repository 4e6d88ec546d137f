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
