//! `chart`: a bar or line chart drawn at build time as inline SVG (see
//! [`crate::chart`]) from a data file beside the page (CSV, YAML or JSON)
//! or from rows written in the shortcode, with the data as a table and a
//! link to download the file.

use tera::Context;

use super::builtin::{arg, bad, text};
use super::{Components, Found, Scope, files};
use crate::chart::{self, ChartSpec, DataFormat, Kind, Table};
use crate::model::Uses;
use crate::shortcode::{Shortcode, Value};

/// A chart shows at most this many series: more cannot be told apart.
const MAX_SERIES: usize = 4;

pub(super) fn prepare(
    c: &Components,
    sc: &Shortcode,
    scope: Scope,
    uses: &mut Uses,
    ctx: &mut Context,
) -> Result<(), Vec<Found>> {
    let kind = Kind::parse(text(sc, "type").unwrap_or("bar"))
        .map_err(|p| vec![bad(sc, "type", p.message, p.hint.unwrap_or_default())])?;
    let (table, data_url, data_file) = table(c, sc, scope, uses).map_err(|f| vec![f])?;
    let x = text(sc, "x")
        .map(str::to_string)
        .or_else(|| table.columns.first().cloned())
        .unwrap_or_default();
    let y: Vec<String> = match arg(sc, "y").map(|a| &a.value) {
        Some(Value::Str(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => (table.columns.iter())
            .filter(|col| **col != x)
            .take(MAX_SERIES)
            .cloned()
            .collect(),
    };
    let id = ctx.get("id").and_then(|v| v.as_str()).unwrap_or("chart").to_string();
    let spec = ChartSpec {
        kind,
        x,
        y: y.clone(),
        title: text(sc, "title").unwrap_or_default().to_string(),
        x_label: text(sc, "x_label").map(str::to_string),
        y_label: text(sc, "y_label").map(str::to_string),
        unit: text(sc, "unit").map(str::to_string),
        id,
    };
    let svg = chart::draw(&spec, &table).map_err(|p| {
        let at = match (p.line, &data_file) {
            (Some(line), Some(file)) => format!("{file}, line {line}: "),
            _ => String::new(),
        };
        let name = if data_file.is_some() { "data" } else { "rows" };
        let name = if arg(sc, "y").is_some() && p.message.contains("column") {
            "y"
        } else {
            name
        };
        vec![bad(sc, name, format!("{at}{}", p.message), p.hint.unwrap_or_default())]
    })?;
    ctx.insert("svg", &svg);
    ctx.insert("columns", &table.columns);
    ctx.insert("rows", &table.text_rows());
    ctx.insert("series", &y);
    ctx.insert("data_url", &data_url);
    Ok(())
}

/// The chart's data: from `data=` (a file) or `rows=` with `columns=`, with
/// the URL to download it and the file as written.
fn table(
    c: &Components,
    sc: &Shortcode,
    scope: Scope,
    uses: &mut Uses,
) -> Result<(Table, String, Option<String>), Found> {
    match (arg(sc, "data"), arg(sc, "rows")) {
        (Some(_), None) => {
            let file = files::resolve(c, sc, scope, "data", uses)?;
            let format = DataFormat::of(&file.path).ok_or_else(|| {
                bad(
                    sc,
                    "data",
                    format!("`{}` is not a data file a chart reads", file.written),
                    "write the data as .csv (a header row, then one row per bar or point), .yaml or .json".into(),
                )
            })?;
            let read = std::fs::read(&file.path).map_err(|e| {
                bad(
                    sc,
                    "data",
                    format!("cannot read `{}`: {e}", file.written),
                    String::new(),
                )
            })?;
            let text = crate::text::decode(&file.path, read)
                .map_err(|d| bad(sc, "data", d.message, d.hint.unwrap_or_default()))?;
            let table = chart::parse_table(&text, format).map_err(|p| {
                bad(
                    sc,
                    "data",
                    format!("{}:{}:{}: {}", file.written, p.line, p.col, p.message),
                    p.hint.unwrap_or_default(),
                )
            })?;
            Ok((table, file.url, Some(file.written)))
        }
        (None, Some(rows)) => {
            let columns: Vec<String> = match arg(sc, "columns").map(|a| &a.value) {
                Some(Value::Array(items)) => items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
                Some(Value::Str(s)) => vec![s.clone()],
                _ => {
                    return Err(bad(
                        sc,
                        "rows",
                        "rows need `columns`: the name of each column".into(),
                        r#"for example: rows=[["Scotland", 12.4]], columns=["nation", "rise"]"#.into(),
                    ));
                }
            };
            let Value::Array(list) = &rows.value else {
                return Err(bad(sc, "rows", "`rows` must be a list of rows".into(), String::new()));
            };
            let rows = list
                .iter()
                .map(|r| match r {
                    Value::Array(cells) => cells.iter().map(cell_text).collect(),
                    other => vec![cell_text(other)],
                })
                .collect();
            Ok((Table::from_rows(columns, rows), String::new(), None))
        }
        (Some(_), Some(_)) => Err(bad(
            sc,
            "rows",
            "a chart takes its data from `data` or from `rows`, not both".into(),
            "remove one of them".into(),
        )),
        (None, None) => Err((
            sc.name_span.start,
            "a chart needs its data: `data` (a file) or `rows` with `columns`".into(),
            r#"for example: {{ chart(data="pay.csv", title="...") }}"#.into(),
        )),
    }
}

/// A value of an inline row as the data table shows it.
fn cell_text(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(_) => String::new(),
    }
}
