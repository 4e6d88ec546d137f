//! Randomized differential test of the incremental path (`serve`,
//! `build --watch`): after every step of a seeded random editing session on
//! the shipped site, `Project::rebuild` must leave the same output as a fresh
//! full `dossier::build`, byte for byte; when the full build fails, the
//! incremental rebuild must fail too.
//!
//! A step is one author action, or a burst of 2-4 of them seen as one batch of
//! file events: edits to a page's body, title, summary, date, weight, slug,
//! draft flag, `events:`, `tags:`, `people:` and `positions:`; timeline files
//! added, edited and deleted (their `tags:` and `actors:` too); pages
//! and folders added, deleted and renamed; section `_index.md` edits (a
//! small `paginate_by` among them, so listings split); theme
//! template and static edits; `templates/` overrides; `static/` files;
//! `site.yaml`; content assets; and deliberate errors (broken YAML, missing
//! links, bad dates...) that the next step repairs. Files are often saved the
//! way editors do (temp file renamed over, backup file, vim's `4913` probe),
//! and the changed paths are the ones the watcher would report, filtered by
//! `dossier::watch::relevant`.
//!
//! Environment (all optional):
//! - `DOSSIER_DIFF_SEEDS=n`: play seeds 1..=n (default 3);
//! - `DOSSIER_DIFF_STEPS=n`: steps per seed (default 25);
//! - `DOSSIER_DIFF_SEED=n`: play seed n only, to replay a failure;
//! - `DOSSIER_DIFF_VERBOSE=1`: print every step as it is played.
//!
//! The long run: `DOSSIER_DIFF_SEEDS=10 DOSSIER_DIFF_STEPS=60 cargo test --test differential`.
//! A failure names its seed and step, the actions so far, the paths given to
//! `rebuild`, and the first differing file with a little context.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use common::snapshot;
use dossier::BuildOptions;
use dossier::project::Project;

const DEFAULT_SEEDS: u64 = 3;
const DEFAULT_STEPS: usize = 25;

#[test]
fn incremental_equals_full_over_random_edit_sessions() {
    let var = |name: &str| std::env::var(name).ok().and_then(|v| v.trim().parse::<u64>().ok());
    let steps = var("DOSSIER_DIFF_STEPS").map_or(DEFAULT_STEPS, |n| n as usize);
    let seeds: Vec<u64> = match var("DOSSIER_DIFF_SEED") {
        Some(seed) => vec![seed],
        None => (1..=var("DOSSIER_DIFF_SEEDS").unwrap_or(DEFAULT_SEEDS)).collect(),
    };
    let verbose = std::env::var("DOSSIER_DIFF_VERBOSE").is_ok_and(|v| !v.is_empty() && v != "0");
    // Every seed is played even after one fails: distinct failures show at once.
    let failures: Vec<String> = seeds
        .iter()
        .filter_map(|&seed| run_seed(seed, steps, verbose).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} seeds failed:\n\n{}",
        failures.len(),
        seeds.len(),
        failures.join("\n\n")
    );
}

/// Plays one seed; `Err` describes the first step whose output differs.
fn run_seed(seed: u64, steps: usize, verbose: bool) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    copy_shipped_site(dir.path());
    let root = dossier::site_root(dir.path()).unwrap();
    let out = root.join("served");
    let mut project = Project::new(BuildOptions::new(&root), root.clone(), out);
    project
        .rebuild(&[])
        .map_err(|e| format!("seed {seed}: the initial build of the shipped site failed: {e}"))?;
    let mut session = Session::new(root, seed);
    for step in 1..=steps {
        let actions = session.step();
        let paths = session.reported(project.output());
        session.log.push(format!("step {step}: {}", actions.join(" + ")));
        session.log.push(format!("    paths: {}", session.rel_list(&paths)));
        let outcome = check(&mut project, &paths);
        if verbose {
            let n = session.log.len();
            let result = outcome.as_deref().unwrap_or("DIFFERS");
            eprintln!(
                "seed {seed} {}\n{}\n    -> {result}",
                session.log[n - 2],
                session.log[n - 1]
            );
        }
        if let Err(why) = outcome {
            return Err(format!(
                "seed {seed}, step {step}: {why}\nreplay: DOSSIER_DIFF_SEED={seed} DOSSIER_DIFF_STEPS={step} \
                 DOSSIER_DIFF_VERBOSE=1 cargo test --test differential\nactions:\n  {}",
                session.log.join("\n  ")
            ));
        }
    }
    Ok(())
}

/// Rebuilds for `paths`, builds afresh, and compares; `Ok` says how it went.
fn check(project: &mut Project, paths: &[PathBuf]) -> Result<String, String> {
    let root = project.root().to_path_buf();
    // The watcher sends nothing for a burst of junk only: no rebuild then.
    let incremental = match paths.is_empty() {
        true => Ok("none (no relevant path)"),
        false => catch_unwind(AssertUnwindSafe(|| project.rebuild(paths)))
            .map_err(|p| format!("the incremental rebuild panicked: {}", panic_text(&p)))?
            .map(|r| r.scope),
    };
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("out");
    let opts = BuildOptions {
        output: Some(fresh_out.clone()),
        force: true,
        ..BuildOptions::new(&root)
    };
    let full = catch_unwind(AssertUnwindSafe(|| dossier::build(&opts)))
        .map_err(|p| format!("the full build panicked: {}", panic_text(&p)))?;
    let scope = match (full, incremental) {
        (Err(_), Err(_)) => return Ok("both failed, as they should".into()),
        (Err(full), Ok(scope)) => {
            return Err(format!(
                "the full build failed but the incremental rebuild (scope {scope:?}) succeeded.\nfull build error:\n{full}"
            ));
        }
        (Ok(_), Err(inc)) => {
            return Err(format!(
                "the full build succeeded but the incremental rebuild failed:\n{inc}"
            ));
        }
        (Ok(_), Ok(scope)) => scope,
    };
    compare_trees(project.output(), &fresh_out)
        .map(|()| format!("same output (scope {scope:?})"))
        .map_err(|why| format!("after a rebuild of scope {scope:?}, {why}"))
}

fn panic_text(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no message)".into())
}

/// `Err` names the first difference between the incremental and the full output.
fn compare_trees(incremental: &Path, full: &Path) -> Result<(), String> {
    let got = snapshot(incremental);
    let want = snapshot(full);
    let names = |s: &[(PathBuf, Vec<u8>)]| s.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>();
    let (got_names, want_names) = (names(&got), names(&want));
    if got_names != want_names {
        let only = |a: &[String], b: &[String]| {
            a.iter()
                .filter(|n| !b.contains(n))
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(format!(
            "the file lists differ.\n  only in the incremental output: [{}]\n  only in the full build: [{}]",
            only(&got_names, &want_names),
            only(&want_names, &got_names)
        ));
    }
    for ((path, a), (_, b)) in got.iter().zip(&want) {
        if a != b {
            return Err(format!("{} differs:\n{}", path.display(), diff_context(a, b)));
        }
    }
    Ok(())
}

/// The lines around the first differing byte, cut to a window around it
/// (minified HTML can put a whole page on one line).
fn diff_context(a: &[u8], b: &[u8]) -> String {
    let at = a
        .iter()
        .zip(b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let line = a[..at].iter().filter(|&&c| c == b'\n').count() + 1;
    let col = at - a[..at].iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
    let show = |bytes: &[u8]| -> String {
        let text = String::from_utf8_lossy(bytes);
        let lines: Vec<&str> = text.split('\n').collect();
        let mut out = String::new();
        for n in line.saturating_sub(2)..=line {
            let Some(l) = lines.get(n) else { continue };
            let (start, end) = match n + 1 == line {
                true => (col.saturating_sub(100), col + 100),
                false => (0, 200),
            };
            let chars: String = l.chars().skip(start).take(end - start).collect();
            let more = |cut: bool| if cut { "…" } else { "" };
            out.push_str(&format!(
                "    {:>4} | {}{}{}\n",
                n + 1,
                more(start > 0),
                chars,
                more(l.chars().count() > end)
            ));
        }
        out
    };
    format!(
        "  first difference at line {line}, column {} ({} vs {} bytes in all)\n  --- incremental\n{}  --- full build\n{}",
        col + 1,
        a.len(),
        b.len(),
        show(a),
        show(b)
    )
}

fn copy_shipped_site(to: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("site.yaml"), to.join("site.yaml")).unwrap();
    for top in ["content", "themes"] {
        for entry in walkdir::WalkDir::new(repo.join(top)) {
            let entry = entry.unwrap();
            let dest = to.join(entry.path().strip_prefix(repo).unwrap());
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    }
}

/// SplitMix64: tiny, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        match items.len() {
            0 => None,
            n => Some(items[self.below(n)].clone()),
        }
    }
}

/// What repairs the error a step made on purpose.
enum Fix {
    Restore { rel: String, text: String },
    RenameBack { from: String, to: String },
}

/// The site being edited, and what the current step touched.
struct Session {
    root: PathBuf,
    rng: Rng,
    /// Makes every new name, title and marker unique.
    counter: u32,
    touched: Vec<PathBuf>,
    fix: Option<Fix>,
    log: Vec<String>,
}

type Action = fn(&mut Session) -> Option<String>;

/// Weighted: page edits are what authors do most.
const ACTIONS: &[(u32, Action)] = &[
    (6, edit_body),
    (4, edit_title),
    (3, edit_summary),
    (3, edit_date),
    (3, edit_weight),
    (3, edit_slug),
    (2, toggle_draft),
    (2, edit_own_sources),
    (2, edit_updates),
    (3, add_event),
    (2, remove_event),
    (2, redate_event),
    (3, add_timeline_file),
    (3, edit_timeline_file),
    (2, delete_timeline_file),
    (4, add_page),
    (2, delete_page),
    (2, rename_page),
    (1, rename_folder),
    (1, delete_folder),
    (3, edit_section),
    (2, edit_theme_template),
    (1, dump_context),
    (1, edit_theme_static),
    (3, override_template),
    (3, static_file),
    (1, edit_site_yaml),
    (1, content_asset),
    (2, edit_order),
    (1, edit_labels),
    (3, edit_component),
    (3, edit_tags),
    (2, edit_event_tags),
    (2, edit_actors),
    (2, edit_positions),
    (2, edit_people),
    (2, edit_paginate),
];

const ERRORS: &[Action] = &[
    broken_front_matter,
    missing_link,
    unknown_category,
    bad_slug,
    bad_date,
    broken_template,
    broken_site_yaml,
    rename_linked_page,
    unknown_actor,
];

const CATEGORIES: [&str; 5] = ["strike", "talks", "deal", "politics", "impact"];
const PEOPLE: [&str; 5] = ["bma", "streeting", "dhsc", "labour", "trivedi"];
/// Spellings that share slugs (`pay`, `Pay`), so tags merge and split.
const TAGS: [&str; 6] = ["pay", "Pay", "NHS", "strikes", "Deals", "talks"];
const SOURCES: [&str; 2] = ["public-record", "mirror-2024-07"];
/// Few titles, so events and pages often share one (ids are then numbered,
/// and sorting falls back on the next key).
const TITLES: [&str; 5] = ["Talks", "Strike", "Pay offer", "Deal", "Ballot"];
const WORDS: [&str; 12] = [
    "doctors",
    "pay",
    "talks",
    "strike",
    "ballot",
    "offer",
    "union",
    "government",
    "rise",
    "NHS",
    "deal",
    "week",
];
/// Context the theme does not print, so that a stale value shows. Written out
/// by hand: `json_encode` of a context object orders its keys differently
/// from one build to the next.
const PAGE_DUMP: &str = r#"<pre class="dump">{{ page.word_count }} {{ page.weight }} {{ page.path }}
{% for e in page.events %}{{ e.id }} | {{ e.title }} | {{ e.when }} | {{ e.url }} | prev {% if e.previous %}{{ e.previous.id }} {{ e.previous.title }}{% endif %} | next {% if e.next %}{{ e.next.id }} {{ e.next.title }}{% endif %} | {% for r in e.related %}{{ r.url }} {{ r.title }} {{ r.summary }} {{ r.reading_time }} {% if r.date %}{{ r.date.iso }}{% endif %}; {% endfor %}| {% for s in e.sources %}{{ s.number }} {{ s.title }}; {% endfor %}| {% for a in e.actors %}{{ a.name }}; {% endfor %}| {{ e.description }}
{% endfor %}{% for n in [page.previous, page.next] %}{% if n %}{{ n.url }} {{ n.title }} {{ n.summary }} {{ n.reading_time }} {% if n.date %}{{ n.date.iso }}{% endif %}{% endif %}
{% endfor %}{% for a in page.ancestors %}{{ a.url }} {{ a.title }} {{ a.summary }}; {% endfor %}</pre>"#;
const SECTION_DUMP: &str = r#"<pre class="dump">{% for p in section.pages %}{{ p.url }} {{ p.title }} {{ p.summary }} {{ p.reading_time }} {% if p.date %}{{ p.date.iso }}{% endif %}
{% endfor %}{% for p in section.subsections %}{{ p.url }} {{ p.title }} {{ p.summary }}
{% endfor %}</pre>"#;
const OVERRIDABLE: [&str; 6] = [
    "page.html",
    "section.html",
    "index.html",
    "timeline.html",
    "partials/card.html",
    "partials/mini-timeline.html",
];

impl Session {
    fn new(root: PathBuf, seed: u64) -> Session {
        Session {
            root,
            rng: Rng(seed),
            counter: 0,
            touched: Vec::new(),
            fix: None,
            log: Vec::new(),
        }
    }

    /// Applies this step's actions; returns their descriptions.
    fn step(&mut self) -> Vec<String> {
        self.touched.clear();
        let mut done = Vec::new();
        if let Some(fix) = self.fix.take() {
            done.push(self.apply_fix(fix));
            if self.rng.chance(40) {
                done.push(self.random_action());
            }
            return done;
        }
        let burst = if self.rng.chance(20) { 2 + self.rng.below(3) } else { 1 };
        let error = self.rng.chance(10);
        for _ in 0..burst - usize::from(error) {
            done.push(self.random_action());
        }
        if error {
            // Last, so nothing in the same burst edits what the fix restores.
            done.push(self.error_action());
        }
        if burst > 1 {
            done[0] = format!("[burst of {burst}] {}", done[0]);
        }
        done
    }

    fn random_action(&mut self) -> String {
        let total: u32 = ACTIONS.iter().map(|(w, _)| w).sum();
        loop {
            let mut roll = self.rng.below(total as usize) as u32;
            let (_, action) = ACTIONS
                .iter()
                .find(|(w, _)| {
                    let hit = roll < *w;
                    roll = roll.saturating_sub(*w);
                    hit
                })
                .expect("roll < total");
            if let Some(done) = action(self) {
                return done;
            }
        }
    }

    fn error_action(&mut self) -> String {
        loop {
            let action = self.rng.pick(ERRORS).expect("not empty");
            if let Some(done) = action(self) {
                return format!("ERROR {done}");
            }
        }
    }

    fn apply_fix(&mut self, fix: Fix) -> String {
        match fix {
            Fix::Restore { rel, text } => {
                let how = self.save(&rel, &text);
                format!("FIX restore {rel}{how}")
            }
            Fix::RenameBack { from, to } => {
                self.rename(&from, &to);
                format!("FIX rename {from} back to {to}")
            }
        }
    }

    /// The touched paths as the watcher reports them: relevant ones, sorted,
    /// each once.
    fn reported(&self, output: &Path) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self
            .touched
            .iter()
            .filter(|p| dossier::watch::relevant(&self.root, output, p))
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        paths
    }

    fn rel_list(&self, paths: &[PathBuf]) -> String {
        let rels: Vec<String> = paths
            .iter()
            .map(|p| p.strip_prefix(&self.root).unwrap_or(p).display().to_string())
            .collect();
        format!("[{}]", rels.join(", "))
    }

    fn next_n(&mut self) -> u32 {
        self.counter += 1;
        self.counter
    }

    // --- files -------------------------------------------------------------

    fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn touch(&mut self, rel: &str) {
        let path = self.abs(rel);
        self.touched.push(path);
    }

    fn exists(&self, rel: &str) -> bool {
        self.abs(rel).exists()
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.abs(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Creates the missing folders above `rel`, reporting each as the
    /// watcher does (a new folder is an event of its own).
    fn make_parents(&mut self, rel: &str) {
        let mut missing = Vec::new();
        let mut dir = Path::new(rel).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty() && !self.abs(&d.to_string_lossy()).exists()) {
            missing.push(d.to_string_lossy().into_owned());
            dir = d.parent();
        }
        for d in missing.into_iter().rev() {
            std::fs::create_dir(self.abs(&d)).unwrap();
            self.touch(&d);
        }
    }

    /// Writes `rel` the way some editor would; returns how, for the log.
    fn save(&mut self, rel: &str, text: &str) -> &'static str {
        self.make_parents(rel);
        let (dir, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let beside = |n: &str| {
            if dir.is_empty() {
                n.to_string()
            } else {
                format!("{dir}/{n}")
            }
        };
        let existed = self.exists(rel);
        match self.rng.below(10) {
            0..=2 => {
                // Write a temporary file, rename it over the original.
                let tmp = beside(&format!(".{name}.tmp"));
                std::fs::write(self.abs(&tmp), text).unwrap();
                std::fs::rename(self.abs(&tmp), self.abs(rel)).unwrap();
                self.touch(&tmp);
                self.touch(rel);
                " (saved via .tmp + rename)"
            }
            3 if existed => {
                // vim with `backupcopy=no`: original to `name~`, write, drop the backup.
                let backup = beside(&format!("{name}~"));
                std::fs::rename(self.abs(rel), self.abs(&backup)).unwrap();
                std::fs::write(self.abs(rel), text).unwrap();
                std::fs::remove_file(self.abs(&backup)).unwrap();
                self.touch(&backup);
                self.touch(rel);
                " (saved vim-style via backup~)"
            }
            4 => {
                // vim's probe for a writable folder.
                let probe = beside("4913");
                std::fs::write(self.abs(&probe), "").unwrap();
                std::fs::remove_file(self.abs(&probe)).unwrap();
                self.touch(&probe);
                std::fs::write(self.abs(rel), text).unwrap();
                self.touch(rel);
                " (saved after a 4913 probe)"
            }
            _ => {
                std::fs::write(self.abs(rel), text).unwrap();
                self.touch(rel);
                ""
            }
        }
    }

    fn remove(&mut self, rel: &str) {
        std::fs::remove_file(self.abs(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        self.touch(rel);
    }

    /// A whole folder, every file and folder in it reported.
    fn remove_folder(&mut self, rel: &str) {
        for f in self.files_under(rel) {
            self.touch(&f);
        }
        std::fs::remove_dir_all(self.abs(rel)).unwrap();
        self.touch(rel);
    }

    /// A file or a folder; the watcher reports the old and the new path only.
    fn rename(&mut self, from: &str, to: &str) {
        self.make_parents(to);
        std::fs::rename(self.abs(from), self.abs(to)).unwrap_or_else(|e| panic!("{from} -> {to}: {e}"));
        self.touch(from);
        self.touch(to);
    }

    /// Files under `rel` (relative to the root, `/`-separated), sorted.
    fn files_under(&self, rel: &str) -> Vec<String> {
        self.walk(rel, false)
    }

    fn walk(&self, rel: &str, dirs: bool) -> Vec<String> {
        let base = self.abs(rel);
        if !base.exists() {
            return Vec::new();
        }
        let mut out: Vec<String> = walkdir::WalkDir::new(&base)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_dir() == dirs)
            .map(|e| {
                let p = e.path().strip_prefix(&self.root).unwrap();
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .collect();
        out.sort();
        out
    }

    fn is_bundle_dir(&self, dir: &str) -> bool {
        let mut d = Some(dir);
        while let Some(x) = d.filter(|x| x.starts_with("content/")) {
            if self.exists(&format!("{x}/index.md")) {
                return true;
            }
            d = x.rsplit_once('/').map(|(p, _)| p);
        }
        false
    }

    /// Pages: every `.md` under `content/` but section indexes and the timeline.
    fn pages(&self) -> Vec<String> {
        self.files_under("content")
            .into_iter()
            .filter(|f| f.ends_with(".md") && !f.ends_with("/_index.md") && !f.starts_with("content/timeline/"))
            .filter(|f| {
                // A bundle's other Markdown files are its assets.
                let dir = parent(f);
                f.ends_with("/index.md") || !self.is_bundle_dir(dir)
            })
            .collect()
    }

    fn timeline_files(&self) -> Vec<String> {
        self.files_under("content/timeline")
            .into_iter()
            .filter(|f| f.ends_with(".md") && !f.ends_with("/_index.md"))
            .collect()
    }

    /// Section folders, `content` itself included.
    fn sections(&self) -> Vec<String> {
        self.walk("content", true)
            .into_iter()
            .filter(|d| d != "content/timeline" && !d.starts_with("content/timeline/") && !self.is_bundle_dir(d))
            .collect()
    }

    fn is_draft(&self, page: &str) -> bool {
        self.read(page).lines().any(|l| l.trim() == "draft: true")
    }

    /// Does some other content file name `rel` (a link, a `related:`)? Such a
    /// page is not deleted or renamed, or the site would no longer build.
    fn is_referenced(&self, rel: &str) -> bool {
        let needle = match rel.strip_suffix("/index.md") {
            Some(bundle) => format!("{}/", file_name(bundle)),
            None => file_name(rel).to_string(),
        };
        // An event another one is placed `after:` or `before:`, by its id.
        let id = Doc::parse(&self.read(rel)).and_then(|d| d.get("id").map(str::to_string));
        let ordered = |text: &str| {
            id.as_ref()
                .is_some_and(|id| text.contains(&format!("after: {id}")) || text.contains(&format!("before: {id}")))
        };
        self.files_under("content")
            .iter()
            .filter(|f| f.ends_with(".md") && *f != rel)
            .any(|f| {
                let text = self.read(f);
                text.contains(&needle) || ordered(&text)
            })
    }

    fn folder_is_referenced(&self, dir: &str) -> bool {
        self.files_under(dir)
            .iter()
            .filter(|f| f.ends_with(".md"))
            .any(|f| self.is_referenced(f) || self.read(f).contains(&format!("@/{}/", &dir["content/".len()..])))
    }

    /// Pages a link or `related:` can name and keep the site building.
    fn link_targets(&self) -> Vec<String> {
        self.pages().into_iter().filter(|p| !self.is_draft(p)).collect()
    }

    fn link_to(&mut self) -> Option<String> {
        let targets = self.link_targets();
        self.rng.pick(&targets).map(|p| format!("@/{}", &p["content/".len()..]))
    }

    /// A body link: to a page (sometimes to a heading in it) or to a
    /// timeline file (which links to the timeline).
    fn body_link(&mut self) -> Option<String> {
        if self.rng.chance(20)
            && let Some(event) = self.rng.pick(&self.timeline_files())
        {
            return Some(format!("@/{}", &event["content/".len()..]));
        }
        let link = self.link_to()?;
        Some(match self.rng.chance(20) {
            true => format!(
                "{link}#{}",
                self.rng.pick(&["the-latest-strike", "nowhere", "questions"]).unwrap()
            ),
            false => link,
        })
    }

    // --- generated values --------------------------------------------------

    fn date(&mut self) -> String {
        let year = 2022 + self.rng.below(3);
        let month = 1 + self.rng.below(12);
        let day = 1 + self.rng.below(28);
        match self.rng.below(3) {
            0 => format!("{year}"),
            1 => format!("{year}-{month:02}"),
            _ => format!("{year}-{month:02}-{day:02}"),
        }
    }

    fn title(&mut self) -> String {
        let base = self.rng.pick(&TITLES).unwrap();
        match self.rng.chance(40) {
            true => base.to_string(),
            false => format!("{base} {}", self.next_n()),
        }
    }

    fn words(&mut self, n: usize) -> String {
        let words: Vec<&str> = (0..n).map(|_| self.rng.pick(&WORDS).unwrap()).collect();
        words.join(" ")
    }

    fn ids<const N: usize>(&mut self, from: &[&str; N]) -> String {
        let mut chosen: Vec<&str> = Vec::new();
        for _ in 0..1 + self.rng.below(2) {
            let id = self.rng.pick(from).unwrap();
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
        format!("[{}]", chosen.join(", "))
    }

    /// One item of a page's `events:` list; it may cite the page's `own` sources.
    fn event_item(&mut self, own: &[String]) -> Vec<String> {
        let mut lines = vec![
            format!("  - title: \"{}\"", self.title()),
            format!("    date: {}", self.date()),
        ];
        if self.rng.chance(25) {
            // An explicit id survives a change of title or date.
            lines.push(format!("    id: ev-{}", self.next_n()));
        }
        if let Some(id) = self.rng.pick(own).filter(|_| self.rng.chance(50)) {
            lines.push(format!("    sources: [{id}]"));
        }
        if self.rng.chance(60) {
            lines.push(format!("    category: {}", self.rng.pick(&CATEGORIES).unwrap()));
        }
        if self.rng.chance(40) {
            lines.push(format!("    actors: {}", self.ids(&PEOPLE)));
        }
        if self.rng.chance(40) && !lines.iter().any(|l| l.starts_with("    sources:")) {
            lines.push(format!("    sources: {}", self.ids(&SOURCES)));
        }
        if self.rng.chance(40)
            && let Some(link) = self.link_to()
        {
            lines.push(format!("    related: [\"{link}\"]"));
        }
        if self.rng.chance(15) {
            lines.push("    end: 2025".into());
        }
        if self.rng.chance(30) {
            lines.push(format!("    description: \"{}.\"", self.words(6)));
        }
        lines
    }

    /// Reads `rel`, applies `edit` to its front matter and body, saves it.
    fn edit_doc(&mut self, rel: &str, edit: impl FnOnce(&mut Session, &mut Doc) -> Option<String>) -> Option<String> {
        let mut doc = Doc::parse(&self.read(rel))?;
        let what = edit(self, &mut doc)?;
        let how = self.save(rel, &doc.text());
        Some(format!("{what} in {rel}{how}"))
    }

    /// Remembers `rel` as it is, for the next step to put back.
    fn break_file(&mut self, rel: &str, edit: impl FnOnce(&mut Session, &mut Doc) -> Option<String>) -> Option<String> {
        let text = self.read(rel);
        let done = self.edit_doc(rel, edit)?;
        self.fix = Some(Fix::Restore {
            rel: rel.to_string(),
            text,
        });
        Some(done)
    }

    fn pick_page(&mut self) -> Option<String> {
        let pages = self.pages();
        self.rng.pick(&pages)
    }

    /// A page that no other file names, so it can go away.
    fn pick_unreferenced_page(&mut self) -> Option<String> {
        let pages: Vec<String> = self.pages().into_iter().filter(|p| !self.is_referenced(p)).collect();
        self.rng.pick(&pages)
    }

    fn pages_with_events(&self) -> Vec<String> {
        self.pages()
            .into_iter()
            .filter(|p| Doc::parse(&self.read(p)).is_some_and(|d| !d.items("events").is_empty()))
            .collect()
    }

    fn new_page_text(&mut self) -> String {
        let mut front = vec![format!("title: \"{}\"", self.title())];
        if self.rng.chance(60) {
            front.push(format!("summary: \"{}.\"", self.words(8)));
        }
        if self.rng.chance(60) {
            front.push(format!("date: {}", self.date()));
        }
        if self.rng.chance(60) {
            front.push(format!("weight: {}", self.rng.below(70)));
        }
        if self.rng.chance(25) {
            front.push("events:".into());
            front.extend(self.event_item(&[]));
        }
        let mut body = format!("\nA new page about {}.\n", self.words(10));
        if self.rng.chance(40)
            && let Some(link) = self.body_link()
        {
            body.push_str(&format!("\nSee [this page]({link}).\n"));
        }
        if self.rng.chance(30) {
            body.push_str(&format!("\n## {}\n\nMore on {}.\n", self.title(), self.words(5)));
        }
        Doc { front, body }.text()
    }
}

/// The ids of the sources a page defines itself (`- id: own-N` with a title).
fn own_sources(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("- id: "))
        .filter(|id| id.starts_with("own-"))
        .map(str::to_string)
        .collect()
}

fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(p, _)| p)
}

fn file_name(rel: &str) -> &str {
    rel.rsplit_once('/').map_or(rel, |(_, n)| n)
}

/// A Markdown file as front matter lines and body, edited line by line, so
/// the YAML keeps its author's spelling.
struct Doc {
    front: Vec<String>,
    body: String,
}

impl Doc {
    fn parse(text: &str) -> Option<Doc> {
        let rest = text.strip_prefix("---\n")?;
        let mut front = Vec::new();
        let mut lines = rest.split_inclusive('\n');
        loop {
            let line = lines.next()?;
            if line.trim_end() == "---" {
                break;
            }
            front.push(line.trim_end_matches('\n').to_string());
        }
        Some(Doc {
            front,
            body: lines.collect(),
        })
    }

    fn text(&self) -> String {
        format!("---\n{}\n---\n{}", self.front.join("\n"), self.body)
    }

    fn key_line(&self, key: &str) -> Option<usize> {
        let prefix = format!("{key}:");
        self.front.iter().position(|l| l.starts_with(&prefix))
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.key_line(key).map(|i| self.front[i][key.len() + 1..].trim())
    }

    /// Replaces, adds (after the title) or removes a one-line key.
    fn set(&mut self, key: &str, value: Option<&str>) {
        match (self.key_line(key), value) {
            (Some(i), Some(v)) => self.front[i] = format!("{key}: {v}"),
            (Some(i), None) => {
                self.front.remove(i);
            }
            (None, Some(v)) => {
                let at = self.key_line("title").map_or(0, |i| i + 1);
                self.front.insert(at, format!("{key}: {v}"));
            }
            (None, None) => {}
        }
    }

    /// Replaces a key, one line or a block (`positions:` written as a list),
    /// with one line, or removes it.
    fn replace(&mut self, key: &str, value: Option<&str>) {
        if let Some((start, end)) = self.block(key) {
            self.front.drain(start + 1..end);
        }
        self.set(key, value);
    }

    /// The lines of a block key (`events:`), key line included.
    fn block(&self, key: &str) -> Option<(usize, usize)> {
        let start = self.key_line(key)?;
        let end = (start + 1..self.front.len())
            .find(|&i| !self.front[i].starts_with(' ') && !self.front[i].starts_with('-'))
            .unwrap_or(self.front.len());
        Some((start, end))
    }

    /// The line ranges of a block's list items.
    fn items(&self, key: &str) -> Vec<(usize, usize)> {
        let Some((start, end)) = self.block(key) else {
            return Vec::new();
        };
        let starts: Vec<usize> = (start + 1..end)
            .filter(|&i| self.front[i].trim_start().starts_with("- "))
            .collect();
        starts
            .iter()
            .enumerate()
            .map(|(k, &s)| (s, starts.get(k + 1).copied().unwrap_or(end)))
            .collect()
    }
}

// --- page actions ------------------------------------------------------------

fn edit_body(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let kind = s.rng.below(5);
    let n = s.next_n();
    let text = match kind {
        0 => format!("\nEdit {n}: {}.\n", s.words(8)),
        1 => format!("\n## Heading {n}\n\n{}.\n", s.words(6)),
        2 => format!("\nSee [also]({}).\n", s.body_link()?),
        3 => format!("\nA long aside {n}: {}.\n", s.words(400)),
        _ => String::new(),
    };
    s.edit_doc(&page, |_, doc| {
        if kind == 4 {
            // Links go with the old body: pages it named may become deletable.
            doc.body = format!("\nThe body, rewritten ({n}).\n");
            return Some("rewrite body".into());
        }
        doc.body.push_str(&text);
        Some(["append paragraph", "append heading", "append link", "append 400 words"][kind].into())
    })
}

fn edit_title(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let title = s.title();
    s.edit_doc(&page, |_, doc| {
        doc.set("title", Some(&format!("\"{title}\"")));
        Some(format!("title -> {title:?}"))
    })
}

fn edit_summary(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let summary = s
        .rng
        .chance(75)
        .then(|| format!("\"Summary {}: *{}*.\"", s.next_n(), s.words(5)));
    s.edit_doc(&page, |_, doc| {
        doc.set("summary", summary.as_deref());
        Some(format!("summary -> {}", summary.as_deref().unwrap_or("(removed)")))
    })
}

fn edit_date(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let date = s.rng.chance(80).then(|| s.date());
    s.edit_doc(&page, |_, doc| {
        doc.set("date", date.as_deref());
        Some(format!("date -> {}", date.as_deref().unwrap_or("(removed)")))
    })
}

fn edit_weight(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let weight = s.rng.chance(80).then(|| (s.rng.below(70)).to_string());
    s.edit_doc(&page, |_, doc| {
        doc.set("weight", weight.as_deref());
        Some(format!("weight -> {}", weight.as_deref().unwrap_or("(removed)")))
    })
}

fn edit_slug(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let remove = s.rng.chance(40);
    let slug = format!("slug-{}", s.next_n());
    s.edit_doc(&page, |_, doc| {
        let value = (doc.get("slug").is_none() || !remove).then_some(slug.as_str());
        doc.set("slug", value);
        Some(format!("slug -> {}", value.unwrap_or("(removed)")))
    })
}

fn toggle_draft(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let draft = s.is_draft(&page);
    // Drafts are left out of the site: links to one would break it.
    if !draft && s.is_referenced(&page) {
        return None;
    }
    s.edit_doc(&page, |_, doc| {
        doc.set("draft", (!draft).then_some("true"));
        Some(format!("draft -> {}", !draft))
    })
}

/// A source the page defines itself: events on the page may cite it, and
/// the timeline shows its title.
fn edit_own_sources(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let text = s.read(&page);
    let own = own_sources(&text);
    let n = s.next_n();
    let kind = s.rng.below(3);
    let pick = s.rng.pick(&own);
    s.edit_doc(&page, |_, doc| match (kind, pick) {
        (0, Some(id)) => {
            let at = doc.front.iter().position(|l| l.trim() == format!("- id: {id}"))?;
            doc.front[at + 1] = format!("    title: \"Own source {n}\"");
            Some(format!("retitle source {id} -> Own source {n}"))
        }
        (1, Some(id)) if text.matches(id.as_str()).count() == 1 => {
            // Only when nothing cites it.
            let at = doc.front.iter().position(|l| l.trim() == format!("- id: {id}"))?;
            doc.front.drain(at..at + 2);
            if doc.items("sources").is_empty() {
                doc.set("sources", None);
            }
            Some(format!("remove source {id}"))
        }
        _ => {
            let item = [format!("  - id: own-{n}"), format!("    title: \"Own source {n}\"")];
            let at = match doc.block("sources") {
                Some((_, end)) => end,
                None => {
                    doc.front.push("sources:".into());
                    doc.front.len()
                }
            };
            doc.front.splice(at..at, item);
            Some(format!("add source own-{n}"))
        }
    })
}

/// `updated:` and the update log: the feeds show them, listings do not.
fn edit_updates(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let date = s.date();
    let n = s.next_n();
    let kind = s.rng.below(3);
    let update_kind = s.rng.pick(&["update", "correction", "clarification"]).unwrap();
    s.edit_doc(&page, |_, doc| match kind {
        0 => {
            let value = doc.get("updated").is_none().then_some(date.as_str());
            doc.set("updated", value);
            Some(format!("updated -> {}", value.unwrap_or("(removed)")))
        }
        1 if !doc.items("updates").is_empty() => {
            let (a, b) = doc.items("updates")[0];
            doc.front.drain(a..b);
            if doc.items("updates").is_empty() {
                doc.set("updates", None);
            }
            Some("remove the first update".into())
        }
        _ => {
            let item = [
                format!("  - date: {date}"),
                format!("    kind: {update_kind}"),
                format!("    text: \"Update {n}.\""),
            ];
            let at = match doc.block("updates") {
                Some((_, end)) => end,
                None => {
                    doc.front.push("updates:".into());
                    doc.front.len()
                }
            };
            doc.front.splice(at..at, item);
            Some(format!("add {update_kind} dated {date}"))
        }
    })
}

fn add_event(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let own = own_sources(&s.read(&page));
    let item = s.event_item(&own);
    // First or last: among equal dates, events keep their written order.
    let first = s.rng.chance(50);
    s.edit_doc(&page, |_, doc| {
        let at = match doc.block("events") {
            Some((_, end)) => match doc.items("events").first() {
                Some(&(a, _)) if first => a,
                _ => end,
            },
            None => {
                doc.front.push("events:".into());
                doc.front.len()
            }
        };
        let title = item[0].clone();
        for (k, line) in item.into_iter().enumerate() {
            doc.front.insert(at + k, line);
        }
        Some(format!("add event {}", title.trim_start_matches("  - ")))
    })
}

fn remove_event(s: &mut Session) -> Option<String> {
    let page = s.rng.pick(&s.pages_with_events())?;
    let k = s.rng.next() as usize;
    s.edit_doc(&page, |_, doc| {
        let items = doc.items("events");
        let (a, b) = items[k % items.len()];
        let title = doc.front[a].trim_start_matches("  - ").to_string();
        doc.front.drain(a..b);
        if items.len() == 1 {
            // An empty `events:` is null, not a list.
            doc.set("events", None);
        }
        Some(format!("remove event {title}"))
    })
}

/// Re-dates an event of a page's list (any precision), or retitles it.
fn redate_event(s: &mut Session) -> Option<String> {
    let page = s.rng.pick(&s.pages_with_events())?;
    let k = s.rng.next() as usize;
    let (key, value) = match s.rng.chance(60) {
        true => ("date", s.date()),
        false => ("title", format!("\"{}\"", s.title())),
    };
    s.edit_doc(&page, |_, doc| {
        let items = doc.items("events");
        let (a, b) = items[k % items.len()];
        let prefix = format!("{key}:");
        let line = (a..b).find(|&i| doc.front[i].trim_start().trim_start_matches("- ").starts_with(&prefix))?;
        let old = doc.front[line].trim().trim_start_matches("- ").to_string();
        let indent = if line == a { "  - " } else { "    " };
        doc.front[line] = format!("{indent}{key}: {value}");
        Some(format!("event #{}: {old} -> {key}: {value}", k % items.len()))
    })
}

// --- tags and people ---------------------------------------------------------

/// Sets a page's tags (the tags index, the tags' pages and feeds follow).
fn edit_tags(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let tags = s.rng.chance(80).then(|| s.ids(&TAGS));
    s.edit_doc(&page, |_, doc| {
        doc.replace("tags", tags.as_deref());
        Some(format!("tags -> {}", tags.as_deref().unwrap_or("(removed)")))
    })
}

/// Sets a timeline file's tags (its tags' pages list it).
fn edit_event_tags(s: &mut Session) -> Option<String> {
    let rel = s.rng.pick(&s.timeline_files())?;
    let tags = s.rng.chance(70).then(|| s.ids(&TAGS));
    s.edit_doc(&rel, |_, doc| {
        doc.replace("tags", tags.as_deref());
        Some(format!("tags -> {}", tags.as_deref().unwrap_or("(removed)")))
    })
}

/// Sets a timeline file's actors (their people pages list it).
fn edit_actors(s: &mut Session) -> Option<String> {
    let rel = s.rng.pick(&s.timeline_files())?;
    let actors = s.rng.chance(75).then(|| s.ids(&PEOPLE));
    s.edit_doc(&rel, |_, doc| {
        doc.replace("actors", actors.as_deref());
        Some(format!("actors -> {}", actors.as_deref().unwrap_or("(removed)")))
    })
}

/// Replaces a page's `positions:` (people pages quote them) or removes them.
fn edit_positions(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let who = s.rng.pick(&PEOPLE).unwrap();
    let positions = s
        .rng
        .chance(75)
        .then(|| format!("[{{who: {who}, says: \"Says {}: *{}*.\"}}]", s.next_n(), s.words(4)));
    s.edit_doc(&page, |_, doc| {
        doc.replace("positions", positions.as_deref());
        Some(format!("positions -> {}", positions.as_deref().unwrap_or("(removed)")))
    })
}

/// Sets a page's who's who (`people:`), which people pages list.
fn edit_people(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let people = s.rng.chance(75).then(|| s.ids(&PEOPLE));
    s.edit_doc(&page, |_, doc| {
        doc.replace("people", people.as_deref());
        Some(format!("people -> {}", people.as_deref().unwrap_or("(removed)")))
    })
}

/// Sets a section's `paginate_by` small enough that the shipped site's
/// sections have several listing pages, or removes it.
fn edit_paginate(s: &mut Session) -> Option<String> {
    let sections: Vec<String> = (s.sections().into_iter())
        .map(|d| format!("{d}/_index.md"))
        .filter(|i| s.exists(i))
        .collect();
    let index = s.rng.pick(&sections)?;
    let by = s.rng.chance(80).then(|| (1 + s.rng.below(3)).to_string());
    s.edit_doc(&index, |_, doc| {
        doc.replace("paginate_by", by.as_deref());
        Some(format!("paginate_by -> {}", by.as_deref().unwrap_or("(removed)")))
    })
}

// --- timeline files ------------------------------------------------------------

fn add_timeline_file(s: &mut Session) -> Option<String> {
    let rel = format!("content/timeline/event-{}.md", s.next_n());
    let mut front = vec![format!("title: \"{}\"", s.title()), format!("date: {}", s.date())];
    if s.rng.chance(70) {
        front.push(format!("category: {}", s.rng.pick(&CATEGORIES).unwrap()));
    }
    if s.rng.chance(50) {
        front.push(format!("actors: {}", s.ids(&PEOPLE)));
    }
    if s.rng.chance(50) {
        front.push(format!("sources: {}", s.ids(&SOURCES)));
    }
    if s.rng.chance(60)
        && let Some(link) = s.link_to()
    {
        front.push(format!("related: [\"{link}\"]"));
    }
    let body = format!("\n{}.\n", s.words(12));
    let how = s.save(&rel, &Doc { front, body }.text());
    Some(format!("add timeline file {rel}{how}"))
}

fn edit_timeline_file(s: &mut Session) -> Option<String> {
    let rel = s.rng.pick(&s.timeline_files())?;
    let kind = s.rng.below(5);
    let title = s.title();
    let date = s.date();
    let category = s.rng.pick(&CATEGORIES).unwrap();
    let body = format!("\n{}.\n", s.words(10));
    let link = s.link_to();
    s.edit_doc(&rel, |_, doc| match kind {
        0 => {
            doc.set("title", Some(&format!("\"{title}\"")));
            Some(format!("title -> {title:?}"))
        }
        1 => {
            doc.set("date", Some(&date));
            Some(format!("date -> {date}"))
        }
        2 => {
            doc.set("category", Some(category));
            Some(format!("category -> {category}"))
        }
        3 => {
            doc.body = body;
            Some("new body".into())
        }
        _ => {
            let value = link.map(|l| format!("[\"{l}\"]"));
            doc.set("related", value.as_deref());
            Some(format!("related -> {}", value.as_deref().unwrap_or("(removed)")))
        }
    })
}

/// Places an event known only to the month after a day of that month
/// (`after:`), or takes the constraint away.
fn edit_order(s: &mut Session) -> Option<String> {
    let months: Vec<String> = (s.timeline_files().into_iter())
        .filter(|f| {
            Doc::parse(&s.read(f))
                .and_then(|d| d.get("date").map(str::to_string))
                .as_deref()
                == Some("2024-07")
        })
        .collect();
    let rel = s.rng.pick(&months)?;
    // The two days of July 2024 the shipped timeline names, when still there.
    let days: Vec<String> = ["general-election", "streeting-appointed"]
        .into_iter()
        .filter(|id| {
            s.timeline_files()
                .iter()
                .any(|f| s.read(f).contains(&format!("id: {id}\n")))
        })
        .map(String::from)
        .collect();
    let target = s.rng.pick(&days);
    let remove = s.rng.chance(30);
    s.edit_doc(&rel, |_, doc| {
        doc.set("before", None);
        match (remove, target) {
            (false, Some(id)) => {
                doc.set("after", Some(&id));
                Some(format!("after -> {id}"))
            }
            _ => {
                doc.set("after", None);
                Some("after removed".into())
            }
        }
    })
}

/// The site's own labels: `i18n/en.yaml` created, changed or removed.
fn edit_labels(s: &mut Session) -> Option<String> {
    let rel = "i18n/en.yaml";
    if s.exists(rel) && s.rng.chance(30) {
        s.remove(rel);
        return Some(format!("delete {rel}"));
    }
    let n = s.next_n();
    let text = format!("short_version: \"In short ({n})\"\nkey_figures: \"The numbers {n}\"\n");
    let how = s.save(rel, &text);
    Some(format!("labels {rel} -> {n}{how}"))
}

fn delete_timeline_file(s: &mut Session) -> Option<String> {
    let files = s.timeline_files();
    if s.rng.chance(10) && s.exists("content/timeline") && !files.iter().any(|f| s.is_referenced(f)) {
        // The timeline may vanish: every page's navigation changes.
        s.remove_folder("content/timeline");
        return Some("delete the whole content/timeline folder".into());
    }
    let free: Vec<String> = files.into_iter().filter(|f| !s.is_referenced(f)).collect();
    let rel = s.rng.pick(&free)?;
    s.remove(&rel);
    Some(format!("delete timeline file {rel}"))
}

// --- pages and folders ---------------------------------------------------------

fn add_page(s: &mut Session) -> Option<String> {
    let n = s.next_n();
    let sections = s.sections();
    let base = s.rng.pick(&sections)?;
    let text = s.new_page_text();
    let mut what = String::new();
    let rel = match s.rng.below(10) {
        0..=5 => format!("{base}/page-{n}.md"),
        6..=8 => {
            let dir = format!("{base}/section-{n}");
            if s.rng.chance(50) {
                let index = format!(
                    "---\ntitle: \"Section {n}\"\nsort_by: {}\n---\n\nAbout section {n}.\n",
                    sort_by(&mut s.rng)
                );
                let how = s.save(&format!("{dir}/_index.md"), &index);
                what = format!(" (with {dir}/_index.md{how})");
            }
            format!("{dir}/page-{n}.md")
        }
        _ => {
            let dir = format!("{base}/bundle-{n}");
            let how = s.save(
                &format!("{dir}/chart.svg"),
                "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            );
            what = format!(" (a bundle, with chart.svg{how})");
            format!("{dir}/index.md")
        }
    };
    let how = s.save(&rel, &text);
    Some(format!("add page {rel}{how}{what}"))
}

fn sort_by(rng: &mut Rng) -> &'static str {
    rng.pick(&["weight", "date", "title"]).unwrap()
}

fn delete_page(s: &mut Session) -> Option<String> {
    let page = s.pick_unreferenced_page()?;
    if let Some(bundle) = page.strip_suffix("/index.md") {
        s.remove_folder(bundle);
        return Some(format!("delete bundle {bundle}"));
    }
    s.remove(&page);
    Some(format!("delete page {page}"))
}

fn rename_page(s: &mut Session) -> Option<String> {
    let page = s.pick_unreferenced_page()?;
    if page.ends_with("/index.md") {
        return None; // a bundle moves with its folder: rename_folder
    }
    let n = s.next_n();
    let dir = match s.rng.chance(25) {
        true => s.rng.pick(&s.sections())?,
        false => parent(&page).to_string(),
    };
    let to = format!("{dir}/renamed-{n}.md");
    s.rename(&page, &to);
    Some(format!("rename page {page} -> {to}"))
}

/// Folders that can move or go: not the shipped ones, nothing inside linked.
fn movable_folders(s: &Session) -> Vec<String> {
    s.walk("content", true)
        .into_iter()
        .filter(|d| {
            !["content", "content/explainers", "content/timeline"].contains(&d.as_str())
                && !d.starts_with("content/timeline/")
                && !s.folder_is_referenced(d)
        })
        .collect()
}

fn rename_folder(s: &mut Session) -> Option<String> {
    let dir = s.rng.pick(&movable_folders(s))?;
    let to = format!("{}/folder-{}", parent(&dir), s.next_n());
    s.rename(&dir, &to);
    Some(format!("rename folder {dir} -> {to}"))
}

fn delete_folder(s: &mut Session) -> Option<String> {
    let dir = s.rng.pick(&movable_folders(s))?;
    s.remove_folder(&dir);
    Some(format!("delete folder {dir}"))
}

fn edit_section(s: &mut Session) -> Option<String> {
    let mut sections = s.sections();
    if s.exists("content/timeline") {
        // Its title and summary show in every page's navigation.
        sections.push("content/timeline".into());
    }
    let dir = s.rng.pick(&sections)?;
    let index = format!("{dir}/_index.md");
    let n = s.next_n();
    if !s.exists(&index) {
        let text = format!("---\ntitle: \"Section {n}\"\n---\n\nNow with an index.\n");
        let how = s.save(&index, &text);
        return Some(format!("add {index}{how}"));
    }
    if dir != "content" && s.rng.chance(10) {
        s.remove(&index);
        return Some(format!("delete {index}"));
    }
    let kind = match dir.as_str() {
        "content/timeline" => s.rng.below(2),
        _ => s.rng.below(3),
    };
    let sort = sort_by(&mut s.rng);
    let summary = s.rng.chance(70).then(|| format!("\"Section summary {n}.\""));
    s.edit_doc(&index, |_, doc| match kind {
        0 => {
            doc.set("title", Some(&format!("\"Section title {n}\"")));
            Some(format!("title -> Section title {n}"))
        }
        1 => {
            doc.set("summary", summary.as_deref());
            Some(format!("summary -> {}", summary.as_deref().unwrap_or("(removed)")))
        }
        _ => {
            doc.set("sort_by", Some(sort));
            Some(format!("sort_by -> {sort}"))
        }
    })
}

/// Shortcodes: a chart of a data file beside the page (which a later step
/// may edit), an inline timeline (which event edits change), a callout.
fn edit_component(s: &mut Session) -> Option<String> {
    let kind = s.rng.below(4);
    let data: Vec<String> = (s.files_under("content").into_iter())
        .filter(|f| f.ends_with(".csv"))
        .collect();
    if kind == 0 && !data.is_empty() {
        let rel = s.rng.pick(&data)?;
        let n = s.next_n();
        let how = s.save(&rel, &format!("label,value\nEngland,{n}\nScotland,12.4\n"));
        return Some(format!("edit data file {rel}{how}"));
    }
    let page = s.pick_page()?;
    let dir = page.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let n = s.next_n();
    let text = match kind {
        0 | 1 => {
            let csv = format!("chart-{n}.csv");
            let rel = if dir.is_empty() {
                csv.clone()
            } else {
                format!("{dir}/{csv}")
            };
            s.save(&rel, "label,value\nEngland,35\nWales,12.4\n");
            format!("\n{{{{ chart(data=\"{csv}\", title=\"Chart {n}\", unit=\"%\") }}}}\n")
        }
        2 => {
            let category = s.rng.pick(&CATEGORIES)?;
            format!("\n{{{{ timeline(category=\"{category}\", title=\"Events {n}\") }}}}\n")
        }
        _ => format!("\n{{% callout(kind=\"unknown\") %}}\nNot known {n}.\n{{% end %}}\n"),
    };
    s.edit_doc(&page, |_, doc| {
        doc.body.push_str(&text);
        Some(["add chart", "add chart", "add inline timeline", "add callout"][kind].into())
    })
}

fn content_asset(s: &mut Session) -> Option<String> {
    let existing: Vec<String> = s
        .files_under("content")
        .into_iter()
        .filter(|f| f.ends_with(".csv"))
        .collect();
    if !existing.is_empty() && s.rng.chance(40) {
        let rel = s.rng.pick(&existing)?;
        s.remove(&rel);
        return Some(format!("delete asset {rel}"));
    }
    let dir = s.rng.pick(&s.sections())?;
    let rel = format!("{dir}/data-{}.csv", s.next_n());
    let how = s.save(&rel, "year,strikes\n2023,5\n2024,6\n");
    Some(format!("add asset {rel}{how}"))
}

// --- templates, static files, site.yaml ----------------------------------------

/// Puts `marker` inside the last block of a template (text outside blocks of
/// a child template is not rendered), or at the end of a partial.
fn mark_template(text: &str, marker: &str) -> String {
    match text.rfind("{% endblock") {
        Some(at) => format!("{}{marker}{}", &text[..at], &text[at..]),
        None => format!("{text}{marker}\n"),
    }
}

fn edit_theme_template(s: &mut Session) -> Option<String> {
    let rel = s.rng.pick(&s.files_under("themes/explainer/templates"))?;
    let n = s.next_n();
    let text = s.read(&rel);
    if s.rng.chance(50) {
        // A heading's plain text, where it has one.
        let headings: Vec<(usize, usize)> = text
            .match_indices("<h2")
            .filter_map(|(at, _)| {
                let open = at + text[at..].find('>')? + 1;
                let close = open + text[open..].find("</h2>")?;
                let inner = &text[open..close];
                (!inner.contains(['{', '<'])).then_some((open, close))
            })
            .collect();
        if let Some((open, close)) = s.rng.pick(&headings) {
            let new = format!("{}Heading {n}{}", &text[..open], &text[close..]);
            let old = text[open..close].to_string();
            let how = s.save(&rel, &new);
            return Some(format!("change heading {old:?} -> \"Heading {n}\" in {rel}{how}"));
        }
    }
    let how = s.save(&rel, &mark_template(&text, &format!("<!-- edit {n} -->")));
    Some(format!("insert comment in {rel}{how}"))
}

/// Adds a dump of context the theme does not print to one of its templates,
/// for the rest of the session.
fn dump_context(s: &mut Session) -> Option<String> {
    let (name, dump) = s.rng.pick(&[
        ("page.html", PAGE_DUMP),
        ("section.html", SECTION_DUMP),
        ("index.html", SECTION_DUMP),
    ])?;
    let rel = format!("themes/explainer/templates/{name}");
    let text = s.read(&rel);
    if text.contains("class=\"dump\"") {
        return None;
    }
    let how = s.save(&rel, &mark_template(&text, dump));
    Some(format!("add a context dump to {rel}{how}"))
}

fn edit_theme_static(s: &mut Session) -> Option<String> {
    let n = s.next_n();
    let extra = format!("themes/explainer/static/extra-{n}.css");
    match s.rng.below(4) {
        0 => {
            let how = s.save(&extra, &format!(".extra-{n} {{ color: red; }}\n"));
            Some(format!("add {extra}{how}"))
        }
        1 => {
            let rel = s
                .rng
                .pick(&s.files_under("themes/explainer/static"))
                .filter(|f| f.contains("/extra-"))?;
            s.remove(&rel);
            Some(format!("delete {rel}"))
        }
        _ => {
            // Text files only: a comment in an icon would only break it.
            let text_files: Vec<String> = (s.files_under("themes/explainer/static").into_iter())
                .filter(|f| f.ends_with(".css") || f.ends_with(".js"))
                .collect();
            let rel = s.rng.pick(&text_files)?;
            let text = format!("{}\n/* edit {n} */\n", s.read(&rel));
            let how = s.save(&rel, &text);
            Some(format!("append comment to {rel}{how}"))
        }
    }
}

fn override_template(s: &mut Session) -> Option<String> {
    let n = s.next_n();
    let existing = s.files_under("templates");
    match s.rng.below(4) {
        0 | 1 => {
            let name = s.rng.pick(&OVERRIDABLE)?;
            let rel = format!("templates/{name}");
            let text = match s.exists(&rel) {
                true => s.read(&rel),
                false => s.read(&format!("themes/explainer/templates/{name}")),
            };
            let verb = if s.exists(&rel) { "edit" } else { "create" };
            let dump = match name {
                "page.html" => Some(PAGE_DUMP),
                "section.html" | "index.html" => Some(SECTION_DUMP),
                _ => None,
            }
            .filter(|_| !text.contains("class=\"dump\"") && s.rng.chance(50));
            let marker = match dump {
                Some(dump) => dump.to_string(),
                None => format!("<p class=\"override\">Override {n}</p>"),
            };
            let how = s.save(&rel, &mark_template(&text, &marker));
            let what = if dump.is_some() {
                " (dumps its whole context)"
            } else {
                ""
            };
            Some(format!("{verb} override {rel}{what}{how}"))
        }
        2 => {
            let rel = s.rng.pick(&existing)?;
            s.remove(&rel);
            Some(format!("delete override {rel}"))
        }
        _ => {
            if existing.is_empty() {
                return None;
            }
            s.remove_folder("templates");
            Some("delete the templates/ folder".into())
        }
    }
}

fn static_file(s: &mut Session) -> Option<String> {
    let n = s.next_n();
    let existing = s.files_under("static");
    match s.rng.below(6) {
        0 => {
            let rel = s.rng.pick(&[
                format!("static/extra-{n}.css"),
                format!("static/notes-{n}.txt"),
                format!("static/img/pic-{n}.svg"),
                // Replaces the theme's stylesheet.
                "static/style.css".to_string(),
            ])?;
            let how = s.save(&rel, &format!("/* static {n} */\nbody {{ margin: {n}px; }}\n"));
            Some(format!("add {rel}{how}"))
        }
        1 | 2 => {
            let rel = s.rng.pick(&existing)?;
            let text = format!("{}/* edit {n} */\n", s.read(&rel));
            let how = s.save(&rel, &text);
            Some(format!("edit {rel}{how}"))
        }
        3 => {
            let rel = s.rng.pick(&existing)?;
            // Same length, new bytes: only the contents tell it changed.
            let text = s.read(&rel).replacen("margin", "MARGIN", 1);
            let how = s.save(&rel, &text);
            Some(format!("edit {rel} keeping its size{how}"))
        }
        4 => {
            let rel = s.rng.pick(&existing)?;
            s.remove(&rel);
            Some(format!("delete {rel}"))
        }
        _ => {
            let rel = s.rng.pick(&existing)?;
            let to = format!("static/moved-{n}.css");
            s.rename(&rel, &to);
            Some(format!("rename {rel} -> {to}"))
        }
    }
}

fn edit_site_yaml(s: &mut Session) -> Option<String> {
    let n = s.next_n();
    let text = s.read("site.yaml");
    let (key, value) = match s.rng.chance(50) {
        true => ("title", format!("\"A site, edit {n}\"")),
        false => ("description", format!("\"Description {n}: {}.\"", s.words(6))),
    };
    let new: Vec<String> = text
        .lines()
        .map(|l| match l.starts_with(&format!("{key}:")) {
            true => format!("{key}: {value}"),
            false => l.to_string(),
        })
        .collect();
    let how = s.save("site.yaml", &(new.join("\n") + "\n"));
    Some(format!("site.yaml {key} -> {value}{how}"))
}

// --- errors, each repaired by the next step ----------------------------------------

fn broken_front_matter(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    s.break_file(&page, |_, doc| {
        doc.set("title", Some("[broken"));
        Some("broken YAML (title: [broken)".into())
    })
}

fn missing_link(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    let n = s.next_n();
    s.break_file(&page, |_, doc| {
        doc.body.push_str(&format!("\nSee [gone](@/missing-{n}.md).\n"));
        Some(format!("link to missing page @/missing-{n}.md"))
    })
}

fn unknown_category(s: &mut Session) -> Option<String> {
    let rel = s.rng.pick(&s.timeline_files())?;
    s.break_file(&rel, |_, doc| {
        doc.set("category", Some("no-such-category"));
        Some("unknown category".into())
    })
}

fn bad_slug(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    s.break_file(&page, |_, doc| {
        doc.set("slug", Some("a/b"));
        Some("bad slug a/b".into())
    })
}

fn bad_date(s: &mut Session) -> Option<String> {
    let page = s.pick_page()?;
    s.break_file(&page, |_, doc| {
        doc.set("date", Some("2024-13"));
        Some("bad date 2024-13".into())
    })
}

fn unknown_actor(s: &mut Session) -> Option<String> {
    let page = s.rng.pick(&s.pages_with_events())?;
    s.break_file(&page, |_, doc| {
        let (a, _) = doc.items("events")[0];
        doc.front.insert(a + 1, "    actors: [nobody-at-all]".into());
        Some("unknown actor in an event".into())
    })
}

fn broken_template(s: &mut Session) -> Option<String> {
    let rel = s.rng.pick(&s.files_under("themes/explainer/templates"))?;
    let text = s.read(&rel);
    let how = s.save(&rel, &format!("{text}{{% if %}}\n"));
    s.fix = Some(Fix::Restore { rel: rel.clone(), text });
    Some(format!("template syntax error in {rel}{how}"))
}

fn broken_site_yaml(s: &mut Session) -> Option<String> {
    let text = s.read("site.yaml");
    let how = s.save("site.yaml", &format!("title: [broken\n{text}"));
    s.fix = Some(Fix::Restore {
        rel: "site.yaml".into(),
        text,
    });
    Some(format!("broken site.yaml{how}"))
}

fn rename_linked_page(s: &mut Session) -> Option<String> {
    let pages: Vec<String> = s
        .pages()
        .into_iter()
        .filter(|p| !p.ends_with("/index.md") && s.is_referenced(p))
        .collect();
    let page = s.rng.pick(&pages)?;
    let to = format!("{}/away-{}.md", parent(&page), s.next_n());
    s.rename(&page, &to);
    s.fix = Some(Fix::RenameBack {
        from: to.clone(),
        to: page.clone(),
    });
    Some(format!("rename linked page {page} -> {to}"))
}
