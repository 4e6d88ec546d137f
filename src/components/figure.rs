//! `figure`: an image of the page's folder or of `static/`, with its alt
//! text (required), caption and credit, resized to a few widths for
//! `srcset` (see [`crate::images`]), with its size so nothing shifts as it loads.

use tera::Context;

use super::builtin::{arg, bad, text};
use super::{Components, Found, Scope, files};
use crate::model::UsedImage;
use crate::model::Uses;
use crate::shortcode::{Shortcode, Value};

pub(super) fn prepare(
    c: &Components,
    sc: &Shortcode,
    scope: Scope,
    uses: &mut Uses,
    ctx: &mut Context,
) -> Result<(), Vec<Found>> {
    let decorative = matches!(arg(sc, "decorative").map(|a| &a.value), Some(Value::Bool(true)));
    let mut found = Vec::new();
    match (text(sc, "alt"), decorative) {
        (None, false) => found.push((
            sc.name_span.start,
            "a figure needs `alt`: the text a reader who cannot see the image gets instead".into(),
            "describe what the image shows, e.g. alt=\"Junior doctors on a picket line\"; \
             for an image that adds nothing to the text, write alt=\"\" and decorative=true"
                .into(),
        )),
        (Some(a), false) if a.trim().is_empty() => found.push(bad(
            sc,
            "alt",
            "`alt` is empty, but the figure is not marked decorative".into(),
            "describe what the image shows, or add decorative=true if it adds nothing to the text".into(),
        )),
        (Some(a), true) if !a.trim().is_empty() => found.push(bad(
            sc,
            "alt",
            "a decorative figure has an empty `alt`".into(),
            "remove decorative=true if the image tells the reader something, or write alt=\"\"".into(),
        )),
        _ => {}
    }
    if decorative && text(sc, "link").is_some() {
        found.push(bad(
            sc,
            "link",
            "a decorative figure cannot be a link: the link would have no name".into(),
            "describe the image in `alt` and remove decorative=true, or remove the link".into(),
        ));
    }
    let file = files::resolve(c, sc, scope, "src", uses);
    let caption = files::inline_markdown(c, sc, scope, "caption");
    let (file, caption) = match (file, caption) {
        (Ok(f), Ok(cap)) if found.is_empty() => (f, cap),
        (f, cap) => {
            found.extend(f.err().into_iter().chain(cap.err()));
            return Err(found);
        }
    };
    let image = match c.image_cache {
        Some(cache) if !file.is_svg() => crate::images::resize(&file.path, cache, crate::images::WIDTHS),
        _ => crate::images::dimensions(&file.path).map(|(width, height)| crate::images::Resized {
            width,
            height,
            variants: Vec::new(),
        }),
    };
    let image = image.map_err(|p| vec![bad(sc, "src", format!("`{}`: {}", file.written, p.message), p.hint)])?;
    let url = |file: &str| c.site.url(&format!("/{file}"));
    let mut src = file.url.clone();
    let mut srcset = String::new();
    if let Some(cache) = c.image_cache {
        srcset = image.srcset(url);
        uses.images.extend(image.variants.iter().map(|v| UsedImage {
            dest: v.file.clone(),
            source: crate::images::cached_file(cache, v),
        }));
        // Browsers without srcset get a width that suits most screens.
        if let Some(v) = image.variants.iter().find(|v| v.width >= 800).or(image.variants.last()) {
            src = url(&v.file);
        }
    }
    ctx.insert("src", &src);
    ctx.insert("srcset", &srcset);
    ctx.insert("sizes", crate::images::SIZES);
    ctx.insert("width", &image.width);
    ctx.insert("height", &image.height);
    ctx.insert("alt", text(sc, "alt").unwrap_or(""));
    ctx.insert("decorative", &decorative);
    ctx.insert("caption", &caption);
    ctx.insert("credit", text(sc, "credit").unwrap_or(""));
    ctx.insert("link", text(sc, "link").unwrap_or(""));
    Ok(())
}
