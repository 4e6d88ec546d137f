//! `site.yaml` -> [`Config`]. The file is optional; every key has a default.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::error::Diagnostic;
use crate::yaml;

pub const CONFIG_FILE: &str = "site.yaml";

/// The site's settings.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    /// Absolute URL the site is served from; permalinks, the feed and the sitemap use it.
    pub base_url: String,
    /// BCP 47 language tag for `<html lang>`; dates are shown in British English.
    pub language: String,
    pub description: String,
    /// Name of the folder under `themes/`.
    pub theme: String,
    /// Sources that any page or event may cite by id.
    pub sources: Vec<Source>,
    pub timeline: TimelineConfig,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TimelineConfig {
    pub categories: Vec<Category>,
}

/// A kind of timeline event, shown as its label and a colour.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    pub label: String,
    pub colour: String,
}

/// Something a page cites. On a page, an entry with only an `id` refers to a
/// source defined in `site.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub date: Option<PartialDate>,
    pub url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "An explainer".into(),
            base_url: "http://127.0.0.1:1111".into(),
            language: "en-GB".into(),
            description: String::new(),
            theme: "explainer".into(),
            sources: Vec::new(),
            timeline: TimelineConfig::default(),
        }
    }
}

impl Config {
    /// Reads `root/site.yaml`, or gives the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                Diagnostic::file(CONFIG_FILE, "the file is not valid UTF-8").with_hint("save it as UTF-8")
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(Diagnostic::file(CONFIG_FILE, format!("cannot read it: {e}"))),
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let origin = yaml::Origin {
            file: Path::new(CONFIG_FILE),
            file_text: text,
            first_line: 1,
        };
        let mut config: Config = yaml::parse(text, &origin)?;
        config.base_url = config.base_url.trim_end_matches('/').to_string();
        config.check(text)?;
        Ok(config)
    }

    /// Checks what the types alone cannot.
    fn check(&self, text: &str) -> Result<(), Diagnostic> {
        let mut seen = std::collections::HashSet::new();
        for c in &self.timeline.categories {
            if !seen.insert(&c.id) {
                return Err(at_key(
                    text,
                    &c.id,
                    format!("timeline category `{}` is defined twice", c.id),
                ));
            }
            if !is_hex_colour(&c.colour) {
                return Err(at_key(text, &c.colour, format!("`{}` is not a colour", c.colour))
                    .with_hint("write it as #rrggbb, e.g. \"#b3261e\" (quoted: YAML reads # as a comment)"));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for s in &self.sources {
            if !seen.insert(&s.id) {
                return Err(at_key(text, &s.id, format!("source `{}` is defined twice", s.id)));
            }
            if s.title.is_none() {
                return Err(
                    at_key(text, &s.id, format!("source `{}` has no title", s.id)).with_hint("add `title: ...` to it")
                );
            }
        }
        Ok(())
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.timeline.categories.iter().find(|c| c.id == id)
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}

fn is_hex_colour(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|h| (h.len() == 6 || h.len() == 3) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Points at the first line of `text` mentioning `needle` (values checked after
/// parsing have no position of their own).
fn at_key(text: &str, needle: &str, message: String) -> Diagnostic {
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, l[..c].chars().count() + 1)))
        .unwrap_or((1, 1));
    Diagnostic::at(CONFIG_FILE, text, line, col, message)
}
