//! The theme's labels in the site's language: `t` in every template.
//!
//! A theme carries `i18n/<lang>.yaml` files (flat maps, `key: text`); a
//! site's own `i18n/<lang>.yaml` replaces keys one by one. `<lang>` is the
//! language tag's first part (`fr` for `fr-CA`). A key the language lacks
//! falls back to English, and the author is told which ones: a page half in
//! English should never be a surprise.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Diagnostic;

/// Labels by key, and warnings about what is missing.
pub(crate) struct Labels {
    pub(crate) text: BTreeMap<String, String>,
    pub(crate) warnings: Vec<Diagnostic>,
}

/// One layer of label files: the built-in theme's, the theme folder's, the site's.
pub(crate) struct Layer<'a> {
    /// Where its files are named from in messages (`themes/explainer/i18n`).
    pub(crate) name: String,
    /// `(language, file text)` for each file it has.
    pub(crate) files: Vec<(String, &'a str)>,
}

/// The labels for `language`, from `layers` (later ones replace earlier
/// ones key by key). Errors are problems in the files themselves.
pub(crate) fn labels(layers: &[Layer], language: &str) -> Result<Labels, Vec<Diagnostic>> {
    let lang = language
        .split(['-', '_'])
        .next()
        .unwrap_or(language)
        .to_ascii_lowercase();
    let mut problems = Vec::new();
    let mut read = |wanted: &str| {
        let mut out: Option<BTreeMap<String, String>> = None;
        for layer in layers {
            for (file_lang, text) in &layer.files {
                if file_lang != wanted {
                    continue;
                }
                let file = Path::new(&layer.name).join(format!("{file_lang}.yaml"));
                let origin = crate::yaml::Origin {
                    file: &file,
                    file_text: text,
                    first_line: 1,
                };
                match crate::yaml::parse::<BTreeMap<String, String>>(text, &origin) {
                    Ok(map) => out.get_or_insert_with(BTreeMap::new).extend(map),
                    Err(d) => problems.push(d),
                }
            }
        }
        out
    };
    let english = read("en").unwrap_or_default();
    let own = if lang == "en" { None } else { read(&lang) };
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut warnings = Vec::new();
    let site_file = format!("i18n/{lang}.yaml");
    match &own {
        _ if english.is_empty() || lang == "en" => {}
        None => warnings.push(
            Diagnostic::file(
                "site.yaml",
                format!(
                    "the theme has no labels in `{language}`: they will be in English ({})",
                    keys(english.keys())
                ),
            )
            .with_hint(format!(
                "add {site_file} with a translation for each (see the theme's i18n/en.yaml)"
            )),
        ),
        Some(own) => {
            let missing: Vec<&String> = english.keys().filter(|k| !own.contains_key(*k)).collect();
            if !missing.is_empty() {
                warnings.push(
                    Diagnostic::file(
                        "site.yaml",
                        format!(
                            "some labels have no `{language}` text and will be in English: {}",
                            keys(missing.into_iter())
                        ),
                    )
                    .with_hint(format!("add them to {site_file}")),
                );
            }
        }
    }
    let mut text = english;
    text.extend(own.unwrap_or_default());
    Ok(Labels { text, warnings })
}

fn keys<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    keys.map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer<'a>(name: &str, files: &[(&str, &'a str)]) -> Layer<'a> {
        Layer {
            name: name.into(),
            files: files.iter().map(|(l, t)| (l.to_string(), *t)).collect(),
        }
    }

    #[test]
    fn the_language_then_english_then_a_warning() {
        let theme = layer(
            "theme",
            &[("en", "next: Next\nprevious: Previous\n"), ("fr", "next: Suivant\n")],
        );
        let l = labels(&[theme], "fr-CA").map_err(|_| ()).unwrap();
        assert_eq!(l.text["next"], "Suivant");
        assert_eq!(l.text["previous"], "Previous");
        assert_eq!(l.warnings.len(), 1);
        assert!(
            l.warnings[0].message.contains("`previous`"),
            "{}",
            l.warnings[0].message
        );
        // The site's file completes it: no warning.
        let theme = layer(
            "theme",
            &[("en", "next: Next\nprevious: Previous\n"), ("fr", "next: Suivant\n")],
        );
        let site = layer("i18n", &[("fr", "previous: Précédent\n")]);
        let l = labels(&[theme, site], "fr").map_err(|_| ()).unwrap();
        assert_eq!(l.text["previous"], "Précédent");
        assert!(l.warnings.is_empty());
        // A language nobody wrote: everything in English, said once.
        let theme = layer("theme", &[("en", "next: Next\n")]);
        let l = labels(&[theme], "xx").map_err(|_| ()).unwrap();
        assert_eq!(l.text["next"], "Next");
        assert!(l.warnings[0].message.contains("no labels in `xx`"));
    }
}
