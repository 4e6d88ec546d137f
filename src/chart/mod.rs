//! Charts drawn at build time: a table of data -> an accessible inline SVG.
//!
//! The SVG is written here by hand rather than by a charting crate:
//! plotters' SVG backend writes fixed colours and fonts and no `role`,
//! `<title>` or `<desc>`, so its charts could neither follow the theme's
//! dark mode and print styles nor be read by a screen reader. Ours carry no
//! colour of their own: every mark has a class (`chart__s1`, `chart__grid`,
//! ...) and falls back to `currentColor`, and the theme's stylesheet colours
//! them. Series differ by more than colour (hatching on bars, dashes and
//! marker shapes on lines), so a chart still reads in greyscale print.
//!
//! [`data`] reads the data file; [`draw`] checks the chart's columns against
//! it and draws; `describe` writes the text alternative every chart
//! carries; `scale` chooses axis steps and writes numbers.

pub(crate) mod data;
mod describe;
mod scale;
mod svg;

pub(crate) use data::{Cell, DataFormat, Table, parse_table};

use crate::error::suggest;

/// At most this many series in one chart: past four, colours, hatchings
/// and dash patterns stop being told apart at a glance.
pub(crate) const MAX_SERIES: usize = 4;

/// Values larger than this (a thousand trillion) are refused: a chart of
/// them would need the unit scaled anyway, and staying far from `f64`'s
/// limits keeps every sum and scale finite.
const MAX_VALUE: f64 = 1e15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Horizontal bars, one per row (grouped when there are several series).
    Bar,
    /// One line per series across the rows, in order.
    Line,
}

impl Kind {
    /// The kind named by the shortcode's `type=`.
    pub(crate) fn parse(name: &str) -> Result<Kind, ChartProblem> {
        match name.trim().to_ascii_lowercase().as_str() {
            "bar" => Ok(Kind::Bar),
            "line" => Ok(Kind::Line),
            other => Err(ChartProblem::new(
                format!("there is no chart type `{other}`"),
                suggest(other, ["bar", "line"], "use `type=\"bar\"` or `type=\"line\"`"),
            )),
        }
    }
}

/// What to draw, as the shortcode says it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChartSpec {
    pub(crate) kind: Kind,
    /// The column naming each bar or point.
    pub(crate) x: String,
    /// The columns holding the values: one per series.
    pub(crate) y: Vec<String>,
    /// The chart's title: the SVG's `<title>`.
    pub(crate) title: String,
    /// What the x column is (shown under a line chart's axis; used in the text alternative).
    pub(crate) x_label: Option<String>,
    /// What the values measure (shown above the values).
    pub(crate) y_label: Option<String>,
    /// Written with every value: `%` and words after it (`35%`, `12 days`),
    /// a currency symbol before it (`£12`).
    pub(crate) unit: Option<String>,
    /// Unique in the page: the SVG's ids (`{id}-title`, ...) start with it.
    pub(crate) id: String,
}

/// Why a chart cannot be drawn from its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChartProblem {
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
    /// The data file's 1-based line the problem is on, when it is about one row.
    pub(crate) line: Option<usize>,
}

impl ChartProblem {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        ChartProblem {
            message: message.into(),
            hint: Some(hint.into()),
            line: None,
        }
    }
}

/// How values are written with their unit.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Unit {
    before: String,
    after: String,
}

impl Unit {
    pub(crate) fn of(unit: Option<&str>) -> Unit {
        let unit = unit.map(str::trim).unwrap_or("");
        let currency = |c: char| "£$€¥₹₩₽₺₪₦₱₴₫".contains(c);
        if unit.is_empty() {
            Unit::default()
        } else if unit.chars().all(currency) || unit.ends_with(|c: char| currency(c)) {
            Unit {
                before: unit.to_string(),
                after: String::new(),
            }
        } else if unit.starts_with(char::is_alphanumeric) {
            Unit {
                before: String::new(),
                after: format!("\u{a0}{unit}"),
            }
        } else {
            Unit {
                before: String::new(),
                after: unit.to_string(),
            }
        }
    }

    /// The unit when it is a word (`days`), written after a space.
    pub(crate) fn word(&self) -> Option<&str> {
        self.after.strip_prefix('\u{a0}')
    }

    /// `text` (a number already written) with the unit: `-£3`, `35%`, `12 days`.
    pub(crate) fn show(&self, text: &str) -> String {
        let (sign, digits) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text),
        };
        format!("{sign}{}{digits}{}", self.before, self.after)
    }
}

/// One series: its name (the column's) and a value per row (`None`: no data).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    pub(crate) name: String,
    pub(crate) values: Vec<Option<f64>>,
}

/// The data a chart draws, checked: a label per row, and the series.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prepared {
    pub(crate) labels: Vec<String>,
    pub(crate) series: Vec<Series>,
    pub(crate) unit: Unit,
}

impl Prepared {
    /// The lowest and highest value of all series (0, 0 with none).
    pub(crate) fn extent(&self) -> (f64, f64) {
        let mut values = self.series.iter().flat_map(|s| s.values.iter().flatten().copied());
        let Some(first) = values.next() else {
            return (0.0, 0.0);
        };
        values.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v)))
    }

    /// A value as text with its unit.
    pub(crate) fn show(&self, value: f64) -> String {
        self.unit.show(&scale::number(value))
    }
}

/// The chart as an `<svg>` element, ready to put in the page.
pub(crate) fn draw(spec: &ChartSpec, table: &Table) -> Result<String, ChartProblem> {
    let data = prepare(spec, table)?;
    let desc = describe::describe(spec, &data);
    Ok(match spec.kind {
        Kind::Bar => svg::bar(spec, &data, &desc),
        Kind::Line => svg::line(spec, &data, &desc),
    })
}

/// Checks the spec's columns against the table and reads the series.
fn prepare(spec: &ChartSpec, table: &Table) -> Result<Prepared, ChartProblem> {
    let x = column(table, &spec.x, "x")?;
    if spec.y.is_empty() {
        return Err(ChartProblem::new(
            "the chart does not say which column holds the values",
            "name it with `y=\"column\"` (or several, one per series: `y=[\"a\", \"b\"]`)",
        ));
    }
    if spec.y.len() > MAX_SERIES {
        return Err(ChartProblem::new(
            format!("{} series are too many to tell apart in one chart", spec.y.len()),
            format!("draw at most {MAX_SERIES}, or split them into several charts"),
        ));
    }
    if table.rows.is_empty() {
        return Err(ChartProblem::new(
            "the data has no rows to draw",
            "add a row for each bar or point under the header",
        ));
    }
    let labels = table.rows.iter().map(|r| r[x].text().replace('\n', " ")).collect();
    let mut series = Vec::new();
    for name in &spec.y {
        let col = column(table, name, "y")?;
        let values = table
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| value(table, i, &row[col], name, &row[x]))
            .collect::<Result<Vec<_>, _>>()?;
        if values.iter().all(Option::is_none) {
            return Err(ChartProblem::new(
                format!("the column `{name}` has no values"),
                "fill in the values, or name another column",
            ));
        }
        series.push(Series {
            name: name.clone(),
            values,
        });
    }
    Ok(Prepared {
        labels,
        series,
        unit: Unit::of(spec.unit.as_deref()),
    })
}

/// The index of the column `name`, or a problem with the likely one.
fn column(table: &Table, name: &str, param: &str) -> Result<usize, ChartProblem> {
    table.columns.iter().position(|c| c == name).ok_or_else(|| {
        let names: Vec<String> = table.columns.iter().map(|c| format!("`{c}`")).collect();
        ChartProblem::new(
            format!("`{param}=` names a column `{name}` the data does not have"),
            suggest(
                name,
                table.columns.iter().map(String::as_str),
                &format!("the columns are {}", names.join(", ")),
            ),
        )
    })
}

/// Row `i`'s value in one series: a number, `None` for an empty cell.
fn value(table: &Table, i: usize, cell: &Cell, column: &str, label: &Cell) -> Result<Option<f64>, ChartProblem> {
    let line = table.lines.get(i).copied().filter(|&l| l > 0);
    match cell {
        Cell::Number { value, text } if value.abs() > MAX_VALUE => Err(ChartProblem {
            message: format!("`{text}` in column `{column}` (row {}) is too large to draw", i + 1),
            hint: Some("give the values in a larger unit (millions, billions) and say so in `unit=`".into()),
            line,
        }),
        Cell::Number { value, .. } => Ok(Some(*value)),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => Err(ChartProblem {
            message: format!(
                "`{t}` in column `{column}` (row {}, `{}`) is not a number",
                i + 1,
                label.text()
            ),
            hint: Some(data::number_hint(t)),
            line,
        }),
    }
}

#[cfg(test)]
mod tests;
