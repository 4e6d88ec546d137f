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

/// (start, end) of every event, as written.
fn event_dates(site: &Path) -> Vec<(String, Option<String>)> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("timeline.json")).unwrap()).unwrap();
    let iso = |d: &serde_json::Value| {
        let mut s = format!("{:04}", d["year"].as_i64().unwrap());
        for part in ["month", "day"] {
            if let Some(n) = d[part].as_i64() {
                s.push_str(&format!("-{n:02}"));
            }
        }
        s
    };
    json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (iso(&e["start_date"]), e.get("end_date").map(iso)))
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
