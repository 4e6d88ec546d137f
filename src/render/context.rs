//! The context templates see: plain structs serialised into Tera values,
//! built from the loaded site. docs/templates.md documents every field.

use serde::Serialize;

use super::{Read, Reads};
use crate::date::{DateStyle, PartialDate};
use crate::model::{Event, GLOSSARY_URL, Page, PageId, Section, SectionId, Site, TIMELINE_URL, TocEntry, UpdateKind};

/// A date as templates see it: `iso` for machines, `display` for readers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct DateCtx {
    pub iso: String,
    pub display: String,
}

impl DateCtx {
    pub(crate) fn new(d: &PartialDate, style: &DateStyle) -> Self {
        DateCtx {
            iso: d.iso(),
            display: d.display_in(style),
        }
    }
}

/// A link to a page or section, for listings, navigation and breadcrumbs.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct LinkCtx {
    pub title: String,
    pub url: String,
    pub permalink: String,
    pub summary: Option<String>,
    pub date: Option<DateCtx>,
    pub reading_time: Option<usize>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct SourceCtx {
    /// 1-based number for citations ("[1]").
    pub number: usize,
    pub id: String,
    pub title: String,
    pub publisher: Option<String>,
    pub date: Option<DateCtx>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct KeyFigureCtx {
    pub value: String,
    pub label: String,
    /// The source's number in `page.sources`.
    pub source: Option<usize>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct UpdateCtx {
    pub date: DateCtx,
    pub kind: UpdateKind,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct EventCtx {
    pub id: String,
    pub title: String,
    pub date: DateCtx,
    pub end: Option<DateCtx>,
    /// "27 June – 2 July 2024" or the date alone.
    pub when: String,
    pub category: Option<CategoryCtx>,
    /// People and organisations involved.
    pub actors: Vec<PersonCtx>,
    /// Where it happened, in words.
    pub location: Option<String>,
    /// Its tags as links to their pages.
    pub tags: Vec<super::browse::TagLinkCtx>,
    pub sources: Vec<SourceCtx>,
    /// URLs of related pages.
    pub related: Vec<LinkCtx>,
    pub description: String,
    /// Its place on the timeline page: `/timeline/#id`.
    pub url: String,
    /// The events before and after it on the timeline.
    pub previous: Option<EventRef>,
    pub next: Option<EventRef>,
    /// Its first and last dates, for `timeline_events(from=, to=)`.
    #[serde(skip)]
    pub span: (PartialDate, PartialDate),
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct EventRef {
    pub id: String,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct CategoryCtx {
    pub id: String,
    pub label: String,
    pub colour: String,
}

/// The image link previews show (`og:image`): a drawn share card, or the
/// page's own `image`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct CardCtx {
    /// Absolute URL.
    pub url: String,
    /// What it shows, in words.
    pub alt: String,
    /// In pixels, for drawn cards (1200x630); unknown for an `image`.
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// `page` in `page.html`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct PageCtx {
    pub title: String,
    pub summary: Option<String>,
    pub url: String,
    pub permalink: String,
    /// The Markdown file, relative to `content/`.
    pub path: String,
    pub date: Option<DateCtx>,
    pub updated: Option<DateCtx>,
    /// The latest of `updated` and the update log's dates.
    pub last_updated: Option<DateCtx>,
    pub tags: Vec<String>,
    /// Its tags as links to their pages (as the page spells them).
    pub tag_links: Vec<super::browse::TagLinkCtx>,
    pub weight: Option<i64>,
    pub content: String,
    /// The first paragraph (or up to `<!-- more -->`), as HTML.
    pub summary_html: String,
    pub toc: Vec<TocEntry>,
    pub word_count: usize,
    pub reading_time: usize,
    pub key_figures: Vec<KeyFigureCtx>,
    pub sources: Vec<SourceCtx>,
    pub updates: Vec<UpdateCtx>,
    /// Timeline events related to this page.
    pub events: Vec<EventCtx>,
    pub section: LinkCtx,
    /// Home first, down to the page's own section.
    pub ancestors: Vec<LinkCtx>,
    pub previous: Option<LinkCtx>,
    pub next: Option<LinkCtx>,
    /// Who's who on this page.
    pub people: Vec<PersonCtx>,
    /// What each side says.
    pub positions: Vec<PositionCtx>,
    pub questions: Vec<QuestionCtx>,
    /// What happens next: HTML items.
    pub what_next: Vec<String>,
    /// schema.org BackgroundNewsArticle, for `<script type="application/ld+json">`.
    pub json_ld: String,
    /// Its share image: its own card, its `image`, or the site's card.
    pub card: CardCtx,
}

/// A person or organisation from `site.yaml`'s `people`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct PersonCtx {
    pub id: String,
    pub name: String,
    pub role: String,
    /// "person" or "organisation".
    pub kind: crate::config::PersonKind,
    /// Their own website, from `site.yaml`.
    pub url: Option<String>,
    /// Their page on this site (`/people/ID/`), for someone in `people`.
    pub page_url: Option<String>,
}

/// What one side says.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct PositionCtx {
    pub who: PersonCtx,
    /// HTML.
    pub says: String,
    /// The source's number in `page.sources`.
    pub source: Option<usize>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct QuestionCtx {
    /// Stable anchor.
    pub id: String,
    pub question: String,
    /// HTML.
    pub answer: String,
}

/// A glossary entry, on the glossary page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct TermCtx {
    pub id: String,
    pub term: String,
    pub aliases: Vec<String>,
    /// HTML-escaped text.
    pub definition: String,
}

/// `section` in `section.html` and `index.html`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct SectionCtx {
    pub title: String,
    pub summary: Option<String>,
    pub url: String,
    pub permalink: String,
    pub content: String,
    pub toc: Vec<TocEntry>,
    /// The pages of this listing page (all of them when they fit on one:
    /// see `paginate_by`); `paginator` says which.
    pub pages: Vec<LinkCtx>,
    pub subsections: Vec<LinkCtx>,
    pub ancestors: Vec<LinkCtx>,
}

/// `site`, in every template.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct SiteCtx {
    pub title: String,
    pub base_url: String,
    pub language: String,
    pub description: String,
    /// The home page's subsections, for the main navigation.
    pub sections: Vec<LinkCtx>,
    /// The timeline page, when the site has events.
    pub timeline: Option<LinkCtx>,
    /// The glossary page, when the site has a glossary.
    pub glossary: Option<LinkCtx>,
    /// The search page's URL when the site has search (`search:` in
    /// `site.yaml`): the header's search box goes there.
    pub search: Option<String>,
    pub categories: Vec<CategoryCtx>,
    /// Everyone in `site.yaml`'s `people`, for a site-wide who's who.
    pub people: Vec<PersonCtx>,
    /// `as_of` from `site.yaml`: how far the story goes.
    pub as_of: Option<DateCtx>,
    /// The site's share card, for the home page, sections and pages without their own.
    pub card: CardCtx,
}

/// `timeline` in `timeline.html`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct TimelineCtx {
    pub years: Vec<YearCtx>,
    pub count: usize,
    pub actors: Vec<String>,
    /// schema.org ItemList of Events, for `<script type="application/ld+json">`.
    pub json_ld: String,
}

/// What the search page shows: where Pagefind's script is, and the
/// sections with their pages (the list readers without JavaScript get).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct SearchCtx {
    pub sections: Vec<SearchSectionCtx>,
    /// The tags index, when the theme has tag pages.
    pub tags: Option<LinkCtx>,
    /// Each person's page, when the theme has people pages.
    pub people: Vec<LinkCtx>,
    /// The URL of `pagefind.js`.
    pub index: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct SearchSectionCtx {
    pub link: LinkCtx,
    pub pages: Vec<LinkCtx>,
    /// How many pages it has that the list leaves out.
    pub more: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct YearCtx {
    pub year: i16,
    pub events: Vec<EventCtx>,
}

/// What a page's link shows wherever it is listed: listings, neighbours,
/// breadcrumbs, events' related pages, `get_page`.
pub(crate) fn page_link(site: &Site, p: &Page) -> LinkCtx {
    let style = &site.dates;
    LinkCtx {
        title: p.meta.title.clone(),
        url: site.url(&p.url),
        permalink: site.permalink(&p.url),
        summary: p.meta.summary.clone(),
        date: p.meta.date.as_ref().map(|d| DateCtx::new(d, style)),
        reading_time: Some(p.html.body.reading_time),
    }
}

pub(crate) fn section_link(site: &Site, s: &Section) -> LinkCtx {
    LinkCtx {
        title: s.meta.title.clone(),
        url: site.url(&s.url),
        permalink: site.permalink(&s.url),
        summary: s.meta.summary.clone(),
        date: None,
        reading_time: None,
    }
}

pub(crate) fn site_ctx(site: &Site) -> SiteCtx {
    let home = site.section(SectionId::HOME);
    SiteCtx {
        title: site.config.title.clone(),
        base_url: site.config.base_url.clone(),
        language: site.config.language.clone(),
        description: site.config.description.clone(),
        sections: home
            .subsections
            .iter()
            .map(|&s| section_link(site, site.section(s)))
            .collect(),
        timeline: site.has_timeline().then(|| timeline_link(site)),
        categories: site.config.timeline.categories.iter().map(category_ctx).collect(),
        glossary: site.has_glossary().then(|| glossary_link(site)),
        search: site.has_search().then(|| site.url(crate::model::SEARCH_URL)),
        people: site.config.people.iter().map(|p| person_ctx(site, &p.id)).collect(),
        as_of: site.config.as_of.as_ref().map(|d| DateCtx::new(d, &site.dates)),
        card: site_card_ctx(site),
    }
}

/// The site's share card.
fn site_card_ctx(site: &Site) -> CardCtx {
    CardCtx {
        url: site.permalink(&format!("/{}", crate::model::CARD_FILE)),
        alt: site.config.title.clone(),
        width: Some(crate::cards::WIDTH),
        height: Some(crate::cards::HEIGHT),
    }
}

/// A page's share image (whether it has a card of its own depends on its
/// section's `cards`, read by the caller).
fn page_card_ctx(site: &Site, id: PageId) -> CardCtx {
    let p = site.page(id);
    match &p.meta.image {
        Some(_) => CardCtx {
            url: site.card_url(id),
            alt: p.meta.image_alt.clone().unwrap_or_else(|| p.meta.title.clone()),
            width: None,
            height: None,
        },
        None if site.draws_card(id) => CardCtx {
            url: site.card_url(id),
            alt: p.meta.title.clone(),
            ..site_card_ctx(site)
        },
        None => site_card_ctx(site),
    }
}

pub(crate) fn timeline_link(site: &Site) -> LinkCtx {
    let own = site.timeline_section.as_ref();
    LinkCtx {
        title: own.map_or_else(|| "Timeline".to_string(), |s| s.meta.title.clone()),
        permalink: site.permalink(TIMELINE_URL),
        url: site.url(TIMELINE_URL),
        summary: own.and_then(|s| s.meta.summary.clone()),
        date: None,
        reading_time: None,
    }
}

/// The glossary page's link.
pub(crate) fn glossary_link(site: &Site) -> LinkCtx {
    LinkCtx {
        title: "Glossary".into(),
        permalink: site.permalink(GLOSSARY_URL),
        url: site.url(GLOSSARY_URL),
        summary: None,
        date: None,
        reading_time: None,
    }
}

/// A person by id; ids were checked when the site loaded.
pub(crate) fn person_ctx(site: &Site, id: &str) -> PersonCtx {
    match site.config.person(id) {
        Some(p) => PersonCtx {
            id: p.id.clone(),
            name: p.name.clone(),
            role: p.role.clone(),
            kind: p.kind,
            url: p.url.clone(),
            page_url: Some(site.person_url(&p.id)),
        },
        None => PersonCtx {
            id: id.into(),
            name: id.into(),
            role: String::new(),
            kind: Default::default(),
            url: None,
            page_url: None,
        },
    }
}

fn category_ctx(c: &crate::config::Category) -> CategoryCtx {
    CategoryCtx {
        id: c.id.clone(),
        label: c.label.clone(),
        colour: c.colour.clone(),
    }
}

/// Every event as templates see it, in timeline order.
pub(crate) fn event_ctxs(site: &Site) -> Vec<EventCtx> {
    let style = &site.dates;
    let link_of = |url: &String| match site.page_by_url(url) {
        Some(id) => page_link(site, site.page(id)),
        None => LinkCtx {
            title: url.clone(),
            url: site.url(url),
            permalink: site.permalink(url),
            summary: None,
            date: None,
            reading_time: None,
        },
    };
    let url_of = |e: &Event| format!("{}#{}", site.url(TIMELINE_URL), e.id);
    let ev_ref = |e: &Event| EventRef {
        id: e.id.clone(),
        title: e.meta.title.clone(),
        url: url_of(e),
    };
    let events = &site.events;
    events
        .iter()
        .enumerate()
        .map(|(i, e)| EventCtx {
            id: e.id.clone(),
            title: e.meta.title.clone(),
            date: DateCtx::new(&e.meta.date, style),
            end: e.meta.end.as_ref().map(|d| DateCtx::new(d, style)),
            when: e.when(style),
            category: e
                .meta
                .category
                .as_deref()
                .and_then(|c| site.config.category(c))
                .map(category_ctx),
            actors: e.meta.actors.iter().map(|a| person_ctx(site, a)).collect(),
            location: e.meta.location.clone(),
            tags: super::browse::tag_links(site, &e.meta.tags),
            sources: e
                .meta
                .sources
                .iter()
                .enumerate()
                .map(|(n, id)| {
                    let on_page = e
                        .page()
                        .and_then(|p| site.page(p).meta.sources.iter().find(|s| &s.id == id));
                    let stub = crate::config::Source {
                        id: id.clone(),
                        title: None,
                        publisher: None,
                        date: None,
                        url: None,
                    };
                    source_ctx(site, n, on_page.unwrap_or(&stub))
                })
                .collect(),
            related: e.related.iter().map(link_of).collect(),
            description: e.description.clone(),
            url: url_of(e),
            previous: i.checked_sub(1).map(|j| ev_ref(&events[j])),
            next: events.get(i + 1).map(ev_ref),
            span: e.span(),
        })
        .collect()
}

/// The events that concern the page at `url`, as its "In the timeline" box shows them.
pub(crate) fn events_of(events: &[EventCtx], url: &str) -> Vec<EventCtx> {
    events
        .iter()
        .filter(|e| e.related.iter().any(|r| r.url == url))
        .cloned()
        .collect()
}

/// The links of the sections from the home page down to `section`.
pub(crate) fn ancestors(site: &Site, mut section: Option<SectionId>, reads: &mut Reads) -> Vec<LinkCtx> {
    let mut out = Vec::new();
    while let Some(s) = section {
        let s = site.section(s);
        reads.note(|| Read::SectionLink(s.dir.clone()));
        out.push(section_link(site, s));
        section = s.parent;
    }
    out.reverse();
    out
}

/// `page` for page `id`, noting in `reads` what it shows of other pages.
pub(crate) fn page_ctx(site: &Site, events: &[EventCtx], id: PageId, reads: &mut Reads) -> PageCtx {
    let style = &site.dates;
    let p = site.page(id);
    let md = &p.html.body;
    let section = site.section(p.section);
    reads.note(|| Read::Page(p.rel.clone()));
    reads.note(|| Read::Listing(section.dir.clone()));
    // Events name the pages they concern by the URLs links use.
    let served = site.url(&p.url);
    reads.note(|| Read::EventsOf(served.clone()));
    let pos = section.pages.iter().position(|&x| x == id);
    let mut neighbour = |j: Option<usize>| {
        let q = site.page(*j.and_then(|j| section.pages.get(j))?);
        reads.note(|| Read::Link(q.rel.clone()));
        Some(page_link(site, q))
    };
    let previous = neighbour(pos.and_then(|x| x.checked_sub(1)));
    let next = neighbour(pos.map(|x| x + 1));
    let sources: Vec<SourceCtx> = p
        .meta
        .sources
        .iter()
        .enumerate()
        .map(|(n, s)| source_ctx(site, n, s))
        .collect();
    let last_updated = p.meta.updates.iter().map(|u| u.date).chain(p.meta.updated).max();
    let json_ld = article_json_ld(site, p, &sources, last_updated.as_ref());
    // Whether it has a card of its own is its section's `cards`.
    reads.note(|| Read::Cards(section.dir.clone()));
    PageCtx {
        title: p.meta.title.clone(),
        summary: p.meta.summary.clone(),
        url: served.clone(),
        permalink: site.permalink(&p.url),
        path: p.rel.clone(),
        date: p.meta.date.as_ref().map(|d| DateCtx::new(d, style)),
        updated: p.meta.updated.as_ref().map(|d| DateCtx::new(d, style)),
        last_updated: last_updated.as_ref().map(|d| DateCtx::new(d, style)),
        tags: p.meta.tags.clone(),
        tag_links: super::browse::tag_links(site, &p.meta.tags),
        weight: p.meta.weight,
        content: md.html.clone(),
        summary_html: md.summary.clone(),
        toc: md.toc.clone(),
        word_count: md.word_count,
        reading_time: md.reading_time,
        key_figures: p
            .meta
            .key_figures
            .iter()
            .map(|k| KeyFigureCtx {
                value: k.value.clone(),
                label: k.label.clone(),
                source: k
                    .source
                    .as_ref()
                    .and_then(|id| sources.iter().find(|s| &s.id == id))
                    .map(|s| s.number),
            })
            .collect(),
        sources,
        updates: p
            .meta
            .updates
            .iter()
            .map(|u| UpdateCtx {
                date: DateCtx::new(&u.date, style),
                kind: u.kind,
                text: u.text.clone(),
            })
            .collect(),
        events: events_of(events, &served),
        section: section_link(site, section),
        ancestors: ancestors(site, Some(p.section), reads),
        previous,
        next,
        people: p.meta.people.iter().map(|id| person_ctx(site, id)).collect(),
        positions: p
            .meta
            .positions
            .iter()
            .zip(&p.html.positions)
            .map(|(x, says)| PositionCtx {
                who: person_ctx(site, &x.who),
                says: says.clone(),
                source: x
                    .source
                    .as_ref()
                    .and_then(|id| p.meta.sources.iter().position(|s| &s.id == id))
                    .map(|n| n + 1),
            })
            .collect(),
        questions: p
            .meta
            .questions
            .iter()
            .zip(&p.html.answers)
            .map(|(q, answer)| QuestionCtx {
                id: q.id.clone().unwrap_or_else(|| crate::text::slugify(&q.question)),
                question: q.question.clone(),
                answer: answer.clone(),
            })
            .collect(),
        what_next: p.html.what_next.clone(),
        json_ld,
        card: page_card_ctx(site, id),
    }
}

/// A page's source, filled in from `site.yaml` when the page gives only its id.
pub(crate) fn source_ctx(site: &Site, n: usize, s: &crate::config::Source) -> SourceCtx {
    let style = &site.dates;
    let full = if s.title.is_some() {
        Some(s)
    } else {
        site.config.source(&s.id)
    };
    let pick = |f: fn(&crate::config::Source) -> Option<String>| f(s).or_else(|| full.and_then(f));
    SourceCtx {
        number: n + 1,
        id: s.id.clone(),
        title: pick(|x| x.title.clone()).unwrap_or_else(|| s.id.clone()),
        publisher: pick(|x| x.publisher.clone()),
        date: s
            .date
            .or_else(|| full.and_then(|f| f.date))
            .as_ref()
            .map(|d| DateCtx::new(d, style)),
        url: pick(|x| x.url.clone()),
    }
}

/// `section` for listing page `n` (from 1) of section `id`, noting in
/// `reads` what it shows of other pages: `pages` holds that listing page's.
pub(crate) fn section_ctx(site: &Site, id: SectionId, n: usize, reads: &mut Reads) -> SectionCtx {
    let s = site.section(id);
    let shown = &s.pages[super::browse::slice(s.pages.len(), site.paginate_by(id), n)];
    reads.note(|| Read::Section(s.dir.clone()));
    reads.note(|| Read::Listing(s.dir.clone()));
    SectionCtx {
        title: s.meta.title.clone(),
        summary: s.meta.summary.clone(),
        url: site.url(&s.url),
        permalink: site.permalink(&s.url),
        content: s.html.html.clone(),
        toc: s.html.toc.clone(),
        pages: super::browse::links_of(site, shown, reads),
        subsections: s
            .subsections
            .iter()
            .map(|&c| {
                let c = site.section(c);
                reads.note(|| Read::SectionLink(c.dir.clone()));
                section_link(site, c)
            })
            .collect(),
        ancestors: ancestors(site, s.parent, reads),
    }
}

/// schema.org `BackgroundNewsArticle` for a page, safe inside `<script>`.
fn article_json_ld(site: &Site, p: &Page, sources: &[SourceCtx], modified: Option<&PartialDate>) -> String {
    use serde_json::json;
    let url = site.permalink(&p.url);
    let mut doc = json!({
        "@context": "https://schema.org",
        "@type": "BackgroundNewsArticle",
        "headline": p.meta.title,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": site.config.language,
        "publisher": { "@type": "Organization", "name": site.config.title },
    });
    if let Some(summary) = &p.meta.summary {
        doc["description"] = json!(summary);
    }
    if let Some(id) = site.page_by_rel(&p.rel) {
        doc["image"] = json!(site.card_url(id));
    }
    if let Some(d) = &p.meta.date {
        doc["datePublished"] = json!(d.iso());
    }
    if let Some(d) = modified.or(p.meta.date.as_ref()) {
        doc["dateModified"] = json!(d.iso());
    }
    if !p.meta.tags.is_empty() {
        doc["keywords"] = json!(p.meta.tags.join(", "));
    }
    let citations: Vec<_> = sources
        .iter()
        .map(|s| {
            let mut c = json!({ "@type": "CreativeWork", "name": s.title });
            if let Some(publisher) = &s.publisher {
                c["publisher"] = json!({ "@type": "Organization", "name": publisher });
            }
            if let Some(u) = &s.url {
                c["url"] = json!(u);
            }
            c
        })
        .collect();
    if !citations.is_empty() {
        doc["citation"] = json!(citations);
    }
    // "</" would end the <script> element early.
    doc.to_string().replace("</", "<\\/")
}
