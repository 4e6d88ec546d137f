//! `site.yaml` -> [`Config`]. The file is optional; every key has a default.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::error::{Diagnostic, Diagnostics};
use crate::yaml;

pub const CONFIG_FILE: &str = "site.yaml";

/// Pages per listing page when nothing says otherwise: 50 cards of a long
/// summary each stay well under 100 kB of HTML.
pub const DEFAULT_PAGINATE_BY: usize = 50;

/// About how many records a shard of the search index holds: at 10,000
/// pages, shards of a few hundred records make an edit cost a twentieth of
/// an index, and two shards in memory at once stay far below one whole
/// index (see `src/search/shard.rs`).
pub const DEFAULT_SEARCH_SHARD_RECORDS: usize = 500;

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
    /// Who's who: people and organisations, named by id from pages
    /// (`people:`, `positions:`) and events (`actors:`).
    pub people: Vec<Person>,
    /// Terms defined once for the site, marked up where pages use them.
    pub glossary: Vec<Term>,
    pub timeline: TimelineConfig,
    /// How far the story goes: the site says it is accurate "as of" this
    /// date, so a later reader does not take its present tense as current.
    pub as_of: Option<PartialDate>,
    /// Write a search index (Pagefind, under `pagefind/`) and the `/search/`
    /// page. Off unless asked for, as in Zola: indexing is most of the cost
    /// of a large site's first build (see docs/search.md); `dossier init`
    /// turns it on.
    pub search: bool,
    /// About how many search records make one shard of the index; 0 means
    /// the default. Tests set it low to have many shards on a small site.
    pub search_shard_records: usize,
    /// How many pages a listing page (a section, a tag) shows at most, unless
    /// a section says otherwise; 0 means the default, [`DEFAULT_PAGINATE_BY`].
    pub paginate_by: usize,
    /// Not a key of `site.yaml`: whether links to CSS and JavaScript carry a
    /// hash of their content (the build's option).
    #[serde(skip)]
    pub hash_assets: bool,
}

/// A person or an organisation in the story.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: String,
    pub name: String,
    /// One line: who they are in this story.
    pub role: String,
    #[serde(default)]
    pub kind: PersonKind,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum PersonKind {
    #[default]
    Person,
    Organisation,
}

/// A glossary entry. `aliases` are other names for the same thing (an
/// abbreviation, an older name); each is marked up like the term.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub term: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Plain text: it also goes in a `title` attribute.
    pub definition: String,
    /// Anchor on the glossary page; default: made from the term.
    pub id: Option<String>,
}

impl Term {
    pub fn anchor(&self) -> String {
        self.id.clone().unwrap_or_else(|| crate::text::slugify(&self.term))
    }
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
            people: Vec::new(),
            glossary: Vec::new(),
            timeline: TimelineConfig::default(),
            as_of: None,
            search: false,
            search_shard_records: 0,
            paginate_by: DEFAULT_PAGINATE_BY,
            hash_assets: false,
        }
    }
}

impl Config {
    /// Reads `root/site.yaml`, or gives the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            // A pipe or a device would block or never end when read.
            Ok(meta) if !meta.is_file() => {
                return Err(Diagnostic::file(CONFIG_FILE, "this is not a regular file")
                    .with_hint("make it a plain text file")
                    .into());
            }
            _ => {}
        }
        let bytes = std::fs::read(&path).map_err(|e| Diagnostic::file(CONFIG_FILE, format!("cannot read it: {e}")))?;
        // Decoded like content files: BOM dropped, CRLF and CR made LF.
        let text = crate::text::decode(Path::new(CONFIG_FILE), bytes)?;
        let text = text.as_str();
        let origin = yaml::Origin {
            file: Path::new(CONFIG_FILE),
            file_text: text,
            first_line: 1,
        };
        let mut config: Config = yaml::parse(text, &origin)?;
        config.base_url = config.base_url.trim_end_matches('/').to_string();
        let problems = config.check(text);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(Diagnostics(problems))
        }
    }

    /// Checks what the types alone cannot, reporting every problem.
    fn check(&self, text: &str) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let twice = |ids: Vec<&str>, what: &str, problems: &mut Vec<Diagnostic>| {
            let mut seen = std::collections::HashSet::new();
            for id in ids {
                if !seen.insert(id) {
                    problems.push(
                        at_key(text, id, format!("{what} `{id}` is defined twice")).with_hint("give each its own id"),
                    );
                }
            }
        };
        twice(
            self.timeline.categories.iter().map(|c| c.id.as_str()).collect(),
            "timeline category",
            &mut problems,
        );
        twice(
            self.sources.iter().map(|s| s.id.as_str()).collect(),
            "source",
            &mut problems,
        );
        twice(
            self.people.iter().map(|p| p.id.as_str()).collect(),
            "person",
            &mut problems,
        );
        // Each person gets a page at /people/<slug of id>/.
        let slugs: Vec<String> = self.people.iter().map(|p| crate::text::slugify(&p.id)).collect();
        for (i, p) in self.people.iter().enumerate() {
            if let Some(j) = slugs[..i].iter().position(|s| *s == slugs[i])
                && self.people[j].id != p.id
            {
                problems.push(
                    at_key(
                        text,
                        &p.id,
                        format!(
                            "people `{}` and `{}` would share the page /people/{}/",
                            self.people[j].id, p.id, slugs[i]
                        ),
                    )
                    .with_hint("give them ids that differ in more than case or punctuation"),
                );
            }
        }
        let anchors: Vec<String> = self.glossary.iter().map(Term::anchor).collect();
        twice(
            anchors.iter().map(String::as_str).collect(),
            "glossary term",
            &mut problems,
        );
        for c in &self.timeline.categories {
            if !is_hex_colour(&c.colour) {
                problems.push(
                    at_key(text, &c.colour, format!("`{}` is not a colour", c.colour))
                        .with_hint("write it as #rrggbb, e.g. \"#b3261e\" (quoted: YAML reads # as a comment)"),
                );
            }
        }
        for s in self.sources.iter().filter(|s| s.title.is_none()) {
            problems.push(
                at_key(text, &s.id, format!("source `{}` has no title", s.id)).with_hint("add `title: ...` to it"),
            );
        }
        problems
    }

    /// The path part of `base_url` (`/dispute` for
    /// `https://org.github.io/dispute`), empty for a site at the root: what
    /// every URL the site links to starts with.
    pub fn base_path(&self) -> &str {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, rest)| rest);
        let path = match self.base_url.contains("://") {
            true => after_scheme.find('/').map_or("", |i| &after_scheme[i..]),
            false => after_scheme,
        };
        path.trim_end_matches('/')
    }

    /// `paginate_by`, with 0 read as the default.
    pub fn paginate_by(&self) -> usize {
        match self.paginate_by {
            0 => DEFAULT_PAGINATE_BY,
            n => n,
        }
    }

    /// `search_shard_records`, with 0 read as the default.
    pub fn search_shard_records(&self) -> usize {
        match self.search_shard_records {
            0 => DEFAULT_SEARCH_SHARD_RECORDS,
            n => n,
        }
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
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
