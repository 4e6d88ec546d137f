//! Finding one's way in a large site: listing pages split by `paginate_by`,
//! the tags index and each tag's page and feed, and a page per person.
//! Built with the built-in theme, in real temp folders.

mod common;

use common::Fixture;

/// A site of the built-in theme with `n` pages in `explainers/`, numbered
/// so that their order by weight is their number.
fn site_with_pages(n: usize, paginate_by: Option<usize>) -> Fixture {
    let f = Fixture::bare();
    f.write("site.yaml", "title: T\nbase_url: https://news.example\n");
    f.write("content/_index.md", "---\ntitle: Home\n---\n");
    let per = paginate_by.map_or(String::new(), |n| format!("paginate_by: {n}\n"));
    f.write(
        "content/explainers/_index.md",
        &format!("---\ntitle: Explainers\n{per}---\n"),
    );
    for i in 1..=n {
        f.write(
            &format!("content/explainers/p{i:03}.md"),
            &format!("---\ntitle: Page {i}\nweight: {i}\n---\nBody {i}.\n"),
        );
    }
    f
}

/// The `href`s of the links with `rel="prev"` or `rel="next"` (`<a>` or `<link>`).
fn rel_links(html: &str, rel: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in html
        .split('<')
        .filter(|t| t.starts_with("a ") || t.starts_with("link "))
    {
        let tag = tag.split('>').next().unwrap_or("");
        if tag.contains(&format!("rel=\"{rel}\"")) {
            let href = tag.split("href=\"").nth(1).and_then(|h| h.split('"').next());
            out.extend(href.map(str::to_string));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The card titles a listing page shows, in order.
fn card_titles(html: &str) -> Vec<String> {
    html.split("class=\"card__title\"><a href=\"")
        .skip(1)
        .filter_map(|s| s.split('>').nth(1)?.split('<').next().map(str::to_string))
        .collect()
}

#[test]
fn a_section_of_120_pages_by_50_has_three_listing_pages() {
    let f = site_with_pages(120, Some(50));
    f.build_ok();
    let one = f.read("public/explainers/index.html");
    let two = f.read("public/explainers/page/2/index.html");
    let three = f.read("public/explainers/page/3/index.html");
    assert!(!f.exists("public/explainers/page/4/index.html"));
    // Page 1 is the section's URL; there is no page/1/.
    assert!(!f.exists("public/explainers/page/1/index.html"));
    let titles = |html: &str| card_titles(html);
    assert_eq!(titles(&one).len(), 50);
    assert_eq!(titles(&one)[0], "Page 1");
    assert_eq!(titles(&two)[0], "Page 51");
    assert_eq!(
        titles(&three),
        (101..=120).map(|i| format!("Page {i}")).collect::<Vec<_>>()
    );
    // rel="prev"/"next" in the head and on the navigation's links.
    assert_eq!(rel_links(&one, "prev"), Vec::<String>::new());
    assert_eq!(rel_links(&one, "next"), ["/explainers/page/2/"]);
    assert_eq!(rel_links(&two, "prev"), ["/explainers/"]);
    assert_eq!(rel_links(&two, "next"), ["/explainers/page/3/"]);
    assert_eq!(rel_links(&three, "next"), Vec::<String>::new());
    assert!(two.contains("<link rel=\"prev\" href=\"/explainers/\">"), "{two}");
    // The numbered navigation marks the current page.
    assert!(
        two.contains("<nav class=\"pagination\" aria-label=\"Pagination\">"),
        "{two}"
    );
    assert!(
        two.contains("<a class=\"pagination__number\" href=\"/explainers/page/2/\" aria-current=\"page\">"),
        "{two}"
    );
    // Numbers run on across listing pages.
    assert!(two.contains("start=\"51\""), "{two}");
    // Every listing page is in the sitemap.
    let sitemap = f.read("public/sitemap.xml");
    for url in ["/explainers/", "/explainers/page/2/", "/explainers/page/3/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://news.example{url}</loc>")),
            "{url}"
        );
    }
    assert!(!sitemap.contains("page/1/"));
}

#[test]
fn the_site_default_applies_and_a_small_section_has_no_navigation() {
    // site.yaml's paginate_by, and 0 in a section means that default.
    let f = site_with_pages(7, Some(0));
    f.write(
        "site.yaml",
        "title: T\nbase_url: https://news.example\npaginate_by: 3\n",
    );
    f.build_ok();
    assert!(f.exists("public/explainers/page/3/index.html"));
    assert!(!f.exists("public/explainers/page/4/index.html"));
    assert_eq!(card_titles(&f.read("public/explainers/page/3/index.html")), ["Page 7"]);
    // 50 by default: seven pages fit on one.
    let g = site_with_pages(7, None);
    g.build_ok();
    let html = g.read("public/explainers/index.html");
    assert_eq!(card_titles(&html).len(), 7);
    assert!(!html.contains("aria-label=\"Pagination\""));
    assert!(!g.exists("public/explainers/page/2/index.html"));
}

#[test]
fn the_numbered_navigation_stays_short() {
    let f = site_with_pages(60, Some(2));
    f.build_ok();
    let html = f.read("public/explainers/page/15/index.html");
    let numbers = html.matches("class=\"pagination__number\"").count();
    // 1 … 13 14 15 16 17 … 30
    assert_eq!(numbers, 7, "{html}");
    assert_eq!(html.matches("class=\"pagination__gap\"").count(), 2);
}

fn tagged_site() -> Fixture {
    let f = Fixture::bare();
    f.write(
        "site.yaml",
        "title: T\nbase_url: https://news.example\npeople:\n  - id: ann\n    name: Ann Smith\n    role: Minister.\n  - id: bob\n    name: Bob Jones\n    role: Union leader.\n",
    );
    f.write("content/_index.md", "---\ntitle: Home\n---\n");
    f.write(
        "content/a.md",
        "---\ntitle: Alpha\ndate: 2024-01-02\ntags: [Pay, NHS]\npositions:\n  - who: ann\n    says: Pay is *fair*.\n---\nA.\n",
    );
    f.write(
        "content/b.md",
        "---\ntitle: Beta\ndate: 2024-03-04\ntags: [pay]\npeople: [ann]\n---\nB.\n",
    );
    f.write("content/c.md", "---\ntitle: Gamma\ntags: [strikes]\n---\nC.\n");
    f.write(
        "content/timeline/late.md",
        "---\ntitle: Late talks\ndate: 2024-05-01\nactors: [ann, bob]\ntags: [pay]\n---\nLate.\n",
    );
    f.write(
        "content/timeline/early.md",
        "---\ntitle: Early strike\ndate: 2023-02-01\nactors: [ann]\n---\nEarly.\n",
    );
    f
}

#[test]
fn the_tags_index_counts_and_each_tag_lists_its_pages_and_events() {
    let f = tagged_site();
    f.build_ok();
    let index = f.read("public/tags/index.html");
    // One tag for `Pay` and `pay`, spelled as first met (a.md before b.md).
    assert!(index.contains("<a href=\"/tags/pay/\">Pay</a>"), "{index}");
    assert!(!index.contains(">pay</a>"), "{index}");
    let pay_item = index.split("/tags/pay/").nth(1).unwrap();
    let pay_item = pay_item.split("</li>").next().unwrap();
    assert!(
        pay_item.contains("2 pages") && pay_item.contains("1 event"),
        "{pay_item}"
    );
    assert!(index.contains("<a href=\"/tags/nhs/\">NHS</a>"), "{index}");
    let pay = f.read("public/tags/pay/index.html");
    // Newest first.
    assert_eq!(card_titles(&pay), ["Beta", "Alpha"]);
    assert!(pay.contains("Late talks"), "{pay}");
    assert!(!pay.contains("Early strike"));
    assert_eq!(card_titles(&f.read("public/tags/strikes/index.html")), ["Gamma"]);
    // Pages show their tags as links, as they spell them.
    let b = f.read("public/b/index.html");
    assert!(b.contains("<a class=\"tag\" href=\"/tags/pay/\">pay</a>"), "{b}");
    // Tag pages are in the sitemap.
    let sitemap = f.read("public/sitemap.xml");
    for url in ["/tags/", "/tags/pay/", "/tags/nhs/", "/tags/strikes/", "/people/ann/"] {
        assert!(
            sitemap.contains(&format!("<loc>https://news.example{url}</loc>")),
            "{url}"
        );
    }
}

#[test]
fn each_tag_feed_is_atom_with_that_tags_pages() {
    let f = tagged_site();
    f.build_ok();
    let xml = f.read("public/tags/pay/atom.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let atom = "http://www.w3.org/2005/Atom";
    let root = doc.root_element();
    assert!(root.has_tag_name((atom, "feed")));
    fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
        n.children()
            .find(|c| c.has_tag_name(("http://www.w3.org/2005/Atom", name)))
            .unwrap_or_else(|| panic!("no <{name}>"))
    }
    assert_eq!(child(root, "id").text(), Some("https://news.example/tags/pay/"));
    assert!(child(root, "title").text().unwrap().starts_with("Pay"));
    assert_eq!(child(root, "updated").text(), Some("2024-03-04T00:00:00Z"));
    let self_link = root
        .children()
        .find(|c| c.has_tag_name((atom, "link")) && c.attribute("rel") == Some("self"))
        .unwrap();
    assert_eq!(
        self_link.attribute("href"),
        Some("https://news.example/tags/pay/atom.xml")
    );
    let entries: Vec<_> = root.children().filter(|c| c.has_tag_name((atom, "entry"))).collect();
    let titles: Vec<_> = entries.iter().map(|e| child(*e, "title").text().unwrap()).collect();
    assert_eq!(titles, ["Beta", "Alpha"]);
    for e in &entries {
        for required in ["id", "title", "updated", "link"] {
            child(*e, required);
        }
    }
    // The tag page names its feed.
    let page = f.read("public/tags/pay/index.html");
    assert!(page.contains("href=\"/tags/pay/atom.xml\""), "{page}");
}

#[test]
fn a_tag_with_many_pages_is_paginated() {
    let f = Fixture::bare();
    f.write("site.yaml", "title: T\npaginate_by: 4\n");
    for i in 1..=9 {
        f.write(
            &format!("content/p{i}.md"),
            &format!("---\ntitle: P{i}\ntags: [x]\n---\n"),
        );
    }
    f.build_ok();
    assert_eq!(card_titles(&f.read("public/tags/x/index.html")).len(), 4);
    assert_eq!(card_titles(&f.read("public/tags/x/page/3/index.html")), ["P9"]);
    assert!(!f.exists("public/tags/x/page/4/index.html"));
    // The home page lists them 4 at a time too.
    assert!(f.exists("public/page/3/index.html"));
    assert!(!f.exists("public/page/4/index.html"));
}

#[test]
fn a_person_page_lists_their_positions_and_events_in_timeline_order() {
    let f = tagged_site();
    f.build_ok();
    let ann = f.read("public/people/ann/index.html");
    assert!(ann.contains("<h1 class=\"article__title\">Ann Smith</h1>"), "{ann}");
    assert!(ann.contains("Minister."));
    assert!(ann.contains("Pay is <em>fair</em>."), "{ann}");
    assert!(ann.contains("href=\"/a/#positions\""), "{ann}");
    let early = ann.find("Early strike").expect("early event");
    let late = ann.find("Late talks").expect("late event");
    assert!(early < late, "not in timeline order");
    // b.md lists her in its who's who.
    assert!(ann.contains("href=\"/b/\""), "{ann}");
    let bob = f.read("public/people/bob/index.html");
    assert!(bob.contains("Late talks") && !bob.contains("Early strike"), "{bob}");
    // Pages link names to people pages.
    assert!(
        f.read("public/a/index.html")
            .contains("<a href=\"/people/ann/\">Ann Smith</a>")
    );
    assert!(
        f.read("public/b/index.html")
            .contains("<a href=\"/people/ann/\">Ann Smith</a>")
    );
}

#[test]
fn people_whose_ids_share_a_slug_are_an_error() {
    let f = Fixture::bare();
    f.write(
        "site.yaml",
        "title: T\npeople:\n  - id: bma\n    name: A\n    role: x\n  - id: BMA\n    name: B\n    role: y\n",
    );
    f.write("content/_index.md", "---\ntitle: Home\n---\n");
    let err = f.build_err();
    assert!(err.contains("would share the page /people/bma/"), "{err}");
}

#[test]
fn wes_streeting_page_on_the_shipped_site_lists_his_events_in_order() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let opts = dossier::BuildOptions {
        output: Some(out.path().join("public")),
        force: true,
        ..dossier::BuildOptions::new(repo)
    };
    dossier::build(&opts).unwrap();
    let html = std::fs::read_to_string(out.path().join("public/people/streeting/index.html")).unwrap();
    let events = html.split("id=\"person-events\"").nth(1).expect("an events section");
    let events = events.split("</section>").next().unwrap();
    let titles: Vec<&str> = events
        .split("class=\"mini-timeline__title\"><a href=\"")
        .skip(1)
        .filter_map(|s| s.split('>').nth(1)?.split('<').next())
        .collect();
    // The events naming `streeting` in `actors:`, as the timeline orders them.
    assert_eq!(
        titles,
        [
            "Wes Streeting becomes Health Secretary",
            "Streeting meets the BMA junior doctors committee"
        ]
    );
    let whos_who = std::fs::read_to_string(out.path().join("public/explainers/whos-who/index.html")).unwrap();
    assert!(whos_who.contains("<a href=\"/people/streeting/\">Wes Streeting</a>"));
}

/// What a rebuild after editing `rel` to `text` rendered.
fn rebuild_after(project: &mut dossier::project::Project, f: &Fixture, rel: &str, text: &str) -> Vec<String> {
    f.write(rel, text);
    let report = project.rebuild(&[f.path(rel)]).unwrap();
    report.rendered
}

#[test]
fn edits_re_render_the_tag_and_people_pages_that_show_them() {
    let f = tagged_site();
    let root = dossier::site_root(f.root()).unwrap();
    let out = root.join("served");
    let mut project = dossier::project::Project::new(dossier::BuildOptions::new(&root), root.clone(), out);
    project.rebuild(&[]).unwrap();
    // A tag added to a page: the index, the tag's page and its feed.
    let rendered = rebuild_after(
        &mut project,
        &f,
        "content/c.md",
        "---\ntitle: Gamma\ntags: [strikes, NHS]\n---\nC.\n",
    );
    for path in [
        "tags/index.html",
        "tags/nhs/index.html",
        "tags/nhs/atom.xml",
        "c/index.html",
    ] {
        assert!(rendered.contains(&path.to_string()), "{path} not in {rendered:?}");
    }
    assert!(!rendered.contains(&"tags/pay/index.html".to_string()), "{rendered:?}");
    assert!(!rendered.contains(&"people/ann/index.html".to_string()), "{rendered:?}");
    // A page retitled: the tag pages listing it, not the others.
    let rendered = rebuild_after(
        &mut project,
        &f,
        "content/b.md",
        "---\ntitle: Beta two\ndate: 2024-03-04\ntags: [pay]\npeople: [ann]\n---\nB.\n",
    );
    for path in ["tags/pay/index.html", "tags/pay/atom.xml", "people/ann/index.html"] {
        assert!(rendered.contains(&path.to_string()), "{path} not in {rendered:?}");
    }
    assert!(
        !rendered.contains(&"tags/strikes/index.html".to_string()),
        "{rendered:?}"
    );
    assert!(!rendered.contains(&"people/bob/index.html".to_string()), "{rendered:?}");
    assert!(f.read("served/tags/pay/index.html").contains("Beta two"));
    // An event re-dated: the pages of its actors, now in the new order.
    let rendered = rebuild_after(
        &mut project,
        &f,
        "content/timeline/late.md",
        "---\ntitle: Late talks\ndate: 2022-05-01\nactors: [ann, bob]\ntags: [pay]\n---\nLate.\n",
    );
    for path in ["people/ann/index.html", "people/bob/index.html", "tags/pay/index.html"] {
        assert!(rendered.contains(&path.to_string()), "{path} not in {rendered:?}");
    }
    let ann = f.read("served/people/ann/index.html");
    assert!(ann.find("Late talks").unwrap() < ann.find("Early strike").unwrap());
}

#[test]
fn a_page_where_a_person_page_goes_is_an_error_not_an_overwrite() {
    let f = tagged_site();
    f.write("content/people/ann.md", "---\ntitle: Ann's own page\n---\nHi.\n");
    let err = f.build_err();
    assert!(err.contains("content/people/ann.md"), "{err}");
    assert!(err.contains("as would the page of `ann`"), "{err}");
    // `serve` and `build --watch` say so too.
    let root = dossier::site_root(f.root()).unwrap();
    let mut project =
        dossier::project::Project::new(dossier::BuildOptions::new(&root), root.clone(), root.join("served"));
    let err = project.rebuild(&[]).expect_err("the clash is an error").to_string();
    assert!(err.contains("content/people/ann.md"), "{err}");
    // Added while serving: an error as well.
    f.remove("content/people/ann.md");
    project.rebuild(&[]).unwrap();
    f.write("content/people/ann.md", "---\ntitle: Ann's own page\n---\nHi.\n");
    assert!(project.rebuild(&[f.path("content/people/ann.md")]).is_err());
}
