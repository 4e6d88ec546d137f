use resvg::{tiny_skia, usvg};

use super::*;

fn spec(kind: Kind, y: &[&str]) -> ChartSpec {
    ChartSpec {
        kind,
        x: "nation".into(),
        y: y.iter().map(|s| s.to_string()).collect(),
        title: "Pay rises in dispute".into(),
        x_label: None,
        y_label: Some("Pay rise".into()),
        unit: Some("%".into()),
        id: "chart-1".into(),
    }
}

fn pay() -> Table {
    parse_table(
        "nation,rise\nEngland (BMA demand),35\nScotland,12.4\nWales,12.4\n",
        DataFormat::Csv,
    )
    .unwrap()
}

/// Two series of twelve months.
fn months() -> Table {
    let mut csv = String::from("month,doctors,nurses\n");
    let names = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    for (i, m) in names.iter().enumerate() {
        csv.push_str(&format!(
            "{m} 2024,{},{}\n",
            2.0 + i as f64 * 0.9,
            5.5 - (i as f64 * 0.7).sin() * 2.0
        ));
    }
    parse_table(&csv, DataFormat::Csv).unwrap()
}

fn line_spec() -> ChartSpec {
    ChartSpec {
        x: "month".into(),
        y: vec!["doctors".into(), "nurses".into()],
        x_label: Some("Month".into()),
        ..spec(Kind::Line, &[])
    }
}

/// Parses the SVG as a renderer would (so it is well-formed XML and valid
/// SVG), draws it, and returns how many pixels it painted.
fn painted(svg: &str) -> usize {
    let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap_or_else(|e| panic!("{e}\n{svg}"));
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).expect("a size");
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap.pixels().iter().filter(|p| p.alpha() > 0).count()
}

/// Whether the SVG writes no colour outside its masks' black and white.
fn no_colours(svg: &str) -> bool {
    let outside_defs = match (svg.find("<defs>"), svg.find("</defs>")) {
        (Some(a), Some(b)) => format!("{}{}", &svg[..a], &svg[b..]),
        _ => svg.to_string(),
    };
    !outside_defs.contains("=\"#") && !outside_defs.contains("rgb(")
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn a_bar_chart_is_an_accessible_image() {
    let svg = draw(&spec(Kind::Bar, &["rise"]), &pay()).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{svg}");
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains("aria-labelledby=\"chart-1-title chart-1-desc\""));
    assert!(svg.contains("<title id=\"chart-1-title\">Pay rises in dispute</title>"));
    assert!(
        svg.contains("<desc id=\"chart-1-desc\">Bar chart of Pay rise. England (BMA demand): 35%; Scotland: 12.4%; Wales: 12.4%.</desc>"),
        "{svg}"
    );
    // Scales with its box: a viewBox, no fixed size.
    assert!(svg.contains("viewBox=\"0 0 300 "));
    let root = &svg[..svg.find('>').unwrap()];
    assert!(!root.contains(" width=") && !root.contains(" height="), "{root}");
    // One bar per row, each with its value.
    assert_eq!(count(&svg, "class=\"chart__bar chart__s1\""), 3);
    assert_eq!(count(&svg, ">12.4%</text>"), 2);
    assert_eq!(count(&svg, ">35%</text>"), 1);
    // No colour of its own: the stylesheet colours it.
    assert!(no_colours(&svg), "{svg}");
    assert!(painted(&svg) > 1000);
}

#[test]
fn bars_are_to_scale_from_zero() {
    let svg = draw(&spec(Kind::Bar, &["rise"]), &pay()).unwrap();
    let widths: Vec<f64> = svg
        .split("class=\"chart__bar chart__s1\"")
        .skip(1)
        .map(|rest| {
            let w = rest.split("width=\"").nth(1).unwrap();
            w[..w.find('"').unwrap()].parse().unwrap()
        })
        .collect();
    assert_eq!(widths.len(), 3);
    assert!((widths[1] / widths[0] - 12.4 / 35.0).abs() < 0.01, "{widths:?}");
    assert_eq!(widths[1], widths[2]);
}

#[test]
fn the_same_data_draws_the_same_bytes() {
    let a = draw(&line_spec(), &months()).unwrap();
    let b = draw(&line_spec(), &months()).unwrap();
    assert_eq!(a, b);
    let a = draw(&spec(Kind::Bar, &["rise"]), &pay()).unwrap();
    assert_eq!(a, draw(&spec(Kind::Bar, &["rise"]), &pay()).unwrap());
}

#[test]
fn text_is_escaped() {
    let table = parse_table("nation,rise\n\"<b>Tom & \"\"Jerry\"\"</b>\",3\n", DataFormat::Csv).unwrap();
    let mut s = spec(Kind::Bar, &["rise"]);
    s.title = "A < B & C".into();
    s.unit = Some("<%>".into());
    s.id = "x\"y".into();
    let svg = draw(&s, &table).unwrap();
    assert!(svg.contains("&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;"), "{svg}");
    assert!(svg.contains("<title id=\"x&quot;y-title\">A &lt; B &amp; C</title>"));
    assert!(!svg.contains("<b>"));
    painted(&svg);
    let mut s = line_spec();
    s.title = "<&>".into();
    s.y_label = Some("a & b".into());
    s.x_label = Some("<x>".into());
    painted(&draw(&s, &months()).unwrap());
}

#[test]
fn a_line_chart_has_nice_gridlines_a_legend_and_series_apart_without_colour() {
    let svg = draw(&line_spec(), &months()).unwrap();
    // doctors run from 2 to 11.9, nurses between about 3.5 and 7.5: 0 to 12.5 by 2.5.
    for tick in [">0%<", ">2.5%<", ">5.0%<", ">7.5%<", ">10.0%<", ">12.5%<"] {
        assert!(svg.contains(tick), "{tick} in {svg}");
    }
    assert_eq!(count(&svg, "class=\"chart__grid\""), 5);
    // A legend naming both series, with their line samples.
    assert!(svg.contains("class=\"chart__legend\""));
    assert!(svg.contains(">doctors</text>") && svg.contains(">nurses</text>"));
    // Lines: the second dashed; markers: circles for one, squares for the other.
    assert_eq!(count(&svg, "class=\"chart__line chart__s1\""), 2); // the line and its legend sample
    assert_eq!(count(&svg, "stroke-dasharray=\"7 4\""), 2);
    assert_eq!(count(&svg, "<circle class=\"chart__marker chart__s1\""), 13);
    assert_eq!(count(&svg, "<rect class=\"chart__marker chart__s2\""), 13);
    assert!(svg.contains(">Month</text>") && svg.contains(">Pay rise</text>"));
    assert!(
        svg.contains("Line chart of Pay rise by Month, 2 series: doctors, nurses."),
        "{svg}"
    );
    assert!(no_colours(&svg), "{svg}");
    assert!(painted(&svg) > 1000);
}

/// The x labels drawn, as (centre, text).
fn x_labels(svg: &str) -> Vec<(f64, String)> {
    svg.split("<text class=\"chart__tick\" x=\"")
        .skip(1)
        .filter(|t| t.contains("text-anchor=\"middle\""))
        .map(|t| {
            let x = t[..t.find('"').unwrap()].parse().unwrap();
            let label = &t[t.find('>').unwrap() + 1..t.find('<').unwrap()];
            (x, label.to_string())
        })
        .collect()
}

#[test]
fn x_labels_are_thinned_so_they_do_not_overlap() {
    let svg = draw(&line_spec(), &months()).unwrap();
    let labels = x_labels(&svg);
    assert!(labels.len() >= 3 && labels.len() < 12, "{labels:?}");
    assert_eq!(labels[0].1, "Jan 2024");
    for w in labels.windows(2) {
        let half = |l: &str| l.chars().count() as f64 * svg::SMALL * svg::GLYPH / 2.0;
        assert!(w[1].0 - half(&w[1].1) >= w[0].0 + half(&w[0].1), "{w:?}");
    }
    // Every label inside the picture.
    for (x, l) in &labels {
        let half = l.chars().count() as f64 * svg::SMALL * svg::GLYPH / 2.0;
        assert!(x - half >= 0.0 && x + half <= svg::W, "{x} {l}");
    }
}

#[test]
fn a_thousand_rows_draw() {
    let mut csv = String::from("nation,rise\n");
    for i in 0..1000 {
        csv.push_str(&format!("{i},{}\n", (i as f64 * 0.1).sin() * 1e6));
    }
    let table = parse_table(&csv, DataFormat::Csv).unwrap();
    let line = draw(&spec(Kind::Line, &["rise"]), &table).unwrap();
    assert!(x_labels(&line).len() < 15);
    assert_eq!(count(&line, "chart__marker"), 0);
    assert!(line.contains("1000 points, from 0 to 999."), "{}", &line[..600]);
    painted(&line);
    let bar = draw(&spec(Kind::Bar, &["rise"]), &table).unwrap();
    assert_eq!(count(&bar, "class=\"chart__bar chart__s1\""), 1000);
    painted(&bar);
}

#[test]
fn edge_cases_draw_without_nan() {
    let cases = [
        "nation,rise\nOnly,7\n",
        "nation,rise\nA,0\nB,0\n",
        "nation,rise\nA,-5\nB,3\nC,-0.25\n",
        "nation,rise\nA,-5\nB,-3\n",
        "nation,rise\nA,1e15\nB,-1e15\n",
        "nation,rise\nA,0.0000001\nB,0.0000003\n",
        "nation,rise\nA,\nB,3\nC,\nD,4\nE,5\n",
        "nation,rise\n,3\n\"\",4\n",
    ];
    for csv in cases {
        let table = parse_table(csv, DataFormat::Csv).unwrap();
        for kind in [Kind::Bar, Kind::Line] {
            let svg = draw(&spec(kind, &["rise"]), &table).unwrap();
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{csv}\n{svg}");
            painted(&svg);
        }
    }
    // Missing values: "no data" on the bar chart, a break in the line, and
    // a lone point between gaps still shows.
    let table = parse_table("nation,rise\nA,\nB,3\nC,\nD,4\nE,5\n", DataFormat::Csv).unwrap();
    let bar = draw(&spec(Kind::Bar, &["rise"]), &table).unwrap();
    assert_eq!(count(&bar, ">no data</text>"), 2);
    assert!(bar.contains("A: no data; B: 3%"));
    let line = draw(&spec(Kind::Line, &["rise"]), &table).unwrap();
    let d = line.split("class=\"chart__line chart__s1\" d=\"").nth(1).unwrap();
    let d = &d[..d.find('"').unwrap()];
    assert_eq!(count(d, "M"), 2, "{d}");
}

#[test]
fn grouped_bars_are_hatched_and_have_a_legend() {
    let table = parse_table("nation,doctors,nurses,porters\nA,3,4,5\nB,6,-2,\n", DataFormat::Csv).unwrap();
    let mut s = spec(Kind::Bar, &["doctors", "nurses", "porters"]);
    s.unit = Some("£".into());
    let svg = draw(&s, &table).unwrap();
    assert_eq!(count(&svg, "<mask id="), 2);
    assert_eq!(count(&svg, "class=\"chart__bar chart__s2\""), 3); // two bars and the legend
    assert_eq!(count(&svg, "mask=\"url(#chart-1-m2)\""), 3);
    assert!(svg.contains(">-£2</text>") && svg.contains(">£6</text>"));
    assert!(
        svg.contains("A: doctors £3, nurses £4, porters £5; B: doctors £6, nurses -£2, porters no data."),
        "{svg}"
    );
    assert!(no_colours(&svg), "{svg}");
    assert!(painted(&svg) > 500);
}

#[test]
fn long_series_are_summed_up() {
    let mut csv = String::from("nation,rise\n");
    for i in 0..20 {
        csv.push_str(&format!("Y{i},{}\n", if i == 7 { 50 } else { i }));
    }
    let table = parse_table(&csv, DataFormat::Csv).unwrap();
    let svg = draw(&spec(Kind::Line, &["rise"]), &table).unwrap();
    assert!(
        svg.contains(
            "20 points, from Y0 to Y19. starts at 0% (Y0), ends at 19% (Y19); lowest 0% (Y0), highest 50% (Y7).</desc>"
        ),
        "{svg}"
    );
}

#[test]
fn units_go_where_they_are_read() {
    assert_eq!(Unit::of(Some("%")).show("35"), "35%");
    assert_eq!(Unit::of(Some("£")).show("-3"), "-£3");
    assert_eq!(Unit::of(Some("days")).show("12"), "12\u{a0}days");
    assert_eq!(Unit::of(Some("°C")).show("12"), "12°C");
    assert_eq!(Unit::of(None).show("12"), "12");
}

#[test]
fn problems_name_the_column_and_the_row() {
    let e = draw(&spec(Kind::Bar, &["rise2"]), &pay()).unwrap_err();
    assert!(e.message.contains("`rise2`"), "{e:?}");
    assert_eq!(e.hint.as_deref(), Some("did you mean `rise`?"));
    let e = draw(&spec(Kind::Bar, &["pay"]), &pay()).unwrap_err();
    assert_eq!(e.hint.as_deref(), Some("the columns are `nation`, `rise`"));
    let mut s = spec(Kind::Bar, &["rise"]);
    s.x = "natoin".into();
    assert!(draw(&s, &pay()).unwrap_err().hint.unwrap().contains("`nation`"));

    let table = parse_table("nation,rise\nScotland,12.4\nEngland,35%\n", DataFormat::Csv).unwrap();
    let e = draw(&spec(Kind::Bar, &["rise"]), &table).unwrap_err();
    assert!(
        e.message.contains("`35%`") && e.message.contains("row 2") && e.message.contains("`England`"),
        "{e:?}"
    );
    assert_eq!(e.line, Some(3));
    assert!(e.hint.unwrap().contains("unit=\"%\""));

    let e = draw(
        &spec(Kind::Bar, &["rise"]),
        &parse_table("nation,rise\nA,1e16\n", DataFormat::Csv).unwrap(),
    )
    .unwrap_err();
    assert!(e.message.contains("too large"), "{e:?}");
    let e = draw(
        &spec(Kind::Bar, &["rise"]),
        &parse_table("nation,rise\nA,\n", DataFormat::Csv).unwrap(),
    )
    .unwrap_err();
    assert!(e.message.contains("no values"), "{e:?}");
    let e = draw(
        &spec(Kind::Bar, &["rise"]),
        &parse_table("nation,rise\n", DataFormat::Csv).unwrap(),
    )
    .unwrap_err();
    assert!(e.message.contains("no rows"), "{e:?}");
    let e = draw(&spec(Kind::Bar, &[]), &pay()).unwrap_err();
    assert!(e.hint.unwrap().contains("y="));
    let e = draw(&spec(Kind::Bar, &["rise"; 5]), &pay()).unwrap_err();
    assert!(e.message.contains("5 series"));
    // Inline rows have no line to point at.
    let t = Table::from_rows(
        vec!["nation".into(), "rise".into()],
        vec![vec!["A".into(), "n/a".into()]],
    );
    assert_eq!(draw(&spec(Kind::Bar, &["rise"]), &t).unwrap_err().line, None);
}

#[test]
fn chart_types_by_name() {
    assert_eq!(Kind::parse("bar").unwrap(), Kind::Bar);
    assert_eq!(Kind::parse(" Line ").unwrap(), Kind::Line);
    assert_eq!(
        Kind::parse("bars").unwrap_err().hint.as_deref(),
        Some("did you mean `bar`?")
    );
    assert!(Kind::parse("pie").unwrap_err().message.contains("`pie`"));
}

/// The theme's chart template, rendered as the shortcode will.
fn figure(extra: &[(&'static str, serde_json::Value)]) -> String {
    let mut tera = tera::Tera::new();
    tera.add_raw_template(
        "shortcodes/chart.html",
        include_str!("../../themes/explainer/templates/shortcodes/chart.html"),
    )
    .unwrap();
    let labels: std::collections::BTreeMap<String, String> =
        serde_yaml::from_str(include_str!("../../themes/explainer/i18n/en.yaml")).unwrap();
    tera.global_context().insert("t", &labels);
    let table = pay();
    let mut ctx = tera::Context::new();
    ctx.insert("svg", &draw(&spec(Kind::Bar, &["rise"]), &table).unwrap());
    ctx.insert("title", "Pay rises in dispute");
    ctx.insert("caption", "What each nation's doctors <asked> for");
    ctx.insert("source", "BBC News, 2024");
    ctx.insert("unit", "%");
    ctx.insert("columns", &table.columns);
    ctx.insert("rows", &table.text_rows());
    ctx.insert("data_url", "");
    ctx.insert("id", "chart-1");
    for (k, v) in extra {
        ctx.insert(*k, v);
    }
    tera.render("shortcodes/chart.html", &ctx).unwrap()
}

#[test]
fn the_template_shows_the_chart_its_source_and_its_data() {
    let html = figure(&[]);
    assert!(html.starts_with("<figure class=\"chart\" id=\"chart-1\">"), "{html}");
    assert!(html.contains("<span class=\"chart__title\">Pay rises in dispute</span>"));
    assert!(html.contains("doctors &lt;asked&gt; for"), "{html}");
    assert!(html.contains("<div class=\"chart__image\"><svg "));
    assert!(html.contains("<span>Source: BBC News, 2024</span>"), "{html}");
    assert!(html.contains("<summary>Data table</summary>"));
    assert!(
        html.contains("<th scope=\"col\">nation</th>") && html.contains("<th scope=\"col\">rise</th>"),
        "{html}"
    );
    assert!(html.contains("<th scope=\"row\">England (BMA demand)</th>") && html.contains("<td>12.4</td>"));
    assert!(!html.contains("download"), "{html}");

    let html = figure(&[
        ("data_url", "/data/pay.csv".into()),
        ("series", serde_json::json!(["rise"])),
        ("source", "".into()),
    ]);
    assert!(
        html.contains("<a class=\"chart__download\" href=\"/data/pay.csv\" download>Download the data</a>"),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"col\">rise (%)</th>") && html.contains("<th scope=\"col\">nation</th>"),
        "{html}"
    );
    assert!(!html.contains("Source:"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any text reads as a table or a placed problem, never a panic.
    #[test]
    fn any_data_text_parses_or_is_placed(text in "[a-z0-9,\"\\n\r .%-]{0,80}") {
        let lines = text.replace("\r\n", "\n").replace('\r', "\n").split('\n').count();
        for format in [DataFormat::Csv, DataFormat::Yaml] {
            match parse_table(&text, format) {
                Ok(t) => proptest::prop_assert!(t.rows.iter().all(|r| r.len() == t.columns.len())),
                Err(e) => proptest::prop_assert!(e.line >= 1 && e.col >= 1 && e.line <= lines, "{e:?}"),
            }
        }
    }

    /// Any values draw a chart a renderer reads.
    #[test]
    fn any_values_draw(values in proptest::collection::vec(proptest::option::of(-1e15f64..1e15), 1..40), line in proptest::bool::ANY) {
        let rows = values.iter().enumerate().map(|(i, v)| vec![format!("r{i}"), v.map_or(String::new(), |v| v.to_string())]).collect();
        let table = Table::from_rows(vec!["nation".into(), "rise".into()], rows);
        let kind = if line { Kind::Line } else { Kind::Bar };
        match draw(&spec(kind, &["rise"]), &table) {
            Ok(svg) => {
                proptest::prop_assert!(!svg.contains("NaN") && !svg.contains("inf"));
                usvg::Tree::from_str(&svg, &usvg::Options::default()).unwrap();
            }
            Err(e) => proptest::prop_assert!(values.iter().all(Option::is_none), "{e:?}"),
        }
    }
}
