//! Tera syntax errors point at their cause: a `{%` or `{{` left open is
//! reported where it opens, not where Tera's parser gave up.

mod common;
use common::Fixture;

/// Tera's own error for the input, printed: for `{%- if page.date %` it
/// blames the next line ("Components with body content must use tag
/// syntax..." at the `<p>` Tera lexed as a component). Run with
/// `--nocapture` to see it.
#[test]
fn tera_own_error_for_an_unclosed_tag() {
    let mut tera = tera::Tera::new();
    let err = tera
        .add_raw_template(
            "page.html",
            "<h1>x</h1>\n{%- if page.date %\n<p>{{ page.date }}</p>\n{% endif %}\n",
        )
        .unwrap_err();
    println!("{err:?}\n{err}");
    let tera::ErrorKind::SyntaxError(r) = err.kind() else {
        panic!("not a syntax error: {err:?}");
    };
    assert_eq!(r.span().start_line, 3, "Tera's report moved: {err:?}");
}

fn site_with_page_template(template: &str) -> Fixture {
    let f = Fixture::new();
    f.write("content/pay.md", "---\ntitle: Pay\ndate: 2024-07\n---\nText.\n");
    f.write("templates/page.html", template);
    f
}

fn assert_one_error(err: &str) {
    assert_eq!(err.matches("error:").count(), 1, "{err}");
    assert!(err.trim_end().ends_with("1 error"), "{err}");
}

#[test]
fn an_unclosed_tag_is_reported_where_it_opens() {
    let f = site_with_page_template(
        "{% extends \"base.html\" %}\n{% block body %}\n<h1>{{ page.title }}</h1>\n  {%- if page.date %\n<p>{{ page.date }}</p>\n{% endif %}\n{% endblock %}\n",
    );
    let err = f.build_err();
    println!("{err}");
    assert!(
        err.contains("error: templates/page.html:4:3: this tag is never closed\n 4 |   {%- if page.date %\n   |   ^\n"),
        "{err}"
    );
    assert!(err.contains("hint: close it with `%}`"), "{err}");
    assert!(!err.contains("Components"), "{err}");
    assert_one_error(&err);
}

#[test]
fn an_unclosed_expression_is_reported_where_it_opens() {
    let f = site_with_page_template(
        "{% extends \"base.html\" %}\n{% block body %}\n<h1>{{ page.title }</h1>\n<p>{{ page.date }}</p>\n{% endblock %}\n",
    );
    let err = f.build_err();
    assert!(
        err.contains("error: templates/page.html:3:5: this tag is never closed"),
        "{err}"
    );
    assert!(err.contains("hint: close it with `}}`"), "{err}");
    assert_one_error(&err);
}

#[test]
fn other_syntax_errors_keep_teras_message() {
    // Closed tags (one spanning lines, one holding "{{" in a string) with a
    // mistake of another kind are not blamed on a missing closer.
    let f = site_with_page_template(
        "{% extends \"base.html\" %}\n{% block body %}\n{{ \"{{\" }}\n{{ page.title\n }}\n<h1>{{ page.title | }}</h1>\n{% endblock %}\n",
    );
    let err = f.build_err();
    assert!(err.contains("error: templates/page.html:6:"), "{err}");
    assert!(!err.contains("never closed"), "{err}");
    assert_one_error(&err);
}
