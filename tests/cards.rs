//! Share cards: every page names an image for link previews (`og:image`),
//! pages of a section with `cards: true` get one drawn, a page's `image:`
//! replaces it, and cards are cached beside the output by what they show.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

use common::Fixture;

fn site(base_url: &str) -> Fixture {
    let f = Fixture::bare();
    f.write(
        "site.yaml",
        &format!(
            "title: The Pay Dispute\nbase_url: {base_url}\ntimeline:\n  categories:\n    - id: talks\n      label: Talks\n      colour: \"#1e6bb3\"\n"
        ),
    );
    f.write(
        "content/explainers/_index.md",
        "---\ntitle: Explainers\ncards: true\n---\n",
    );
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Why are doctors striking?\nevents:\n  - title: Talks\n    date: 2024-07\n    category: talks\n---\nBody.\n",
    );
    f.write(
        "content/explainers/other.md",
        "---\ntitle: Something & else\n---\nBody.\n",
    );
    f.write(
        "content/explainers/chart/index.md",
        "---\ntitle: The chart\nimage: chart.png\nimage_alt: Pay since 2008\n---\nBody.\n",
    );
    f.write_bytes("content/explainers/chart/chart.png", b"not really a png");
    f.write("content/notes/_index.md", "---\ntitle: Notes\n---\n");
    f.write("content/notes/n.md", "---\ntitle: A note\n---\nBody.\n");
    f.write(
        "content/notes/own.md",
        "---\ntitle: Own image\nimage: /img/x.png\n---\nBody.\n",
    );
    f
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    assert_eq!(&png[12..16], b"IHDR");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

fn meta(html: &str, property: &str) -> String {
    let key = format!("property=\"{property}\" content=\"");
    let key = if html.contains(&key) {
        key
    } else {
        format!("name=\"{property}\" content=\"")
    };
    let at = html.find(&key).unwrap_or_else(|| panic!("no {property} in\n{html}")) + key.len();
    html[at..at + html[at..].find('"').unwrap()].to_string()
}

#[test]
fn pages_of_a_section_with_cards_get_their_own() {
    let f = site("https://news.example");
    f.build_ok();
    let html = f.read("public/explainers/pay/index.html");
    assert_eq!(meta(&html, "og:image"), "https://news.example/explainers/pay/card.png");
    assert_eq!(meta(&html, "og:image:alt"), "Why are doctors striking?");
    assert_eq!(meta(&html, "og:image:width"), "1200");
    assert_eq!(meta(&html, "og:image:height"), "630");
    assert_eq!(meta(&html, "twitter:card"), "summary_large_image");
    assert_eq!(
        meta(&html, "twitter:image"),
        "https://news.example/explainers/pay/card.png"
    );
    let card = std::fs::read(f.path("public/explainers/pay/card.png")).unwrap();
    assert_eq!(png_size(&card), (1200, 630));
    let other = std::fs::read(f.path("public/explainers/other/card.png")).unwrap();
    assert_ne!(card, other, "another title, another card");
}

#[test]
fn other_pages_sections_and_home_show_the_site_card() {
    let f = site("https://news.example");
    f.build_ok();
    assert_eq!(
        png_size(&std::fs::read(f.path("public/card.png")).unwrap()),
        (1200, 630)
    );
    for page in [
        "notes/n/index.html",
        "notes/index.html",
        "index.html",
        "explainers/index.html",
        "timeline/index.html",
    ] {
        let html = f.read(&format!("public/{page}"));
        assert_eq!(meta(&html, "og:image"), "https://news.example/card.png", "{page}");
        assert_eq!(meta(&html, "og:image:alt"), "The Pay Dispute", "{page}");
    }
    assert!(!f.exists("public/notes/n/card.png"));
}

#[test]
fn a_page_image_replaces_the_card() {
    let f = site("https://news.example");
    f.build_ok();
    let html = f.read("public/explainers/chart/index.html");
    assert_eq!(
        meta(&html, "og:image"),
        "https://news.example/explainers/chart/chart.png"
    );
    assert_eq!(meta(&html, "og:image:alt"), "Pay since 2008");
    assert!(!html.contains("og:image:width"), "{html}");
    assert!(!f.exists("public/explainers/chart/card.png"));
    let html = f.read("public/notes/own/index.html");
    assert_eq!(meta(&html, "og:image"), "https://news.example/img/x.png");
    assert_eq!(meta(&html, "og:image:alt"), "Own image");
}

#[test]
fn an_image_that_is_not_in_the_bundle_is_an_error_at_its_line() {
    let f = site("https://news.example");
    f.write(
        "content/explainers/chart/index.md",
        "---\ntitle: The chart\nimage: chrat.png\n---\nBody.\n",
    );
    let err = f.build_err();
    assert!(err.contains("content/explainers/chart/index.md:3:8"), "{err}");
    assert!(err.contains("`chrat.png` is not a file of this page's bundle"), "{err}");
}

#[test]
fn the_article_json_ld_names_the_image() {
    let f = site("https://news.example");
    f.build_ok();
    let html = f.read("public/explainers/pay/index.html");
    assert!(
        html.contains("\"image\":\"https://news.example/explainers/pay/card.png\""),
        "{html}"
    );
}

#[test]
fn card_urls_are_under_a_sub_path_base_url() {
    let f = site("https://org.github.io/dispute");
    f.build_ok();
    let html = f.read("public/explainers/pay/index.html");
    assert_eq!(
        meta(&html, "og:image"),
        "https://org.github.io/dispute/explainers/pay/card.png"
    );
    let html = f.read("public/notes/n/index.html");
    assert_eq!(meta(&html, "og:image"), "https://org.github.io/dispute/card.png");
    let html = f.read("public/explainers/chart/index.html");
    assert_eq!(
        meta(&html, "og:image"),
        "https://org.github.io/dispute/explainers/chart/chart.png"
    );
}

fn cache(dir: &Path) -> BTreeMap<String, SystemTime> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect()
}

#[test]
fn check_draws_nothing() {
    let f = site("https://news.example");
    let out = f.run(&["check"]);
    assert!(out.status.success());
    assert!(!f.exists(".public.dossier-cards"));
}

#[test]
fn a_second_build_draws_nothing() {
    let f = site("https://news.example");
    f.build_ok();
    let dir = f.path(".public.dossier-cards");
    let first = cache(&dir);
    // The site card and the two drawn page cards.
    assert_eq!(first.len(), 3, "{first:?}");
    let out = f.run(&["build", "--force"]);
    assert!(out.status.success());
    assert_eq!(cache(&dir), first, "nothing drawn, nothing stored");
    // What the output gets is what the cache holds: put other bytes there.
    let card = std::fs::read(f.path("public/explainers/pay/card.png")).unwrap();
    let name = first
        .keys()
        .find(|n| std::fs::read(dir.join(n)).unwrap() == card)
        .expect("the card is in the cache");
    std::fs::write(dir.join(name), b"from the cache").unwrap();
    assert!(f.run(&["build", "--force"]).status.success());
    assert_eq!(f.read("public/explainers/pay/card.png"), "from the cache");
    // A new title is a new card; the cache keeps the last build's cards only.
    f.write(
        "content/explainers/pay.md",
        "---\ntitle: Why are doctors still striking?\n---\nBody.\n",
    );
    assert!(f.run(&["build", "--force"]).status.success());
    let now = cache(&dir);
    assert_eq!(now.len(), 3, "{now:?}");
    assert!(!now.contains_key(name), "the old card is gone");
    assert_eq!(
        png_size(&std::fs::read(f.path("public/explainers/pay/card.png")).unwrap()),
        (1200, 630)
    );
}
