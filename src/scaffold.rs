//! `dossier init` and `dossier new`: starting points an author fills in.

use std::path::{Path, PathBuf};

use include_dir::Dir;

use crate::content::frontmatter::split;
use crate::content::walk::is_junk;
use crate::date::PartialDate;
use crate::error::Error;
use crate::model::SourceText;
use crate::render::builtin::THEME;
use crate::text::{decode, slugify};
use crate::yaml::Origin;

const SITE_YAML: &str = r##"title: "Our explainer"
base_url: "https://example.org"
language: en-GB
description: "What happened, when, and what comes next."
search: true                        # a search box and /search/ (see docs/search.md)
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

/// The sample explainer `init` writes: a worked example, citing the sample
/// `site.yaml`'s source (not what `new` writes; see [`page`]).
const FIRST_QUESTION: &str = "---\ntitle: \"What is the first question?\"\nsummary: The short version, in a sentence or two.\nweight: 10\nkey_figures:\n  - value: \"1\"\n    label: what the number counts\n    source: example-source\nsources:\n  - id: example-source\n---\n\n## The answer\n\nWrite the answer here.\n";

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
        ("content/explainers/first-question.md", FIRST_QUESTION.into()),
        ("content/timeline/first-event.md", EVENT_EXAMPLE.into()),
    ];
    for (rel, text) in files {
        written.push(write_new(&dir.join(rel), text.as_bytes())?);
    }
    write_theme(&THEME, &dir.join("themes/explainer"), &mut written)?;
    Ok(written)
}

/// `dossier theme export DIR`: writes the built-in theme into `DIR` (a
/// site's `themes/explainer/`, say) to change it; nothing is overwritten.
pub fn export_theme(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    write_theme(&THEME, dir, &mut written)?;
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
    /// A page in `content/explainers/`, titled NAME
    Explainer,
    /// A page at PATH under `content/` (`"explainers/pay offer"`), in any section
    Page,
    /// A timeline event in `content/timeline/`, titled NAME (needs `--date`)
    Event,
}

/// What marks a line of a page's body as still to be written: `new` starts
/// every page's body with one, and `check` lists those left.
pub const PLACEHOLDER: &str = "TODO:";

/// Creates a draft page (`Explainer`, `Page`) or a timeline event in the
/// site at `root`; `date` is the event's date (required) or the page's
/// publication date. Writes nothing when anything is wrong.
pub fn new(root: &Path, kind: Kind, name: &str, date: Option<&str>) -> Result<PathBuf, Error> {
    if !root.join("content").is_dir() && !root.join("site.yaml").is_file() {
        let here = if root == Path::new(".") {
            "the current folder".to_string()
        } else {
            root.display().to_string()
        };
        return Err(Error::Usage(format!(
            "{here} is not a site (it has no content/ folder or site.yaml): run `dossier new` in a site's folder \
             (or pass --root DIR), or create a site with `dossier init DIR`"
        )));
    }
    let date = date
        .map(|d| {
            d.parse::<PartialDate>()
                .map_err(|e| Error::Usage(format!("bad --date: {e}")))
        })
        .transpose()?;
    let (rel, text) = match kind {
        Kind::Explainer => {
            let file = format!("{}.md", file_slug(name)?);
            let weight = next_weight(&root.join("content/explainers"));
            (format!("explainers/{file}"), page(name, date, weight))
        }
        Kind::Page => {
            let (folders, title) = page_path(name)?;
            let file = format!("{}.md", file_slug(title)?);
            let dir = root.join("content").join(folders.join("/"));
            let rel = folders
                .iter()
                .map(String::as_str)
                .chain([file.as_str()])
                .collect::<Vec<_>>();
            (rel.join("/"), page(&capitalise(title), date, next_weight(&dir)))
        }
        Kind::Event => {
            let Some(date) = date else {
                return Err(Error::Usage(
                    "an event needs its date: pass --date with the precision you know \
                     (--date 2024, --date 2024-07 or --date 2024-07-12)"
                        .into(),
                ));
            };
            (format!("timeline/{}.md", file_slug(name)?), event(name, date))
        }
    };
    write_new(&root.join("content").join(rel), text.as_bytes())
}

/// `"explainers/pay offer"` -> (`["explainers"]`, `"pay offer"`): the
/// section's folders, slugged, and the page's name.
fn page_path(path: &str) -> Result<(Vec<String>, &str), Error> {
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let Some((name, folders)) = parts.split_last() else {
        return Err(Error::Usage(
            "give the page's path under content/, like \"explainers/pay offer\"".into(),
        ));
    };
    let folders = folders.iter().map(|f| file_slug(f)).collect::<Result<Vec<_>, _>>()?;
    if folders.first().is_some_and(|f| f == "timeline") {
        return Err(Error::Usage(
            "content/timeline/ holds timeline events: use `dossier new event NAME --date DATE`".into(),
        ));
    }
    Ok((folders, name.strip_suffix(".md").unwrap_or(name)))
}

/// A file or folder name from what the author typed; refuses names that
/// would climb out of `content/` or make a section's folder a page bundle.
fn file_slug(name: &str) -> Result<String, Error> {
    if !name.chars().any(char::is_alphanumeric) {
        return Err(Error::Usage(format!(
            "`{name}` has no letter or digit to make a file name from"
        )));
    }
    match slugify(name) {
        s if s == "index" => Err(Error::Usage(
            "`index` is the file of a page bundle; pick another name".into(),
        )),
        s => Ok(s),
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A YAML double-quoted string.
fn quoted(s: &str) -> String {
    let s = s.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{}\"", s.replace(['\n', '\r', '\t'], " "))
}

/// Front matter lines: `key: value`, each with its comment lined up
/// (a line starting `#` is an optional key, shown as an example).
fn front_matter(lines: &[(&str, &str)]) -> String {
    let mut out = String::from("---\n");
    for (line, comment) in lines {
        match comment.is_empty() {
            true => out.push_str(line),
            false => out.push_str(&format!("{line:<36} # {comment}")),
        }
        out.push('\n');
    }
    out.push_str("---\n");
    out
}

const OPTIONAL: &str = "# Optional keys, one example each: remove the # to use one (README: Front matter reference).";

/// A new page: a draft, weighted after its section's pages, with no figures
/// or sources to publish by mistake; the optional keys are shown as comments.
fn page(title: &str, date: Option<PartialDate>, weight: i64) -> String {
    let title = format!("title: {}", quoted(title));
    let weight = format!("weight: {weight}");
    let date = match date {
        Some(d) => format!("date: {d}"),
        None => "# date: 2024-07".into(),
    };
    let front = front_matter(&[
        (&title, ""),
        ("draft: true", "remove this line to publish the page"),
        (&weight, "order in its section: after the pages there now"),
        (OPTIONAL, ""),
        ("# summary: The short version", "a sentence or two, shown at the top"),
        (&date, "published: 2024, 2024-07 or 2024-07-12"),
        ("# updated: 2024-07-15", ""),
        ("# tags: [pay, strikes]", ""),
        ("# slug: short-name", "the URL's last part, instead of the file name"),
        (
            "# key_figures: [{value: \"62,000\", label: appointments cancelled, source: a-source-id}]",
            "",
        ),
        (
            "# sources: [{id: a-source-id, title: Title of the report, publisher: Its publisher, date: 2024-07}]",
            "",
        ),
        ("# updates: [{date: 2024-07-15, kind: update, text: What changed.}]", ""),
        (
            "# events: [{title: What happened, date: 2024-07, category: a-category-id}]",
            "",
        ),
        ("# people: [a-person-id]", "ids from site.yaml's people"),
        (
            "# positions: [{who: a-person-id, says: What they say., source: a-source-id}]",
            "",
        ),
        (
            "# questions: [{question: What would a reader ask?, answer: The answer.}]",
            "",
        ),
        ("# what_next: [What happens next.]", ""),
        ("# template: page.html", ""),
    ]);
    format!("{front}\n{PLACEHOLDER} answer the question here, starting with what a reader most needs to know.\n")
}

/// A new timeline event: the title and date the author gave, nothing else
/// (an event cannot be a draft, so it carries no placeholder text).
fn event(title: &str, date: PartialDate) -> String {
    let title = format!("title: {}", quoted(title));
    let date = format!("date: {date}");
    front_matter(&[
        (&title, ""),
        (&date, "as precise as you know: 2024, 2024-07 or 2024-07-12"),
        (OPTIONAL, ""),
        ("# end: 2024-07-02", "the last day, if it lasted; same forms as date"),
        ("# category: a-category-id", "one of site.yaml's timeline categories"),
        ("# actors: [a-person-id]", ""),
        ("# sources: [a-source-id]", "ids of the site's (or a page's) sources"),
        ("# related: [\"@/explainers/pay.md\"]", "pages this event concerns"),
        ("# location: Westminster, London", ""),
        ("# id: a-stable-id", "for other events' after: and before:"),
        (
            "# after: another-event-id",
            "placed after that event (for a month or year)",
        ),
        ("# before: another-event-id", ""),
        ("# Below the closing line: what happened, in Markdown (optional).", ""),
    ])
}

/// What `new` and `check` read of a file's front matter; everything else
/// is the build's to check.
#[derive(serde::Deserialize)]
struct Loose {
    weight: Option<i64>,
    #[serde(default)]
    draft: bool,
}

/// A Markdown file's front matter and body (with the body's first line
/// number), or `None` when the build would report it anyway.
fn read_loose(file: &Path) -> Option<(Loose, SourceText)> {
    let text = decode(file, std::fs::read(file).ok()?).ok()?;
    let src = split(file, text).ok()?;
    let origin = Origin {
        file,
        file_text: &src.text,
        first_line: src.front_line,
    };
    let loose = crate::yaml::parse::<Loose>(src.front(), &origin).ok()?;
    Some((loose, src))
}

/// 10 more than the highest `weight` among the pages in `dir` (its `.md`
/// files but `_index.md`, and its bundles' `index.md`), or 10.
fn next_weight(dir: &Path) -> i64 {
    let entries = std::fs::read_dir(dir).into_iter().flatten().filter_map(Result::ok);
    let pages = entries.filter_map(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        match () {
            _ if is_junk(&name) || name == "_index.md" => None,
            _ if path.is_dir() => Some(path.join("index.md")).filter(|p| p.is_file()),
            _ if name.ends_with(".md") => Some(path),
            _ => None,
        }
    });
    let highest = pages.filter_map(|p| read_loose(&p)?.0.weight).max();
    highest.map_or(10, |w| w.saturating_add(10))
}

/// What is still unfinished under `root/content`, one line each: drafts,
/// and body lines starting with [`PLACEHOLDER`] (outside code blocks).
/// `check` prints them as warnings; they do not stop a build.
pub fn unfinished(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let walker = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_junk(&e.file_name().to_string_lossy()));
    for entry in walker.filter_map(Result::ok) {
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let Some((loose, src)) = read_loose(path) else {
            continue;
        };
        let shown = path
            .strip_prefix(root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        if loose.draft {
            out.push(format!("{shown}: still a draft (remove `draft: true` to publish it)"));
        }
        let mut fenced = false;
        for (n, line) in (src.body_line..).zip(src.body().lines()) {
            let line = line.trim();
            if line.starts_with("```") || line.starts_with("~~~") {
                fenced = !fenced;
            } else if !fenced && line.starts_with(PLACEHOLDER) {
                out.push(format!("{shown}:{n}: placeholder still to replace: {line}"));
            }
        }
    }
    out
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
