//! A chart's data file (CSV or YAML) -> a [`Table`] of cells, each kept as
//! written so the data table under the chart shows exactly what the author
//! typed.
//!
//! CSV is read by a small parser of our own rather than the `csv` crate:
//! charts hold tens of rows, and a parser that walks the text itself knows
//! the line and column of every field, so a stray quote or a row with one
//! field too many is reported at its place, with a hint.

use std::path::Path;

/// One value of the data, as written, and the number it holds when it is one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Number { value: f64, text: String },
}

impl Cell {
    /// A cell from text as written: a number when it reads as one
    /// (`12.4`, `-3`, `1,200`), text otherwise.
    pub(crate) fn from_text(text: &str) -> Cell {
        let text = text.trim();
        match parse_number(text) {
            Some(value) => Cell::Number {
                value,
                text: text.to_string(),
            },
            None => Cell::Text(text.to_string()),
        }
    }

    /// The cell as the author wrote it.
    pub(crate) fn text(&self) -> &str {
        match self {
            Cell::Text(t) | Cell::Number { text: t, .. } => t,
        }
    }

    #[cfg(test)]
    pub(crate) fn number(&self) -> Option<f64> {
        match self {
            Cell::Number { value, .. } => Some(*value),
            Cell::Text(_) => None,
        }
    }
}

/// The data: named columns, and rows of cells (every row as long as `columns`).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Table {
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<Cell>>,
    /// The 1-based line of the data file each row starts on, so a problem
    /// found while drawing (a value that is not a number) can point at it.
    pub(crate) lines: Vec<usize>,
}

impl Table {
    /// A table from rows written inline (the shortcode's `rows=`): every
    /// row's place is the shortcode's own line, so `lines` is left at 0.
    pub(crate) fn from_rows(columns: Vec<String>, rows: Vec<Vec<String>>) -> Table {
        let width = columns.len();
        let rows: Vec<Vec<Cell>> = rows
            .into_iter()
            .map(|r| {
                let mut cells: Vec<Cell> = r.iter().map(|t| Cell::from_text(t)).collect();
                cells.resize(width, Cell::Text(String::new()));
                cells
            })
            .collect();
        let lines = vec![0; rows.len()];
        Table { columns, rows, lines }
    }

    /// Every cell as written, row by row: what the data table shows.
    pub(crate) fn text_rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .map(|r| r.iter().map(|c| c.text().to_string()).collect())
            .collect()
    }
}

/// How the data file is written, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataFormat {
    Csv,
    /// YAML, or JSON (which YAML reads too).
    Yaml,
}

impl DataFormat {
    /// The format of `file` by its extension; `None` for one we do not read.
    pub(crate) fn of(file: &Path) -> Option<DataFormat> {
        let ext = file.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(DataFormat::Csv),
            "yaml" | "yml" | "json" => Some(DataFormat::Yaml),
            _ => None,
        }
    }
}

/// A mistake in a data file, at its 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataProblem {
    pub(crate) line: usize,
    pub(crate) col: usize,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

impl DataProblem {
    fn new(line: usize, col: usize, message: impl Into<String>, hint: impl Into<String>) -> Self {
        DataProblem {
            line,
            col,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

/// Reads a data file's text (decoded, see [`crate::text::decode`]; line
/// ends are made LF here too, so the lines reported are the editor's).
pub(crate) fn parse_table(text: &str, format: DataFormat) -> Result<Table, DataProblem> {
    let owned;
    let text = if text.contains('\r') {
        owned = text.replace("\r\n", "\n").replace('\r', "\n");
        &owned
    } else {
        text
    };
    if text.trim().is_empty() {
        return Err(DataProblem::new(
            1,
            1,
            "the data file is empty",
            "write a header row naming the columns, then one row per bar or point",
        ));
    }
    match format {
        DataFormat::Csv => parse_csv(text),
        DataFormat::Yaml => parse_yaml(text),
    }
}

/// A number as authors write them in data: an optional sign (`-`, `+` or
/// `−`), digits with optional thousands commas (`1,200`), an optional
/// fraction and exponent. Anything else (`35%`, `£3`, `NaN`, `inf`, ``) is
/// not a number: [`number_hint`] says what to do about the common ones.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let (negative, t) = match t.chars().next()? {
        '-' | '−' => (true, &t[t.chars().next()?.len_utf8()..]),
        '+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let int_ok = if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next().unwrap_or("");
        digits(first) && first.len() <= 3 && groups.all(|g| g.len() == 3 && digits(g))
    } else {
        int.is_empty() || digits(int)
    };
    let frac_ok = frac.is_none_or(digits);
    let has_digits = !int.is_empty() || frac.is_some();
    let exp_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    if !(int_ok && frac_ok && has_digits && exp_ok) {
        return None;
    }
    let mut plain = String::with_capacity(t.len() + 1);
    if negative {
        plain.push('-');
    }
    plain.extend(t.chars().filter(|&c| c != ','));
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// What to do about a value that should be a number and is not.
pub(crate) fn number_hint(text: &str) -> String {
    let t = text.trim();
    let bare = t.trim_matches(|c: char| !(c.is_ascii_digit() || ",.-+−".contains(c)));
    if t.is_empty() {
        "give every row a value in this column".into()
    } else if bare != t && parse_number(bare).is_some() {
        let unit: String = t
            .chars()
            .filter(|c| !(c.is_ascii_digit() || ",.".contains(*c)))
            .collect();
        format!(
            "write the number alone (`{bare}`) and put the unit in the chart's `unit=\"{}\"`",
            unit.trim()
        )
    } else if t.contains(',') && t.replace(',', "").parse::<f64>().is_ok() {
        "write thousands with a comma every three digits (`1,200`), and a decimal point, not a comma".into()
    } else {
        "write a plain number such as `12.4` or `1,200`; leave the cell empty when there is no value".into()
    }
}

// ---------- CSV ----------

/// One field as read: its text, whether it was quoted, and where it starts.
struct Field {
    text: String,
    quoted: bool,
    line: usize,
    col: usize,
}

fn parse_csv(text: &str) -> Result<Table, DataProblem> {
    let records = csv_records(text)?;
    let mut records = records.into_iter();
    let Some(header) = records.next() else {
        return Err(DataProblem::new(1, 1, "the data file is empty", "write a header row"));
    };
    let columns = header_names(&header)?;
    let mut table = Table {
        columns,
        ..Table::default()
    };
    for record in records {
        if record.len() != table.columns.len() {
            return Err(ragged(&record, table.columns.len()));
        }
        table.lines.push(record[0].line);
        table.rows.push(
            record
                .into_iter()
                .map(|f| {
                    if f.quoted && f.text.trim().is_empty() {
                        Cell::Text(String::new())
                    } else {
                        Cell::from_text(&f.text)
                    }
                })
                .collect(),
        );
    }
    Ok(table)
}

/// The header's names: none empty, none twice.
fn header_names(header: &[Field]) -> Result<Vec<String>, DataProblem> {
    let mut names: Vec<String> = Vec::new();
    for f in header {
        let name = f.text.trim().to_string();
        if name.is_empty() {
            return Err(DataProblem::new(
                f.line,
                f.col,
                "a column in the header row has no name",
                "the first row names the columns: give each one a name",
            ));
        }
        if names.contains(&name) {
            return Err(DataProblem::new(
                f.line,
                f.col,
                format!("two columns are named `{name}`"),
                "give each column its own name",
            ));
        }
        names.push(name);
    }
    Ok(names)
}

fn ragged(record: &[Field], want: usize) -> DataProblem {
    let (line, col) = record.get(want).or(record.last()).map_or((1, 1), |f| (f.line, f.col));
    let has = record.len();
    let hint = if has > want {
        "a value with a comma in it (`1,200`, `Smith, J.`) needs double quotes around it: `\"1,200\"`"
    } else {
        "give every row a value for each column (leave it empty between commas if there is none: `Wales,,3`)"
    };
    DataProblem::new(
        line,
        col,
        format!(
            "this row has {has} value{} but the header names {want} column{}",
            if has == 1 { "" } else { "s" },
            if want == 1 { "" } else { "s" }
        ),
        hint,
    )
}

/// The records of a CSV text, blank lines skipped. A quoted field may hold
/// commas, line breaks and `""` for a quote.
fn csv_records(text: &str) -> Result<Vec<Vec<Field>>, DataProblem> {
    let mut records = Vec::new();
    let mut record: Vec<Field> = Vec::new();
    let mut chars = text.chars().peekable();
    let (mut line, mut col) = (1usize, 1usize);
    loop {
        // The start of a field: skip spaces before it.
        while matches!(chars.peek(), Some(' ' | '\t')) {
            chars.next();
            col += 1;
        }
        let mut field = Field {
            text: String::new(),
            quoted: false,
            line,
            col,
        };
        if chars.peek() == Some(&'"') {
            chars.next();
            col += 1;
            field.quoted = true;
            loop {
                match chars.next() {
                    None => {
                        return Err(DataProblem::new(
                            field.line,
                            field.col,
                            "this quoted value is never closed",
                            "close the value with a double quote; write a quote inside it as two: `\"\"`",
                        ));
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        col += 2;
                        field.text.push('"');
                    }
                    Some('"') => {
                        col += 1;
                        break;
                    }
                    Some('\n') => {
                        line += 1;
                        col = 1;
                        field.text.push('\n');
                    }
                    Some(c) => {
                        col += 1;
                        field.text.push(c);
                    }
                }
            }
            while matches!(chars.peek(), Some(' ' | '\t' | '\r')) {
                chars.next();
                col += 1;
            }
            if let Some(&c) = chars.peek()
                && c != ','
                && c != '\n'
            {
                return Err(DataProblem::new(
                    line,
                    col,
                    "text after the closing quote of a value",
                    "put the whole value inside the quotes, and write a quote inside it as two: `\"\"`",
                ));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c == '\n' {
                    break;
                }
                chars.next();
                col += 1;
                if c != '\r' {
                    field.text.push(c);
                }
            }
            field.text = field.text.trim_end().to_string();
        }
        record.push(field);
        match chars.next() {
            Some(',') => col += 1,
            end => {
                let blank = record.len() == 1 && !record[0].quoted && record[0].text.is_empty();
                if !blank {
                    records.push(std::mem::take(&mut record));
                }
                record.clear();
                if end.is_none() {
                    break;
                }
                line += 1;
                col = 1;
            }
        }
    }
    Ok(records)
}

// ---------- YAML ----------

fn parse_yaml(text: &str) -> Result<Table, DataProblem> {
    let origin = crate::yaml::Origin {
        file: Path::new("data"),
        file_text: text,
        first_line: 1,
    };
    let value: serde_yaml::Value = crate::yaml::parse(text, &origin).map_err(|d| {
        // The YAML reader can place a problem at the end of the input, a
        // line past the last one: it is on the last line.
        let last = text.split('\n').count();
        let (line, col) = match d.line.unwrap_or(1) {
            l if l > last => (last, text.rsplit('\n').next().map_or(1, |t| t.chars().count() + 1)),
            l => (l, d.col.unwrap_or(1)),
        };
        DataProblem {
            line,
            col,
            message: d.message,
            hint: d.hint,
        }
    })?;
    let serde_yaml::Value::Sequence(items) = value else {
        return Err(DataProblem::new(
            1,
            1,
            "the data should be a list, one item per row",
            "write each row as an item starting with `- `, e.g. `- nation: Scotland` then `  rise: 12.4`",
        ));
    };
    let lines = item_lines(text, items.len());
    let mut columns: Vec<String> = Vec::new();
    let mut maps = Vec::new();
    for (item, &line) in items.iter().zip(&lines) {
        let serde_yaml::Value::Mapping(map) = item else {
            return Err(DataProblem::new(
                line,
                1,
                "this row is not a set of `name: value` pairs",
                "write each row as `- column: value`, one column per line, indented under the `-`",
            ));
        };
        let mut row = Vec::new();
        for (k, v) in map {
            let Some(key) = scalar_text(k) else {
                return Err(DataProblem::new(
                    line,
                    1,
                    "a column name here is not text",
                    "name columns with plain words",
                ));
            };
            let Some(cell) = scalar_text(v) else {
                return Err(DataProblem::new(
                    line,
                    1,
                    format!("the value of `{key}` here is a list or a map"),
                    "give each column one value: a number or some text",
                ));
            };
            if !columns.contains(&key) {
                columns.push(key.clone());
            }
            let cell = match v {
                serde_yaml::Value::Number(_) => match parse_number(&cell) {
                    Some(value) => Cell::Number { value, text: cell },
                    None => Cell::Text(cell),
                },
                _ => Cell::from_text(&cell),
            };
            row.push((key, cell));
        }
        maps.push(row);
    }
    let rows = maps
        .into_iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| {
                    row.iter()
                        .find(|(k, _)| k == c)
                        .map_or(Cell::Text(String::new()), |(_, v)| v.clone())
                })
                .collect()
        })
        .collect();
    Ok(Table { columns, rows, lines })
}

/// A YAML scalar as text; `None` for a list or map.
fn scalar_text(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::Null => Some(String::new()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Tagged(t) => scalar_text(&t.value),
        serde_yaml::Value::Sequence(_) | serde_yaml::Value::Mapping(_) => None,
    }
}

/// The line each of the `count` top-level list items starts on: the lines
/// that start with `-` at the first item's indent. Line 1 for all when the
/// list is not written that way (JSON, `[...]`).
fn item_lines(text: &str, count: usize) -> Vec<usize> {
    let dash = |l: &str| {
        let t = l.trim_start();
        (t == "-" || t.starts_with("- ")).then(|| l.len() - t.len())
    };
    let indent = text.lines().find_map(dash);
    let found: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| indent.is_some() && dash(l) == indent)
        .map(|(i, _)| i + 1)
        .collect();
    if found.len() == count { found } else { vec![1; count] }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Table {
        parse_table(text, DataFormat::Csv).unwrap()
    }

    fn csv_err(text: &str) -> DataProblem {
        parse_table(text, DataFormat::Csv).unwrap_err()
    }

    #[test]
    fn numbers_as_authors_write_them() {
        assert_eq!(parse_number("12.4"), Some(12.4));
        assert_eq!(parse_number(" -3 "), Some(-3.0));
        assert_eq!(parse_number("−3"), Some(-3.0));
        assert_eq!(parse_number("+5"), Some(5.0));
        assert_eq!(parse_number("1,200"), Some(1200.0));
        assert_eq!(parse_number("1,234,567.5"), Some(1_234_567.5));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("2e3"), Some(2000.0));
        for not in [
            "35%", "£3", "NaN", "nan", "inf", "-inf", "infinity", "", "-", ".", "1,20", "12,4", "1e", "1e999", "0x10",
            "1.2.3",
        ] {
            assert_eq!(parse_number(not), None, "{not}");
        }
    }

    #[test]
    fn hints_for_numbers_with_units() {
        assert!(number_hint("35%").contains("unit=\"%\""), "{}", number_hint("35%"));
        assert!(number_hint("£1,200").contains("`1,200`"), "{}", number_hint("£1,200"));
        assert!(number_hint("12,4").contains("decimal point"));
        assert!(number_hint("").contains("value"));
    }

    #[test]
    fn csv_with_quotes_commas_and_escaped_quotes() {
        let t =
            csv("nation,rise\n\"England (BMA demand)\",35\n\"Wales, \"\"the\"\" west\", \"1,200\"\nScotland , 12.4\n");
        assert_eq!(t.columns, ["nation", "rise"]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0][0].text(), "England (BMA demand)");
        assert_eq!(t.rows[1][0].text(), "Wales, \"the\" west");
        assert_eq!(
            t.rows[1][1],
            Cell::Number {
                value: 1200.0,
                text: "1,200".into()
            }
        );
        assert_eq!(t.rows[2][0], Cell::Text("Scotland".into()));
        assert_eq!(t.rows[2][1].number(), Some(12.4));
        assert_eq!(t.lines, [2, 3, 4]);
    }

    #[test]
    fn csv_line_ends_blank_lines_and_line_breaks_inside_quotes() {
        let t = csv("a,b\r\n\r\nx,1\r\n\"two\nlines\",2\n\ny,3");
        assert_eq!(t.text_rows(), [["x", "1"], ["two\nlines", "2"], ["y", "3"]]);
        assert_eq!(t.lines, [3, 4, 7]);
        // An empty value stays, as empty text.
        let t = csv("a,b\nx,\n");
        assert_eq!(t.rows[0][1], Cell::Text(String::new()));
    }

    #[test]
    fn csv_mistakes_are_placed() {
        let e = csv_err("nation,rise\nScotland,12.4\nWales,1,200\n");
        assert_eq!((e.line, e.col), (4 - 1, 9));
        assert!(
            e.message.contains("3 values") && e.message.contains("2 columns"),
            "{e:?}"
        );
        assert!(e.hint.unwrap().contains("double quotes"));

        let e = csv_err("nation,rise\nScotland\n");
        assert_eq!((e.line, e.col), (2, 1));
        assert!(e.message.contains("1 value "), "{e:?}");

        let e = csv_err("a,b\nx,\"12\n");
        assert_eq!((e.line, e.col), (2, 3));
        assert!(e.message.contains("never closed"));

        let e = csv_err("a,b\n\"x\"y,1\n");
        assert_eq!((e.line, e.col), (2, 4));
        assert!(e.hint.unwrap().contains("\"\""));

        let e = csv_err("a,,c\n1,2,3\n");
        assert_eq!((e.line, e.col), (1, 3));
        let e = csv_err("a,b,a\n1,2,3\n");
        assert_eq!((e.line, e.col), (1, 5));
        assert!(e.message.contains("`a`"));

        let e = csv_err("  \n\n");
        assert!(e.message.contains("empty"));
    }

    #[test]
    fn a_header_alone_is_a_table_with_no_rows() {
        let t = csv("a,b\n");
        assert_eq!(t.columns, ["a", "b"]);
        assert!(t.rows.is_empty());
    }

    #[test]
    fn a_yaml_problem_at_the_end_is_on_the_last_line() {
        let e = parse_table("-\ra", DataFormat::Yaml).unwrap_err();
        assert_eq!((e.line, e.col), (2, 2), "{e:?}");
    }

    #[test]
    fn yaml_list_of_maps_in_first_seen_column_order() {
        let text = "# pay\n- nation: England (BMA demand)\n  rise: 35\n- nation: Scotland\n  rise: 12.4\n  note: agreed\n- rise: \"1,200\"\n  nation: Wales\n";
        let t = parse_table(text, DataFormat::Yaml).unwrap();
        assert_eq!(t.columns, ["nation", "rise", "note"]);
        assert_eq!(t.rows[0][1].number(), Some(35.0));
        assert_eq!(
            t.rows[1][1],
            Cell::Number {
                value: 12.4,
                text: "12.4".into()
            }
        );
        assert_eq!(t.rows[2][0].text(), "Wales");
        assert_eq!(t.rows[2][1].number(), Some(1200.0));
        assert_eq!(t.rows[0][2], Cell::Text(String::new()));
        assert_eq!(t.lines, [2, 4, 7]);
    }

    #[test]
    fn json_reads_as_yaml() {
        let t = parse_table(r#"[{"a": "x", "b": 2}, {"a": "y", "b": null}]"#, DataFormat::Yaml).unwrap();
        assert_eq!(t.text_rows(), [["x", "2"], ["y", ""]]);
        assert_eq!(DataFormat::of(Path::new("d/pay.JSON")), Some(DataFormat::Yaml));
        assert_eq!(DataFormat::of(Path::new("pay.csv")), Some(DataFormat::Csv));
        assert_eq!(DataFormat::of(Path::new("pay.xlsx")), None);
    }

    #[test]
    fn yaml_mistakes_are_placed() {
        let e = parse_table("nation: Scotland\nrise: 3\n", DataFormat::Yaml).unwrap_err();
        assert!(e.message.contains("list"), "{e:?}");
        let e = parse_table("- a: 1\n- just text\n", DataFormat::Yaml).unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_table("- a: 1\n- a: [1, 2]\n", DataFormat::Yaml).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("`a`"));
        // A syntax error keeps the YAML parser's place.
        let e = parse_table("- a: 1\n- a: \"open\n- a: 3\n", DataFormat::Yaml).unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
    }

    #[test]
    fn inline_rows_are_padded_to_the_columns() {
        let t = Table::from_rows(
            vec!["a".into(), "b".into()],
            vec![vec!["x".into(), "35".into()], vec!["y".into()]],
        );
        assert_eq!(t.rows[0][1].number(), Some(35.0));
        assert_eq!(t.rows[1][1], Cell::Text(String::new()));
    }
}
