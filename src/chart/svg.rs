//! The SVG itself. Sizes are in a 300-unit-wide `viewBox` with no width or
//! height, so the chart scales to its column. 300 is about a phone's column
//! (320 px less the page's gutters is 288 px), so text drawn at 13-14 units
//! stays at 12.5-13.5 px there; the stylesheet caps the width on wide
//! screens (23rem) so the text does not grow past body-text size.
//!
//! Bar charts are horizontal with each label above its bar: at 320 px a
//! label column on the left would leave the bars a third of the width (or
//! cut "England (BMA demand)" short), while a label above gets the whole
//! width, the bar gets the whole width, and long labels wrap.
//!
//! No colour is written: marks carry classes and `currentColor`, and the
//! theme's CSS colours them (dark mode and print included). Text widths are
//! estimated (no fonts are known at build time), generously.

use std::fmt::Write;

use super::scale::{Ticks, coord};
use super::{ChartSpec, Prepared};
use crate::text::escape;

/// The viewBox width.
pub(crate) const W: f64 = 300.0;
/// Text sizes: category labels, and everything else.
const LABEL: f64 = 14.0;
pub(crate) const SMALL: f64 = 13.0;
/// Average glyph width as a share of the font size: wide enough for the
/// widest common sans-serif (DejaVu Sans, digits 0.64 em), so estimated
/// text is not shorter than drawn text; bold values need more.
pub(crate) const GLYPH: f64 = 0.62;
const GLYPH_BOLD: f64 = 0.7;
/// Line chart: the plot's height, and how many points still get markers.
const PLOT_H: f64 = 170.0;
const MARKERS_MAX: usize = 60;
/// Dash patterns of the lines, by series.
const DASHES: [&str; 4] = ["", "7 4", "2 3", "10 3 2 3"];

fn width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * GLYPH
}

/// Writes `<text>`; `anchor` is `start`, `middle` or `end`.
fn text(out: &mut String, x: f64, y: f64, class: &str, anchor: &str, content: &str) {
    let anchor = if anchor == "start" {
        String::new()
    } else {
        format!(" text-anchor=\"{anchor}\"")
    };
    let _ = write!(
        out,
        "<text class=\"{class}\" x=\"{}\" y=\"{}\"{anchor}>{}</text>",
        coord(x),
        coord(y),
        escape(content)
    );
}

/// The `<svg>` around a drawn body of height `h`, with its title and text alternative.
fn wrap(spec: &ChartSpec, kind: &str, h: f64, defs: &str, body: &str, desc: &str) -> String {
    let id = escape(&spec.id);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart__svg chart__svg--{kind}\" viewBox=\"0 0 {} {}\" \
         role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" fill=\"currentColor\" font-size=\"{SMALL}\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{defs}{body}</svg>",
        coord(W),
        coord(h.ceil()),
        escape(&spec.title),
        escape(desc),
    )
}

/// Masks that cut stripes out of series 2 and up, so bars differ in more
/// than colour (a mask is luminance, not colour: its white and black show
/// nowhere).
fn hatch_defs(id: &str, series: usize, h: f64) -> String {
    let mut out = String::new();
    for k in 2..=series {
        let (angle, gap) = match k {
            2 => (45, 2.0),
            3 => (-45, 2.0),
            _ => (0, 1.5),
        };
        let _ = write!(
            out,
            "<pattern id=\"{id}-p{k}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate({angle})\">\
             <rect width=\"6\" height=\"6\" fill=\"#fff\"/><rect width=\"{gap}\" height=\"6\" fill=\"#000\"/></pattern>\
             <mask id=\"{id}-m{k}\"><rect width=\"{}\" height=\"{}\" fill=\"url(#{id}-p{k})\"/></mask>",
            coord(W),
            coord(h.ceil()),
        );
    }
    if out.is_empty() {
        out
    } else {
        format!("<defs>{out}</defs>")
    }
}

/// A bar (or legend swatch) of series `k` (1-based).
fn bar_rect(out: &mut String, id: &str, k: usize, x: f64, y: f64, w: f64, h: f64) {
    let mask = if k >= 2 {
        format!(" mask=\"url(#{id}-m{k})\"")
    } else {
        String::new()
    };
    let _ = write!(
        out,
        "<rect class=\"chart__bar chart__s{k}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{mask}/>",
        coord(x),
        coord(y),
        coord(w),
        coord(h)
    );
}

/// Splits a label into lines of at most `max` characters, at spaces when
/// it can; at most three lines, the last cut with an ellipsis.
fn wrap_label(label: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in label.split_whitespace() {
        let mut word = word.to_string();
        while word.chars().count() > max {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let head: String = word.chars().take(max).collect();
            word = word.chars().skip(max).collect();
            lines.push(head);
        }
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    if lines.len() > 3 {
        lines.truncate(3);
        let last: String = lines[2].chars().take(max.saturating_sub(1)).collect();
        lines[2] = format!("{}…", last.trim_end());
    }
    lines
}

/// Cuts a label to `max` characters with an ellipsis.
fn ellipsis(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let head: String = label.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", head.trim_end())
    }
}

/// The legend, when there are several series: a sample of each and its
/// name, in rows that fit the width. Returns its height.
fn legend(out: &mut String, data: &Prepared, top: f64, sample: impl Fn(&mut String, usize, f64, f64)) -> f64 {
    if data.series.len() < 2 {
        return 0.0;
    }
    let (mut x, mut y) = (0.0, top);
    out.push_str("<g class=\"chart__legend\">");
    for (i, s) in data.series.iter().enumerate() {
        let name = ellipsis(&s.name, 40);
        let w = 28.0 + width(&name, SMALL);
        if x > 0.0 && x + w > W {
            x = 0.0;
            y += 18.0;
        }
        sample(out, i + 1, x, y);
        text(out, x + 28.0, y + 12.0, "chart__legend-text", "start", &name);
        x += w + 16.0;
    }
    out.push_str("</g>");
    y + 18.0 - top + 8.0
}

/// A horizontal bar chart: per row, its label, then one bar per series with
/// the value at the bar's end.
pub(crate) fn bar(spec: &ChartSpec, data: &Prepared, desc: &str) -> String {
    let id = escape(&spec.id);
    let n_series = data.series.len();
    let bar_h = if n_series == 1 { 18.0 } else { 14.0 };
    let (lo, hi) = data.extent();
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let hi = if hi - lo > 0.0 { hi } else { 1.0 };
    let shown = |v: f64| data.show(v);
    // Room for the value text beside the longest bar each way.
    let longest = |keep: fn(f64) -> bool| {
        data.series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .filter(|&&v| keep(v))
            .map(|&v| shown(v).chars().count() as f64 * SMALL * GLYPH_BOLD + 6.0)
            .fold(0.0, f64::max)
    };
    let left = longest(|v| v < 0.0);
    let right = W - longest(|v| v >= 0.0).max(width("no data", SMALL) + 6.0);
    let x = |v: f64| left + (v - lo) / (hi - lo) * (right - left);
    let x0 = x(0.0);

    let mut body = String::new();
    let mut y = 0.0;
    if let Some(label) = &spec.y_label {
        text(&mut body, 0.0, y + 12.0, "chart__axis-label", "start", label);
        y += 22.0;
    }
    y += legend(&mut body, data, y, |out, k, x, y| {
        bar_rect(out, &id, k, x, y + 1.0, 20.0, 13.0)
    });
    let max_chars = (W / (LABEL * GLYPH)).floor() as usize;
    for (i, label) in data.labels.iter().enumerate() {
        let _ = write!(body, "<g font-size=\"{LABEL}\">");
        for line in wrap_label(label, max_chars) {
            text(&mut body, 0.0, y + 14.0, "chart__label", "start", &line);
            y += 17.0;
        }
        body.push_str("</g>");
        y += 3.0;
        if lo < 0.0 {
            // The zero line beside this row's bars, where some bars go left.
            let group = n_series as f64 * (bar_h + 2.0);
            let _ = write!(
                body,
                "<line class=\"chart__axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"currentColor\"/>",
                coord(x0),
                coord(y - 2.0),
                coord(y + group)
            );
        }
        for (k, s) in data.series.iter().enumerate() {
            let mid = y + bar_h / 2.0 + 4.0;
            match s.values[i] {
                Some(v) => {
                    let (a, b) = if v < 0.0 { (x(v), x0) } else { (x0, x(v)) };
                    bar_rect(&mut body, &id, k + 1, a, y, b - a, bar_h);
                    let (tx, anchor) = if v < 0.0 { (a - 4.0, "end") } else { (b + 4.0, "start") };
                    text(&mut body, tx, mid, "chart__value", anchor, &shown(v));
                }
                None => text(
                    &mut body,
                    x0 + 4.0,
                    mid,
                    "chart__value chart__value--none",
                    "start",
                    "no data",
                ),
            }
            y += bar_h + 2.0;
        }
        y += 10.0;
    }
    let defs = hatch_defs(&id, n_series, y);
    wrap(spec, "bar", y, &defs, &body, desc)
}

/// The marker of series `k` (1-based) at `x`, `y`: circle, square,
/// triangle, diamond.
fn marker(out: &mut String, k: usize, x: f64, y: f64) {
    let (cx, cy) = (coord(x), coord(y));
    let class = format!("chart__marker chart__s{k}");
    let _ = match k {
        1 => write!(out, "<circle class=\"{class}\" cx=\"{cx}\" cy=\"{cy}\" r=\"3.5\"/>"),
        2 => write!(
            out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"7\" height=\"7\"/>",
            coord(x - 3.5),
            coord(y - 3.5)
        ),
        3 => write!(
            out,
            "<path class=\"{class}\" d=\"M{cx} {} L{} {} L{} {}Z\"/>",
            coord(y - 4.5),
            coord(x + 4.5),
            coord(y + 3.5),
            coord(x - 4.5),
            coord(y + 3.5)
        ),
        _ => write!(
            out,
            "<path class=\"{class}\" d=\"M{cx} {} L{} {cy} L{cx} {} L{} {cy}Z\"/>",
            coord(y - 4.5),
            coord(x + 4.5),
            coord(y + 4.5),
            coord(x - 4.5)
        ),
    };
}

/// A line of series `k` through `points` (`None` breaks the line).
fn polyline(out: &mut String, k: usize, points: &[Option<(f64, f64)>]) {
    let mut d = String::new();
    let mut pen_down = false;
    for p in points {
        match p {
            Some((x, y)) => {
                let _ = write!(d, "{}{} {}", if pen_down { "L" } else { "M" }, coord(*x), coord(*y));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    let dash = DASHES[(k - 1) % DASHES.len()];
    let dash = if dash.is_empty() {
        String::new()
    } else {
        format!(" stroke-dasharray=\"{dash}\"")
    };
    let _ = write!(
        out,
        "<path class=\"chart__line chart__s{k}\" d=\"{d}\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"2.5\" stroke-linejoin=\"round\"{dash}/>"
    );
}

/// Where each row sits along the x axis, from 0 to 1: by value when every
/// label is a number in increasing order (years with gaps stay to scale),
/// else evenly.
fn x_positions(labels: &[String]) -> Vec<f64> {
    let n = labels.len();
    if n == 1 {
        return vec![0.5];
    }
    let numbers: Option<Vec<f64>> = labels.iter().map(|l| super::data::parse_number(l)).collect();
    if let Some(v) = numbers
        && v.windows(2).all(|w| w[0] < w[1])
    {
        let (a, b) = (v[0], v[n - 1]);
        return v.iter().map(|x| (x - a) / (b - a)).collect();
    }
    (0..n).map(|i| i as f64 / (n - 1) as f64).collect()
}

/// A line chart: value gridlines at nice steps from 0, one line per series,
/// x labels as written, thinned so they do not overlap.
pub(crate) fn line(spec: &ChartSpec, data: &Prepared, desc: &str) -> String {
    let (lo, hi) = data.extent();
    let ticks = Ticks::nice(lo, hi, 5);
    // A symbol goes on every tick (`5%`, `£5`); a word once, on the axis
    // label (`Median wait (weeks)`), where it does not crowd the plot.
    let word = data.unit.word();
    let tick_labels: Vec<(f64, String)> = ticks
        .values()
        .into_iter()
        .map(|v| {
            let label = ticks.label(v);
            (v, if word.is_some() { label } else { data.unit.show(&label) })
        })
        .collect();
    let axis_label = match (&spec.y_label, word) {
        (Some(l), Some(w)) => Some(format!("{l} ({w})")),
        (None, Some(w)) => Some(w.to_string()),
        (l, None) => l.clone(),
    };
    let x_labels: Vec<String> = data.labels.iter().map(|l| ellipsis(l, 16)).collect();
    let first_w = x_labels.first().map_or(0.0, |l| width(l, SMALL));
    let last_w = x_labels.last().map_or(0.0, |l| width(l, SMALL));
    let tick_w = tick_labels.iter().map(|(_, l)| width(l, SMALL)).fold(0.0, f64::max);
    let left = (tick_w + 8.0).max(first_w / 2.0 + 2.0).min(W / 3.0);
    let right = W - (last_w / 2.0 + 2.0).clamp(10.0, W / 4.0);

    let mut body = String::new();
    let mut top = 0.0;
    top += legend(&mut body, data, top, |out, k, x, y| {
        polyline(out, k, &[Some((x, y + 8.0)), Some((x + 22.0, y + 8.0))]);
        marker(out, k, x + 11.0, y + 8.0);
    });
    if let Some(label) = &axis_label {
        text(&mut body, 0.0, top + 12.0, "chart__axis-label", "start", label);
        top += 18.0;
    }
    let plot_top = top + 8.0;
    let bottom = plot_top + PLOT_H;
    let y = |v: f64| bottom - (v - ticks.lo()) / (ticks.hi() - ticks.lo()) * PLOT_H;
    for (v, label) in &tick_labels {
        let class = if *v == 0.0 { "chart__axis" } else { "chart__grid" };
        let _ = write!(
            body,
            "<line class=\"{class}\" x1=\"{}\" x2=\"{}\" y1=\"{2}\" y2=\"{2}\" stroke=\"currentColor\"/>",
            coord(left),
            coord(right),
            coord(y(*v))
        );
        text(&mut body, left - 6.0, y(*v) + 4.0, "chart__tick", "end", label);
    }

    let xs: Vec<f64> = x_positions(&data.labels)
        .into_iter()
        .map(|p| left + p * (right - left))
        .collect();
    // Labels left to right, each drawn only if it clears the last one drawn.
    let mut clear_from = f64::MIN;
    for (x, label) in xs.iter().zip(&x_labels) {
        let w = width(label, SMALL);
        if x - w / 2.0 < clear_from {
            continue;
        }
        let _ = write!(
            body,
            "<line class=\"chart__axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"currentColor\"/>",
            coord(*x),
            coord(bottom),
            coord(bottom + 4.0)
        );
        text(&mut body, *x, bottom + 17.0, "chart__tick", "middle", label);
        clear_from = x + w / 2.0 + 8.0;
    }
    let mut h = bottom + 24.0;
    if let Some(label) = &spec.x_label {
        text(
            &mut body,
            (left + right) / 2.0,
            h + 12.0,
            "chart__axis-label",
            "middle",
            label,
        );
        h += 18.0;
    }

    for (k, s) in data.series.iter().enumerate() {
        let points: Vec<Option<(f64, f64)>> = s.values.iter().zip(&xs).map(|(v, &x)| v.map(|v| (x, y(v)))).collect();
        polyline(&mut body, k + 1, &points);
        let n = points.len();
        for (i, p) in points.iter().enumerate() {
            let alone =
                i.checked_sub(1).is_none_or(|j| points[j].is_none()) && points.get(i + 1).is_none_or(Option::is_none);
            if let Some((px, py)) = p
                && (n <= MARKERS_MAX || alone)
            {
                marker(&mut body, k + 1, *px, *py);
            }
        }
    }
    wrap(spec, "line", h + 4.0, "", &body, desc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_wrap_at_spaces_and_long_words_are_cut() {
        assert_eq!(wrap_label("England (BMA demand)", 40), ["England (BMA demand)"]);
        assert_eq!(wrap_label("England (BMA demand)", 10), ["England", "(BMA", "demand)"]);
        assert_eq!(wrap_label("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap_label("a b c d e f g h", 3), ["a b", "c d", "e…"]);
        assert_eq!(wrap_label("", 10), [""]);
    }

    #[test]
    fn x_positions_follow_numbers_in_order_else_even() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(x_positions(&l(&["2010", "2015", "2020"])), [0.0, 0.5, 1.0]);
        assert_eq!(x_positions(&l(&["2010", "2018", "2020"])), [0.0, 0.8, 1.0]);
        assert_eq!(x_positions(&l(&["Jan", "Feb", "Mar"])), [0.0, 0.5, 1.0]);
        assert_eq!(x_positions(&l(&["3", "1", "2"])), [0.0, 0.5, 1.0]);
        assert_eq!(x_positions(&l(&["only"])), [0.5]);
    }
}
