//! The explainer that ships in content/ builds cleanly, and its timeline shows
//! every dated fact of the fact sheet at exactly the precision given there.

use std::path::Path;
use std::process::Command;

fn build_shipped() -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let o = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--output"])
        .arg(&site)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "the shipped site failed to build:\n{stderr}");
    assert!(stderr.is_empty(), "the shipped site built with warnings:\n{stderr}");
    (out, String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn the_shipped_site_builds_without_warnings() {
    let (out, stdout) = build_shipped();
    assert!(stdout.contains("pages,"), "{stdout}");
    let site = out.path().join("site");
    for f in [
        "index.html",
        "404.html",
        "timeline/index.html",
        "timeline.json",
        "timeline.ics",
        "atom.xml",
        "sitemap.xml",
    ] {
        assert!(site.join(f).is_file(), "{f} missing");
    }
    let check = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["check", "--root", env!("CARGO_MANIFEST_DIR")])
        .output()
        .unwrap();
    assert!(
        check.status.success() && check.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

/// (start, end) of every event, as written: from the timeline page's
/// JSON-LD, which keeps each date at its precision. (`timeline.json`'s
/// `start_date` is where TimelineJS places a slide, which for an event
/// placed by `after:` is just after the event before it.)
fn event_dates(site: &Path) -> Vec<(String, Option<String>)> {
    let html = std::fs::read_to_string(site.join("timeline/index.html")).unwrap();
    let start = html.find("<script type=\"application/ld+json\">").unwrap();
    let json = &html[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    let ld: serde_json::Value = serde_json::from_str(json).unwrap();
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    ld["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (text(&i["item"]["startDate"]).unwrap(), text(&i["item"]["endDate"])))
        .collect()
}

#[test]
fn the_timeline_has_every_dated_fact_at_its_precision() {
    let (out, _) = build_shipped();
    let dates = event_dates(&out.path().join("site"));
    // From ../shared/seed/FACTS.md: A1 2022 (year), A2 December 2022 (month),
    // O3 March 2023 (month), O4 Scotland 2023 and Wales 2024 (years),
    // O2 27 June - 2 July 2024, O1 4 and 5 July 2024, A7 July 2024 (month).
    for (start, end) in [
        ("2022", None),
        ("2022-12", None),
        ("2023-03", None),
        ("2023", None),
        ("2024", None),
        ("2024-06-27", Some("2024-07-02")),
        ("2024-07-04", None),
        ("2024-07-05", None),
        ("2024-07", None),
    ] {
        assert!(
            dates
                .iter()
                .any(|(s, e)| s == start && (end.is_none() || e.as_deref() == end)),
            "no event dated {start} {end:?} in {dates:?}"
        );
    }
    // No invented days: every event date is one of the dates the facts give.
    let allowed = [
        "2022",
        "2022-12",
        "2023-03",
        "2023",
        "2024",
        "2024-06-27",
        "2024-07-02",
        "2024-07-04",
        "2024-07-05",
        "2024-07",
    ];
    for (s, e) in &dates {
        assert!(allowed.contains(&s.as_str()), "date {s} is not in the fact sheet");
        if let Some(e) = e {
            assert!(allowed.contains(&e.as_str()), "end date {e} is not in the fact sheet");
        }
    }
}

/// The July 2024 events in the order the source tells them.
const JULY: [&str; 5] = [
    "Labour wins the general election",
    "Wes Streeting becomes Health Secretary",
    "Reports of a three-week window for a deal",
    "Streeting meets the BMA junior doctors committee",
    "BMA says no more strikes planned for now",
];

/// Do the `titles` appear in `html` in this order?
fn in_order(html: &str, titles: &[&str]) -> bool {
    let at: Vec<Option<usize>> = titles.iter().map(|t| html.find(&format!(">{t}<"))).collect();
    at.iter().all(Option::is_some) && at.windows(2).all(|w| w[0] < w[1])
}

#[test]
fn the_july_2024_events_are_in_the_sources_order_everywhere() {
    let (out, _) = build_shipped();
    let site = out.path().join("site");
    let read = |f: &str| std::fs::read_to_string(site.join(f)).unwrap();
    assert!(in_order(&read("timeline/index.html"), &JULY), "timeline page");
    // The page on what happens next shows all five in its "In the timeline" box.
    assert!(in_order(&read("explainers/what-next/index.html"), &JULY), "what-next");
    // The home page's latest developments: newest first, the talks' aftermath on top.
    let home = read("index.html");
    let latest = &home[home.find("Latest developments").unwrap()..];
    assert!(in_order(latest, &[JULY[4], JULY[3], JULY[2]]), "home page");
    let json: serde_json::Value = serde_json::from_str(&read("timeline.json")).unwrap();
    let titles: Vec<&str> = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"]["headline"].as_str().unwrap())
        .collect();
    assert_eq!(titles[titles.len() - 5..], JULY, "timeline.json");
}

#[test]
fn the_feeds_state_no_day_the_content_does_not_give() {
    let (out, _) = build_shipped();
    let site = out.path().join("site");
    let sitemap = std::fs::read_to_string(site.join("sitemap.xml")).unwrap();
    // Every page is dated to the month: no lastmod at all.
    assert!(!sitemap.contains("<lastmod>"), "{sitemap}");
    let atom = std::fs::read_to_string(site.join("atom.xml")).unwrap();
    assert!(!atom.contains("2024-07-01"), "{atom}");
    // The feed's time is the latest day the content gives: 5 July 2024.
    assert!(atom.contains("<updated>2024-07-05T00:00:00Z</updated>"), "{atom}");
    let home = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(
        home.contains("As of <time datetime=\"2024-07\">July 2024</time>"),
        "as of"
    );
}
