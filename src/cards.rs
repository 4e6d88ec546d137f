//! Share cards: the 1200x630 PNG images link previews show (`og:image`),
//! drawn from a page's title, the site's name and a colour.
//!
//! A card is an SVG string rendered by `resvg` with the fonts embedded in
//! the binary (DejaVu Sans, `assets/fonts/`) and no system font, so a card
//! is the same bytes on every machine. Drawing one takes milliseconds, so
//! cards are kept in a cache folder beside the output
//! (`.public.dossier-cards/<hash of the inputs>.png`): a card whose inputs
//! were drawn before is read back, not drawn again. A full build leaves the
//! cards it used there, no others.

use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// The size link previews expect.
pub(crate) const WIDTH: u32 = 1200;
pub(crate) const HEIGHT: u32 = 630;

/// The theme's red, for pages with no category.
pub(crate) const DEFAULT_COLOUR: &str = "#b3261e";

/// Changes whenever the drawing changes, so cached cards are drawn again.
const DRAWING_VERSION: u32 = 2;

const BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");
const REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");

const MARGIN: f32 = 80.0;
const TITLE_SIZE: f32 = 64.0;
const TITLE_LEADING: f32 = 1.2;
const MAX_LINES: usize = 4;
/// DejaVu Sans Bold's mean advance, as a share of the font size (a little
/// wide, so an estimated line never runs off the card).
const MEAN_ADVANCE: f32 = 0.64;

/// What a card shows: everything its bytes depend on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Card {
    pub title: String,
    pub site: String,
    /// A CSS colour (`#b3261e`).
    pub colour: String,
}

impl Card {
    /// The name of its file in the cache: a hash of what it shows and of
    /// how cards are drawn.
    pub(crate) fn key(&self) -> String {
        let hash = |seed: u64| {
            let mut h = std::hash::DefaultHasher::new();
            (seed, DRAWING_VERSION, self).hash(&mut h);
            h.finish()
        };
        format!("{:016x}{:016x}", hash(1), hash(2))
    }

    /// The card as an SVG document.
    pub(crate) fn svg(&self) -> String {
        let colour = crate::text::escape(&self.colour);
        let lines = wrap(
            &self.title,
            ((WIDTH as f32 - 2.0 * MARGIN) / (TITLE_SIZE * MEAN_ADVANCE)) as usize,
        );
        let line_height = TITLE_SIZE * TITLE_LEADING;
        // The title block sits centred in the space between the band and the site name.
        let block = line_height * lines.len() as f32;
        let top = 40.0 + (HEIGHT as f32 - 40.0 - 130.0 - block) / 2.0 + TITLE_SIZE;
        let title: String = (lines.iter().enumerate())
            .map(|(i, l)| {
                format!(
                    "<tspan x=\"{MARGIN}\" y=\"{:.1}\">{}</tspan>",
                    top + i as f32 * line_height,
                    crate::text::escape(l)
                )
            })
            .collect();
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\
             <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#fbfaf7\"/>\
             <rect width=\"{WIDTH}\" height=\"40\" fill=\"{colour}\"/>\
             <rect x=\"{MARGIN}\" y=\"{y}\" width=\"120\" height=\"8\" fill=\"{colour}\"/>\
             <text font-family=\"DejaVu Sans\" font-weight=\"bold\" font-size=\"{TITLE_SIZE}\" fill=\"#1a1a1a\">{title}</text>\
             <text x=\"{MARGIN}\" y=\"{site_y}\" font-family=\"DejaVu Sans\" font-size=\"36\" fill=\"#444444\">{site}</text>\
             </svg>",
            y = HEIGHT - 130,
            site_y = HEIGHT - 70,
            site = crate::text::escape(&ellipsis(&self.site, 50)),
        )
    }

    /// The card as a PNG.
    pub(crate) fn png(&self) -> Vec<u8> {
        let options = usvg::Options {
            fontdb: fonts(),
            ..Default::default()
        };
        // The SVG is ours and always valid; an unknown colour draws black.
        let tree = usvg::Tree::from_str(&self.svg(), &options).expect("a card's SVG parses");
        let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("a card has a size");
        resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
        encode(&pixmap)
    }

    /// The card's PNG from the cache folder `cache` when it is there;
    /// otherwise drawn and put there (a cache that cannot be written is
    /// no reason to fail a build: the card is drawn each time). With no
    /// cache (`check`, which writes nothing), nothing is drawn: no bytes.
    pub(crate) fn png_cached(&self, cache: Option<&Path>) -> Vec<u8> {
        let Some(dir) = cache else {
            return Vec::new();
        };
        let path = dir.join(format!("{}.png", self.key()));
        if let Ok(bytes) = std::fs::read(&path) {
            return bytes;
        }
        let bytes = self.png();
        // Another build may draw the same card at once: each writes its
        // own temporary file, then renames it into place.
        let tmp = dir.join(format!(".{}.{}.tmp", self.key(), std::process::id()));
        let stored = std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&tmp, &bytes))
            .and_then(|()| std::fs::rename(&tmp, &path));
        if stored.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        bytes
    }
}

/// `pixmap` as a PNG. The card is opaque, so RGB (its premultiplied RGBA
/// less the alpha), and `Fast` compression: encoding took three quarters
/// of a card's time at the default level.
fn encode(pixmap: &tiny_skia::Pixmap) -> Vec<u8> {
    let rgb: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let written = encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(&rgb).and_then(|()| w.finish()));
    written.expect("a PNG encodes into memory");
    out
}

/// Removes from the cache folder `dir` every card but those named by `keep`
/// (their [`Card::key`]s), so that it holds the cards of the last build only.
pub(crate) fn prune(dir: &Path, keep: &std::collections::HashSet<String>) {
    crate::output::keep_only(dir, ".png", keep);
}

/// The embedded fonts, loaded once.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(BOLD.to_vec());
            db.load_font_data(REGULAR.to_vec());
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

/// `text` in lines of at most about `width` characters, broken between
/// words, at most [`MAX_LINES`] of them (the last one ending in "…" when
/// the text goes on).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let fits = line.chars().count() + 1 + word.chars().count() <= width;
        if line.is_empty() || fits {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        } else {
            lines.push(std::mem::take(&mut line));
            line.push_str(word);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let more = lines.len() > MAX_LINES;
    lines.truncate(MAX_LINES);
    // A single word longer than a line is cut too.
    for (i, l) in lines.iter_mut().enumerate() {
        let last = i + 1 == MAX_LINES && more;
        if last || l.chars().count() > width {
            *l = ellipsis(&format!("{l}{}", if last { " …" } else { "" }), width);
        }
    }
    lines
}

/// `text`, cut to `width` characters with "…" when longer.
fn ellipsis(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let cut: String = text.chars().take(width.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(title: &str) -> Card {
        Card {
            title: title.into(),
            site: "The Pay Dispute".into(),
            colour: "#1e6bb3".into(),
        }
    }

    /// Width and height from a PNG's IHDR chunk.
    fn size(png: &[u8]) -> (u32, u32) {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        (be(16), be(20))
    }

    #[test]
    fn draws_a_1200_by_630_png() {
        assert_eq!(size(&card("Why the strike happened").png()), (1200, 630));
    }

    #[test]
    fn same_inputs_same_bytes_other_title_other_bytes() {
        let a = card("Why the strike happened").png();
        assert_eq!(a, card("Why the strike happened").png());
        assert_ne!(a, card("What the offer means").png());
        assert_ne!(card("x").key(), card("y").key());
    }

    #[test]
    fn the_text_is_drawn() {
        // A card with a title has more ink than one without.
        let blank = card("").png();
        let with = card("Why the strike happened").png();
        assert!(with.len() > blank.len() + 1000, "{} vs {}", with.len(), blank.len());
    }

    /// The cost of a card, by step: `cargo test --release --lib cards::tests::cost -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn cost() {
        use std::time::Instant;
        let n = 200;
        let cards: Vec<Card> = (0..n)
            .map(|i| card(&format!("Why are junior doctors striking, part {i}?")))
            .collect();
        let options = usvg::Options {
            fontdb: fonts(),
            ..Default::default()
        };
        let (mut parse, mut render, mut encoding) = (0.0, 0.0, 0.0);
        for c in &cards {
            let t = Instant::now();
            let tree = usvg::Tree::from_str(&c.svg(), &options).unwrap();
            parse += t.elapsed().as_secs_f64();
            let t = Instant::now();
            let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).unwrap();
            resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
            render += t.elapsed().as_secs_f64();
            let t = Instant::now();
            std::hint::black_box(encode(&pixmap));
            encoding += t.elapsed().as_secs_f64();
        }
        let ms = |s: f64| s * 1000.0 / n as f64;
        let t = Instant::now();
        cards.iter().for_each(|c| drop(std::hint::black_box(c.png())));
        println!(
            "per card: {:.2} ms (SVG and text layout {:.2}, rasterising {:.2}, PNG {:.2})",
            ms(t.elapsed().as_secs_f64()),
            ms(parse),
            ms(render),
            ms(encoding)
        );
    }

    #[test]
    fn escapes_and_wraps_the_title() {
        let svg = card("Pay & <conditions>").svg();
        assert!(svg.contains("Pay &amp; &lt;conditions&gt;"));
        let long = "word ".repeat(100);
        let lines = wrap(&long, 27);
        assert_eq!(lines.len(), MAX_LINES);
        assert!(lines.iter().all(|l| l.chars().count() <= 27), "{lines:?}");
        assert!(lines[3].ends_with('…'));
        assert_eq!(wrap("a b", 27), vec!["a b"]);
        assert_eq!(wrap(&"x".repeat(40), 27)[0].chars().count(), 27);
    }

    #[test]
    fn any_title_draws_even_with_characters_xml_forbids() {
        // A Rust string may hold U+FFFF and control characters; the SVG may not.
        let png = card("Pay\u{ffff} \u{1}offer\u{fffe}").png();
        assert_eq!(&png[1..4], b"PNG");
    }

    #[test]
    fn caches_by_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let c = card("Cached");
        let drawn = c.png_cached(Some(dir.path()));
        let file = dir.path().join(format!("{}.png", c.key()));
        assert_eq!(std::fs::read(&file).unwrap(), drawn);
        // What is in the cache is what comes back.
        std::fs::write(&file, b"cached").unwrap();
        assert_eq!(c.png_cached(Some(dir.path())), b"cached");
        // Nothing is drawn without a cache (`check`).
        assert!(c.png_cached(None).is_empty());
        let other = card("Other");
        other.png_cached(Some(dir.path()));
        prune(dir.path(), &[other.key()].into_iter().collect());
        let left: Vec<String> = (std::fs::read_dir(dir.path()).unwrap())
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(left, [format!("{}.png", other.key())]);
    }
}
