//! dossier: a static site generator for explainer pages.
//!
//! The pipeline, stage by stage (each a module):
//!
//! 1. [`config`]: `site.yaml` -> [`config::Config`]
//! 2. [`content`]: `content/` -> [`content::Site`] (pages, sections, assets, raw events)
//! 3. [`markdown`]: each page's Markdown -> HTML, table of contents, summary
//! 4. [`timeline`]: raw events -> checked, ordered [`timeline::Event`]s
//! 5. [`render`]: Tera templates -> HTML files
//! 6. [`feeds`]: `atom.xml` and `sitemap.xml`
//! 7. [`output`]: the files -> the output folder, swapped in atomically
//!
//! Every stage reports all the problems it finds as [`error::Diagnostic`]s; the
//! build stops before writing anything if there is one.

// Diagnostics are big (a path, a message, a quoted line) and only travel on
// the error path, where their size costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub mod config;
pub mod content;
pub mod convert;
pub mod date;
pub mod error;
pub mod feeds;
pub mod markdown;
pub mod output;
pub mod project;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod stamp;
pub mod text;
pub mod timeline;
pub mod watch;
pub mod yaml;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::content::Site;
use crate::error::{Diagnostic, Diagnostics, Error};

/// What `build` and `check` are asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site's folder (holding `content/`).
    pub root: PathBuf,
    /// Where to write; `root/public` when `None`.
    pub output: Option<PathBuf>,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// Replaces `base_url` from `site.yaml` (e.g. for a preview server).
    pub base_url: Option<String>,
    /// `false` for `check`: do everything but write.
    pub write: bool,
    /// Build even when nothing changed since the last build (see [`stamp`]).
    pub force: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            drafts: false,
            base_url: None,
            write: true,
            force: false,
        }
    }
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub events: usize,
    /// Files copied as they are (content assets and static files).
    pub assets: usize,
    pub elapsed: Duration,
    /// The output folder, when something was written.
    pub output: Option<PathBuf>,
    /// Nothing had changed since the last build: nothing was done.
    pub up_to_date: bool,
}

impl std::fmt::Display for BuildReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} pages, {} sections, {} events, {} assets in {} ms",
            self.pages,
            self.sections,
            self.events,
            self.assets,
            self.elapsed.as_millis()
        )?;
        match &self.output {
            Some(out) if self.up_to_date => write!(f, " -> {} (up to date: nothing changed)", out.display()),
            Some(out) => write!(f, " -> {}", out.display()),
            None => write!(f, " (checked, nothing written)"),
        }
    }
}

/// The site loaded and converted to HTML: everything before the templates.
pub struct Loaded {
    pub site: Site,
    pub html: convert::SiteHtml,
    pub events: Vec<timeline::Event>,
}

impl Loaded {
    /// What the templates are rendered from.
    pub fn data(&self) -> render::SiteData<'_> {
        render::SiteData {
            site: &self.site,
            pages_md: &self.html.pages,
            sections_md: &self.html.sections,
            timeline_md: self.html.timeline.as_ref(),
            glossary_md: &self.html.glossary,
            events: &self.events,
        }
    }
}

/// The site folder, canonical.
pub fn site_root(root: &Path) -> Result<PathBuf, Error> {
    std::fs::canonicalize(root)
        .map_err(|e| Error::Usage(format!("cannot open the site folder {}: {e}", root.display())))
}

/// Stages 1-4: config, content, Markdown, timeline. Every problem is reported.
pub fn load(root: &Path, opts: &BuildOptions) -> Result<Loaded, Error> {
    let mut config = Config::load(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    let (site, mut problems) = content::load(root, config, opts.drafts);
    problems.extend(content::check_references(&site));
    let html = convert::convert(&site, &mut problems);
    let (events, event_problems) = timeline::build(&site, &html.links);
    problems.extend(event_problems);
    stop_if_any(problems)?;
    Ok(Loaded { site, html, events })
}

/// The theme, with template functions that see this site.
pub fn load_theme(loaded: &Loaded) -> Result<render::Theme, Error> {
    let site = &loaded.site;
    render::Theme::load(&site.root, &site.config.theme, &loaded.data()).map_err(|p| Diagnostics(p).into())
}

/// Stages 5-6: renders every output file into `emit`, and returns the files
/// to copy as they are, checked for clashes.
pub fn render_tree(loaded: &Loaded, theme: &render::Theme, emit: &output::Emit) -> Result<Vec<output::Copy>, Error> {
    let site = &loaded.site;
    let mut rendered = render::render_all(theme, &loaded.data(), emit)?;
    for f in feed_files(loaded) {
        rendered.insert(f.path.clone());
        emit(f)?;
    }
    let mut copies = output::Copies::default();
    if let Some(dir) = &theme.static_dir {
        copies.copy_folder(dir);
    }
    let theme_copies = copies.list.len();
    copies.copy_folder(&site.root.join("static"));
    copies.list.extend(site.assets.iter().map(|a| output::Copy {
        source: a.source.clone(),
        dest: a.dest.clone(),
    }));
    stop_if_any(copies.check_clashes(theme_copies, &rendered))?;
    Ok(copies.list)
}

/// The feeds and data files, which read the whole site: `atom.xml`,
/// `sitemap.xml`, and `timeline.json` and `timeline.ics` when there is a timeline.
pub fn feed_files(loaded: &Loaded) -> Vec<render::RenderedFile> {
    let site = &loaded.site;
    let mut files = vec![feeds::atom(site), feeds::sitemap(site)];
    if render::has_timeline(site) {
        files.extend(timeline_data(site, &loaded.events));
    }
    files
}

/// Builds (or, with `write: false`, checks) the site.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let root = site_root(&opts.root)?;
    let output = match opts.write {
        true => Some(output::check_dir(
            &root,
            opts.output.as_deref().unwrap_or(&root.join("public")),
        )?),
        false => None,
    };
    let inputs = output.as_ref().and_then(|out| stamp::fingerprint(&root, out, opts));
    if let (Some(out), Some(print), false) = (&output, inputs, opts.force)
        && let Some(c) = stamp::up_to_date(out, print)
    {
        return Ok(BuildReport {
            pages: c.pages,
            sections: c.sections,
            events: c.events,
            assets: c.assets,
            elapsed: started.elapsed(),
            output,
            up_to_date: true,
        });
    }
    let loaded = load(&root, opts)?;
    let theme = load_theme(&loaded)?;
    let copies = match &output {
        Some(out) => {
            stamp::clear(out);
            let staging = output::Staging::begin(out)?;
            let written = render_tree(&loaded, &theme, &|f| staging.write(&f))
                .and_then(|copies| staging.copy_all(&copies).map(|()| copies));
            match written {
                Ok(copies) => {
                    staging.commit()?;
                    copies
                }
                Err(e) => {
                    staging.abort();
                    return Err(e);
                }
            }
        }
        None => render_tree(&loaded, &theme, &|_| Ok(()))?,
    };
    let counts = stamp::Counts {
        pages: loaded.site.pages.len(),
        sections: loaded.site.sections.len(),
        events: loaded.events.len(),
        assets: copies.len(),
    };
    if let (Some(out), Some(print)) = (&output, inputs) {
        stamp::record(out, print, counts);
    }
    Ok(BuildReport {
        pages: counts.pages,
        sections: counts.sections,
        events: counts.events,
        assets: counts.assets,
        elapsed: started.elapsed(),
        output,
        up_to_date: false,
    })
}

/// `timeline.json` (TimelineJS3) and `timeline.ics` (iCalendar).
fn timeline_data(site: &Site, events: &[timeline::Event]) -> [render::RenderedFile; 2] {
    let link = render::timeline_link(site);
    let json = timeline::export::timelinejs(events, &site.config, &link.title, &link.permalink);
    let ics = timeline::export::icalendar(events, &site.config, &link.permalink);
    [
        render::RenderedFile {
            path: "timeline.json".into(),
            bytes: json.into_bytes(),
        },
        render::RenderedFile {
            path: "timeline.ics".into(),
            bytes: ics.into_bytes(),
        },
    ]
}

fn stop_if_any(problems: Vec<Diagnostic>) -> Result<(), Error> {
    Diagnostics(problems).into_result(())
}
