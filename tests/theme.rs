//! The built-in theme: a site that is only `content/` builds with it, and a
//! site's own files replace it file by file.

mod common;

use common::Fixture;

fn content_only() -> Fixture {
    let f = Fixture::bare();
    f.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Pay\ndate: 2024-07\n---\nWhy.\n",
    );
    f.write(
        "content/timeline/e.md",
        "---\ntitle: Strike\ndate: 2024-06-27\n---\nIt happened.\n",
    );
    f
}

#[test]
fn a_site_that_is_only_content_builds_with_the_built_in_theme() {
    let f = content_only();
    f.build_ok();
    let home = f.read("public/index.html");
    assert!(home.contains("class=\"site-header\""), "{home}");
    assert!(home.contains("<link rel=\"stylesheet\" href=\"/style.css"), "{home}");
    let page = f.read("public/explainers/pay/index.html");
    assert!(page.contains("<h1 class=\"article__title\">Pay</h1>"), "{page}");
    assert!(f.read("public/timeline/index.html").contains("Strike"));
    let theme_css = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/explainer/static/style.css"
    ));
    assert_eq!(f.read("public/style.css"), theme_css.unwrap());
    assert!(f.exists("public/timeline.js"));
    assert!(!f.exists("themes"), "nothing was written into the site");
}

#[test]
fn the_sites_own_files_replace_the_built_in_ones_one_by_one() {
    let f = content_only();
    // A page template of the site's own, a base of the theme folder's own,
    // and one stylesheet: everything else stays built in.
    f.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"mine\">{{ page.title }}</p>{% endblock content %}",
    );
    f.write("themes/explainer/static/style.css", "body{color:green}");
    f.build_ok();
    let page = f.read("public/explainers/pay/index.html");
    assert!(page.contains("<p id=\"mine\">Pay</p>"), "{page}");
    assert!(page.contains("class=\"site-header\""), "the built-in base.html: {page}");
    assert_eq!(f.read("public/style.css"), "body{color:green}");
    assert!(f.exists("public/timeline.js"), "the built-in script is still copied");
    let home = f.read("public/index.html");
    assert!(home.contains("Latest developments"), "the built-in index.html: {home}");
}

#[test]
fn a_built_in_template_your_base_breaks_is_an_error_only_where_needed() {
    let f = content_only();
    // A base without the blocks the built-in templates fill.
    f.write(
        "themes/explainer/templates/base.html",
        "<!doctype html><title>x</title>{% block content %}{% endblock content %}",
    );
    // The built-in page.html, index.html... fill blocks this base lacks:
    // the site's own versions are needed, and their absence is named.
    let err = f.build_err();
    assert!(err.contains("themes/explainer/templates/page.html:"), "{err}");
    assert!(
        err.contains("needs blocks or templates your own templates replace"),
        "{err}"
    );
    for t in ["page.html", "index.html", "section.html", "timeline.html", "404.html"] {
        f.write(
            &format!("templates/{t}"),
            "{% extends \"base.html\" %}{% block content %}{{ current_path }}{% endblock content %}",
        );
    }
    // The glossary's built-in template is just as unusable, but this site
    // has no glossary: not an error.
    f.build_ok();
    assert!(f.read("public/explainers/pay/index.html").contains("/explainers/pay/"));
}

#[test]
fn another_theme_name_must_exist() {
    let f = content_only();
    f.write("site.yaml", "theme: fancy\n");
    let err = f.build_err();
    assert!(err.contains("theme `fancy` not found"), "{err}");
}

#[test]
fn theme_export_writes_the_built_in_theme_to_change() {
    let f = content_only();
    let out = f.run(&["theme", "export", "themes/explainer"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ours = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/explainer/templates/page.html"
    ));
    assert_eq!(f.read("themes/explainer/templates/page.html"), ours.unwrap());
    assert!(f.exists("themes/explainer/static/style.css"));
    // Edited, it replaces the built-in file; a second export overwrites nothing.
    f.write("themes/explainer/static/style.css", "body{}");
    let again = f.run(&["theme", "export", "themes/explainer"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(f.read("themes/explainer/static/style.css"), "body{}");
    f.build_ok();
    assert_eq!(f.read("public/style.css"), "body{}");
}

fn in_language(language: &str) -> Fixture {
    let f = content_only();
    f.write("site.yaml", &format!("title: T\nlanguage: {language}\n"));
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Pay\ndate: 2024-07\nsummary: Short.\n---\nWhy.\n",
    );
    f
}

#[test]
fn a_french_site_reads_in_french() {
    let f = in_language("fr");
    let out = f.run(&["build"]);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = f.read("public/explainers/pay/index.html");
    assert!(page.contains("<html lang=\"fr\">"), "{page}");
    assert!(page.contains(">juillet 2024</time>"), "{page}");
    assert!(page.contains("L&#39;essentiel"), "{page}");
    let timeline = f.read("public/timeline/index.html");
    assert!(timeline.contains(">27 juin 2024</time>"), "{timeline}");
    // A site's own i18n/fr.yaml replaces a label.
    f.write("i18n/fr.yaml", "short_version: \"En bref\"\n");
    f.build_ok();
    assert!(f.read("public/explainers/pay/index.html").contains(">En bref<"));
}

#[test]
fn a_welsh_site_reads_in_welsh() {
    let f = in_language("cy");
    let out = f.run(&["build"]);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = f.read("public/explainers/pay/index.html");
    assert!(page.contains(">Gorffennaf 2024</time>"), "{page}");
    assert!(page.contains(">Yn gryno<"), "{page}");
    assert!(f.read("public/timeline/index.html").contains(">27 Mehefin 2024</time>"));
}

#[test]
fn a_language_without_labels_is_a_warning_not_silent_english() {
    let f = in_language("it");
    let out = f.run(&["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: site.yaml: the theme has no labels in `it`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`short_version`") && stderr.contains("add i18n/it.yaml"),
        "{stderr}"
    );
    // Dates are Italian all the same: they come from ICU4X's data.
    assert!(
        f.read("public/explainers/pay/index.html")
            .contains(">luglio 2024</time>")
    );
}

/// The `?v=` of the stylesheet link in `html`.
fn style_version(html: &str) -> String {
    let at = html.find("href=\"/style.css?v=").expect("a hashed stylesheet link") + "href=\"/style.css?v=".len();
    html[at..].split('"').next().unwrap().to_string()
}

#[test]
fn stylesheets_and_scripts_are_linked_by_a_hash_of_their_content() {
    let f = content_only();
    f.build_ok();
    let first = style_version(&f.read("public/index.html"));
    assert_eq!(first.len(), 10, "{first}");
    assert!(f.read("public/timeline/index.html").contains("timeline.js?v="));
    // The same content, the same link; a changed stylesheet, a new one.
    f.run(&["build", "--force"]);
    assert_eq!(style_version(&f.read("public/index.html")), first);
    f.write("static/style.css", "body{color:purple}");
    f.build_ok();
    let second = style_version(&f.read("public/explainers/pay/index.html"));
    assert_ne!(second, first);
    assert_eq!(f.read("public/style.css"), "body{color:purple}");
    // Icons and data keep their names.
    assert!(f.read("public/index.html").contains("href=\"/favicon.svg\""));
}
