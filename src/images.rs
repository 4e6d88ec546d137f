//! Responsive images: the variants of a figure's image at a few widths, for
//! `srcset`, made at build time and cached beside the output.
//!
//! A variant's file is named by a hash of the source's bytes (and of how
//! variants are encoded) and its width, `processed/3f9a1c2b7e01-800.jpg`, so
//! browsers may cache it forever: an edited image gets new names.
//!
//! Decoding a photo and resizing it takes a large share of a second, so the
//! variants live in a cache folder (`.public.dossier-images/`, beside the
//! output like the share cards' cache) under the same names as in the output.
//! Three kinds of file are kept there:
//!
//! - `<hash>-<width>.<ext>`: a variant;
//! - `<hash>.txt`: what the source is (its size once oriented, and the
//!   extension its variants have), so a warm call needs no decoding;
//! - `index/<hash of the path>.txt`: which content hash a source path had
//!   at a given size, modification time, change time and inode, so an
//!   unchanged source is not even read (reading and hashing a 4 MB photo
//!   costs milliseconds; looking it up costs microseconds).
//!
//! Every file is written under a temporary name and renamed into place, so
//! two threads or two builds making the same variant at once each write
//! whole files, and the last rename wins with the same bytes.
//!
//! The cache does not grow with edits: when a source's content changes, the
//! variants of its previous content go (unless another source still has
//! that content), and [`prune`] keeps only what a full build used.

// Until the `figure` shortcode calls it, only the tests do.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits};
use rayon::prelude::*;

/// The widths made for `srcset`. The theme's text column is at most 38rem
/// (608 CSS pixels): 480 serves phones at 1x, 800 the column at 1x and
/// phones at 2x, 1200 phones at 3x and the column at 2x on a budget, 1600
/// the column on 2x and 3x screens. More steps save little: each one is
/// about 1.5x the last, so a browser never fetches more than about twice
/// the pixels it shows.
pub(crate) const WIDTHS: &[u32] = &[480, 800, 1200, 1600];

/// The `sizes` attribute matching the theme's column: 38rem once the
/// viewport is wide enough for it (42rem), otherwise the viewport less the
/// gutters (about 92vw).
pub(crate) const SIZES: &str = "(min-width: 42rem) 38rem, 92vw";

/// The output folder variants go in.
const OUTPUT_DIR: &str = "processed";

/// Changes whenever variants would come out different (quality, filter,
/// formats), so that their names change and browsers fetch them again.
const ENCODING_VERSION: u32 = 1;

const JPEG_QUALITY: u8 = 80;

/// PNGs are mostly charts and screenshots, where the default compression
/// costs milliseconds and makes files a third the size fast compression
/// does (see the `cost` test). A photo saved as PNG takes most of a
/// second, once: variants are cached.
const PNG_COMPRESSION: CompressionType = CompressionType::Default;

/// Catmull-Rom: as sharp as Lanczos3 to the eye for downscaling photos,
/// with a kernel two thirds the size (see the `cost` test for the timing).
const FILTER: FilterType = FilterType::CatmullRom;

/// Larger images are refused: decoding one takes more memory than a build
/// should (a 100-megapixel RGB image is 300 MB decoded).
const MAX_PIXELS: u64 = 100_000_000;

/// Larger files are not read at all (a photo is a few megabytes; a
/// 100-megapixel PNG of noise about 300).
const MAX_FILE: u64 = 512 * 1024 * 1024;

/// What a decoder may allocate (the decoded image included).
const MAX_ALLOC: u64 = 512 * 1024 * 1024;

const SUPPORTED: &str = "JPEG, PNG, WebP, GIF or SVG";

/// One variant of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Variant {
    pub width: u32,
    pub height: u32,
    /// Where it goes, relative to the output, `/`-separated:
    /// `processed/3f9a1c2b7e01-800.jpg`.
    pub file: String,
}

/// An image and its variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resized {
    /// The original's size, after its EXIF orientation.
    pub width: u32,
    pub height: u32,
    /// Ascending widths, never wider than the original; the original's own
    /// width is one of them when it is narrower than the widest asked for.
    /// GIFs (which may be animated) and SVGs have one variant: the file as
    /// it is, under a hashed name.
    pub variants: Vec<Variant>,
}

impl Resized {
    /// The `srcset` attribute, with `url` turning an output path into a URL.
    pub(crate) fn srcset(&self, url: impl Fn(&str) -> String) -> String {
        (self.variants.iter())
            .map(|v| format!("{} {}w", url(&v.file), v.width))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Why an image cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImageProblem {
    pub message: String,
    pub hint: String,
}

impl ImageProblem {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        ImageProblem {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl std::fmt::Display for ImageProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.hint)
    }
}

/// What a source is, as kept in the cache: enough to list its variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Info {
    width: u32,
    height: u32,
    ext: &'static str,
}

impl Info {
    /// GIFs and SVGs are copied, not resized.
    fn as_is(&self) -> bool {
        matches!(self.ext, "gif" | "svg" | "webp")
    }
}

/// Reads the image at `source`, makes its variants at `widths` (decoding
/// and resizing only what the cache folder `cache` does not already hold)
/// and returns where they are.
pub(crate) fn resize(source: &Path, cache: &Path, widths: &[u32]) -> Result<Resized, ImageProblem> {
    let meta = std::fs::metadata(source).map_err(|e| unreadable(source, &e))?;
    if meta.len() > MAX_FILE {
        return Err(too_big_a_file(source, meta.len()));
    }
    let stamp = Stamp::of(&meta);
    let previous = index::lookup(cache, source);
    // Unchanged since last time: nothing is read but the cache's own notes.
    if let Some((hash, s)) = &previous
        && *s == stamp
        && let Some(found) = cached(cache, hash, widths)
    {
        return Ok(found);
    }
    let bytes = std::fs::read(source).map_err(|e| unreadable(source, &e))?;
    let hash = content_hash(&bytes);
    let found = match cached(cache, &hash, widths) {
        Some(found) => found,
        None => make(source, &bytes, &hash, cache, widths)?,
    };
    // The stamp is noted only when the file did not change while it was read.
    if std::fs::metadata(source).is_ok_and(|m| Stamp::of(&m) == stamp) {
        index::record(cache, source, &hash, stamp);
    }
    if let Some((old, _)) = previous
        && old != hash
    {
        forget(cache, &old);
    }
    Ok(found)
}

/// Where the bytes of `variant` are in the cache folder `cache`.
pub(crate) fn cached_file(cache: &Path, variant: &Variant) -> PathBuf {
    let name = variant.file.rsplit('/').next().unwrap_or(&variant.file);
    cache.join(name)
}

/// The size of the image at `source` (an SVG's from its `width` and
/// `height`, or its `viewBox`), read from its header: nothing is decoded.
pub(crate) fn dimensions(source: &Path) -> Result<(u32, u32), ImageProblem> {
    let meta = std::fs::metadata(source).map_err(|e| unreadable(source, &e))?;
    if meta.len() > MAX_FILE {
        return Err(too_big_a_file(source, meta.len()));
    }
    let bytes = std::fs::read(source).map_err(|e| unreadable(source, &e))?;
    if is_svg(source) {
        return svg_size(source, &bytes);
    }
    let mut decoder = open(source, &bytes)?;
    let (w, h) = checked_size(source, decoder.dimensions())?;
    // Browsers turn an image as its EXIF orientation says: so do its sizes.
    match decoder.orientation() {
        Ok(
            Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH,
        ) => Ok((h, w)),
        _ => Ok((w, h)),
    }
}

/// Removes from the cache folder `cache` every variant but those named by
/// `keep` (their [`Variant::file`]s), with the notes of sources none of
/// them comes from, so that it holds what the last full build used.
pub(crate) fn prune(cache: &Path, keep: &HashSet<String>) {
    let names: HashSet<&str> = keep.iter().map(|f| f.rsplit('/').next().unwrap_or(f)).collect();
    let hashes: HashSet<&str> = names.iter().filter_map(|n| n.split('-').next()).collect();
    let Ok(entries) = std::fs::read_dir(cache) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let kept = match name.strip_suffix(".txt") {
            Some(hash) => hashes.contains(hash),
            None => names.contains(name.as_str()) || name == "index",
        };
        if !kept {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    index::retain(cache, &|hash| hashes.contains(hash));
}

/// The variants of the content hashed `hash` at `widths`, when the cache
/// holds all of them.
fn cached(cache: &Path, hash: &str, widths: &[u32]) -> Option<Resized> {
    let info = read_info(cache, hash)?;
    let resized = plan(hash, info, widths);
    let all_there = (resized.variants.iter()).all(|v| cached_file(cache, v).is_file());
    all_there.then_some(resized)
}

/// Which variants a source gets.
fn plan(hash: &str, info: Info, widths: &[u32]) -> Resized {
    let mut chosen: Vec<u32> = match info.as_is() {
        true => vec![info.width],
        false => (widths.iter().copied())
            .filter(|&w| w > 0 && w <= info.width)
            .chain((widths.iter().any(|&w| w > info.width) || widths.is_empty()).then_some(info.width))
            .collect(),
    };
    chosen.sort_unstable();
    chosen.dedup();
    let variants = (chosen.into_iter())
        .map(|width| Variant {
            width,
            height: scaled_height(info, width),
            file: format!("{OUTPUT_DIR}/{hash}-{width}.{}", info.ext),
        })
        .collect();
    Resized {
        width: info.width,
        height: info.height,
        variants,
    }
}

/// The height keeping the original's proportions at `width`, rounded.
fn scaled_height(info: Info, width: u32) -> u32 {
    let h = (u64::from(info.height) * u64::from(width) + u64::from(info.width) / 2) / u64::from(info.width.max(1));
    (h as u32).max(1)
}

/// Decodes `bytes` and writes the variants the cache lacks.
fn make(source: &Path, bytes: &[u8], hash: &str, cache: &Path, widths: &[u32]) -> Result<Resized, ImageProblem> {
    if is_svg(source) {
        let (width, height) = svg_size(source, bytes)?;
        return store_as_is(
            cache,
            hash,
            bytes,
            Info {
                width,
                height,
                ext: "svg",
            },
            widths,
        );
    }
    let mut decoder = open(source, bytes)?;
    let (width, height) = checked_size(source, decoder.dimensions())?;
    if format_of(bytes) == Some(ImageFormat::Jpeg) && !jpeg_is_whole(bytes) {
        return Err(undecodable(source, "the JPEG data stops before its end"));
    }
    if let Some(ext) = animated(bytes) {
        return store_as_is(cache, hash, bytes, Info { width, height, ext }, widths);
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let has_alpha = decoder.color_type().has_alpha();
    // A decoder bug must not take the build down with it.
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| DynamicImage::from_decoder(decoder)));
    let mut image = match decoded {
        Ok(Ok(image)) => image,
        Ok(Err(e)) => return Err(undecodable(source, &e.to_string())),
        Err(_) => return Err(undecodable(source, "the decoder failed")),
    };
    #[cfg(test)]
    tests::DECODES.with(|d| d.set(d.get() + 1));
    image.apply_orientation(orientation);
    let ext = match format_of(bytes) {
        Some(ImageFormat::Jpeg) => "jpg",
        Some(ImageFormat::WebP) if !has_alpha => "jpg",
        _ => "png",
    };
    let image = eight_bit(image, ext);
    let info = Info {
        width: image.width(),
        height: image.height(),
        ext,
    };
    let resized = plan(hash, info, widths);
    // The original as it is serves as the full-size PNG when it is smaller
    // than ours (an optimised screenshot) and needs no turning.
    let original = (ext == "png" && orientation == Orientation::NoTransforms).then_some(bytes);
    let missing: Vec<&Variant> = (resized.variants.iter())
        .filter(|v| !cached_file(cache, v).is_file())
        .collect();
    // The widest variant is made from the original and the others from it:
    // resizing costs in proportion to the pixels read, and the widest has
    // a third of a 12-megapixel photo's. (Always from the widest, even when
    // it is cached, so that a variant's bytes do not depend on the cache.)
    let Some(widest) = resized.variants.last().filter(|_| !missing.is_empty()) else {
        write_info(cache, hash, info)?;
        return Ok(resized);
    };
    let base = match widest.width == info.width {
        true => image,
        false => shrink(image, widest),
    };
    let encoded: Vec<(PathBuf, Vec<u8>)> = missing
        .par_iter()
        .map(|v| {
            let smaller;
            let out = match v.width == widest.width {
                true => &base,
                false => {
                    smaller = base.resize_exact(v.width, v.height, FILTER);
                    &smaller
                }
            };
            let mut encoded = encode(out, ext, icc.clone()).map_err(|e| undecodable(source, &e))?;
            if let Some(original) = original.filter(|o| v.width == info.width && o.len() < encoded.len()) {
                encoded = original.to_vec();
            }
            Ok((cached_file(cache, v), encoded))
        })
        .collect::<Result<_, ImageProblem>>()?;
    for (path, bytes) in encoded {
        write_atomic(&path, &bytes).map_err(|e| unwritable(cache, &e))?;
    }
    write_info(cache, hash, info)?;
    Ok(resized)
}

/// `image` at the size of `to`. Halving by averaging blocks of 2x2 pixels
/// first, while that keeps it at least as wide as `to`, leaves the filter
/// a quarter of the pixels to read each time (a 4000-pixel photo is
/// resized from 2000 pixels to 1600, not from 4000) for a difference the
/// eye does not see: a 2x2 average is the right filter for halving.
fn shrink(mut image: DynamicImage, to: &Variant) -> DynamicImage {
    while image.width() / 2 >= to.width && image.height() / 2 >= to.height {
        image = halve(&image);
    }
    image.resize_exact(to.width, to.height, FILTER)
}

/// An 8-bit `image` at half its size (an odd last row or column dropped),
/// each pixel the average of four.
fn halve(image: &DynamicImage) -> DynamicImage {
    let (w, h) = ((image.width() / 2) as usize, (image.height() / 2) as usize);
    let c = usize::from(image.color().channel_count());
    let (src, stride) = (image.as_bytes(), image.width() as usize * c);
    let mut out = vec![0u8; w * h * c];
    for (y, row) in out.chunks_exact_mut((w * c).max(1)).enumerate() {
        let top = src[2 * y * stride..].chunks_exact(2 * c);
        let bottom = src[(2 * y + 1) * stride..].chunks_exact(2 * c);
        for ((px, t), b) in row.chunks_exact_mut(c).zip(top).zip(bottom) {
            for k in 0..c {
                let sum = u16::from(t[k]) + u16::from(t[c + k]) + u16::from(b[k]) + u16::from(b[c + k]);
                px[k] = ((sum + 2) / 4) as u8;
            }
        }
    }
    let (w, h) = (w as u32, h as u32);
    let halved = match image.color() {
        image::ColorType::L8 => image::GrayImage::from_raw(w, h, out).map(DynamicImage::from),
        image::ColorType::La8 => image::GrayAlphaImage::from_raw(w, h, out).map(DynamicImage::from),
        image::ColorType::Rgba8 => image::RgbaImage::from_raw(w, h, out).map(DynamicImage::from),
        _ => image::RgbImage::from_raw(w, h, out).map(DynamicImage::from),
    };
    // The buffer has exactly w x h pixels of the image's 8-bit type.
    halved.unwrap_or_else(|| image.resize_exact(w, h, FILTER))
}

/// A GIF (perhaps animated) or an SVG: one variant, the file itself.
fn store_as_is(cache: &Path, hash: &str, bytes: &[u8], info: Info, widths: &[u32]) -> Result<Resized, ImageProblem> {
    let resized = plan(hash, info, widths);
    for v in &resized.variants {
        write_atomic(&cached_file(cache, v), bytes).map_err(|e| unwritable(cache, &e))?;
    }
    write_info(cache, hash, info)?;
    Ok(resized)
}

/// `image` with 8 bits a channel, and no alpha channel for a JPEG.
fn eight_bit(image: DynamicImage, ext: &str) -> DynamicImage {
    let colour = image.color();
    match (colour.has_color(), colour.has_alpha() && ext == "png") {
        (false, false) => DynamicImage::ImageLuma8(image.into_luma8()),
        (false, true) => DynamicImage::ImageLumaA8(image.into_luma_alpha8()),
        (true, false) => DynamicImage::ImageRgb8(image.into_rgb8()),
        (true, true) => DynamicImage::ImageRgba8(image.into_rgba8()),
    }
}

/// `image` as a JPEG or a PNG, with the source's colour profile. (An
/// 8-bit image encodes, but a JPEG is at most 65535 pixels across.)
fn encode(image: &DynamicImage, ext: &str, icc: Option<Vec<u8>>) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let (w, h, colour) = (image.width(), image.height(), image.color().into());
    let written = match ext {
        "jpg" => {
            let mut encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc);
            }
            encoder.write_image(image.as_bytes(), w, h, colour)
        }
        _ => {
            let mut encoder = PngEncoder::new_with_quality(&mut out, PNG_COMPRESSION, PngFilter::Adaptive);
            if let Some(icc) = icc {
                let _ = encoder.set_icc_profile(icc);
            }
            encoder.write_image(image.as_bytes(), w, h, colour)
        }
    };
    written.map(|()| out).map_err(|e| e.to_string())
}

/// A decoder for `bytes`, its size checked before anything is decoded.
fn open<'a>(source: &Path, bytes: &'a [u8]) -> Result<impl ImageDecoder + 'a, ImageProblem> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    let Some(format) = format_of(bytes) else {
        return Err(ImageProblem::new(
            format!("{} is not an image dossier can read", source.display()),
            format!("use a {SUPPORTED} file"),
        ));
    };
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif
    ) {
        return Err(ImageProblem::new(
            format!(
                "{} is a {} image, which dossier cannot resize",
                source.display(),
                format.extensions_str().first().unwrap_or(&"").to_uppercase()
            ),
            format!("save it as a {SUPPORTED} file"),
        ));
    }
    reader.set_format(format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|e| undecodable(source, &e.to_string()))?;
    checked_size(source, decoder.dimensions())?;
    if decoder.total_bytes() > MAX_ALLOC {
        let (w, h) = decoder.dimensions();
        return Err(too_large(source, w, h));
    }
    Ok(decoder)
}

/// Whether a JPEG's segments run on to its end-of-image marker. The
/// decoder paints what a file cut short lacks in grey instead of failing;
/// walking the segments (skipping each by its length, and scanning the
/// compressed data for the next marker) finds the end without being fooled
/// by an embedded thumbnail's own end or by data appended after the image.
fn jpeg_is_whole(b: &[u8]) -> bool {
    let length = |at: usize| b.get(at..at + 2).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])));
    let mut i = 2;
    while i + 1 < b.len() {
        if b[i] != 0xFF {
            // Stray bytes between segments: decoders skip them too.
            i += 1;
            continue;
        }
        match b[i + 1] {
            0xD9 => return true,
            // Fill bytes and markers without a length.
            0xFF => i += 1,
            0x01 | 0xD0..=0xD7 => i += 2,
            marker => {
                let Some(len) = length(i + 2).filter(|&l| l >= 2) else {
                    return false;
                };
                i += 2 + len;
                if marker == 0xDA {
                    i = next_marker(b, i);
                }
            }
        }
    }
    false
}

/// Where the compressed data starting at `i` ends: at the first 0xFF that
/// is not a stuffed byte (0xFF 0x00) nor a restart marker.
fn next_marker(b: &[u8], mut i: usize) -> usize {
    while let Some(at) = b.get(i..).and_then(|rest| rest.iter().position(|&x| x == 0xFF)) {
        let j = i + at;
        match b.get(j + 1) {
            Some(0x00 | 0xD0..=0xD7) => i = j + 2,
            Some(0xFF) => i = j + 1,
            _ => return j,
        }
    }
    b.len()
}

/// The extension of a GIF, or of an animated WebP (its VP8X header's
/// animation flag set): these are copied as they are, since a variant of
/// their first frame would lose the animation (and GIFs are small).
fn animated(bytes: &[u8]) -> Option<&'static str> {
    match format_of(bytes)? {
        ImageFormat::Gif => Some("gif"),
        ImageFormat::WebP if bytes.get(12..16) == Some(b"VP8X") && bytes.get(20).is_some_and(|f| f & 0x02 != 0) => {
            Some("webp")
        }
        _ => None,
    }
}

fn format_of(bytes: &[u8]) -> Option<ImageFormat> {
    image::guess_format(bytes).ok()
}

fn checked_size(source: &Path, (w, h): (u32, u32)) -> Result<(u32, u32), ImageProblem> {
    if w == 0 || h == 0 {
        return Err(ImageProblem::new(
            format!("{} is {w}x{h} pixels: it has no pixels to show", source.display()),
            "export the image again from the program that made it",
        ));
    }
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(too_large(source, w, h));
    }
    Ok((w, h))
}

fn is_svg(source: &Path) -> bool {
    source.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

/// An SVG's size, rounded to whole pixels.
fn svg_size(source: &Path, bytes: &[u8]) -> Result<(u32, u32), ImageProblem> {
    use resvg::usvg;
    let tree = usvg::Tree::from_data(bytes, &usvg::Options::default()).map_err(|e| {
        ImageProblem::new(
            format!("{} is not an SVG dossier can read: {e}", source.display()),
            "check that it opens in a browser; it needs a width and height or a viewBox",
        )
    })?;
    let size = tree.size();
    checked_size(source, (size.width().round() as u32, size.height().round() as u32))
}

fn unreadable(source: &Path, e: &std::io::Error) -> ImageProblem {
    ImageProblem::new(
        format!("cannot read {}: {e}", source.display()),
        "check the file name: it is looked for beside the page, or under static/ when it starts with /",
    )
}

fn undecodable(source: &Path, why: &str) -> ImageProblem {
    ImageProblem::new(
        format!("{} could not be decoded: {why}", source.display()),
        "the file may be cut short or damaged: open it in an image editor and save it again",
    )
}

fn too_large(source: &Path, w: u32, h: u32) -> ImageProblem {
    let mp = u64::from(w) * u64::from(h) / 1_000_000;
    ImageProblem::new(
        format!(
            "{} is {w}x{h} pixels ({mp} megapixels): too large to resize (at most {} megapixels)",
            source.display(),
            MAX_PIXELS / 1_000_000
        ),
        "scale it down first: a web page never needs more than about 3000 pixels across",
    )
}

fn too_big_a_file(source: &Path, len: u64) -> ImageProblem {
    ImageProblem::new(
        format!(
            "{} is {} MB: too large to be a web page's image (at most {} MB)",
            source.display(),
            len / 1024 / 1024,
            MAX_FILE / 1024 / 1024
        ),
        "scale it down or save it compressed (JPEG for photos)",
    )
}

fn unwritable(cache: &Path, e: &std::io::Error) -> ImageProblem {
    ImageProblem::new(
        format!("cannot write the image cache {}: {e}", cache.display()),
        "check that the folder beside the output can be written",
    )
}

/// A short hash of a source's bytes and of how variants are encoded: 48
/// bits, so that two images of one site sharing one is beyond reasonable
/// odds, while names stay short. The project's stable hash
/// ([`crate::text::content_hash`]): the names go in URLs, and must not
/// change with the Rust release that built the binary.
fn content_hash(bytes: &[u8]) -> String {
    #[cfg(test)]
    tests::HASHES.with(|d| d.set(d.get() + 1));
    let version = u64::from(ENCODING_VERSION).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!("{:012x}", (crate::text::content_hash(bytes) ^ version) >> 16)
}

fn read_info(cache: &Path, hash: &str) -> Option<Info> {
    let text = std::fs::read_to_string(cache.join(format!("{hash}.txt"))).ok()?;
    let mut words = text.split_whitespace();
    let width = words.next()?.parse().ok().filter(|&w| w > 0)?;
    let height = words.next()?.parse().ok().filter(|&h| h > 0)?;
    let word = words.next()?;
    let ext = ["jpg", "png", "gif", "svg", "webp"].into_iter().find(|&e| e == word)?;
    Some(Info { width, height, ext })
}

fn write_info(cache: &Path, hash: &str, info: Info) -> Result<(), ImageProblem> {
    let text = format!("{} {} {}\n", info.width, info.height, info.ext);
    write_atomic(&cache.join(format!("{hash}.txt")), text.as_bytes()).map_err(|e| unwritable(cache, &e))
}

/// Removes the files of content `hash`, unless a source still has it.
fn forget(cache: &Path, hash: &str) {
    if index::mentions(cache, hash) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(cache) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.strip_prefix(hash).is_some_and(|rest| rest.starts_with(['-', '.'])) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` through a temporary file of this process and
/// thread, renamed into place: readers see the whole file or none.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut h = std::hash::DefaultHasher::new();
    std::thread::current().id().hash(&mut h);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.{:x}.tmp", std::process::id(), h.finish()));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// What tells that a file is unchanged without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: i128,
    /// The change time and inode (Unix): a copy that keeps the modification
    /// time (`cp -p`, `rsync -t`) still changes these.
    changed: i128,
    inode: u64,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        let nanos = |t: std::io::Result<std::time::SystemTime>| {
            t.ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i128)
        };
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            (
                i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
                meta.ino(),
            )
        };
        #[cfg(not(unix))]
        let (changed, inode) = (0, 0);
        Stamp {
            len: meta.len(),
            modified: nanos(meta.modified()),
            changed,
            inode,
        }
    }
}

/// The index of sources: one small file per source path, so that threads
/// resizing different images never write the same file.
mod index {
    use super::*;

    fn file(cache: &Path, source: &Path) -> PathBuf {
        let mut h = std::hash::DefaultHasher::new();
        source.hash(&mut h);
        cache.join("index").join(format!("{:016x}.txt", h.finish()))
    }

    /// The content hash and stamp last noted for `source`.
    pub(super) fn lookup(cache: &Path, source: &Path) -> Option<(String, Stamp)> {
        let text = std::fs::read_to_string(file(cache, source)).ok()?;
        let (line, path) = text.split_once('\n')?;
        if Path::new(path) != source {
            return None;
        }
        let mut words = line.split(' ');
        let hash = words.next()?.to_string();
        let stamp = Stamp {
            len: words.next()?.parse().ok()?,
            modified: words.next()?.parse().ok()?,
            changed: words.next()?.parse().ok()?,
            inode: words.next()?.parse().ok()?,
        };
        Some((hash, stamp))
    }

    /// Notes that `source`, stamped `stamp`, has the content `hash`. A
    /// failure only means the next call reads the file again.
    pub(super) fn record(cache: &Path, source: &Path, hash: &str, s: Stamp) {
        let text = format!(
            "{hash} {} {} {} {}\n{}",
            s.len,
            s.modified,
            s.changed,
            s.inode,
            source.display()
        );
        let _ = write_atomic(&file(cache, source), text.as_bytes());
    }

    /// Whether any source is noted as having the content `hash`.
    pub(super) fn mentions(cache: &Path, hash: &str) -> bool {
        let Ok(entries) = std::fs::read_dir(cache.join("index")) else {
            return false;
        };
        (entries.filter_map(Result::ok))
            .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.split(' ').next() == Some(hash)))
    }

    /// Keeps the notes whose content hash passes `keep`.
    pub(super) fn retain(cache: &Path, keep: &dyn Fn(&str) -> bool) {
        let Ok(entries) = std::fs::read_dir(cache.join("index")) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            if !keep(text.split(' ').next().unwrap_or("")) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        /// Images decoded and sources hashed on this thread.
        pub(super) static DECODES: Cell<usize> = const { Cell::new(0) };
        pub(super) static HASHES: Cell<usize> = const { Cell::new(0) };
    }

    fn decodes() -> usize {
        DECODES.with(Cell::get)
    }

    fn hashes() -> usize {
        HASHES.with(Cell::get)
    }

    /// A picture with detail in it (a flat one would hide resizing bugs),
    /// `seed` changing its pixels.
    fn picture(w: u32, h: u32, seed: u8) -> image::RgbImage {
        image::RgbImage::from_fn(w, h, |x, y| {
            let v = (x ^ y).wrapping_mul(7) as u8;
            image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, v.wrapping_add(seed)])
        })
    }

    fn write_jpeg(path: &Path, w: u32, h: u32, seed: u8, exif: Option<Vec<u8>>) {
        let mut bytes = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut bytes, 90);
        if let Some(exif) = exif {
            encoder.set_exif_metadata(exif).unwrap();
        }
        let img = picture(w, h, seed);
        encoder
            .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
            .unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn write_png(path: &Path, w: u32, h: u32, seed: u8) {
        picture(w, h, seed).save_with_format(path, ImageFormat::Png).unwrap();
    }

    /// The size of the image file at `path`, read back by the image crate.
    fn size_of(path: &Path) -> (u32, u32) {
        image::open(path).unwrap().into_rgb8().dimensions()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = (std::fs::read_dir(dir).unwrap())
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    /// A source folder and a cache folder.
    fn dirs() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        (dir, cache)
    }

    #[test]
    fn variants_at_the_widths_asked_with_proportional_heights() {
        let (dir, cache) = dirs();
        let src = dir.path().join("ward.jpg");
        write_jpeg(&src, 2000, 1500, 0, None);
        let r = resize(&src, &cache, WIDTHS).unwrap();
        assert_eq!((r.width, r.height), (2000, 1500));
        let sizes: Vec<(u32, u32)> = r.variants.iter().map(|v| (v.width, v.height)).collect();
        assert_eq!(sizes, [(480, 360), (800, 600), (1200, 900), (1600, 1200)]);
        for v in &r.variants {
            assert!(v.file.starts_with("processed/") && v.file.ends_with(&format!("-{}.jpg", v.width)));
            let file = cached_file(&cache, v);
            assert_eq!(&std::fs::read(&file).unwrap()[..2], b"\xff\xd8", "{v:?} is a JPEG");
            assert_eq!(size_of(&file), (v.width, v.height));
        }
        assert_eq!(r.variants.last().unwrap().width, 1600);
        assert_eq!(
            r.srcset(|f| format!("/{f}")).split(", ").nth(1).unwrap(),
            format!("/{} 800w", r.variants[1].file)
        );
    }

    #[test]
    fn never_wider_than_the_original_which_is_kept_when_smaller() {
        let (dir, cache) = dirs();
        let src = dir.path().join("small.png");
        write_png(&src, 1000, 333, 0);
        let r = resize(&src, &cache, WIDTHS).unwrap();
        let sizes: Vec<(u32, u32)> = r.variants.iter().map(|v| (v.width, v.height)).collect();
        assert_eq!(sizes, [(480, 160), (800, 266), (1000, 333)]);
        for v in &r.variants {
            assert!(v.file.ends_with(".png"));
            assert_eq!(size_of(&cached_file(&cache, v)), (v.width, v.height));
        }
        // Exactly one of the widths: no duplicate.
        let src = dir.path().join("exact.png");
        write_png(&src, 800, 10, 0);
        let widths: Vec<u32> = (resize(&src, &cache, WIDTHS).unwrap().variants.iter())
            .map(|v| v.width)
            .collect();
        assert_eq!(widths, [480, 800]);
        // Narrower than all of them: just the original's size.
        let src = dir.path().join("icon.png");
        write_png(&src, 64, 64, 0);
        let r = resize(&src, &cache, WIDTHS).unwrap();
        assert_eq!(r.variants.len(), 1);
        assert_eq!((r.variants[0].width, r.variants[0].height), (64, 64));
        // Widths in any order, repeated, or zero.
        let r = resize(&src, &cache, &[50, 0, 20, 50]).unwrap();
        let sizes: Vec<(u32, u32)> = r.variants.iter().map(|v| (v.width, v.height)).collect();
        assert_eq!(sizes, [(20, 20), (50, 50)]);
    }

    #[test]
    fn a_second_call_decodes_nothing_and_an_unchanged_file_is_not_even_hashed() {
        let (dir, cache) = dirs();
        let src = dir.path().join("ward.jpg");
        write_jpeg(&src, 900, 500, 0, None);
        let (d, h) = (decodes(), hashes());
        let first = resize(&src, &cache, WIDTHS).unwrap();
        assert_eq!((decodes() - d, hashes() - h), (1, 1));
        let before: Vec<_> = (first.variants.iter())
            .map(|v| std::fs::metadata(cached_file(&cache, v)).unwrap().modified().unwrap())
            .collect();
        let listing = names(&cache);
        let second = resize(&src, &cache, WIDTHS).unwrap();
        assert_eq!(second, first);
        assert_eq!((decodes() - d, hashes() - h), (1, 1), "neither decoded nor hashed");
        let after: Vec<_> = (first.variants.iter())
            .map(|v| std::fs::metadata(cached_file(&cache, v)).unwrap().modified().unwrap())
            .collect();
        assert_eq!(before, after, "nothing rewritten");
        assert_eq!(names(&cache), listing);
        // Touched (same bytes, new times): hashed again, still not decoded.
        std::fs::write(&src, std::fs::read(&src).unwrap()).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&src)
            .unwrap()
            .set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
            .unwrap();
        assert_eq!(resize(&src, &cache, WIDTHS).unwrap(), first);
        assert_eq!((decodes() - d, hashes() - h), (1, 2));
        // The same bytes under another name share the cache.
        let copy = dir.path().join("copy.jpg");
        std::fs::copy(&src, &copy).unwrap();
        assert_eq!(resize(&copy, &cache, WIDTHS).unwrap(), first);
        assert_eq!(decodes() - d, 1);
        // A lost variant is made again.
        std::fs::remove_file(cached_file(&cache, &first.variants[0])).unwrap();
        assert_eq!(resize(&src, &cache, WIDTHS).unwrap(), first);
        assert_eq!(decodes() - d, 2);
        assert!(cached_file(&cache, &first.variants[0]).is_file());
    }

    #[test]
    fn a_changed_source_gets_new_names_and_its_old_variants_go() {
        let (dir, cache) = dirs();
        let src = dir.path().join("ward.jpg");
        write_jpeg(&src, 900, 600, 0, None);
        let old = resize(&src, &cache, WIDTHS).unwrap();
        write_jpeg(&src, 900, 600, 99, None);
        let new = resize(&src, &cache, WIDTHS).unwrap();
        assert_eq!(old.variants.len(), new.variants.len());
        for (o, n) in old.variants.iter().zip(&new.variants) {
            assert_eq!((o.width, o.height), (n.width, n.height));
            assert_ne!(o.file, n.file);
            assert!(!cached_file(&cache, o).exists(), "{} pruned", o.file);
            assert!(cached_file(&cache, n).is_file());
        }
        // 3 variants, its note, and the index folder: nothing of the old one.
        assert_eq!(names(&cache).len(), 5, "{:?}", names(&cache));
    }

    #[test]
    fn an_old_content_another_source_still_has_is_kept() {
        let (dir, cache) = dirs();
        let (a, b) = (dir.path().join("a.jpg"), dir.path().join("b.jpg"));
        write_jpeg(&a, 600, 400, 0, None);
        std::fs::copy(&a, &b).unwrap();
        let shared = resize(&a, &cache, WIDTHS).unwrap();
        resize(&b, &cache, WIDTHS).unwrap();
        write_jpeg(&a, 600, 400, 5, None);
        resize(&a, &cache, WIDTHS).unwrap();
        assert!(shared.variants.iter().all(|v| cached_file(&cache, v).is_file()));
    }

    #[test]
    fn prune_keeps_what_a_build_used() {
        let (dir, cache) = dirs();
        let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
        write_png(&a, 500, 100, 0);
        write_png(&b, 500, 100, 1);
        let ra = resize(&a, &cache, WIDTHS).unwrap();
        let rb = resize(&b, &cache, WIDTHS).unwrap();
        std::fs::write(cache.join(".left-over.1.tmp"), b"x").unwrap();
        prune(&cache, &ra.variants.iter().map(|v| v.file.clone()).collect());
        let hash = ra.variants[0].file["processed/".len()..].split('-').next().unwrap();
        assert_eq!(
            names(&cache),
            [
                format!("{hash}-480.png"),
                format!("{hash}-500.png"),
                format!("{hash}.txt"),
                "index".into()
            ]
        );
        assert_eq!(names(&cache.join("index")).len(), 1);
        // What was pruned is made again when asked for.
        let d = decodes();
        assert_eq!(resize(&b, &cache, WIDTHS).unwrap(), rb);
        assert_eq!(decodes() - d, 1);
        assert_eq!(resize(&a, &cache, WIDTHS).unwrap(), ra);
        assert_eq!(decodes() - d, 1);
    }

    #[test]
    fn concurrent_calls_agree_and_leave_whole_files() {
        let (dir, cache) = dirs();
        let src = dir.path().join("ward.jpg");
        write_jpeg(&src, 900, 600, 0, None);
        let results: Vec<Resized> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| resize(&src, &cache, WIDTHS).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(results.windows(2).all(|w| w[0] == w[1]));
        for v in &results[0].variants {
            assert_eq!(size_of(&cached_file(&cache, v)), (v.width, v.height));
        }
        assert!(
            names(&cache).iter().all(|n| !n.ends_with(".tmp")),
            "{:?}",
            names(&cache)
        );
        assert_eq!(names(&cache).len(), 3 + 2);
    }

    #[test]
    fn exif_orientation_is_applied() {
        let (dir, cache) = dirs();
        // A TIFF header and one IFD entry: Orientation (0x0112), SHORT, 6 (turn 90° clockwise).
        let exif = [
            b"II*\0".as_slice(),
            &8u32.to_le_bytes(),
            &1u16.to_le_bytes(),
            &0x0112u16.to_le_bytes(),
            &3u16.to_le_bytes(),
            &1u32.to_le_bytes(),
            &6u16.to_le_bytes(),
            &[0, 0],
            &0u32.to_le_bytes(),
        ]
        .concat();
        let src = dir.path().join("portrait.jpg");
        write_jpeg(&src, 1000, 500, 0, Some(exif));
        let r = resize(&src, &cache, WIDTHS).unwrap();
        assert_eq!((r.width, r.height), (500, 1000));
        let sizes: Vec<(u32, u32)> = r.variants.iter().map(|v| (v.width, v.height)).collect();
        assert_eq!(sizes, [(480, 960), (500, 1000)]);
        assert_eq!(size_of(&cached_file(&cache, &r.variants[0])), (480, 960));
        // The source's top-left corner (dark red-green) is now top-right.
        let img = image::open(cached_file(&cache, &r.variants[1])).unwrap().into_rgb8();
        let [r0, g0, _] = img.get_pixel(499, 0).0;
        assert!(r0 < 40 && g0 < 40, "{:?}", img.get_pixel(499, 0));
        assert_eq!(dimensions(&src).unwrap(), (500, 1000), "turned too");
    }

    #[test]
    fn webp_becomes_jpeg_or_png_with_transparency() {
        let (dir, cache) = dirs();
        let opaque = dir.path().join("opaque.webp");
        picture(900, 300, 0)
            .save_with_format(&opaque, ImageFormat::WebP)
            .unwrap();
        let r = resize(&opaque, &cache, WIDTHS).unwrap();
        assert!(r.variants.iter().all(|v| v.file.ends_with(".jpg")), "{r:?}");
        let clear = dir.path().join("clear.webp");
        let rgba = image::RgbaImage::from_fn(900, 300, |x, _| image::Rgba([0, 0, 0, (x % 256) as u8]));
        rgba.save_with_format(&clear, ImageFormat::WebP).unwrap();
        let r = resize(&clear, &cache, WIDTHS).unwrap();
        assert!(r.variants.iter().all(|v| v.file.ends_with(".png")), "{r:?}");
        let back = image::open(cached_file(&cache, &r.variants[0])).unwrap();
        assert!(back.color().has_alpha());
        assert_eq!((r.variants[0].width, r.variants[0].height), (480, 160));
    }

    /// An animated WebP `w` x `h`: RIFF, VP8X with the animation flag, ANIM,
    /// and two frames (ANMF), each a lossless still from the encoder.
    fn animated_webp(w: u32, h: u32) -> Vec<u8> {
        let chunk = |name: &[u8], data: &[u8]| {
            let pad: &[u8] = if data.len() % 2 == 1 { &[0] } else { &[] };
            [name, &(data.len() as u32).to_le_bytes(), data, pad].concat()
        };
        let u24 = |v: u32| v.to_le_bytes()[..3].to_vec();
        let frame = |seed: u8| {
            let mut still = Vec::new();
            picture(w, h, seed)
                .write_to(&mut Cursor::new(&mut still), ImageFormat::WebP)
                .unwrap();
            // RIFF, size, WEBP: the rest is the VP8L chunk.
            let header = [u24(0), u24(0), u24(w - 1), u24(h - 1), u24(100), vec![0]].concat();
            chunk(b"ANMF", &[header.as_slice(), &still[12..]].concat())
        };
        let vp8x = [vec![0x02, 0, 0, 0], u24(w - 1), u24(h - 1)].concat();
        let body = [
            b"WEBP".to_vec(),
            chunk(b"VP8X", &vp8x),
            chunk(b"ANIM", &[0; 6]),
            frame(0),
            frame(50),
        ]
        .concat();
        chunk(b"RIFF", &body)
    }

    #[test]
    fn an_animated_webp_is_kept_as_it_is() {
        let (dir, cache) = dirs();
        let bytes = animated_webp(600, 200);
        assert_eq!(animated(&bytes), Some("webp"));
        let src = dir.path().join("anim.webp");
        std::fs::write(&src, &bytes).unwrap();
        let r = resize(&src, &cache, WIDTHS).unwrap();
        assert_eq!((r.width, r.height, r.variants.len()), (600, 200, 1));
        assert!(r.variants[0].file.ends_with("-600.webp"));
        assert_eq!(std::fs::read(cached_file(&cache, &r.variants[0])).unwrap(), bytes);
        let mut still = Vec::new();
        picture(30, 20, 0)
            .write_to(&mut Cursor::new(&mut still), ImageFormat::WebP)
            .unwrap();
        assert_eq!(animated(&still), None);
    }

    #[test]
    fn gif_and_svg_are_kept_as_they_are() {
        let (dir, cache) = dirs();
        let gif = dir.path().join("anim.gif");
        picture(700, 70, 0).save_with_format(&gif, ImageFormat::Gif).unwrap();
        let r = resize(&gif, &cache, WIDTHS).unwrap();
        assert_eq!(r.variants.len(), 1);
        assert!(r.variants[0].file.ends_with("-700.gif"));
        assert_eq!(
            std::fs::read(cached_file(&cache, &r.variants[0])).unwrap(),
            std::fs::read(&gif).unwrap()
        );
        let svg = dir.path().join("chart.svg");
        std::fs::write(
            &svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320.4 180"><rect width="10" height="10"/></svg>"#,
        )
        .unwrap();
        assert_eq!(dimensions(&svg).unwrap(), (320, 180));
        let r = resize(&svg, &cache, WIDTHS).unwrap();
        assert_eq!((r.width, r.height, r.variants.len()), (320, 180, 1));
        assert!(r.variants[0].file.ends_with("-320.svg"));
        let d = decodes();
        assert_eq!(resize(&svg, &cache, WIDTHS).unwrap(), r);
        assert_eq!(decodes(), d);
    }

    #[test]
    fn a_png_keeps_its_own_bytes_at_full_size_when_they_are_smaller() {
        let (dir, cache) = dirs();
        // A flat image compressed as hard as can be: ours would not be smaller.
        let src = dir.path().join("flat.png");
        let mut bytes = Vec::new();
        let flat = image::RgbImage::from_pixel(300, 200, image::Rgb([10, 20, 30]));
        PngEncoder::new_with_quality(&mut bytes, CompressionType::Best, PngFilter::Adaptive)
            .write_image(flat.as_raw(), 300, 200, image::ExtendedColorType::Rgb8)
            .unwrap();
        std::fs::write(&src, &bytes).unwrap();
        let r = resize(&src, &cache, WIDTHS).unwrap();
        let full = cached_file(&cache, &r.variants[0]);
        assert!(std::fs::read(&full).unwrap().len() <= bytes.len());
        assert_eq!(size_of(&full), (300, 200));
    }

    #[test]
    fn every_problem_is_an_error_not_a_panic() {
        let (dir, cache) = dirs();
        let at = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let problem = |p: &Path| {
            let e = resize(p, &cache, WIDTHS).unwrap_err();
            assert!(e.message.contains(&*p.display().to_string()), "{e:?}");
            assert!(!e.hint.is_empty());
            e
        };
        // Missing.
        let e = problem(&dir.path().join("missing.jpg"));
        assert!(e.message.starts_with("cannot read"), "{e:?}");
        assert!(dimensions(&dir.path().join("missing.jpg")).is_err());
        // Text named .jpg.
        let e = problem(&at("notes.jpg", b"these are not pixels"));
        assert!(
            e.message.contains("not an image") && e.hint.contains("JPEG, PNG, WebP"),
            "{e:?}"
        );
        // Empty.
        assert!(problem(&at("empty.png", b"")).message.contains("not an image"));
        // A format the crate knows but dossier does not decode.
        let e = problem(&at("old.bmp", b"BM\x3e\0\0\0\0\0\0\0\x3e\0\0\0\x28\0\0\0"));
        assert!(e.message.contains("BMP image"), "{e:?}");
        // Truncated JPEG and PNG.
        let jpeg = dir.path().join("whole.jpg");
        write_jpeg(&jpeg, 400, 300, 0, None);
        let whole = std::fs::read(&jpeg).unwrap();
        for cut in [20, 200, whole.len() / 2] {
            let e = problem(&at("cut.jpg", &whole[..cut]));
            assert!(e.message.contains("could not be decoded"), "{e:?}");
        }
        let png = dir.path().join("whole.png");
        write_png(&png, 400, 300, 0);
        let whole = std::fs::read(&png).unwrap();
        let e = problem(&at("cut.png", &whole[..whole.len() / 2]));
        assert!(e.message.contains("could not be decoded"), "{e:?}");
        // A PNG header claiming 100000x100000: refused before any pixel is allocated.
        let huge = png_header(100_000, 100_000);
        let e = problem(&at("huge.png", &huge));
        assert!(
            e.message.contains("100000x100000") && e.message.contains("too large"),
            "{e:?}"
        );
        assert!(dimensions(&dir.path().join("huge.png")).is_err());
        // 0 pixels wide.
        let e = problem(&at("zero.png", &png_header(0, 10)));
        assert!(!e.message.is_empty());
        // A file too big to read (sparse: it takes no room).
        let big = dir.path().join("big.jpg");
        std::fs::File::create(&big).unwrap().set_len(MAX_FILE + 1).unwrap();
        let e = problem(&big);
        assert!(e.message.contains("MB: too large"), "{e:?}");
        assert!(dimensions(&big).is_err());
        // An SVG that is not one.
        let e = problem(&at("broken.svg", b"<svg"));
        assert!(e.message.contains("not an SVG"), "{e:?}");
        // Nothing was cached for any of them.
        assert!(!cache.exists() || names(&cache).iter().all(|n| n == "index"));
    }

    #[test]
    fn a_jpeg_cut_short_is_told_from_a_whole_one() {
        let (dir, _) = dirs();
        let path = dir.path().join("a.jpg");
        write_jpeg(&path, 64, 48, 0, None);
        let thumb = std::fs::read(&path).unwrap();
        write_jpeg(&path, 300, 200, 1, None);
        let main = std::fs::read(&path).unwrap();
        assert!(jpeg_is_whole(&thumb) && jpeg_is_whole(&main));
        // Bytes appended after the end (phones append videos) do not matter.
        assert!(jpeg_is_whole(&[main.as_slice(), b"\xff\xda\0\x08trailer\xff"].concat()));
        // A thumbnail in an APP1 segment has its own end marker: it is skipped.
        let app1_len = u16::try_from(thumb.len() + 2).unwrap().to_be_bytes();
        let with_thumb = [&main[..2], b"\xff\xe1", &app1_len, &thumb, &main[2..]].concat();
        assert!(jpeg_is_whole(&with_thumb));
        let header = 2 + 2 + 2 + thumb.len();
        for cut in (header..with_thumb.len() - 1).step_by(97) {
            assert!(!jpeg_is_whole(&with_thumb[..cut]), "cut at {cut}");
        }
        // Nothing at all, or a bad segment length.
        assert!(!jpeg_is_whole(b"\xff\xd8"));
        assert!(!jpeg_is_whole(b"\xff\xd8\xff\xe0\x00\x01"));
    }

    /// A PNG signature, IHDR chunk for a `w` x `h` RGB image, and an empty
    /// IDAT chunk: a header claiming any size, with no pixels.
    fn png_header(w: u32, h: u32) -> Vec<u8> {
        let chunk = |data: Vec<u8>| {
            let crc = crc32(&data);
            [
                &(data.len() as u32 - 4).to_be_bytes(),
                data.as_slice(),
                &crc.to_be_bytes(),
            ]
            .concat()
        };
        let ihdr = [b"IHDR".as_slice(), &w.to_be_bytes(), &h.to_be_bytes(), &[8, 2, 0, 0, 0]].concat();
        [b"\x89PNG\r\n\x1a\n".to_vec(), chunk(ihdr), chunk(b"IDAT".to_vec())].concat()
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn dimensions_reads_headers() {
        let (dir, _) = dirs();
        let src = dir.path().join("a.png");
        write_png(&src, 123, 45, 0);
        let d = decodes();
        assert_eq!(dimensions(&src).unwrap(), (123, 45));
        assert_eq!(decodes(), d);
    }

    /// The theme's `figure` shortcode with `fields` set over a linked,
    /// captioned, credited figure's.
    fn figure(fields: &[(&str, serde_json::Value)]) -> String {
        let mut tera = tera::Tera::new();
        let name = "shortcodes/figure.html";
        let source = include_str!("../themes/explainer/templates/shortcodes/figure.html");
        tera.add_raw_template(name, source).unwrap();
        let mut ctx = tera::Context::new();
        let defaults = [
            ("src", "/processed/abc-1600.jpg".into()),
            (
                "srcset",
                "/processed/abc-800.jpg 800w, /processed/abc-1600.jpg 1600w".into(),
            ),
            ("sizes", SIZES.into()),
            ("width", 4000.into()),
            ("height", 3000.into()),
            ("alt", "A ward at night".into()),
            ("decorative", false.into()),
            ("caption", "The ward <em>after</em> the cuts".into()),
            ("credit", "Photo: A & B".into()),
            ("link", "/full.jpg".into()),
            ("id", "ward".into()),
        ];
        for (k, v) in defaults.into_iter().chain(fields.iter().cloned()) {
            ctx.insert(k.to_string(), &v);
        }
        tera.render(name, &ctx).unwrap()
    }

    #[test]
    fn halving_averages_blocks_of_four() {
        let img = image::GrayImage::from_raw(3, 3, vec![0, 100, 7, 50, 250, 7, 7, 7, 7]).unwrap();
        let half = halve(&DynamicImage::from(img));
        assert_eq!((half.width(), half.height()), (1, 1));
        assert_eq!(half.as_bytes(), [100]);
        let rgba = image::RgbaImage::from_fn(4, 2, |x, _| image::Rgba([x as u8 * 10, 1, 2, 255]));
        let half = halve(&DynamicImage::from(rgba));
        assert_eq!(half.as_bytes(), [5, 1, 2, 255, 25, 1, 2, 255]);
        // Halving stops before the image would be narrower than wanted.
        let wide = DynamicImage::from(photo(1000, 600));
        let to = Variant {
            width: 240,
            height: 144,
            file: String::new(),
        };
        let small = shrink(wide, &to);
        assert_eq!((small.width(), small.height()), (240, 144));
    }

    #[test]
    fn the_figure_template() {
        let html = figure(&[]);
        assert!(
            html.starts_with("<figure class=\"figure\" id=\"ward\"><a class=\"figure__link\" href=\"/full.jpg\"><img"),
            "{html}"
        );
        for part in [
            "src=\"/processed/abc-1600.jpg\"",
            "srcset=\"/processed/abc-800.jpg 800w, /processed/abc-1600.jpg 1600w\"",
            &format!("sizes=\"{SIZES}\""),
            "width=\"4000\" height=\"3000\"",
            "alt=\"A ward at night\" loading=\"lazy\" decoding=\"async\"></a>",
            "<figcaption class=\"figure__caption\">The ward <em>after</em> the cuts<span class=\"credit\">Photo: A &amp; B</span></figcaption>",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        // Markdown around it must not see an indented line or a blank one.
        assert!(
            html.lines().all(|l| !l.starts_with(' ') && !l.trim().is_empty()),
            "{html}"
        );
        // Nothing empty: no link, caption, credit, id or srcset.
        let bare = figure(&[
            ("link", "".into()),
            ("caption", "".into()),
            ("credit", "".into()),
            ("id", "".into()),
            ("srcset", "".into()),
        ]);
        assert_eq!(
            bare,
            "<figure class=\"figure\"><img class=\"figure__img\" src=\"/processed/abc-1600.jpg\" width=\"4000\" height=\"3000\" \
             alt=\"A ward at night\" loading=\"lazy\" decoding=\"async\">\n</figure>\n"
        );
        // A credit alone; a decorative image has an empty alt; alt is escaped.
        let html = figure(&[("caption", "".into()), ("decorative", true.into())]);
        assert!(
            html.contains("<figcaption class=\"figure__caption\"><span class=\"credit\">"),
            "{html}"
        );
        assert!(html.contains(" alt=\"\" "), "{html}");
        let html = figure(&[("alt", "\"quoted\" <b>".into())]);
        assert!(html.contains("alt=\"&quot;quoted&quot; &lt;b&gt;\""), "{html}");
    }

    /// A photo-like picture: smooth light and shade with grain.
    fn photo(w: u32, h: u32) -> image::RgbImage {
        let mut seed = 1u32;
        image::RgbImage::from_fn(w, h, |x, y| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let grain = (seed >> 28) as f32;
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            let v = |a: f32| (a * 200.0 + grain * 3.0).min(255.0) as u8;
            image::Rgb([v(fx), v(fy), v(((fx * 9.0).sin() + (fy * 7.0).cos() + 2.0) / 4.0)])
        })
    }

    /// A chart-like picture: flat colour, bars and grid lines.
    fn chart(w: u32, h: u32) -> image::RgbImage {
        image::RgbImage::from_fn(w, h, |x, y| {
            match (x % 100 < 2 || y % 100 < 2, (x / 150) % 3, y > h - (x / 150 * 37) % h) {
                (true, _, _) => image::Rgb([200, 200, 200]),
                (false, 0, true) => image::Rgb([165, 23, 14]),
                (false, 1, true) => image::Rgb([11, 79, 148]),
                _ => image::Rgb([255, 255, 255]),
            }
        })
    }

    /// The CPU time all the threads of this process have had, in
    /// nanoseconds (Linux): on a busy machine, wall time says little.
    fn cpu_time() -> std::time::Duration {
        let tasks = std::fs::read_dir("/proc/self/task").unwrap();
        let ns: u64 = (tasks.filter_map(Result::ok))
            .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
            .filter_map(|s| s.split(' ').next()?.parse::<u64>().ok())
            .sum();
        std::time::Duration::from_nanos(ns)
    }

    /// CPU time and wall time.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    struct Time(std::time::Duration, std::time::Duration);

    impl std::fmt::Display for Time {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
            write!(f, "{:.1} ms CPU/{:.1} ms", ms(self.0), ms(self.1))
        }
    }

    /// The time variants take, cold and warm, each the best of 5 runs (the
    /// machine may be busy), as CPU time and as wall time:
    /// `cargo test --release --lib images::tests::cost -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn cost() {
        use std::time::Instant;
        let best = |f: &mut dyn FnMut()| {
            (0..5)
                .map(|_| {
                    let (t, cpu) = (Instant::now(), cpu_time());
                    f();
                    Time(cpu_time() - cpu, t.elapsed())
                })
                .min()
                .unwrap()
        };
        let dir = tempfile::tempdir().unwrap();
        let jpeg = dir.path().join("photo.jpg");
        photo(4000, 3000).save_with_format(&jpeg, ImageFormat::Jpeg).unwrap();
        let png = dir.path().join("chart.png");
        chart(2000, 1500).save_with_format(&png, ImageFormat::Png).unwrap();
        let png_photo = dir.path().join("photo.png");
        photo(2000, 1500)
            .save_with_format(&png_photo, ImageFormat::Png)
            .unwrap();
        for src in [&jpeg, &png, &png_photo] {
            let bytes = std::fs::read(src).unwrap();
            let decode = best(&mut || {
                drop(std::hint::black_box(DynamicImage::from_decoder(
                    open(src, &bytes).unwrap(),
                )))
            });
            let image = eight_bit(DynamicImage::from_decoder(open(src, &bytes).unwrap()).unwrap(), "jpg");
            let to = Variant {
                width: 1600,
                height: 1600 * image.height() / image.width(),
                file: String::new(),
            };
            let shrunk = best(&mut || drop(std::hint::black_box(shrink(image.clone(), &to))));
            let direct = best(&mut || drop(std::hint::black_box(image.resize_exact(to.width, to.height, FILTER))));
            let lanczos = best(&mut || drop(image.resize_exact(to.width, to.height, FilterType::Lanczos3)));
            let one = shrink(image.clone(), &to);
            let jpeg_time = best(&mut || drop(encode(&one, "jpg", None)));
            let mut png_sizes = Vec::new();
            for level in [CompressionType::Fast, CompressionType::Default] {
                let mut out = Vec::new();
                let time = best(&mut || {
                    out.clear();
                    PngEncoder::new_with_quality(&mut out, level, PngFilter::Adaptive)
                        .write_image(one.as_bytes(), one.width(), one.height(), one.color().into())
                        .unwrap();
                });
                png_sizes.push((level, time, out.len() / 1024));
            }
            let png_sizes: Vec<String> = png_sizes
                .into_iter()
                .map(|(l, t, s)| format!("{l:?} {t} {s} KB"))
                .collect();
            let mut run = 0;
            let mut r = None;
            let cold = best(&mut || {
                run += 1;
                r = Some(resize(src, &dir.path().join(format!("cache{run}")), WIDTHS).unwrap());
            });
            let cache = dir.path().join("cache1");
            let warm = best(&mut || {
                for _ in 0..100 {
                    std::hint::black_box(resize(src, &cache, WIDTHS).unwrap());
                }
            });
            let warm = std::time::Duration::from_secs_f64(warm.1.as_secs_f64() / 100.0);
            let hashing = best(&mut || drop(std::hint::black_box(content_hash(&std::fs::read(src).unwrap()))));
            let made: Vec<String> = (r.unwrap().variants.iter())
                .map(|v| {
                    format!(
                        "{} {} KB",
                        v.width,
                        std::fs::metadata(cached_file(&cache, v)).unwrap().len() / 1024
                    )
                })
                .collect();
            println!(
                "{} ({} KB): cold {} for {made:?}\n  decode {}; to 1600 halving first {}, directly {} (Lanczos3 {}); \
                 JPEG of the 1600 {}; PNG of the 1600 {png_sizes:?}\n  warm {warm:.1?}; reading and hashing {}",
                src.file_name().unwrap().display(),
                bytes.len() / 1024,
                cold,
                decode,
                shrunk,
                direct,
                lanczos,
                jpeg_time,
                hashing,
            );
        }
    }
}
