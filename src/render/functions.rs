//! Functions and filters templates may call.

use std::collections::HashMap;
use std::sync::Arc;

use tera::{Kwargs, State, Tera};

use super::SiteData;
use super::context::{EventCtx, LinkCtx, page_link, section_link};
use crate::date::PartialDate;

/// Registers the functions that look things up across the site —
/// `get_url(path="@/explainers/pay.md")`, `get_page(path=...)`,
/// `get_section(path=...)`, `timeline_events(...)` — and the tera-contrib
/// filters. Called again when the site changes (the incremental path).
pub fn register_functions(tera: &mut Tera, data: &SiteData, events: Arc<Vec<EventCtx>>) {
    let site = data.site;
    let base = site.config.base_url.clone();
    let mut pages: HashMap<String, LinkCtx> = HashMap::new();
    for (i, p) in site.pages.iter().enumerate() {
        pages.insert(p.rel.clone(), page_link(p, Some(&data.pages_md[i].body), &site.config));
    }
    let mut sections: HashMap<String, LinkCtx> = HashMap::new();
    for s in &site.sections {
        sections.insert(s.dir.clone(), section_link(s, &base));
    }
    let (pages, sections) = (Arc::new(pages), Arc::new(sections));
    let clean = |p: String| p.trim_start_matches("@/").trim_matches('/').to_string();
    {
        let (pages, sections) = (pages.clone(), sections.clone());
        tera.register_function("get_url", move |kw: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path = clean(kw.must_get::<String>("path")?);
            let dir = path.trim_end_matches("_index.md").trim_end_matches('/').to_string();
            pages
                .get(&path)
                .or_else(|| sections.get(&dir))
                .map(|l| l.url.clone())
                .ok_or_else(|| tera::Error::message(format!("get_url: no page or section `{path}` in content/")))
        });
    }
    {
        let pages = pages.clone();
        tera.register_function(
            "get_page",
            move |kw: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
                let path = clean(kw.must_get::<String>("path")?);
                let page = pages
                    .get(&path)
                    .ok_or_else(|| tera::Error::message(format!("get_page: no page `{path}` in content/")))?;
                Ok(tera::Value::from_serializable(page))
            },
        );
    }
    tera.register_function(
        "get_section",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let path = clean(kw.must_get::<String>("path")?);
            let dir = path.trim_end_matches("_index.md").trim_end_matches('/').to_string();
            let section = sections
                .get(&dir)
                .ok_or_else(|| tera::Error::message(format!("get_section: no section `{path}` in content/")))?;
            Ok(tera::Value::from_serializable(section))
        },
    );
    let urls: HashMap<String, String> = pages.iter().map(|(rel, l)| (rel.clone(), l.url.clone())).collect();
    tera.register_function(
        "timeline_events",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
            let mut query = EventQuery::from_kwargs(&kw)?;
            // A content path names a page by its file; compare by its URL.
            if let Some(r) = query.related.as_mut().filter(|r| r.ends_with(".md")) {
                let path = r.trim_start_matches("@/");
                *r = urls
                    .get(path)
                    .cloned()
                    .ok_or_else(|| tera::Error::message(format!("timeline_events: no page `{path}` in content/")))?;
            }
            let found: Vec<&EventCtx> = events.iter().filter(|e| query.matches(e)).collect();
            Ok(tera::Value::from_serializable(&found))
        },
    );
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    tera.register_filter("slug", tera_contrib::slug::slug);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter("urlencode_strict", tera_contrib::urlencode::urlencode_strict);
}

/// The arguments of `timeline_events(...)`: all optional, all must match.
struct EventQuery {
    category: Option<String>,
    actor: Option<String>,
    /// A page URL (`/explainers/pay/`); a content path is resolved to one first.
    related: Option<String>,
    from: Option<PartialDate>,
    to: Option<PartialDate>,
}

impl EventQuery {
    fn from_kwargs(kw: &Kwargs) -> tera::TeraResult<Self> {
        let date = |key: &str| -> tera::TeraResult<Option<PartialDate>> {
            kw.get::<String>(key)?
                .map(|s| {
                    s.parse::<PartialDate>()
                        .map_err(|e| tera::Error::message(format!("timeline_events: `{key}`: {e}")))
                })
                .transpose()
        };
        Ok(EventQuery {
            category: kw.get("category")?,
            actor: kw.get("actor")?,
            related: kw.get("related")?,
            from: date("from")?,
            to: date("to")?,
        })
    }

    fn matches(&self, e: &EventCtx) -> bool {
        let (first, last) = e.span;
        self.category.as_ref().is_none_or(|c| e.category.as_ref().is_some_and(|ec| &ec.id == c))
            && self.actor.as_ref().is_none_or(|a| e.actors.iter().any(|p| &p.id == a))
            && self.related.as_ref().is_none_or(|r| e.related.iter().any(|l| &l.url == r))
            // Overlap: the event ends on or after `from` and starts on or before `to`.
            && self.from.is_none_or(|f| last.last_day() >= f.first_day())
            && self.to.is_none_or(|t| first.first_day() <= t.last_day())
    }
}
