//! `atom.xml` (an entry per page and per update-log item dated to the day)
//! and `sitemap.xml`. Neither states a day the content does not give: Atom
//! needs an instant, so what is known only to the month or year is left out
//! of it, and a sitemap's `lastmod` is written only when the day is known.

use std::fmt::Write;

use crate::date::{PartialDate, Precision};
use crate::model::{GLOSSARY_URL, Site, TIMELINE_URL, UpdateKind};
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

/// The Atom feed: newest first.
pub(crate) fn atom(site: &Site) -> String {
    let base = &site.config.base_url;
    let mut entries = Vec::new();
    for page in &site.pages {
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
    let feed_updated = entries.iter().map(|e| e.updated).max().or_else(|| latest_day(site));
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    let _ = writeln!(xml, " xml:lang=\"{}\">", escape(&site.config.language));
    let _ = writeln!(xml, "  <title>{}</title>", escape(&site.config.title));
    if !site.config.description.is_empty() {
        let _ = writeln!(xml, "  <subtitle>{}</subtitle>", escape(&site.config.description));
    }
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}/atom.xml\"/>",
        escape(base)
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}/\"/>",
        escape(base)
    );
    let _ = writeln!(xml, "  <id>{}/</id>", escape(base));
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

/// The sitemap: every section, page and the timeline, with `lastmod` where known.
pub(crate) fn sitemap(site: &Site) -> String {
    let base = &site.config.base_url;
    let mut urls: Vec<(String, Option<PartialDate>)> = Vec::new();
    urls.extend(site.sections.iter().map(|s| (s.url.clone(), None)));
    urls.extend(site.pages.iter().map(|p| {
        let last = p
            .meta
            .updates
            .iter()
            .map(|u| u.date)
            .chain(p.meta.updated)
            .chain(p.meta.date)
            .max()
            .filter(has_day);
        (p.url.clone(), last)
    }));
    if site.has_timeline() {
        urls.push((TIMELINE_URL.to_string(), None));
    }
    if site.has_glossary() {
        urls.push((GLOSSARY_URL.to_string(), None));
    }
    urls.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, last) in urls {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", escape(&format!("{base}{url}")));
        if let Some(d) = last {
            // The sitemaps.org schema takes a full date, not YYYY or YYYY-MM.
            let _ = writeln!(xml, "    <lastmod>{}</lastmod>", d.iso());
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}
