//! The pages that help a reader find their way in a large site: listing
//! pages split into pages of `paginate_by` (the `paginator`), the tags index
//! and each tag's pages, and a page per person of `site.yaml`'s `people`.
//! Each context here is also the view an incremental rebuild compares
//! ([`changed_views`]), so what a page shows and what is compared are one
//! value.

use std::collections::BTreeSet;

use serde::Serialize;

use super::context::{EventCtx, LinkCtx, PersonCtx, page_link, person_ctx, source_ctx};
use super::{Read, Reads};
use crate::model::{PageId, Site, Tag, pager_count, paginated_url, tag_path};

/// `paginator` on a listing page (a section's or a tag's).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct PaginatorCtx {
    /// This listing page's number, from 1.
    pub current: usize,
    /// How many listing pages there are.
    pub count: usize,
    /// Items per listing page.
    pub per_page: usize,
    /// Items over all the listing pages.
    pub total: usize,
    /// The items of this listing page.
    pub pages: Vec<LinkCtx>,
    pub first: String,
    pub last: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// For a numbered navigation: the first and last pages, and the two
    /// either side of this one, with a gap (`number` 0, no URL) where
    /// numbers are left out. At most nine entries, however many pages.
    pub links: Vec<PagerLinkCtx>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct PagerLinkCtx {
    /// 0 for a gap.
    pub number: usize,
    pub url: Option<String>,
    pub current: bool,
}

/// The listing page `current` of `total` items at `base` (a path of the
/// site), `per_page` each, showing `items`.
pub(crate) fn paginator(
    site: &Site,
    base: &str,
    current: usize,
    per_page: usize,
    total: usize,
    items: Vec<LinkCtx>,
) -> PaginatorCtx {
    let count = pager_count(total, per_page);
    let url = |n: usize| site.url(&paginated_url(base, n));
    let mut links = Vec::new();
    let mut last_shown = 0;
    for n in 1..=count {
        let near = n == 1 || n == count || n.abs_diff(current) <= 2;
        if !near {
            continue;
        }
        if n > last_shown + 1 {
            links.push(PagerLinkCtx {
                number: 0,
                url: None,
                current: false,
            });
        }
        links.push(PagerLinkCtx {
            number: n,
            url: Some(url(n)),
            current: n == current,
        });
        last_shown = n;
    }
    PaginatorCtx {
        current,
        count,
        per_page,
        total,
        pages: items,
        first: url(1),
        last: url(count),
        previous: (current > 1).then(|| url(current - 1)),
        next: (current < count).then(|| url(current + 1)),
        links,
    }
}

/// The range of items listing page `n` (from 1) shows.
pub(crate) fn slice(len: usize, per_page: usize, n: usize) -> std::ops::Range<usize> {
    let start = (n.max(1) - 1).saturating_mul(per_page).min(len);
    start..start.saturating_add(per_page).min(len)
}

/// The links of `pages`, noting each as read.
pub(crate) fn links_of(site: &Site, pages: &[PageId], reads: &mut Reads) -> Vec<LinkCtx> {
    pages
        .iter()
        .map(|&p| {
            let p = site.page(p);
            reads.note(|| Read::Link(p.rel.clone()));
            page_link(site, p)
        })
        .collect()
}

/// A tag as templates see it: on `/tags/`, from `get_tags()`, on its own page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct TagCtx {
    pub name: String,
    pub slug: String,
    pub url: String,
    pub permalink: String,
    /// Its Atom feed.
    pub feed: String,
    /// Pages and events with the tag.
    pub count: usize,
    pub page_count: usize,
    pub event_count: usize,
}

/// A tag a page or event names: its own spelling, and where the tag's page is.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct TagLinkCtx {
    pub name: String,
    pub slug: String,
    pub url: String,
}

pub(crate) fn tag_ctx(site: &Site, tag: &Tag) -> TagCtx {
    let path = tag_path(&tag.slug);
    TagCtx {
        name: tag.name.clone(),
        slug: tag.slug.clone(),
        url: site.url(&path),
        permalink: site.permalink(&path),
        feed: site.url(&format!("{path}atom.xml")),
        count: tag.pages.len() + tag.events.len(),
        page_count: tag.pages.len(),
        event_count: tag.events.len(),
    }
}

/// The tags `names` (as a page or event writes them) as links.
pub(crate) fn tag_links(site: &Site, names: &[String]) -> Vec<TagLinkCtx> {
    let mut seen = BTreeSet::new();
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .filter_map(|name| {
            let slug = crate::text::slugify(name);
            seen.insert(slug.clone()).then(|| TagLinkCtx {
                name: name.to_string(),
                url: site.url(&tag_path(&slug)),
                slug,
            })
        })
        .collect()
}

/// Every tag, by slug: what `/tags/` and `get_tags()` show ([`Read::Tags`]).
pub(crate) fn tags_index(site: &Site) -> Vec<TagCtx> {
    site.tags.iter().map(|t| tag_ctx(site, t)).collect()
}

/// What a tag's pages show besides the links of the pages they list
/// ([`Read::Tag`]): the tag, its pages in order (by file), its events.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TagView {
    pub tag: TagCtx,
    pub pages: Vec<String>,
    pub events: Vec<EventCtx>,
}

pub(crate) fn tag_view(site: &Site, events: &[EventCtx], slug: &str) -> Option<TagView> {
    let tag = site.tag(slug)?;
    Some(TagView {
        tag: tag_ctx(site, tag),
        pages: tag.pages.iter().map(|&p| site.page(p).rel.clone()).collect(),
        events: tag.events.iter().filter_map(|&i| events.get(i).cloned()).collect(),
    })
}

/// `tag` in `tag.html`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct TagPageCtx {
    #[serde(flatten)]
    pub tag: TagCtx,
    /// Its events, in timeline order (on its first listing page only).
    pub events: Vec<EventCtx>,
}

/// What the page of a person shows ([`Read::Person`]).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct PersonPageCtx {
    #[serde(flatten)]
    pub person: PersonCtx,
    /// What the explainers say they say: each `positions:` item naming them.
    pub positions: Vec<PersonPositionCtx>,
    /// The pages whose who's who (`people:`) names them.
    pub pages: Vec<LinkCtx>,
    /// Every event they are an actor in, in timeline order.
    pub events: Vec<EventCtx>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct PersonPositionCtx {
    /// The page it is on.
    pub page: LinkCtx,
    /// HTML.
    pub says: String,
    /// Its source, when it names one.
    pub source: Option<super::context::SourceCtx>,
    /// Its place on the page: the page's URL + `#positions`.
    pub url: String,
}

pub(crate) fn person_page_ctx(site: &Site, events: &[EventCtx], id: &str) -> PersonPageCtx {
    let mut positions = Vec::new();
    let mut pages = Vec::new();
    for p in &site.pages {
        for (x, says) in p.meta.positions.iter().zip(&p.html.positions) {
            if x.who != id {
                continue;
            }
            let source = x.source.as_ref().and_then(|s| {
                let n = p.meta.sources.iter().position(|src| &src.id == s)?;
                Some(source_ctx(site, n, &p.meta.sources[n]))
            });
            positions.push(PersonPositionCtx {
                page: page_link(site, p),
                says: says.clone(),
                source,
                url: format!("{}#positions", site.url(&p.url)),
            });
        }
        if p.meta.people.iter().any(|x| x == id) {
            pages.push(page_link(site, p));
        }
    }
    PersonPageCtx {
        person: person_ctx(site, id),
        positions,
        pages,
        events: events
            .iter()
            .filter(|e| e.actors.iter().any(|a| a.id == id))
            .cloned()
            .collect(),
    }
}

/// Which generated pages the theme can render: the built-in theme has
/// templates for all of them; a theme of the site's own gets tag and people
/// pages once it has templates for them (and the site has tags, people), and
/// the search page once it has a usable `search.html` (and search is on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Offers {
    pub tags: bool,
    pub people: bool,
    /// `/search/`: search is on and the theme has a usable `search.html`.
    pub search: bool,
}

impl Offers {
    pub(crate) fn of(site: &Site, has: impl Fn(&str) -> bool) -> Offers {
        Offers {
            tags: !site.tags.is_empty() && has("tags.html") && has("tag.html"),
            people: !site.config.people.is_empty() && has("person.html"),
            search: site.has_search() && has("search.html"),
        }
    }
}

/// The pages a rebuild re-read alone (by file), and whether each one's link
/// (title, summary, date...) reads differently now.
pub(crate) struct Edited<'a> {
    pub(crate) rels: &'a [String],
    pub(crate) relinked: &'a dyn Fn(&str) -> bool,
}

/// The reads among tags and people whose views differ between `old` and
/// `new` (their events as templates see them given beside each). With
/// `edited` pages only, the same tags (not gathered again), the same
/// events and no people or positions edited, only the tags and people of
/// pages whose link changed can show anything new: those are named without
/// building every view (at 10,000 pages that took most of a one-page
/// rebuild).
pub(crate) fn changed_views(
    old: &Site,
    new: &Site,
    old_events: &[EventCtx],
    new_events: &[EventCtx],
    edited: Option<Edited>,
) -> Vec<Read> {
    if let Some(e) = edited
        && std::sync::Arc::ptr_eq(&old.tags, &new.tags)
        && old_events == new_events
        && e.rels.iter().all(|rel| same_people(old, new, rel))
    {
        let pages: Vec<&crate::model::PageMeta> = (e.rels.iter())
            .filter(|rel| (e.relinked)(rel))
            .filter_map(|rel| new.page_by_rel(rel))
            .map(|id| &new.page(id).meta)
            .collect();
        let tags = (pages.iter())
            .flat_map(|m| &m.tags)
            .map(|t| Read::Tag(crate::text::slugify(t.trim())));
        // People pages list the pages naming them, by their links.
        let people = (pages.iter())
            .flat_map(|m| m.people.iter().chain(m.positions.iter().map(|p| &p.who)))
            .map(|id| Read::Person(id.clone()));
        return tags.chain(people).collect();
    }
    let mut changed = Vec::new();
    if tags_index(old) != tags_index(new) {
        changed.push(Read::Tags);
    }
    let slugs: BTreeSet<&str> = old
        .tags
        .iter()
        .chain(new.tags.iter())
        .map(|t| t.slug.as_str())
        .collect();
    for slug in slugs {
        if tag_view(old, old_events, slug) != tag_view(new, new_events, slug) {
            changed.push(Read::Tag(slug.to_string()));
        }
    }
    let ids: BTreeSet<&str> = (old.config.people.iter())
        .chain(&new.config.people)
        .map(|p| p.id.as_str())
        .collect();
    for id in ids {
        if person_page_ctx(old, old_events, id) != person_page_ctx(new, new_events, id) {
            changed.push(Read::Person(id.to_string()));
        }
    }
    changed
}

/// Does the page show the same to people pages in both sites (its people,
/// its positions with their HTML and sources)?
fn same_people(old: &Site, new: &Site, rel: &str) -> bool {
    type View<'a> = (
        &'a Vec<String>,
        &'a Vec<crate::model::Position>,
        &'a Vec<String>,
        &'a Vec<crate::config::Source>,
    );
    fn view<'a>(s: &'a Site, rel: &str) -> Option<View<'a>> {
        let p = s.page(s.page_by_rel(rel)?);
        Some((&p.meta.people, &p.meta.positions, &p.html.positions, &p.meta.sources))
    }
    view(old, rel) == view(new, rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_every_item_once() {
        assert_eq!(slice(120, 50, 1), 0..50);
        assert_eq!(slice(120, 50, 3), 100..120);
        assert_eq!(slice(120, 50, 4), 120..120);
        assert_eq!(slice(0, 50, 1), 0..0);
        assert_eq!(pager_count(120, 50), 3);
        assert_eq!(pager_count(0, 50), 1);
        assert_eq!(pager_count(100, 50), 2);
    }
}
