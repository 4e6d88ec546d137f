//! The build, stage by stage: load (config, content, Markdown, timeline),
//! render every output, write them all to a staging folder and swap it in.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cards::Card;
use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, Error};
use crate::model::{CARD_FILE, PageId, Site, alias_output_path, card_output_path, tag_path};
use crate::output::{Copy, Emit, RenderedFile};
use crate::render::browse::Offers;
use crate::render::{Read, ReadsByOutput, Theme};

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
    /// Build even when nothing changed since the last build (see [`crate::stamp`]).
    pub force: bool,
    /// Give links to the site's CSS and JavaScript a hash of their content
    /// (`style.css?v=...`), so hosts can cache them for good. Off for
    /// `serve`, where a stylesheet edit should not change every page.
    pub hash_assets: bool,
    /// The process ends after this build (`dossier build` without `--watch`,
    /// `check`): the model is left for the system to take back with the
    /// process rather than freed piece by piece, which takes ~40 ms on one
    /// thread at 10,000 pages.
    pub exits_after: bool,
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
            hash_assets: true,
            exits_after: false,
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
    /// What the author should know that did not stop the build, as printed.
    pub warnings: Vec<String>,
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

/// The site folder, canonical.
pub fn site_root(root: &Path) -> Result<PathBuf, Error> {
    std::fs::canonicalize(root)
        .map_err(|e| Error::Usage(format!("cannot open the site folder {}: {e}", root.display())))
}

/// Stages 1-4: config, content, Markdown, timeline. Every problem is reported.
/// Resized images are kept in `image_cache` (see [`image_cache`]).
pub(crate) fn load(root: &Path, opts: &BuildOptions, image_cache: Option<PathBuf>) -> Result<Site, Error> {
    let mut config = Config::load(root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.trim_end_matches('/').to_string();
    }
    config.hash_assets = opts.hash_assets;
    let (mut site, mut problems) = crate::content::load(root, config, opts.drafts);
    site.image_cache = image_cache;
    problems.extend(crate::content::check_references(&site));
    // The timeline first: a page can show events (the `timeline` shortcode).
    problems.extend(crate::timeline::build(&mut site));
    // Tags list events in timeline order: gathered once the events are sorted.
    site.tags = Arc::new(crate::model::collect_tags(&site));
    crate::convert::convert(&mut site, &mut problems);
    stop_if_any(problems)?;
    Ok(site)
}

/// Where resized images are kept between builds: a folder beside the output.
pub(crate) fn image_cache(out: &Path) -> PathBuf {
    crate::output::beside(out, "images")
}

/// The theme, with template functions that see this site.
pub(crate) fn load_theme(site: &Arc<Site>) -> Result<Theme, Error> {
    Theme::load(site).map_err(|p| Diagnostics(p).into())
}

/// The outputs the build writes besides the templates' HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DataFile {
    Atom,
    /// `sitemap.xml`: the sitemap, or the index of its parts when it has several.
    Sitemap,
    /// Part `n` (from 1) of a sitemap too large for one file.
    SitemapPart(u32),
    /// The Atom feed of the tag `site.tags[i]`, beside its page.
    TagFeed(u32),
    /// `timeline.json` (TimelineJS3), when there is a timeline.
    TimelineJson,
    /// `timeline.ics` (iCalendar), when there is a timeline.
    TimelineIcs,
    /// `robots.txt`, unless the site's or the theme's `static/` has one.
    Robots,
    /// `_redirects` (Netlify, Cloudflare Pages), when a page has `aliases`.
    Redirects,
    /// The page redirecting from a page's `n`th alias to the page.
    Alias(PageId, usize),
    /// `card.png`: the share card of the home page, sections, the timeline,
    /// the glossary and every page that has none of its own.
    SiteCard,
    /// A page's own share card, beside its `index.html` (see [`Site::draws_card`]).
    Card(PageId),
}

/// Every data file of the site.
pub(crate) fn data_files(site: &Site, offers: Offers) -> Vec<DataFile> {
    let mut all = vec![DataFile::Atom, DataFile::Sitemap];
    let parts = crate::feeds::sitemap_parts(site, sitemap_urls(site, offers)).len();
    if parts > 1 {
        all.extend((1..=parts).map(|n| DataFile::SitemapPart(n as u32)));
    }
    if offers.tags {
        all.extend((0..site.tags.len()).map(|i| DataFile::TagFeed(i as u32)));
    }
    if site.has_timeline() {
        all.extend([DataFile::TimelineJson, DataFile::TimelineIcs]);
    }
    if writes_robots(site) {
        all.push(DataFile::Robots);
    }
    let aliases: Vec<DataFile> = (site.page_ids())
        .flat_map(|p| (0..site.page(p).meta.aliases.len()).map(move |n| DataFile::Alias(p, n)))
        .collect();
    if !aliases.is_empty() {
        all.push(DataFile::Redirects);
    }
    all.extend(aliases);
    all.extend(card_files(site));
    all
}

/// The share cards among the data files: the site's, and each page's that
/// draws its own.
fn card_files(site: &Site) -> impl Iterator<Item = DataFile> + '_ {
    let own = site.page_ids().filter(|&p| site.draws_card(p)).map(DataFile::Card);
    std::iter::once(DataFile::SiteCard).chain(own)
}

/// Does the build write `robots.txt`? Not when the site (or its theme
/// folder) ships its own in `static/`: that one is copied instead.
pub(crate) fn writes_robots(site: &Site) -> bool {
    let theme = crate::render::theme_dir(&site.root, &site.config.theme);
    ![site.root.join("static"), theme.join("static")]
        .iter()
        .any(|dir| dir.join(ROBOTS).is_file())
}

pub(crate) const ROBOTS: &str = "robots.txt";

/// Every URL the sitemap lists: every HTML output but the 404 page, with
/// the pages' dates.
fn sitemap_urls(site: &Site, offers: Offers) -> Vec<(String, Option<crate::date::PartialDate>)> {
    use crate::render::Target;
    (crate::render::targets(site, offers).into_iter())
        // The search page has nothing of its own to index.
        .filter(|t| !matches!(t, Target::NotFound | Target::Search))
        .map(|t| {
            let last = match t {
                Target::Page(p) => crate::feeds::lastmod(site.page(p)),
                _ => None,
            };
            (t.url(site), last)
        })
        .collect()
}

/// Where a data file goes in the output.
pub(crate) fn data_file_path(site: &Site, which: DataFile) -> String {
    match which {
        DataFile::Atom => "atom.xml".into(),
        DataFile::Sitemap => "sitemap.xml".into(),
        DataFile::SitemapPart(n) => crate::feeds::sitemap_part_path(n as usize),
        DataFile::TagFeed(i) => format!(
            "{}atom.xml",
            tag_path(&site.tags[i as usize].slug).trim_start_matches('/')
        ),
        DataFile::TimelineJson => "timeline.json".into(),
        DataFile::TimelineIcs => "timeline.ics".into(),
        DataFile::Robots => ROBOTS.into(),
        DataFile::Redirects => "_redirects".into(),
        DataFile::Alias(p, n) => alias_output_path(&site.page(p).meta.aliases[n]),
        DataFile::SiteCard => CARD_FILE.into(),
        DataFile::Card(p) => card_output_path(site.page(p)),
    }
}

/// What the site's card shows: the site's name, and where it is.
fn site_card(site: &Site) -> Card {
    let url = &site.config.base_url;
    let host = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    Card {
        title: site.config.title.clone(),
        site: host.to_string(),
        colour: crate::cards::DEFAULT_COLOUR.into(),
    }
}

/// What a page's card shows: its title, the site's name, and the colour of
/// its category (that of its first event with one, else of the first
/// timeline event that concerns it, else the theme's red).
fn page_card(site: &Site, p: PageId) -> Card {
    let page = site.page(p);
    let colour_of = |c: &Option<String>| {
        c.as_deref()
            .and_then(|c| site.config.category(c))
            .map(|c| c.colour.clone())
    };
    let own = page.meta.events.iter().find_map(|e| colour_of(&e.category));
    let concerning = || {
        (site.events.iter())
            .filter(|e| e.related.contains(&page.url))
            .find_map(|e| colour_of(&e.meta.category))
    };
    Card {
        title: page.meta.title.clone(),
        site: site.config.title.clone(),
        colour: own
            .or_else(concerning)
            .unwrap_or_else(|| crate::cards::DEFAULT_COLOUR.into()),
    }
}

/// What a card data file shows.
fn card(site: &Site, which: DataFile) -> Option<Card> {
    match which {
        DataFile::SiteCard => Some(site_card(site)),
        DataFile::Card(p) => Some(page_card(site, p)),
        _ => None,
    }
}

/// Where cards are cached between builds writing to `out`.
pub(crate) fn card_cache(out: &Path) -> PathBuf {
    crate::output::beside(out, "cards")
}

/// Makes one data file, with what it read (as templates' outputs note theirs).
/// Cards are read from the cache folder `cards` when drawn before.
pub(crate) fn data_file(
    site: &Site,
    offers: Offers,
    which: DataFile,
    cards: Option<&Path>,
) -> (RenderedFile, Vec<Read>) {
    let link = crate::render::context::timeline_link(site);
    let config = &site.config;
    // Which pages there are: a new or deleted page changes a listing.
    let listings = || {
        site.sections
            .iter()
            .flat_map(|s| [Read::SectionLink(s.dir.clone()), Read::Listing(s.dir.clone())])
    };
    let (text, reads) = match which {
        DataFile::Atom | DataFile::Sitemap | DataFile::SitemapPart(_) => {
            let reads: Vec<Read> = site
                .pages
                .iter()
                .flat_map(|p| [Read::Link(p.rel.clone()), Read::Updates(p.rel.clone())])
                .chain(listings())
                .collect();
            // The listing pages of sections (`Listing` holds `paginate_by`) and of tags.
            let listing_pages = vec![Read::Tags];
            let parts = || crate::feeds::sitemap_parts(site, sitemap_urls(site, offers));
            match which {
                // With no entry dated to the day, the feed takes its time from the events.
                DataFile::Atom => (crate::feeds::atom(site), [reads, vec![Read::Events]].concat()),
                DataFile::Sitemap => {
                    let parts = parts();
                    let text = match parts.len() {
                        1 => crate::feeds::sitemap(site, &parts[0]),
                        n => crate::feeds::sitemap_index(site, n),
                    };
                    (text, [reads, listing_pages].concat())
                }
                _ => {
                    let n = match which {
                        DataFile::SitemapPart(n) => n as usize,
                        _ => 1,
                    };
                    let parts = parts();
                    let text = parts
                        .get(n - 1)
                        .map(|p| crate::feeds::sitemap(site, p))
                        .unwrap_or_default();
                    (text, [reads, listing_pages].concat())
                }
            }
        }
        DataFile::TagFeed(i) => {
            let tag = &site.tags[i as usize];
            let pages = tag.pages.iter().map(|&p| site.page(p));
            let reads = pages
                .flat_map(|p| [Read::Link(p.rel.clone()), Read::Updates(p.rel.clone())])
                .chain([Read::Tag(tag.slug.clone())])
                .collect();
            (crate::feeds::tag_atom(site, tag), reads)
        }
        DataFile::TimelineJson => (
            crate::timeline::export::timelinejs(&site.events, config, &site.dates, &link.title, &link.permalink),
            vec![Read::Events, Read::Timeline],
        ),
        DataFile::TimelineIcs => (
            crate::timeline::export::icalendar(&site.events, config, &link.permalink),
            vec![Read::Events],
        ),
        DataFile::Robots => (crate::publish::robots(site), Vec::new()),
        DataFile::Redirects => {
            // A page's aliases are in its own data; its URL in its link.
            let reads = (site.pages.iter())
                .flat_map(|p| [Read::Page(p.rel.clone()), Read::Link(p.rel.clone())])
                .chain(listings())
                .collect();
            (crate::publish::redirects(site), reads)
        }
        DataFile::Alias(p, _) => {
            let page = site.page(p);
            let reads = vec![Read::Link(page.rel.clone()), Read::Page(page.rel.clone())];
            (crate::publish::redirect_page(site, page), reads)
        }
        DataFile::SiteCard => {
            let file = RenderedFile {
                path: data_file_path(site, which),
                bytes: site_card(site).png_cached(cards),
            };
            return (file, vec![Read::Site]);
        }
        DataFile::Card(p) => {
            let page = site.page(p);
            // Its title is in its link; its events' categories in its own
            // data and in the events that concern it; the site's name in `site`.
            let reads = vec![
                Read::Site,
                Read::Link(page.rel.clone()),
                Read::Page(page.rel.clone()),
                Read::EventsOf(site.url(&page.url)),
            ];
            let file = RenderedFile {
                path: data_file_path(site, which),
                bytes: page_card(site, p).png_cached(cards),
            };
            return (file, reads);
        }
    };
    let file = RenderedFile {
        path: data_file_path(site, which),
        bytes: text.into_bytes(),
    };
    (file, [Read::Site].into_iter().chain(reads).collect())
}

/// Stages 5-6: renders every output file into `emit`. Returns the files to
/// copy as they are, checked for clashes, and each output's reads.
/// Cards are cached in `cards` (see [`card_cache`]).
pub(crate) fn render_tree(
    site: &Site,
    theme: &Theme,
    emit: &Emit,
    cards: Option<&Path>,
) -> Result<(Vec<Copy>, ReadsByOutput), Error> {
    let offers = theme.offers(site);
    let ids = crate::anchors::Ids::for_site(site);
    let noted = |f: RenderedFile| {
        ids.note(&f.path, &f.bytes);
        emit(f)
    };
    let mut done = crate::render::render_targets(theme, site, &crate::render::targets(site, offers), &noted)?;
    stop_if_any(ids.check(site))?;
    done.extend(render_data_files(site, offers, &data_files(site, offers), emit, cards)?);
    let rendered: HashSet<&str> = done.iter().map(|(p, _)| p.as_str()).collect();
    let copies = copies(site, theme, &|p| rendered.contains(p) || crate::search::owns(site, p))?;
    Ok((copies, done))
}

/// Makes the data files `which` into `emit`, in parallel (cards take
/// milliseconds each to draw), and returns what each read.
pub(crate) fn render_data_files(
    site: &Site,
    offers: Offers,
    which: &[DataFile],
    emit: &Emit,
    cards: Option<&Path>,
) -> Result<ReadsByOutput, Error> {
    use rayon::prelude::*;
    which
        .par_iter()
        .map(|&w| {
            let (file, reads) = data_file(site, offers, w, cards);
            let path = file.path.clone();
            emit(file).map(|()| (path, reads))
        })
        .collect()
}

/// The files copied as they are (theme and site `static/`, content assets),
/// checked against each other and against the `rendered` paths.
pub(crate) fn copies(site: &Site, theme: &Theme, rendered: &dyn Fn(&str) -> bool) -> Result<Vec<Copy>, Error> {
    let mut copies = crate::output::Copies::default();
    if theme.builtin {
        let folder = crate::render::theme_dir(Path::new(""), &site.config.theme).join("static");
        let files = crate::render::builtin::files("static").into_iter();
        copies.list.extend(files.map(|(dest, bytes)| Copy {
            source: folder.join(&dest),
            builtin: Some(bytes),
            dest,
        }));
    }
    if let Some(dir) = &theme.static_dir {
        copies.copy_folder(dir);
    }
    let theme_copies = copies.list.len();
    copies.copy_folder(&site.root.join("static"));
    copies.list.extend(site.assets.iter().map(|a| Copy {
        source: a.source.clone(),
        builtin: None,
        dest: a.dest.clone(),
    }));
    // Resized images, from their cache; one copy of an image two pages show.
    let mut images: Vec<&crate::model::UsedImage> = site.used_images().collect();
    images.sort_by(|a, b| a.dest.cmp(&b.dest));
    images.dedup_by(|a, b| a.dest == b.dest);
    copies.list.extend(images.into_iter().map(|i| Copy {
        source: i.source.clone(),
        builtin: None,
        dest: i.dest.clone(),
    }));
    stop_if_any(copies.check_clashes(theme_copies, rendered))?;
    Ok(copies.list)
}

/// Builds (or, with `write: false`, checks) the site.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Error> {
    let started = Instant::now();
    let root = site_root(&opts.root)?;
    let output = match opts.write {
        true => Some(crate::output::check_dir(
            &root,
            opts.output.as_deref().unwrap_or(&root.join("public")),
        )?),
        false => None,
    };
    let inputs = output
        .as_ref()
        .and_then(|out| crate::stamp::fingerprint(&root, out, &(opts.drafts, &opts.base_url, opts.hash_assets)));
    if let (Some(out), Some(print), false) = (&output, inputs, opts.force)
        && let Some(c) = crate::stamp::up_to_date(out, print)
    {
        return Ok(BuildReport {
            pages: c.pages,
            sections: c.sections,
            events: c.events,
            assets: c.assets,
            elapsed: started.elapsed(),
            output,
            up_to_date: true,
            warnings: Vec::new(),
        });
    }
    let site = Arc::new(load(&root, opts, output.as_deref().map(image_cache))?);
    let theme = load_theme(&site)?.without_reads();
    let copies = match &output {
        Some(out) => {
            crate::stamp::clear(out);
            let staging = crate::output::Staging::begin(out)?;
            let cards = card_cache(out);
            let search = crate::search::cache_dir(out);
            // The search index is made on a thread of its own while the
            // pages render: it reads the model, not the rendered pages.
            let written = std::thread::scope(|scope| {
                let index = site.config.search.then(|| {
                    scope.spawn(|| {
                        let plan = crate::search::plan(&site, theme.offers(&site));
                        crate::search::write(plan, &site, &search, &|f| staging.write(&f))
                    })
                });
                let rendered = render_tree(&site, &theme, &|f| staging.write(&f), Some(&cards));
                let index = index.map_or(Ok(crate::search::Written::default()), |h| {
                    h.join()
                        .unwrap_or_else(|_| Err(Error::Runtime("the search indexer stopped".into())))
                });
                let (copies, _) = rendered?;
                let index = index?;
                staging.copy_all(&copies).map(|()| (copies, index))
            });
            match written {
                Ok((copies, index)) => {
                    staging.commit()?;
                    // The search cache keeps this build's shards, no others.
                    crate::search::prune(&search, &index.keys);
                    // The cache keeps the cards of this build, no others.
                    let keep = card_files(&site)
                        .filter_map(|which| card(&site, which).map(|c| c.key()))
                        .collect();
                    crate::cards::prune(&cards, &keep);
                    let images = site.used_images().map(|i| i.dest.clone()).collect();
                    crate::images::prune(&image_cache(out), &images);
                    copies
                }
                Err(e) => {
                    staging.abort();
                    return Err(e);
                }
            }
        }
        None => render_tree(&site, &theme, &|_| Ok(()), None)?.0,
    };
    let counts = crate::stamp::Counts {
        pages: site.pages.len(),
        sections: site.sections.len(),
        events: site.events.len(),
        assets: copies.len(),
    };
    if let (Some(out), Some(print)) = (&output, inputs) {
        crate::stamp::record(out, print, counts);
    }
    let warnings = theme.warnings.iter().map(Diagnostic::as_warning).collect();
    if opts.exits_after {
        std::mem::forget((site, theme));
    }
    Ok(BuildReport {
        pages: counts.pages,
        sections: counts.sections,
        events: counts.events,
        assets: counts.assets,
        elapsed: started.elapsed(),
        output,
        up_to_date: false,
        warnings,
    })
}

fn stop_if_any(problems: Vec<Diagnostic>) -> Result<(), Error> {
    Diagnostics(problems).into_result(())
}
