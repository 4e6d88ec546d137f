//! Files a shortcode names (`src="ward.jpg"`, `data="pay.csv"`): found
//! beside the page, or under `static/` when written from the root
//! (`/images/ward.jpg`); a file that is not there is an error.

use std::path::{Component, Path, PathBuf};

use super::builtin::{arg, bad, text};
use super::{Components, Found, Scope};
use crate::markdown::Problem;
use crate::markdown::Refs;
use crate::model::Uses;
use crate::model::{FileRef, parent_dir};
use crate::shortcode::Shortcode;

/// A file a shortcode uses.
pub(super) struct Resolved {
    pub(super) path: PathBuf,
    /// Where the output serves it (through the site's base path).
    pub(super) url: String,
    /// As the author wrote it.
    pub(super) written: String,
}

impl Resolved {
    pub(super) fn is_svg(&self) -> bool {
        self.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"))
    }
}

/// The file argument `name` names (which the spec made sure is text).
pub(super) fn resolve(
    c: &Components,
    sc: &Shortcode,
    scope: Scope,
    name: &str,
    uses: &mut Uses,
) -> Result<Resolved, Found> {
    let written = text(sc, name).unwrap_or_default().to_string();
    let site = c.site;
    if written.contains("://") || written.starts_with("//") {
        return Err(bad(
            sc,
            name,
            format!(
                "`{written}` is on another site; a {} must be a file of this one",
                sc.name
            ),
            "save it in the page's folder (making sure you may publish it) and name it from there".into(),
        ));
    }
    let (dir, rest, from_root) = match written.strip_prefix('/') {
        Some(rest) => (site.root.join("static"), rest, true),
        None => (
            site.root.join("content").join(parent_dir(scope.rel)),
            written.as_str(),
            false,
        ),
    };
    let path = normalise(&dir.join(rest));
    let inside = path.starts_with(&site.root);
    if !inside || !path.is_file() {
        let hint = nearby(&path, from_root);
        return Err(bad(sc, name, format!("`{written}` does not exist"), hint));
    }
    uses.files.push(path.clone());
    let url = match from_root {
        true => site.url(&written),
        false => match site.assets.iter().find(|a| normalise(&a.source) == path) {
            Some(asset) => site.url(&format!("/{}", asset.dest)),
            None => {
                return Err(bad(
                    sc,
                    name,
                    format!("`{written}` is not a file the site publishes"),
                    "name an image or data file in content/ (not a page), or one under static/".into(),
                ));
            }
        },
    };
    Ok(Resolved { path, url, written })
}

/// The problems of the local files a text links to or shows (its
/// [`FileRef`]s): a relative path must name a file beside the text's file
/// under `content/`; an image from the root (`/images/a.png`), a file of
/// `static/` (the site's or the theme's) or of `content/`.
pub(crate) fn missing_files(c: &Components, rel: &str, files: &[FileRef]) -> Vec<Problem> {
    let site = c.site;
    let mut problems = Vec::new();
    for f in files {
        let path = crate::text::percent_decode(&f.path);
        let found = match path.strip_prefix('/') {
            Some(_) if !f.image => true, // a page or a file the build writes (`/atom.xml`)
            Some(rooted) => {
                let theme = crate::render::theme_dir(&site.root, &site.config.theme).join("static");
                site.root.join("static").join(rooted).is_file()
                    || theme.join(rooted).is_file()
                    || crate::render::builtin::files("static").iter().any(|(n, _)| n == rooted)
                    || site.assets.iter().any(|a| a.dest == rooted)
            }
            None => {
                let dir = site.root.join("content").join(parent_dir(rel));
                let target = normalise(&dir.join(&path));
                target.starts_with(site.root.join("content")) && target.is_file()
            }
        };
        if !found {
            let what = if f.image { "image" } else { "file" };
            let from_root = path.starts_with('/');
            let near = match from_root {
                true => site.root.join("static").join(path.trim_start_matches('/')),
                false => site.root.join("content").join(parent_dir(rel)).join(&path),
            };
            problems.push(Problem {
                line: f.line,
                col: f.col,
                message: format!("{what} `{}` does not exist", f.path),
                hint: nearby(&normalise(&near), from_root),
            });
        }
    }
    problems
}

/// `a/./b/../c` -> `a/c`, without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A hint for a file that is not there: the nearest name in its folder.
fn nearby(path: &Path, from_root: bool) -> String {
    let otherwise = match from_root {
        true => "a path from the root (`/...`) names a file under static/".to_string(),
        false => "a path is relative to the page's folder; start it with `/` for a file under static/".to_string(),
    };
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return otherwise;
    };
    let names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    crate::error::suggest(&name.to_string_lossy(), names.iter().map(String::as_str), &otherwise)
}

/// Inline Markdown of an argument (a caption): its HTML without the paragraph.
pub(super) fn inline_markdown(c: &Components, sc: &Shortcode, scope: Scope, name: &str) -> Result<String, Found> {
    let Some(t) = text(sc, name) else {
        return Ok(String::new());
    };
    let refs = Refs {
        glossary: None,
        ..scope.refs
    };
    let (rendered, problems) = crate::markdown::render(t, scope.rel, 1, &c.site.links, refs);
    if let Some(p) = problems.into_iter().next() {
        let offset = arg(sc, name).map_or(sc.span.start, |a| a.value_span.start);
        return Err((offset, p.message, p.hint));
    }
    let html = rendered.html.trim_end();
    let html = html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html);
    Ok(html.to_string())
}
