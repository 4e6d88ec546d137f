//! The text alternative of a chart (its SVG `<desc>`): what a screen reader
//! says instead of the picture. Short data is read out in full; long data
//! is summed up (first, last, lowest, highest), since nobody listens to a
//! thousand values. The full data is in the table under every chart.

use super::{ChartSpec, Kind, Prepared, Series};

/// Rows listed one by one up to this many; past it, summed up.
const LIST_MAX: usize = 12;

pub(crate) fn describe(spec: &ChartSpec, data: &Prepared) -> String {
    let mut out = String::from(match spec.kind {
        Kind::Bar => "Bar chart",
        Kind::Line => "Line chart",
    });
    match (&spec.y_label, &spec.x_label) {
        (Some(y), Some(x)) => out.push_str(&format!(" of {y} by {x}")),
        (Some(y), None) => out.push_str(&format!(" of {y}")),
        (None, Some(x)) => out.push_str(&format!(" by {x}")),
        (None, None) => {}
    }
    if data.series.len() > 1 {
        let names: Vec<&str> = data.series.iter().map(|s| s.name.as_str()).collect();
        out.push_str(&format!(", {} series: {}", names.len(), names.join(", ")));
    }
    out.push_str(". ");
    let n = data.labels.len();
    if n <= LIST_MAX {
        if data.series.len() == 1 || spec.kind == Kind::Bar {
            out.push_str(&by_row(data));
        } else {
            let parts: Vec<String> = data
                .series
                .iter()
                .map(|s| format!("{}: {}", s.name, listed(data, s)))
                .collect();
            out.push_str(&parts.join(". "));
        }
    } else {
        out.push_str(&format!(
            "{n} {}, from {} to {}. ",
            if spec.kind == Kind::Bar { "bars" } else { "points" },
            data.labels[0],
            data.labels[n - 1]
        ));
        let parts: Vec<String> = data
            .series
            .iter()
            .map(|s| {
                let name = if data.series.len() > 1 {
                    format!("{}: ", s.name)
                } else {
                    String::new()
                };
                format!("{name}{}", summary(data, s))
            })
            .collect();
        out.push_str(&parts.join(". "));
    }
    out.push('.');
    out
}

/// `label: value; label: value` (with each series named when there are several).
fn by_row(data: &Prepared) -> String {
    let rows: Vec<String> = data
        .labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let values: Vec<String> = data
                .series
                .iter()
                .map(|s| {
                    let v = shown(data, s.values[i]);
                    if data.series.len() > 1 {
                        format!("{} {v}", s.name)
                    } else {
                        v
                    }
                })
                .collect();
            format!("{label}: {}", values.join(", "))
        })
        .collect();
    rows.join("; ")
}

/// One series' values in order: `Jan 3%, Feb 4%`.
fn listed(data: &Prepared, s: &Series) -> String {
    let items: Vec<String> = data
        .labels
        .iter()
        .zip(&s.values)
        .map(|(l, v)| format!("{l} {}", shown(data, *v)))
        .collect();
    items.join(", ")
}

/// A long series in one sentence: where it starts and ends, its lowest and highest.
fn summary(data: &Prepared, s: &Series) -> String {
    let known: Vec<(usize, f64)> = s
        .values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let (Some(&first), Some(&last)) = (known.first(), known.last()) else {
        return "no data".into();
    };
    let at = |(i, v): (usize, f64)| format!("{} ({})", data.show(v), data.labels[i]);
    let lowest = known.iter().copied().fold(first, |a, b| if b.1 < a.1 { b } else { a });
    let highest = known.iter().copied().fold(first, |a, b| if b.1 > a.1 { b } else { a });
    format!(
        "starts at {}, ends at {}; lowest {}, highest {}",
        at(first),
        at(last),
        at(lowest),
        at(highest)
    )
}

fn shown(data: &Prepared, v: Option<f64>) -> String {
    v.map_or_else(|| "no data".into(), |v| data.show(v))
}
