//! What static hosts read besides the pages: `robots.txt`, `_redirects`
//! (Netlify, Cloudflare Pages) and, at each of a page's `aliases`, a small
//! page that sends readers and crawlers on to the page (any host).

use std::fmt::Write;

use crate::model::{Page, Site, alias_url};
use crate::text::escape;

/// `robots.txt`: everything may be crawled; the sitemap is named by its
/// absolute URL, as the format requires.
pub(crate) fn robots(site: &Site) -> String {
    let mut out = String::from("User-agent: *\nAllow: /\n");
    let _ = writeln!(out, "\nSitemap: {}", site.permalink("/sitemap.xml"));
    out
}

/// `_redirects`: `/old/pay/ /explainers/pay/ 301`, a line per alias, sorted.
pub(crate) fn redirects(site: &Site) -> String {
    let mut lines: Vec<String> = (site.pages.iter())
        .flat_map(|p| (p.meta.aliases.iter()).map(|a| format!("{} {} 301", alias_url(a), p.url)))
        .collect();
    lines.sort();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// The page written at `alias`: an immediate refresh to the page, its
/// canonical URL (so search engines move the old URL's standing to it), a
/// link for whoever's browser does not follow the refresh, and `noindex`.
pub(crate) fn redirect_page(site: &Site, page: &Page) -> String {
    let to = escape(&site.permalink(&page.url));
    let title = escape(&page.meta.title);
    let lang = escape(&site.config.language);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n\
         <link rel=\"canonical\" href=\"{to}\">\n<meta http-equiv=\"refresh\" content=\"0; url={to}\">\n\
         </head>\n<body>\n<p><a href=\"{to}\">{title}</a></p>\n</body>\n</html>\n"
    )
}
