//! The timeline: events from files and pages, their checks, the page, and the data files.

mod common;

use common::Fixture;

const CATEGORIES: &str = "title: T\nbase_url: https://t.example\npeople:\n  - id: bma\n    name: BMA\n    role: The union.\nsources:\n  - id: src\n    title: A report\n    publisher: Paper\ntimeline:\n  categories:\n    - id: strike\n      label: Strike\n      colour: \"#b3261e\"\n    - id: talks\n      label: Talks\n      colour: \"#1d4ed8\"\n";

fn site() -> Fixture {
    let f = Fixture::new();
    f.write("site.yaml", CATEGORIES);
    f.write("content/explainers/cost.md", "---\ntitle: Cost\nsources:\n  - id: src\nevents:\n  - title: Talks begin\n    date: 2024-07\n    category: talks\n    description: The *first* talks.\n---\nBody.\n");
    f.write("content/timeline/strike.md", "---\ntitle: 11th strike\ndate: 2024-06-27\nend: 2024-07-02\ncategory: strike\nactors: [bma]\nsources: [src]\nrelated: [\"@/explainers/cost.md\"]\n---\nFive days.\n");
    f.write(
        "content/timeline/start.md",
        "---\ntitle: Action begins\ndate: 2022\n---\n",
    );
    f.write(
        "content/timeline/dec.md",
        "---\ntitle: Cancellations counted\ndate: 2022-12\ncategory: strike\n---\n",
    );
    f.write(
        "content/timeline/election.md",
        "---\ntitle: Election\ndate: 2024-07-04\n---\n",
    );
    f
}

#[test]
fn the_timeline_page_groups_by_year_in_date_order() {
    let f = site();
    f.build_ok();
    let html = f.read("public/timeline/index.html");
    let order = [
        "<h2>2022</h2>",
        "Action begins",
        "Cancellations counted",
        "<h2>2024</h2>",
        "11th strike",
        "Talks begin",
        "Election",
    ];
    let pos: Vec<usize> = order
        .iter()
        .map(|s| html.find(s).unwrap_or_else(|| panic!("{s} missing:\n{html}")))
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "order {pos:?}:\n{html}");
    for needle in [
        "<time datetime=\"2022\">2022</time>",
        "<time datetime=\"2022-12\">December 2022</time>",
        "<time datetime=\"2024-06-27\">27 June 2024</time> – <time datetime=\"2024-07-02\">2 July 2024</time>",
        "<time datetime=\"2024-07\">July 2024</time>",
        "[Strike]",
        "<ol role=\"list\">",
    ] {
        assert!(html.contains(needle), "{needle} missing:\n{html}");
    }
    // The page lists the events related to it: its own and the one naming it.
    let cost = f.read("public/explainers/cost/index.html");
    assert!(
        cost.contains("27 June – 2 July 2024: 11th strike") && cost.contains("July 2024: Talks begin"),
        "{cost}"
    );
}

#[test]
fn timeline_json_parses_back_to_the_same_events() {
    let f = site();
    f.build_ok();
    let json: serde_json::Value = serde_json::from_str(&f.read("public/timeline.json")).unwrap();
    let events = json["events"].as_array().unwrap();
    assert_eq!(events.len(), 5);
    let strike = events.iter().find(|e| e["text"]["headline"] == "11th strike").unwrap();
    assert_eq!(
        strike["start_date"],
        serde_json::json!({"year": 2024, "month": 6, "day": 27})
    );
    assert_eq!(
        strike["end_date"],
        serde_json::json!({"year": 2024, "month": 7, "day": 2})
    );
    assert_eq!(strike["group"], "Strike");
    assert_eq!(strike["unique_id"], "event-2024-06-27-11th-strike");
    // Partial dates keep their precision: no invented month or day.
    let start = events
        .iter()
        .find(|e| e["text"]["headline"] == "Action begins")
        .unwrap();
    assert_eq!(start["start_date"], serde_json::json!({"year": 2022}));
    let talks = events.iter().find(|e| e["text"]["headline"] == "Talks begin").unwrap();
    assert_eq!(talks["start_date"], serde_json::json!({"year": 2024, "month": 7}));
    assert!(talks["text"]["text"].as_str().unwrap().contains("<em>first</em>"));
}

#[test]
fn timeline_ics_parses_back_with_day_precision_events_only() {
    let f = site();
    f.build_ok();
    let text = f.read("public/timeline.ics");
    assert!(text.lines().all(|l| l.len() <= 76), "lines are folded");
    let mut parser = ical::IcalParser::new(text.as_bytes());
    let cal = parser.next().expect("one calendar").expect("it parses");
    let get = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let summaries: Vec<String> = cal.events.iter().map(|e| get(e, "SUMMARY")).collect();
    assert_eq!(summaries, ["11th strike", "Election"]);
    let strike = &cal.events[0];
    assert_eq!(get(strike, "DTSTART"), "20240627");
    assert_eq!(get(strike, "DTEND"), "20240703", "DTEND is exclusive");
    assert_eq!(get(strike, "CATEGORIES"), "Strike");
    assert_eq!(get(strike, "UID"), "event-2024-06-27-11th-strike@t.example");
    assert_eq!(get(&cal.events[1], "DTEND"), "20240705");
}

#[test]
fn the_timeline_page_carries_json_ld() {
    let f = site();
    f.write(
        "themes/explainer/templates/timeline.html",
        "<script type=\"application/ld+json\">{{ timeline.json_ld | safe }}</script>",
    );
    f.build_ok();
    let html = f.read("public/timeline/index.html");
    let json = html
        .trim_start_matches("<script type=\"application/ld+json\">")
        .trim_end_matches("</script>");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["@type"], "ItemList");
    assert_eq!(v["itemListElement"].as_array().unwrap().len(), 5);
    assert_eq!(v["itemListElement"][2]["item"]["@type"], "Event");
    assert_eq!(v["itemListElement"][2]["item"]["startDate"], "2024-06-27");
    assert_eq!(v["itemListElement"][2]["item"]["endDate"], "2024-07-02");
}

#[test]
fn templates_can_ask_for_events() {
    let f = site();
    f.write(
        "templates/page.html",
        "{% for e in timeline_events(category=\"strike\") %}[{{ e.title }}]{% endfor %}|{% for e in timeline_events(related=\"@/explainers/cost.md\") %}[{{ e.title }}]{% endfor %}|{% for e in timeline_events(from=\"2024-07\", to=\"2024-07\") %}[{{ e.title }}]{% endfor %}|{% for e in timeline_events(actor=\"bma\") %}[{{ e.title }}{% if e.next %}->{{ e.next.title }}{% endif %}]{% endfor %}",
    );
    f.build_ok();
    let html = f.read("public/explainers/cost/index.html");
    assert_eq!(
        html,
        "[Cancellations counted][11th strike]|[11th strike][Talks begin]|[11th strike][Talks begin][Election]|[11th strike->Talks begin]"
    );
}

fn event_error(front: &str) -> String {
    let f = site();
    f.write("content/timeline/bad.md", &format!("---\n{front}---\n"));
    f.build_err()
}

#[test]
fn event_errors_name_file_line_and_say_what_to_do() {
    let err = event_error("title: X\ndate: 2024-01\ncategory: strik\n");
    assert!(
        err.contains("content/timeline/bad.md:4:11: unknown category `strik`")
            && err.contains("did you mean `strike`?"),
        "{err}"
    );
    let err = event_error("title: X\ndate: 2024-05\nend: 2024-04\n");
    assert!(
        err.contains("content/timeline/bad.md:4:6: the event ends (2024-04) before it starts (2024-05)"),
        "{err}"
    );
    let err = event_error("title: X\ndate: 2024\nsources: [nowhere]\n");
    assert!(
        err.contains("content/timeline/bad.md:4:") && err.contains("unknown source `nowhere`"),
        "{err}"
    );
    let err = event_error("title: X\ndate: 2024\nrelated: [\"@/explainers/nope.md\"]\n");
    assert!(
        err.contains("content/timeline/bad.md:4:")
            && err.contains("related page `@/explainers/nope.md` does not exist"),
        "{err}"
    );
    let err = event_error("title: X\ndate: 2024\nid: \"9 lives\"\n");
    assert!(
        err.contains("content/timeline/bad.md:4:6: `9 lives` cannot be an event id"),
        "{err}"
    );
    let err = event_error("title: X\ndate: 2023-02-29\n");
    assert!(
        err.contains("content/timeline/bad.md:3:7: `date`: February 2023 has no day 29"),
        "{err}"
    );
    let err = event_error("title: X\ndate: 24-01\n");
    assert!(
        err.contains("content/timeline/bad.md:3:7:") && err.contains("write YYYY, YYYY-MM or YYYY-MM-DD"),
        "{err}"
    );
}

#[test]
fn a_broken_link_in_a_page_event_description_names_its_line() {
    let f = site();
    f.write(
        "content/explainers/p.md",
        "---\ntitle: P\nevents:\n  - title: E\n    date: 2024\n    description: See [x](nope.md).\n---\n",
    );
    let err = f.build_err();
    assert!(
        err.contains("content/explainers/p.md:6:5: link to `nope.md`, which does not exist"),
        "{err}"
    );
}

#[test]
fn duplicate_event_ids_are_an_error() {
    let f = site();
    f.write("content/timeline/a.md", "---\ntitle: A\ndate: 2024\nid: same\n---\n");
    f.write("content/timeline/b.md", "---\ntitle: B\ndate: 2024\nid: same\n---\n");
    let err = f.build_err();
    assert!(
        err.contains("content/timeline/b.md:4:5: event id `same` is used twice"),
        "{err}"
    );
}

#[test]
fn derived_ids_are_unique() {
    let f = site();
    f.write(
        "content/timeline/again.md",
        "---\ntitle: Election\ndate: 2024-07-04\n---\n",
    );
    f.build_ok();
    let html = f.read("public/timeline/index.html");
    assert!(
        html.contains("id=\"event-2024-07-04-election\"") && html.contains("id=\"event-2024-07-04-election-2\""),
        "{html}"
    );
}

#[test]
fn dates_follow_the_site_language() {
    let f = site();
    f.write(
        "site.yaml",
        &CATEGORIES.replace("title: T\n", "title: T\nlanguage: en-US\n"),
    );
    f.build_ok();
    let html = f.read("public/timeline/index.html");
    assert!(
        html.contains("<time datetime=\"2024-06-27\">June 27, 2024</time>"),
        "{html}"
    );
    let cost = f.read("public/explainers/cost/index.html");
    assert!(cost.contains("June 27 – July 2, 2024: 11th strike"), "{cost}");
}

/// The shape of the July 2024 talks: days known for two events, only the
/// month for three, and the order the source gives.
fn july(after_window: &str, after_meeting: &str) -> Fixture {
    let f = site();
    f.write(
        "content/timeline/appointed.md",
        "---\ntitle: Appointed\ndate: 2024-07-05\nid: appointed\n---\n",
    );
    f.write(
        "content/timeline/a-window.md",
        &format!("---\ntitle: Window reported\ndate: 2024-07\nid: window\n{after_window}---\n"),
    );
    f.write(
        "content/timeline/b-meeting.md",
        &format!("---\ntitle: Meeting\ndate: 2024-07\nid: meeting\nafter: window\nlocation: The ministry, Westminster\n{after_meeting}---\n"),
    );
    f
}

#[test]
fn after_places_a_month_among_the_days_of_that_month() {
    let f = july("after: appointed\n", "");
    f.build_ok();
    let html = f.read("public/timeline/index.html");
    // "Talks begin" has no constraint: the 1st of its month, as before.
    let order = [
        "11th strike",
        "Talks begin",
        "Election",
        "Appointed",
        "Window reported",
        "Meeting",
    ];
    let at: Vec<usize> = order
        .iter()
        .map(|t| {
            html.find(&format!("</time> {t} ["))
                .unwrap_or_else(|| panic!("{t} missing"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "order {order:?} at {at:?}");
    // Dates stay at the precision written.
    assert!(html.contains("<time datetime=\"2024-07\">July 2024</time>"));
    // TimelineJS sorts by start_date: ours keep the same order, and readers
    // see display_date.
    let json: serde_json::Value = serde_json::from_str(&f.read("public/timeline.json")).unwrap();
    let events = json["events"].as_array().unwrap();
    let titles: Vec<&str> = events.iter().map(|e| e["text"]["headline"].as_str().unwrap()).collect();
    let pos = |t: &str| titles.iter().position(|x| *x == t).unwrap();
    assert!(pos("Appointed") < pos("Window reported") && pos("Window reported") < pos("Meeting"));
    let key = |e: &serde_json::Value| {
        let d = &e["start_date"];
        let n = |k: &str| d[k].as_i64().unwrap_or(0);
        (n("year"), n("month").max(1), n("day").max(1), n("millisecond"))
    };
    assert!(events.windows(2).all(|w| key(&w[0]) < key(&w[1])), "{titles:?}");
    let meeting = &events[pos("Meeting")];
    assert_eq!(meeting["display_date"], "July 2024");
    // The place reaches the template and JSON-LD, in the same order.
    f.write(
        "themes/explainer/templates/timeline.html",
        "{% for y in timeline.years %}{% for e in y.events %}[{{ e.title }}@{{ e.location }}]{% endfor %}{% endfor %}{{ timeline.json_ld | safe }}",
    );
    f.build_ok();
    let html = f.read("public/timeline/index.html");
    assert!(
        html.contains("[Window reported@][Meeting@The ministry, Westminster]"),
        "{html}"
    );
    let ld: serde_json::Value = serde_json::from_str(&html[html.find('{').unwrap()..]).unwrap();
    let items = ld["itemListElement"].as_array().unwrap();
    let meeting = &items[items.len() - 1]["item"];
    assert_eq!(meeting["name"], "Meeting");
    assert_eq!(meeting["startDate"], "2024-07");
    assert_eq!(meeting["location"]["@type"], "Place");
    assert_eq!(meeting["location"]["name"], "The ministry, Westminster");
}

#[test]
fn constraints_the_dates_contradict_or_that_loop_are_errors() {
    let f = july("after: meetng\n", "");
    let err = f.build_err();
    assert!(
        err.contains("content/timeline/a-window.md:5:8: `after: meetng` names no event")
            && err.contains("did you mean `meeting`?"),
        "{err}"
    );
    let f = july("before: strike-end\n", "");
    f.write(
        "content/timeline/strike.md",
        "---\ntitle: Old strike\ndate: 2024-06-27\nid: strike-end\n---\n",
    );
    let err = f.build_err();
    assert!(
        err.contains("content/timeline/a-window.md:5:9:")
            && err.contains("`window` (July 2024) cannot come before `strike-end` (27 June 2024)"),
        "{err}"
    );
    let f = july("after: meeting\n", "");
    let err = f.build_err();
    assert!(err.contains("go round in a loop: window, meeting"), "{err}");
    assert_eq!(err.matches("error:").count(), 1, "one mistake, one error:\n{err}");
}
