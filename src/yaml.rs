//! All YAML parsing lives here: `site.yaml` and front matter both come through
//! [`parse`], so every YAML mistake is reported the same way, with the file,
//! line and column in the author's file and a hint.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, did_you_mean};

/// Where a piece of YAML sits inside a file, so errors point at the file's lines.
pub struct Origin<'a> {
    /// The file, as shown to the author.
    pub file: &'a Path,
    /// The whole file's text, to quote the offending line.
    pub file_text: &'a str,
    /// The 1-based line of the file on which the YAML starts.
    pub first_line: usize,
}

/// Parses `yaml` into `T`. Empty YAML parses as an empty mapping, so a missing
/// required key is reported as such rather than as "EOF".
pub fn parse<T: DeserializeOwned>(yaml: &str, origin: &Origin) -> Result<T, Diagnostic> {
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_yaml::from_str(yaml).map_err(|e| to_diagnostic(&e, origin))
}

fn to_diagnostic(err: &serde_yaml::Error, origin: &Origin) -> Diagnostic {
    let full = err.to_string();
    // The crate appends " at line L column C"; we show the place our own way.
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let (line, col) = err.location().map(|l| (l.line(), l.column())).unwrap_or((1, 1));
    let (line, col) = duplicate_key_place(&message, origin).unwrap_or((line, col));
    let file_line = origin.first_line + line - 1;
    // serde_yaml puts the path of a nested value first: "key_figures[0].source: ...".
    let (path, message) = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (Some(path), rest.to_string()),
        _ => (None, message),
    };
    let (message, hint) = explain(&message);
    let message = match path {
        Some(path) if !message.contains(path) => format!("`{path}`: {message}"),
        _ => message,
    };
    let diag = Diagnostic::at(origin.file, origin.file_text, file_line, col, message);
    match hint {
        Some(h) => diag.with_hint(h),
        None => diag,
    }
}

/// serde_yaml reports a duplicate key at the start of its mapping; point at
/// the second occurrence instead (1-based line within the YAML, and column).
fn duplicate_key_place(message: &str, origin: &Origin) -> Option<(usize, usize)> {
    let key = message
        .contains("duplicate field")
        .then(|| backticked(message).first().copied())
        .flatten()?;
    let yaml_lines = origin.file_text.lines().skip(origin.first_line - 1);
    let mut seen = 0;
    for (i, line) in yaml_lines.enumerate() {
        let trimmed = line.trim_start();
        if trimmed
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
        {
            seen += 1;
            if seen == 2 {
                return Some((i + 1, line.len() - trimmed.len() + 1));
            }
        }
    }
    None
}

/// Turns serde's wording into a message and a hint an author can act on.
fn explain(message: &str) -> (String, Option<String>) {
    let ticked = backticked(message);
    if message.contains("unknown field") && !ticked.is_empty() {
        let unknown = ticked[0];
        let allowed = &ticked[1..];
        let hint = match did_you_mean(unknown, allowed.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("allowed keys here: {}", allowed.join(", ")),
        };
        return (format!("unknown key `{unknown}`"), Some(hint));
    }
    if message.contains("unknown variant") && !ticked.is_empty() {
        let unknown = ticked[0];
        let allowed = &ticked[1..];
        let hint = match did_you_mean(unknown, allowed.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? (one of: {})", allowed.join(", ")),
            None => format!("use one of: {}", allowed.join(", ")),
        };
        return (format!("unknown value `{unknown}`"), Some(hint));
    }
    if message.contains("duplicate field") && !ticked.is_empty() {
        return (
            format!("the key `{}` appears twice", ticked[0]),
            Some("keep only one of them".into()),
        );
    }
    if message.contains("missing field") && !ticked.is_empty() {
        return (
            format!("missing required key `{}`", ticked[0]),
            Some(format!("add a line `{}: ...`", ticked[0])),
        );
    }
    if let Some(found) = message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split(", expected struct").next())
        .filter(|_| message.contains("expected struct"))
    {
        return (
            format!("expected a mapping of keys (like `title: ...`), found {found}"),
            Some("write one `key: value` per line".into()),
        );
    }
    (message.to_string(), None)
}

/// The words between backticks in a serde message, in order.
fn backticked(message: &str) -> Vec<&str> {
    message.split('`').skip(1).step_by(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Meta {
        title: String,
        summary: Option<String>,
    }

    fn origin<'a>(text: &'a str) -> Origin<'a> {
        Origin {
            file: Path::new("a.md"),
            file_text: text,
            first_line: 2,
        }
    }

    #[test]
    fn unknown_key_points_at_its_line_and_suggests() {
        let text = "---\ntitle: x\ntitel: y\n---\n";
        let err = parse::<Meta>("title: x\ntitel: y\n", &origin(text)).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.message, "unknown key `titel`");
        assert_eq!(err.hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(err.snippet.as_deref(), Some("titel: y"));
    }

    #[test]
    fn missing_title_and_empty_yaml() {
        let err = parse::<Meta>("", &origin("---\n---\n")).unwrap_err();
        assert_eq!(err.message, "missing required key `title`");
    }

    #[test]
    fn a_list_is_not_a_mapping() {
        let err = parse::<Meta>("- a\n- b\n", &origin("---\n- a\n- b\n---\n")).unwrap_err();
        assert!(err.message.starts_with("expected a mapping"), "{}", err.message);
    }
}
