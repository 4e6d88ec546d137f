//! The default theme, built into the binary: a site needs no `themes/`
//! folder. A site's `themes/explainer/` (or `templates/` and `static/`)
//! replaces it file by file; `dossier init` and `dossier theme export` write
//! a copy to edit.

use include_dir::{Dir, include_dir};

/// The name `site.yaml`'s `theme:` gives the built-in theme.
pub(crate) const NAME: &str = "explainer";

/// Every file of `themes/explainer/` at build time (build.rs reruns when
/// one changes).
pub(crate) static THEME: Dir = include_dir!("$CARGO_MANIFEST_DIR/themes/explainer");

/// Every file under `folder` of the theme: (path inside `folder`, bytes).
pub(crate) fn files(folder: &str) -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    let mut dirs: Vec<&Dir> = THEME.get_dir(folder).into_iter().collect();
    while let Some(d) = dirs.pop() {
        for f in d.files() {
            let path = f.path().strip_prefix(folder).unwrap_or(f.path());
            out.push((path.to_string_lossy().replace('\\', "/"), f.contents()));
        }
        dirs.extend(d.dirs());
    }
    out.sort();
    out
}
