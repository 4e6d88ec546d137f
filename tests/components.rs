//! Shortcodes in Markdown: the theme's components (callout, pullquote,
//! person, figure_value, timeline), a site's own, and every mistake an
//! author can make in one, each with its file, line and column. Also the
//! check of links to anchors.

mod common;

use common::Fixture;

const SITE: &str = r##"title: T
base_url: https://t.example/sub/
sources:
  - id: paper
    title: The Paper
    url: https://paper.example/a
people:
  - id: streeting
    name: Wes Streeting
    role: Health Secretary
  - id: bma
    name: British Medical Association
    role: The doctors' union
    kind: organisation
timeline:
  categories:
    - id: strike
      label: Strike
      colour: "#b3261e"
    - id: talks
      label: Talks
      colour: "#1b5e20"
"##;

/// A site on the built-in theme with two strikes and a round of talks.
fn site(body: &str) -> Fixture {
    let f = Fixture::bare();
    f.write("site.yaml", SITE);
    f.write("content/explainers/_index.md", "---\ntitle: Explainers\n---\n");
    f.write(
        "content/explainers/pay.md",
        &format!("---\ntitle: Pay\nsources:\n  - id: paper\n---\n{body}"),
    );
    f.write(
        "content/explainers/other.md",
        "---\ntitle: Other\n---\n## The bill\n\nText.\n",
    );
    for (file, title, date, cat) in [
        ("a", "First strike", "2023-03", "strike"),
        ("b", "Talks", "2023-09-01", "talks"),
        ("c", "Eleventh strike", "2024-06-27", "strike"),
    ] {
        f.write(
            &format!("content/timeline/{file}.md"),
            &format!("---\ntitle: {title}\ndate: {date}\ncategory: {cat}\nactors: [bma]\n---\n"),
        );
    }
    f
}

fn page(f: &Fixture) -> String {
    f.read("public/explainers/pay/index.html")
}

#[test]
fn a_callout_is_an_aside_with_a_title_for_its_kind() {
    let f = site("Intro.\n\n{% callout(kind=\"unknown\") %}\nWe do not know **when**.\n{% end %}\n\nAfter.\n");
    f.build_ok();
    let html = page(&f);
    assert!(html.contains("<aside class=\"callout callout--unknown\""), "{html}");
    assert!(html.contains("What we don&#39;t know</p>"), "{html}");
    assert!(html.contains("<p>We do not know <strong>when</strong>.</p>"), "{html}");
    // Set apart from the paragraphs around it, not inside one.
    assert!(!html.contains("<p><aside"), "{html}");
    assert!(html.contains("<p>After.</p>"), "{html}");
    let f = site("{% callout(title=\"Careful\", kind=\"warning\") %}Mind this.{% end %}\n");
    f.build_ok();
    let html = page(&f);
    assert!(html.contains("callout--warning"), "{html}");
    assert!(html.contains(">Careful</p>"), "{html}");
}

#[test]
fn a_pullquote_names_its_person_with_a_link_and_cites_its_source() {
    let f = site("{% pullquote(person=\"streeting\", source=\"paper\") %}\na journey not an event\n{% end %}\n");
    f.build_ok();
    let html = page(&f);
    assert!(
        html.contains("<blockquote class=\"pullquote__quote\"><p>a journey not an event</p>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/sub/people/streeting/\">Wes Streeting</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"#source-1\" aria-label=\"Source 1\">[1]</a>"),
        "{html}"
    );
}

#[test]
fn person_and_figure_value_sit_inside_a_sentence() {
    let f = site(
        "Asked by {{ person(id=\"bma\") }}, {{ person(id=\"streeting\", name=\"Mr Streeting\") }} offered {{ figure_value(value=\"22%\", label=\"over two years\", source=\"paper\") }}.\n",
    );
    f.build_ok();
    let html = page(&f);
    assert!(
        html.contains("<p>Asked by <a class=\"person-link\" href=\"/sub/people/bma/\">British Medical Association</a>, <a class=\"person-link\" href=\"/sub/people/streeting/\">Mr Streeting</a> offered <span class=\"figure-value\"><strong class=\"figure-value__value\">22%</strong> <span class=\"figure-value__label\">over two years</span></span><sup class=\"citation\"><a href=\"#source-1\" aria-label=\"Source 1\">[1]</a></sup>.</p>"),
        "{html}"
    );
}

#[test]
fn an_inline_timeline_lists_the_events_asked_for_in_order() {
    let f = site(
        "{{ timeline(category=\"strike\", title=\"The strikes\") }}\n\n{{ timeline(from=\"2023-06\", to=\"2023\") }}\n",
    );
    f.build_ok();
    let html = page(&f);
    let (first, second) = html.split_once("inline-timeline__more").unwrap();
    let strikes = first.find("First strike").unwrap();
    assert!(first[strikes..].contains("Eleventh strike"), "{first}");
    assert!(!first.contains(">Talks<"), "{first}");
    assert!(first.contains("The strikes"), "{first}");
    assert!(second.contains(">Talks<") && !second.contains("strike</a>"), "{second}");
    assert!(html.contains("<a href=\"/sub/timeline/\">"), "{html}");
}

#[test]
fn a_site_adds_its_own_shortcodes_and_restyles_the_themes() {
    let f = site("{{ video(id=\"abc\", n=3, on=true, list=[1, \"b\"]) }}\n\n{% callout() %}Body{% end %}\n");
    f.write(
        "templates/shortcodes/video.html",
        "<div class=\"video\" data-id=\"{{ id }}\" data-n=\"{{ n + 1 }}\" data-on=\"{{ on }}\" data-len=\"{{ list | length }}\"></div>\n",
    );
    f.write(
        "templates/shortcodes/callout.html",
        "<div class=\"mine {{ kind }}\">{{ body | safe }}</div>",
    );
    f.build_ok();
    let html = page(&f);
    assert!(
        html.contains("<div class=\"video\" data-id=\"abc\" data-n=\"4\" data-on=\"true\" data-len=\"2\"></div>"),
        "{html}"
    );
    assert!(html.contains("<div class=\"mine note\"><p>Body</p>\n</div>"), "{html}");
}

#[test]
fn a_shortcode_in_code_is_left_as_text() {
    let f = site("Write `{{ person(id=\"nobody\") }}`.\n\n```\n{% callout() %}\n{% end %}\n```\n");
    f.build_ok();
    let html = page(&f);
    assert!(html.contains("<code>{{ person(id=\"nobody\") }}</code>"), "{html}");
    assert!(html.contains("{% callout() %}\n{% end %}"), "{html}");
}

#[test]
fn an_escaped_shortcode_is_shown_as_written() {
    let f = site("Type {{/* person(id=\"x\") */}} to name someone.\n");
    f.build_ok();
    // As prose: Markdown's typographic quotes apply.
    assert!(
        page(&f).contains("<p>Type {{ person(id=“x”) }} to name someone.</p>"),
        "{}",
        page(&f)
    );
}

/// The build's error output for a page body (the body starts on line 6).
fn error_of(body: &str) -> String {
    site(body).build_err()
}

#[test]
fn an_unknown_shortcode_is_an_error_with_its_place_and_a_suggestion() {
    let err = error_of("Text.\n\nSee {{ calout(kind=\"note\") }}.\n");
    assert!(
        err.contains("content/explainers/pay.md:8:8: unknown shortcode `calout`"),
        "{err}"
    );
    assert!(err.contains("did you mean `callout`?"), "{err}");
    assert!(err.contains("1 error") || !err.contains("2 errors"), "{err}");
}

#[test]
fn argument_mistakes_are_one_error_each() {
    let err = error_of("{{ person(idd=\"streeting\") }}\n");
    assert!(err.contains("pay.md:6:11: `person` takes no argument `idd`"), "{err}");
    assert!(err.contains("did you mean `id`?"), "{err}");
    assert!(!err.contains("needs `id`"), "a typo is one mistake: {err}");
    let err = error_of("{{ person() }}\n");
    assert!(err.contains("pay.md:6:4: `person` needs `id`"), "{err}");
    let err = error_of("{{ person(id=3) }}\n");
    assert!(
        err.contains("pay.md:6:14: `id` of `person` must be text in quotes"),
        "{err}"
    );
    let err = error_of("{{ person(id=\"streetin\") }}\n");
    assert!(err.contains("pay.md:6:14: unknown person `streetin`"), "{err}");
    assert!(err.contains("did you mean `streeting`?"), "{err}");
    let err = error_of("{% callout(kind=\"unkown\") %}x{% end %}\n");
    assert!(err.contains("pay.md:6:17: a callout's kind is"), "{err}");
    assert!(err.contains("did you mean `unknown`?"), "{err}");
    let err = error_of("{{ callout() }}\n");
    assert!(err.contains("pay.md:6:4: `callout` needs a body"), "{err}");
    let err = error_of("{% pullquote(person=\"bma\", source=\"papr\") %}Q{% end %}\n");
    assert!(err.contains("`papr` is not a source of this page"), "{err}");
    let err = error_of("{{ timeline(category=\"strikes\", from=\"2024-13\") }}\n");
    assert!(err.contains("pay.md:6:22: unknown category `strikes`"), "{err}");
    assert!(err.contains("pay.md:6:38: `from`"), "{err}");
}

#[test]
fn a_syntax_mistake_is_one_error_at_its_place() {
    let err = error_of("Fine.\n\n{% callout() %}\nNo end.\n");
    assert!(err.contains("pay.md:8:1:"), "{err}");
    assert!(err.contains("1 error"), "{err}");
    let err = error_of("{{ person(id=\"x) }}\n");
    assert!(err.contains("pay.md:6:"), "{err}");
}

#[test]
fn problems_after_a_shortcode_keep_their_line() {
    // The callout spans lines 6-8; the broken link is on line 10.
    let err = error_of("{% callout() %}\nA note.\n{% end %}\n\nSee [x](missing.md).\n");
    assert!(err.contains("pay.md:10:5: link to `missing.md`"), "{err}");
    // Inside a body: line 7.
    let err = error_of("{% callout() %}\nSee [x](missing.md).\n{% end %}\n");
    assert!(err.contains("pay.md:7:5: link to `missing.md`"), "{err}");
}

#[test]
fn a_template_error_names_the_shortcode_and_its_template() {
    let f = site("{{ broken(x=1) }}\n");
    f.write("templates/shortcodes/broken.html", "{{ x | nosuchfilter }}");
    let err = f.build_err();
    assert!(err.contains("templates/shortcodes/broken.html"), "{err}");
}

#[test]
fn a_link_to_a_missing_anchor_is_an_error() {
    let err = error_of("Intro.\n\nSee [the bill](other.md#the-bil) and [mine](#nowhere).\n");
    assert!(
        err.contains("pay.md:8:5: link to `#the-bil`, which is not an anchor /explainers/other/ has"),
        "{err}"
    );
    assert!(err.contains("did you mean `the-bill`?"), "{err}");
    assert!(
        err.contains("pay.md:8:38: link to `#nowhere`, which is not an anchor this page has"),
        "{err}"
    );
    // Headings, ids the theme renders (sources) and `{#id}` are anchors.
    let f =
        site("## Heading {#mine}\n\n[a](other.md#the-bill) [b](#mine) [c](#sources-title) [d](#source-1) [@paper]\n");
    f.build_ok();
}

#[test]
fn a_chart_draws_its_data_file_with_a_table_and_a_download_link() {
    let f = site("{{ chart(data=\"pay.csv\", title=\"Pay rises\", unit=\"%\", source=\"The Paper\") }}\n");
    f.write(
        "content/explainers/pay.csv",
        "nation,rise\nEngland (BMA demand),35\nScotland,12.4\nWales,12.4\n",
    );
    f.build_ok();
    let html = page(&f);
    assert!(html.contains("<figure class=\"chart\""), "{html}");
    assert!(html.contains("role=\"img\""), "{html}");
    assert!(html.matches("<rect").count() >= 3, "{html}");
    assert!(html.contains("<th scope=\"row\">Scotland</th>"), "{html}");
    assert!(html.contains("<td>12.4</td>"), "{html}");
    assert!(html.contains("href=\"/sub/explainers/pay.csv\" download"), "{html}");
    assert!(f.exists("public/explainers/pay.csv"));
}

#[test]
fn a_chart_takes_rows_written_in_the_shortcode() {
    let f = site(
        "{{ chart(type=\"line\", rows=[[\"2022\", 1], [\"2023\", 5]], columns=[\"year\", \"strikes\"], title=\"Strikes\") }}\n",
    );
    f.build_ok();
    let html = page(&f);
    assert!(
        html.contains("<th scope=\"row\">2023</th>") && html.contains("<td>5</td>"),
        "{html}"
    );
    assert!(!html.contains("chart__download"), "{html}");
}

#[test]
fn chart_mistakes_name_the_shortcode_and_the_data() {
    let err = error_of("{{ chart(data=\"pay.cvs\", title=\"T\") }}\n");
    assert!(err.contains("pay.md:6:15: `pay.cvs` does not exist"), "{err}");
    let f = site("{{ chart(data=\"pay.csv\", y=\"rse\", title=\"T\") }}\n");
    f.write("content/explainers/pay.csv", "nation,rise\nScotland,12.4\n");
    let err = f.build_err();
    assert!(err.contains("pay.md:6:"), "{err}");
    assert!(err.contains("rise"), "{err}");
    let f = site("{{ chart(data=\"pay.csv\", title=\"T\") }}\n");
    f.write("content/explainers/pay.csv", "nation,rise\nScotland,12.4\nWales,35%\n");
    let err = f.build_err();
    assert!(err.contains("pay.csv, line 3") || err.contains("pay.csv:3:"), "{err}");
    let err = error_of("{{ chart(title=\"T\") }}\n");
    assert!(err.contains("a chart needs its data"), "{err}");
    let err = error_of("{{ chart(type=\"pie\", rows=[[\"a\", 1]], columns=[\"k\", \"v\"], title=\"T\") }}\n");
    assert!(err.contains("there is no chart type `pie`"), "{err}");
}

/// A PNG of `w` x `h` pixels, a gradient (so resizing has work to do).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut enc = png::Encoder::new(&mut bytes, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header().unwrap();
    let data: Vec<u8> = (0..w * h)
        .flat_map(|i| {
            let (x, y) = (i % w, i / w);
            [(x * 255 / w) as u8, (y * 255 / h) as u8, 128]
        })
        .collect();
    writer.write_image_data(&data).unwrap();
    writer.finish().unwrap();
    bytes
}

#[test]
fn every_example_of_the_components_guide_builds() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/components.md")).unwrap();
    let mut examples = Vec::new();
    for section in guide.split("\n### `").skip(1) {
        let name = section.split('`').next().unwrap();
        let block = section
            .split_once("```md\n")
            .and_then(|(_, rest)| rest.split_once("```"))
            .map(|(code, _)| code.to_string())
            .unwrap_or_else(|| panic!("the guide's `{name}` has no ```md example"));
        assert!(
            block.contains(&format!("{name}(")),
            "the `{name}` example uses it: {block}"
        );
        examples.push((name.to_string(), block));
    }
    let names: Vec<&str> = examples.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "figure",
            "chart",
            "callout",
            "pullquote",
            "timeline",
            "person",
            "figure_value"
        ],
        "every component has its section"
    );
    let body: String = examples.iter().map(|(_, b)| format!("{b}\n")).collect();
    let f = site(&body);
    f.write_bytes("content/explainers/ward.png", &png(900, 600));
    f.build_ok();
    let html = page(&f);
    for class in [
        "class=\"figure",
        "class=\"chart\"",
        "callout--unknown",
        "class=\"pullquote\"",
        "inline-timeline",
        "person-link",
        "figure-value",
    ] {
        assert!(html.contains(class), "{class} in\n{html}");
    }
}

#[test]
fn a_missing_image_or_file_is_an_error_at_its_place() {
    let err = error_of("Text.\n\n![A ward](ward.jpg) and [the data](pay.csv) and ![logo](/img/logo.png)\n");
    assert!(err.contains("pay.md:8:1: image `ward.jpg` does not exist"), "{err}");
    assert!(err.contains("pay.md:8:25: file `pay.csv` does not exist"), "{err}");
    assert!(
        err.contains("pay.md:8:49: image `/img/logo.png` does not exist"),
        "{err}"
    );
    assert!(err.contains("3 errors"), "{err}");
    let f = site(
        "![A ward](ward.png) [data](pay.csv) ![logo](/img/logo.png) [feed](/atom.xml) [web](https://x.example/a.pdf)\n",
    );
    f.write_bytes("content/explainers/ward.png", &png(10, 10));
    f.write("content/explainers/pay.csv", "a,b\n");
    f.write_bytes("static/img/logo.png", &png(10, 10));
    f.build_ok();
    // A near miss is named.
    let f = site("![A ward](ward.jpeg)\n");
    f.write_bytes("content/explainers/ward.jpg", &png(10, 10));
    let err = f.build_err();
    assert!(err.contains("did you mean `ward.jpg`?"), "{err}");
}

#[test]
fn a_second_build_of_an_unchanged_site_resizes_nothing() {
    let f = site("{{ figure(src=\"big.png\", alt=\"A gradient\") }}\n");
    f.write_bytes("content/explainers/big.png", &png(2000, 1000));
    f.build_ok();
    let html = page(&f);
    for w in [480, 800, 1200, 1600] {
        assert!(html.contains(&format!("-{w}.png {w}w")), "{html}");
    }
    assert!(html.contains("width=\"2000\" height=\"1000\""), "{html}");
    // Beside the output folder `public/`.
    let cache = f.root().join(".public.dossier-images");
    let stamps = |dir: &std::path::Path| -> Vec<(String, std::time::SystemTime)> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.metadata().unwrap().modified().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = stamps(&cache);
    assert!(
        before.iter().filter(|(n, _)| n.ends_with(".png")).count() == 4,
        "{before:?}"
    );
    let started = std::time::Instant::now();
    let out = f.run(&["build", "--force"]);
    let second = started.elapsed();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stamps(&cache), before, "the second build wrote nothing to the cache");
    assert!(f.exists("public/processed"));
    eprintln!("second build with a cached figure: {second:?}");
}
