//! `dossier new` and `dossier check`, as an author uses them: new pages are
//! drafts that build as they are, with nothing fake to publish; events need
//! their date; `new` outside a site does nothing; `check` lists what is
//! still unfinished.

mod common;
use common::Fixture;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn page(title: &str, weight: i64) -> String {
    format!("---\ntitle: {title}\nweight: {weight}\n---\nText.\n")
}

/// A site whose explainers section has pages weighted 30 and 5, and a draft weighted 40.
fn site() -> Fixture {
    let f = Fixture::new();
    f.write(
        "site.yaml",
        "title: Test\nsources:\n  - id: real-source\n    title: A real report\n",
    );
    f.write("content/explainers/_index.md", "---\ntitle: Explainers\n---\n");
    f.write("content/explainers/cost.md", &page("Cost", 30));
    f.write("content/explainers/why.md", &page("Why", 5));
    f.write(
        "content/explainers/later.md",
        "---\ntitle: Later\nweight: 40\ndraft: true\n---\n",
    );
    f
}

/// Removes the `draft: true` line, as the author would to publish the page.
fn publish(f: &Fixture, rel: &str) {
    let text = f.read(rel);
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("draft: true")).collect();
    assert_ne!(kept.len(), text.lines().count(), "no draft line in:\n{text}");
    f.write(rel, &(kept.join("\n") + "\n"));
}

#[test]
fn a_new_explainer_builds_and_is_published_only_when_the_author_says() {
    let f = site();
    let o = f.run(&["new", "explainer", "Who pays \"the\" bill?"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rel = "content/explainers/who-pays-the-bill.md";
    let text = f.read(rel);
    // Nothing fake to publish: no figures, no sources, only comments showing them.
    for line in text.lines() {
        assert!(
            !line.starts_with("key_figures") && !line.starts_with("sources") && !line.starts_with("summary"),
            "{text}"
        );
    }
    assert!(!text.contains("example-source"), "{text}");
    assert!(
        text.contains("\n# key_figures: ") && text.contains("\n# sources: "),
        "{text}"
    );

    // It builds as it is, and is not published.
    let out = f.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(!f.exists("public/explainers/who-pays-the-bill/index.html"));
    assert!(!f.read("public/explainers/index.html").contains("who-pays"));

    // Once the author removes `draft: true`, it is, with no figures or sources.
    publish(&f, rel);
    f.build_ok();
    let html = f.read("public/explainers/who-pays-the-bill/index.html");
    assert!(html.contains("<h1>Who pays &quot;the&quot; bill?</h1>"), "{html}");
    assert!(html.contains("<ol class=\"figures\"></ol>"), "{html}");
    assert!(html.contains("<ol class=\"sources\"></ol>"), "{html}");
}

#[test]
fn a_new_page_comes_after_its_sections_pages() {
    let f = site();
    assert!(f.run(&["new", "explainer", "Who pays?"]).status.success());
    // After the highest weight, the draft's 40 included.
    let text = f.read("content/explainers/who-pays.md");
    assert!(text.contains("\nweight: 50 "), "{text}");
    publish(&f, "content/explainers/who-pays.md");
    f.build_ok();
    let listing = f.read("public/explainers/index.html");
    let (cost, new) = (listing.find("Cost").unwrap(), listing.find("Who pays?").unwrap());
    assert!(cost < new, "{listing}");

    // `new page` takes any section, and a path; an empty section starts at 10.
    let o = f.run(&["new", "page", "news/pay offer"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = f.read("content/news/pay-offer.md");
    assert!(
        text.contains("title: \"Pay offer\"\n") && text.contains("\nweight: 10 "),
        "{text}"
    );
    let o = f.run(&["new", "page", "explainers/Strike dates"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(f.read("content/explainers/strike-dates.md").contains("\nweight: 60 "));
    f.build_ok();
}

#[test]
fn a_new_event_needs_its_date_and_never_gets_today() {
    let f = site();
    let o = f.run(&["new", "event", "Talks begin"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("pass --date with the precision you know"),
        "{}",
        stderr(&o)
    );
    assert!(!f.exists("content/timeline"));

    let o = f.run(&["new", "event", "Talks begin", "--date", "2024-13"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!f.exists("content/timeline"));

    let o = f.run(&["new", "event", "Talks begin", "--date", "2024-07"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = f.read("content/timeline/talks-begin.md");
    assert!(text.contains("\ndate: 2024-07 "), "{text}");
    f.build_ok();
    let timeline = f.read("public/timeline/index.html");
    assert!(timeline.contains("July 2024</time> Talks begin"), "{timeline}");
}

#[test]
fn new_outside_a_site_creates_nothing() {
    let f = Fixture::new();
    let empty = f.dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for args in [
        &["new", "explainer", "Who pays?"][..],
        &["new", "page", "news/pay offer"],
        &["new", "event", "Talks", "--date", "2024"],
    ] {
        let o = f.run(&[args, &["--root", empty.to_str().unwrap()]].concat());
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("is not a site"), "{}", stderr(&o));
        assert!(stderr(&o).contains("dossier init"), "{}", stderr(&o));
        assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0);
    }
}

#[test]
fn check_lists_drafts_and_placeholders_and_build_does_not() {
    let f = site();
    assert!(f.run(&["new", "explainer", "Who pays?"]).status.success());
    let o = f.run(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: content/explainers/who-pays.md: still a draft (remove `draft: true` to publish it)\n"),
        "{err}"
    );
    assert!(
        err.contains("warning: content/explainers/later.md: still a draft"),
        "{err}"
    );
    assert!(
        err.contains("warning: content/explainers/who-pays.md:22: placeholder still to replace: TODO: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 3, "{err}");
    let build = f.run(&["build"]);
    assert!(build.status.success());
    assert_eq!(stderr(&build), "");

    // Published and written: nothing left.
    publish(&f, "content/explainers/who-pays.md");
    publish(&f, "content/explainers/later.md");
    let text = f.read("content/explainers/who-pays.md");
    let text = text.replace(
        text.lines().find(|l| l.starts_with("TODO:")).unwrap(),
        "Everyone, in the end.",
    );
    f.write("content/explainers/who-pays.md", &text);
    let o = f.run(&["check"]);
    assert!(o.status.success());
    assert_eq!(stderr(&o), "");
}
