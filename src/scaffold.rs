//! `dossier init` and `dossier new`: starting points an author fills in.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::error::Error;
use crate::text::slugify;

/// The default theme, built into the binary so `init` can give every new site a
/// copy to change.
static THEME: Dir = include_dir!("$CARGO_MANIFEST_DIR/themes/explainer");

const SITE_YAML: &str = r##"title: "Our explainer"
base_url: "https://example.org"
language: en-GB
description: "What happened, when, and what comes next."
sources:
  - id: example-source
    title: "The report this explainer draws on"
    publisher: "A publisher"
    date: 2024-07
timeline:
  categories:
    - id: milestone
      label: Milestone
      colour: "#1d4ed8"
"##;

const HOME: &str = "---\ntitle: Our explainer\nsummary: Two or three sentences that say what is going on.\n---\n\nStart with what a reader most needs to know. Then point them to the\n[first question](explainers/first-question.md) and the [timeline](/timeline/).\n";

const EXPLAINERS: &str = "---\ntitle: Explainers\nsummary: Each page answers one question.\nsort_by: weight\n---\n";

const EVENT_EXAMPLE: &str = "---\ntitle: Something happened\ndate: 2024-07\ncategory: milestone\nsources: [example-source]\nrelated: [\"@/explainers/first-question.md\"]\n---\n\nOne or two sentences on what happened.\n";

fn explainer(title: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nsummary: The short version, in a sentence or two.\nweight: 10\nkey_figures:\n  - value: \"1\"\n    label: what the number counts\n    source: example-source\nsources:\n  - id: example-source\n---\n\n## The answer\n\nWrite the answer here.\n"
    )
}

/// Creates a new site in `dir`: config, sample content and the default theme.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    if dir.join("content").exists() || dir.join("site.yaml").exists() {
        return Err(Error::Usage(format!(
            "{} already holds a site; pick an empty folder",
            dir.display()
        )));
    }
    let mut written = Vec::new();
    let files: [(&str, String); 5] = [
        ("site.yaml", SITE_YAML.into()),
        ("content/_index.md", HOME.into()),
        ("content/explainers/_index.md", EXPLAINERS.into()),
        (
            "content/explainers/first-question.md",
            explainer("What is the first question?"),
        ),
        ("content/timeline/first-event.md", EVENT_EXAMPLE.into()),
    ];
    for (rel, text) in files {
        written.push(write_new(&dir.join(rel), text.as_bytes())?);
    }
    write_theme(&THEME, &dir.join("themes/explainer"), &mut written)?;
    Ok(written)
}

fn write_theme(d: &Dir, to: &Path, written: &mut Vec<PathBuf>) -> Result<(), Error> {
    for f in d.files() {
        written.push(write_new(&to.join(f.path()), f.contents())?);
    }
    for sub in d.dirs() {
        write_theme(sub, to, written)?;
    }
    Ok(())
}

/// What `dossier new` can create.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Explainer,
    Event,
}

/// Creates `content/explainers/<slug>.md` or `content/timeline/<slug>.md`.
pub fn new(root: &Path, kind: Kind, name: &str) -> Result<PathBuf, Error> {
    let slug = slugify(name);
    let title = name.replace('"', "'");
    let (path, text) = match kind {
        Kind::Explainer => (
            root.join("content/explainers").join(format!("{slug}.md")),
            explainer(&title),
        ),
        Kind::Event => {
            let today = jiff::Zoned::now().date();
            let text = format!("---\ntitle: \"{title}\"\ndate: {today}\n---\n\nWhat happened, in a sentence or two.\n");
            (root.join("content/timeline").join(format!("{slug}.md")), text)
        }
    };
    write_new(&path, text.as_bytes())
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, bytes: &[u8]) -> Result<PathBuf, Error> {
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; not overwriting it",
            path.display()
        )));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))?;
    Ok(path.to_path_buf())
}
