//! `atom.xml` (an entry per page and per update-log item dated to the day,
//! the newest [`FEED_LIMIT`]), each tag's feed, and `sitemap.xml` (cut into
//! files of at most 50,000 URLs and 1 MB under a sitemap index when large).
//! None states a day the content does not give: Atom needs an instant, so
//! what is known only to the month or year is left out of it, and a
//! sitemap's `lastmod` is written only when the day is known.

use std::fmt::Write;

use crate::date::{PartialDate, Precision};
use crate::model::{Page, Site, Tag, UpdateKind, tag_path};
use crate::text::escape;

/// RFC 3339 time for a date known to the day: midnight UTC.
fn rfc3339(d: &PartialDate) -> String {
    format!("{}T00:00:00Z", d.first_day())
}

fn has_day(d: &PartialDate) -> bool {
    d.precision() == Precision::Day
}

/// The latest day the site's content gives anywhere (a page's dates, an
/// update, an event), for a feed with no entry to take its time from.
fn latest_day(site: &Site) -> Option<PartialDate> {
    let pages = site.pages.iter().flat_map(|p| {
        let updates = p.meta.updates.iter().map(|u| u.date);
        updates.chain(p.meta.updated).chain(p.meta.date)
    });
    let events = site
        .events
        .iter()
        .flat_map(|e| [Some(e.meta.date), e.meta.end])
        .flatten();
    pages.chain(events).filter(has_day).max()
}

struct Entry {
    title: String,
    id: String,
    link: String,
    updated: PartialDate,
    summary: String,
}

/// How many entries a feed holds at most: the newest. Readers poll feeds
/// for what is new; a feed of every page of a large site would be megabytes.
pub(crate) const FEED_LIMIT: usize = 50;

/// What sets one feed apart: its title, its own URL and the page it stands for.
struct FeedHead<'a> {
    title: &'a str,
    /// Path of the feed (`/atom.xml`).
    path: String,
    /// Path of the HTML page it stands for (`/`).
    page: String,
}

/// The Atom feed of the whole site: newest first.
pub(crate) fn atom(site: &Site) -> String {
    let head = FeedHead {
        title: &site.config.title,
        path: "/atom.xml".into(),
        page: "/".into(),
    };
    atom_of(site, site.pages.iter().map(|p| &**p), &head, latest_day(site))
}

/// The Atom feed of a tag's pages (at `/tags/SLUG/atom.xml`).
pub(crate) fn tag_atom(site: &Site, tag: &Tag) -> String {
    let path = tag_path(&tag.slug);
    let title = format!("{} – {}", tag.name, site.config.title);
    let head = FeedHead {
        title: &title,
        path: format!("{path}atom.xml"),
        page: path,
    };
    // With no page dated to the day, its time comes from its events.
    let events = tag.events.iter().filter_map(|&i| site.events.get(i));
    let fallback = events
        .flat_map(|e| [Some(e.meta.date), e.meta.end])
        .flatten()
        .filter(has_day)
        .max();
    atom_of(site, tag.pages.iter().map(|&p| site.page(p)), &head, fallback)
}

fn atom_of<'a>(
    site: &Site,
    pages: impl Iterator<Item = &'a Page>,
    head: &FeedHead,
    fallback: Option<PartialDate>,
) -> String {
    let base = &site.config.base_url;
    let mut entries = Vec::new();
    for page in pages {
        let link = format!("{base}{}", page.url);
        let newest = [page.meta.updated, page.meta.date]
            .into_iter()
            .flatten()
            .filter(has_day)
            .max();
        if let Some(date) = newest {
            entries.push(Entry {
                title: page.meta.title.clone(),
                id: link.clone(),
                link: link.clone(),
                updated: date,
                summary: page.meta.summary.clone().unwrap_or_default(),
            });
        }
        for (n, u) in page.meta.updates.iter().enumerate().filter(|(_, u)| has_day(&u.date)) {
            let kind = match u.kind {
                UpdateKind::Update => "Update",
                UpdateKind::Correction => "Correction",
                UpdateKind::Clarification => "Clarification",
            };
            entries.push(Entry {
                title: format!("{kind}: {}", page.meta.title),
                id: format!("{link}#update-{}", n + 1),
                link: link.clone(),
                updated: u.date,
                summary: u.text.clone(),
            });
        }
    }
    // Newest first; a stable sort keeps the order of equal dates.
    entries.sort_by_key(|e| std::cmp::Reverse(e.updated));
    entries.truncate(FEED_LIMIT);
    let feed_updated = entries.iter().map(|e| e.updated).max().or(fallback);
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    let _ = writeln!(xml, " xml:lang=\"{}\">", escape(&site.config.language));
    let _ = writeln!(xml, "  <title>{}</title>", escape(head.title));
    if !site.config.description.is_empty() {
        let _ = writeln!(xml, "  <subtitle>{}</subtitle>", escape(&site.config.description));
    }
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        escape(&format!("{base}{}", head.path))
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        escape(&format!("{base}{}", head.page))
    );
    let _ = writeln!(xml, "  <id>{}</id>", escape(&format!("{base}{}", head.page)));
    let updated = feed_updated.map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| rfc3339(&d));
    let _ = writeln!(xml, "  <updated>{updated}</updated>");
    let _ = writeln!(xml, "  <author><name>{}</name></author>", escape(&site.config.title));
    for e in &entries {
        let _ = writeln!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <id>{}</id>\n    <updated>{}</updated>\n    <summary>{}</summary>\n  </entry>",
            escape(&e.title),
            escape(&e.link),
            escape(&e.id),
            rfc3339(&e.updated),
            escape(&e.summary)
        );
    }
    xml.push_str("</feed>\n");
    xml
}

/// The most a sitemap file may hold, by the sitemaps.org protocol (which
/// allows 50 MB; 1 MB keeps every output file small).
const SITEMAP_URLS: usize = 50_000;
const SITEMAP_BYTES: usize = 1_000_000;
/// What one `<url>` adds besides its escaped `<loc>` (67 bytes with a
/// `lastmod`), with room to spare.
const URL_OVERHEAD: usize = 72;

/// The URLs (paths of the site, with `lastmod` where known) cut into the
/// files of a sitemap: one, or several under a sitemap index. Every file
/// holds at most 50,000 URLs and 1 MB. The cut depends only on the number
/// of URLs and the longest one, not on dates.
pub(crate) fn sitemap_parts(
    site: &Site,
    mut urls: Vec<(String, Option<PartialDate>)>,
) -> Vec<Vec<(String, Option<PartialDate>)>> {
    urls.sort();
    let base = &site.config.base_url;
    let longest = urls
        .iter()
        .map(|(u, _)| escape(&format!("{base}{u}")).len())
        .max()
        .unwrap_or(0);
    let per_file = ((SITEMAP_BYTES - 200) / (longest + URL_OVERHEAD)).clamp(1, SITEMAP_URLS);
    if urls.len() <= per_file {
        return vec![urls];
    }
    let mut parts = Vec::new();
    let mut rest = urls.into_iter().peekable();
    while rest.peek().is_some() {
        parts.push(rest.by_ref().take(per_file).collect());
    }
    parts
}

/// The file of sitemap part `n` (from 1) when there are several.
pub(crate) fn sitemap_part_path(n: usize) -> String {
    format!("sitemap-{n}.xml")
}

/// A sitemap file listing `urls`.
pub(crate) fn sitemap(site: &Site, urls: &[(String, Option<PartialDate>)]) -> String {
    let base = &site.config.base_url;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, last) in urls {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", escape(&format!("{base}{url}")));
        if let Some(d) = last.filter(has_day) {
            // The sitemaps.org schema takes a full date, not YYYY or YYYY-MM.
            let _ = writeln!(xml, "    <lastmod>{}</lastmod>", d.iso());
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The sitemap index naming `parts` sitemap files.
pub(crate) fn sitemap_index(site: &Site, parts: usize) -> String {
    let base = &site.config.base_url;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in 1..=parts {
        let loc = format!("{base}/{}", sitemap_part_path(n));
        let _ = writeln!(xml, "  <sitemap>\n    <loc>{}</loc>\n  </sitemap>", escape(&loc));
    }
    xml.push_str("</sitemapindex>\n");
    xml
}

/// The date a page's sitemap entry gives: its latest, when known to the day.
pub(crate) fn lastmod(page: &Page) -> Option<PartialDate> {
    let dates = page.meta.updates.iter().map(|u| u.date);
    dates
        .chain(page.meta.updated)
        .chain(page.meta.date)
        .max()
        .filter(has_day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        let config = crate::config::Config {
            base_url: "https://news.example".into(),
            ..Default::default()
        };
        crate::content::load(std::path::Path::new("/nonexistent"), config, false).0
    }

    #[test]
    fn a_large_sitemap_is_split_into_files_of_at_most_50000_urls_and_1_mb() {
        let site = site();
        let day: PartialDate = "2024-07-05".parse().unwrap();
        let urls: Vec<_> = (0..120_000)
            .map(|i| (format!("/explainers/page-{i:06}/"), Some(day)))
            .collect();
        let parts = sitemap_parts(&site, urls);
        assert!(parts.len() >= 3, "{} parts", parts.len());
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 120_000);
        for part in &parts {
            assert!(part.len() <= SITEMAP_URLS);
            let xml = sitemap(&site, part);
            assert!(xml.len() <= SITEMAP_BYTES, "{} bytes", xml.len());
        }
        let index = sitemap_index(&site, parts.len());
        assert!(index.contains("<loc>https://news.example/sitemap-1.xml</loc>"));
        assert_eq!(index.matches("<sitemap>").count(), parts.len());
        // A small site keeps one file.
        assert_eq!(sitemap_parts(&site, vec![("/".into(), None)]).len(), 1);
    }
}
