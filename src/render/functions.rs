//! Functions and filters templates may call. Every function that looks at
//! the site notes what it read, for the output being rendered, so the
//! incremental path knows which outputs an edit reaches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tera::{Kwargs, State, Tera};

use super::Read;
use super::context::{EventCtx, page_link, section_link};
use crate::date::PartialDate;
use crate::model::Site;

/// Where the site's own files come from, to give links to its CSS and
/// JavaScript a hash of their content: the site's `static/`, then the theme
/// folder's, then the built-in theme's.
#[derive(Debug)]
pub(crate) struct Assets {
    pub(crate) site_static: std::path::PathBuf,
    pub(crate) theme_static: Option<std::path::PathBuf>,
    pub(crate) builtin: bool,
    /// Hashes worked out so far, by path: a file is read once per binding.
    hashes: Mutex<HashMap<String, Option<String>>>,
}

impl Assets {
    pub(crate) fn new(
        site_static: std::path::PathBuf,
        theme_static: Option<std::path::PathBuf>,
        builtin: bool,
    ) -> Self {
        Assets {
            site_static,
            theme_static,
            builtin,
            hashes: Mutex::default(),
        }
    }

    /// `?v=<hash>` for a CSS or JavaScript file of the site, else nothing.
    fn version(&self, path: &str) -> String {
        if !(path.ends_with(".css") || path.ends_with(".js")) {
            return String::new();
        }
        let mut hashes = self.hashes.lock().unwrap_or_else(|e| e.into_inner());
        let hash = hashes.entry(path.to_string()).or_insert_with(|| {
            let bytes = std::fs::read(self.site_static.join(path))
                .ok()
                .or_else(|| std::fs::read(self.theme_static.as_ref()?.join(path)).ok())
                .or_else(|| {
                    let files = super::builtin::files("static");
                    let found = files.into_iter().find(|(p, _)| p == path);
                    found.filter(|_| self.builtin).map(|(_, b)| b.to_vec())
                })?;
            Some(format!("{:016x}", crate::text::content_hash(&bytes)))
        });
        hash.as_ref().map(|h| format!("?v={}", &h[..10])).unwrap_or_default()
    }
}

/// The context variable naming the output being rendered, for the
/// functions to note what they read against (not `current_path`, which a
/// template may `set`).
pub(crate) const OUTPUT_VAR: &str = "__dossier_output";

/// What template functions read, by the output being rendered.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    reads: Mutex<HashMap<String, Vec<Read>>>,
    /// Set when nothing will ask (a one-off build).
    off: std::sync::atomic::AtomicBool,
}

impl Recorder {
    pub(crate) fn on(&self) -> bool {
        !self.off.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub(crate) fn switch_off(&self) {
        self.off.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    fn note(&self, state: &State, read: Read) {
        if !self.on() {
            return;
        }
        let Ok(Some(path)) = state.get::<String>(OUTPUT_VAR) else {
            return;
        };
        let mut reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
        reads.entry(path).or_default().push(read);
    }

    /// What was read while rendering the output at `path` (and forgets it).
    pub(crate) fn take(&self, path: &str) -> Vec<Read> {
        let mut reads = self.reads.lock().unwrap_or_else(|e| e.into_inner());
        reads.remove(path).unwrap_or_default()
    }
}

/// Registers the functions that look things up across the site —
/// `get_url(path="@/explainers/pay.md")`, `get_page(path=...)`,
/// `get_section(path=...)`, `get_tags()`, `timeline_events(...)` — and the tera-contrib
/// filters. Called again when the site changes (the incremental path).
pub(crate) fn register_functions(
    tera: &mut Tera,
    site: Arc<Site>,
    events: Arc<Vec<EventCtx>>,
    recorder: Arc<Recorder>,
    assets: Arc<Assets>,
) {
    // Links are made when a template asks for them: binding a site of
    // 10,000 pages costs nothing per page.
    let clean = |p: String| p.trim_start_matches("@/").trim_matches('/').to_string();
    let dir_of = |path: &str| path.trim_end_matches("_index.md").trim_end_matches('/').to_string();
    let page = |site: &Site, path: &str| site.page_by_rel(path).map(|id| page_link(site, site.page(id)));
    let section = |site: &Site, dir: &str| {
        let s = site.sections.iter().find(|s| s.dir == dir)?;
        Some(section_link(site, s))
    };
    {
        let (site, recorder) = (site.clone(), recorder.clone());
        tera.register_function(
            "get_url",
            move |kw: Kwargs, state: &State| -> tera::TeraResult<String> {
                let written = kw.must_get::<String>("path")?;
                // A file of the site (`style.css`): no page or section to find.
                let is_file = |p: &str| {
                    p.rsplit('/')
                        .next()
                        .is_some_and(|n| n.contains('.') && !n.ends_with(".md"))
                };
                if !written.starts_with("@/") && is_file(&written) {
                    let path = written.trim_start_matches('/');
                    let version = match site.config.hash_assets {
                        true => assets.version(path),
                        false => String::new(),
                    };
                    return Ok(site.url(&format!("/{path}{version}")));
                }
                let path = clean(written.clone());
                if let Some(page) = page(&site, &path) {
                    recorder.note(state, Read::Link(path));
                    return Ok(page.url);
                }
                let dir = dir_of(&path);
                if let Some(section) = section(&site, &dir) {
                    recorder.note(state, Read::SectionLink(dir));
                    return Ok(section.url);
                }
                if written.starts_with("@/") || written.ends_with(".md") {
                    let message = format!("get_url: no page or section `{path}` in content/");
                    return Err(tera::Error::message(message));
                }
                // Any other path is a file of the site (`style.css`,
                // `timeline.json`): under the path the site is served from.
                Ok(site.url(&format!("/{path}")))
            },
        );
    }
    {
        let (site, recorder) = (site.clone(), recorder.clone());
        tera.register_function(
            "get_page",
            move |kw: Kwargs, state: &State| -> tera::TeraResult<tera::Value> {
                let path = clean(kw.must_get::<String>("path")?);
                let page = page(&site, &path)
                    .ok_or_else(|| tera::Error::message(format!("get_page: no page `{path}` in content/")))?;
                recorder.note(state, Read::Link(path));
                Ok(tera::Value::from_serializable(&page))
            },
        );
    }
    {
        let (site, recorder) = (site.clone(), recorder.clone());
        tera.register_function(
            "get_section",
            move |kw: Kwargs, state: &State| -> tera::TeraResult<tera::Value> {
                let path = clean(kw.must_get::<String>("path")?);
                let dir = dir_of(&path);
                let section = section(&site, &dir)
                    .ok_or_else(|| tera::Error::message(format!("get_section: no section `{path}` in content/")))?;
                recorder.note(state, Read::SectionLink(dir));
                Ok(tera::Value::from_serializable(&section))
            },
        );
    }
    {
        let (site, recorder) = (site.clone(), recorder.clone());
        tera.register_function(
            "get_tags",
            move |_: Kwargs, state: &State| -> tera::TeraResult<tera::Value> {
                recorder.note(state, Read::Tags);
                Ok(tera::Value::from_serializable(&super::browse::tags_index(&site)))
            },
        );
    }
    tera.register_function(
        "timeline_events",
        move |kw: Kwargs, state: &State| -> tera::TeraResult<tera::Value> {
            let mut query = EventQuery::from_kwargs(&kw)?;
            // A content path names a page by its file; compare by its URL.
            if let Some(r) = query.related.as_mut().filter(|r| r.ends_with(".md")) {
                let path = r.trim_start_matches("@/");
                *r = site
                    .page_by_rel(path)
                    .map(|id| site.page(id).url.clone())
                    .ok_or_else(|| tera::Error::message(format!("timeline_events: no page `{path}` in content/")))?;
            }
            // Events name pages by the URLs links use: under the site's path.
            if let Some(r) = query
                .related
                .as_mut()
                .filter(|r| !r.starts_with(site.config.base_path()))
            {
                *r = site.url(r);
            }
            recorder.note(state, Read::Events);
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
#[derive(Debug, Default)]
pub(crate) struct EventQuery {
    pub(crate) category: Option<String>,
    pub(crate) actor: Option<String>,
    /// A page URL (`/explainers/pay/`); a content path is resolved to one first.
    pub(crate) related: Option<String>,
    pub(crate) from: Option<PartialDate>,
    pub(crate) to: Option<PartialDate>,
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

    pub(crate) fn matches(&self, e: &EventCtx) -> bool {
        let (first, last) = e.span;
        self.category.as_ref().is_none_or(|c| e.category.as_ref().is_some_and(|ec| &ec.id == c))
            && self.actor.as_ref().is_none_or(|a| e.actors.iter().any(|p| &p.id == a))
            && self.related.as_ref().is_none_or(|r| e.related.iter().any(|l| &l.url == r))
            // Overlap: the event ends on or after `from` and starts on or before `to`.
            && self.from.is_none_or(|f| last.last_day() >= f.first_day())
            && self.to.is_none_or(|t| first.first_day() <= t.last_day())
    }
}
