//! Each shard's files: from the cache when its key is there, else indexed
//! with Pagefind (two shards at a time, so that at most about two indexes
//! are in memory) and put in the cache. A build writes every shard into
//! its staging folder; `serve`'s [`Indexer`] writes only the shards whose
//! key changed into the output.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::shard::{self, Files, MANIFEST, Settings, Shard};
use super::{Record, defuse, language, sources};
use crate::error::Error;
use crate::model::{SEARCH_DIR, Site};
use crate::output::{Emit, RenderedFile};
use crate::render::browse::Offers;

/// How much more a word of a title counts than a word of the body (the
/// weight Pagefind gives an `<h1>`).
const TITLE_WEIGHT: u8 = 7;

/// At most this many files of page texts (Pagefind's fragments) over all
/// shards: past it, pages share files. One file per page would write
/// 10,000 files at 10,000 pages; shared by ten they are still small to fetch.
const MAX_FRAGMENT_FILES: u32 = 1000;

/// Shards indexed at once: each holds a whole Pagefind index in memory.
const JOBS: usize = 2;

/// The site's records in shards, and how they are indexed.
pub(crate) struct Plan {
    pub shards: Vec<Shard>,
    pub settings: Settings,
}

/// The shards of `site`'s records (`offers`: which generated pages records
/// can point at).
pub(crate) fn plan(site: &Site, offers: Offers) -> Plan {
    let records = sources(site, offers);
    let per_shard = site.config.search_shard_records();
    let count = shard::shard_count(records.len(), per_shard);
    let settings = Settings {
        language: language(&site.config.language),
        title_weight: TITLE_WEIGHT,
        max_fragments: MAX_FRAGMENT_FILES.div_ceil(count as u32).max(1),
    };
    Plan {
        shards: shard::plan(records, per_shard, &settings),
        settings,
    }
}

/// The manifest `search.js` reads: the folders of the shards merged into
/// the primary one, relative to `pagefind/`.
fn manifest(shards: &[Shard]) -> Vec<u8> {
    let dirs: Vec<String> = (shards.iter())
        .filter(|s| !s.primary)
        .map(|s| format!("{}/", s.n))
        .collect();
    serde_json::json!({ "shards": dirs }).to_string().into_bytes()
}

/// What a build's index was made of.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// The keys of its shards (what the cache keeps).
    pub keys: HashSet<String>,
}

/// Writes every shard's files and the manifest through `emit` (a build's
/// staging folder), from `cache` where it can.
pub(crate) fn write(plan: Plan, site: &Site, cache: &Path, emit: &Emit) -> Result<Written, Error> {
    let manifest = manifest(&plan.shards);
    let keys = plan.shards.iter().map(|s| s.key.clone()).collect();
    let make = |s: &super::Sourced| s.record(site);
    produce(plan.shards, &plan.settings, Some(cache), &make, &|shard, files| {
        let dir = shard.dir();
        (files.into_iter()).try_for_each(|(path, bytes)| {
            emit(RenderedFile {
                path: format!("{dir}/{path}"),
                bytes,
            })
        })
    })?;
    emit(RenderedFile {
        path: format!("{SEARCH_DIR}/{MANIFEST}"),
        bytes: manifest,
    })?;
    Ok(Written { keys })
}

type ShardSink<'a> = dyn Fn(&Shard, Files) -> Result<(), Error> + Sync + 'a;

/// Makes a record from its source (a page's only when its shard is indexed).
type Make<'a> = dyn Fn(&super::Sourced) -> Record + Sync + 'a;

/// Hands each shard's files to `sink`, from `cache` or indexed (and then
/// cached), [`JOBS`] shards at a time; a shard's records are dropped once
/// it is done. Returns the shards indexed.
fn produce(
    shards: Vec<Shard>,
    settings: &Settings,
    cache: Option<&Path>,
    make: &Make,
    sink: &ShardSink,
) -> Result<Vec<usize>, Error> {
    let queue = Mutex::new(VecDeque::from(shards));
    let indexed = Mutex::new(Vec::new());
    let failed: Mutex<Option<Error>> = Mutex::new(None);
    let next = || queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front();
    let work = || {
        while let Some(shard) = next() {
            if failed.lock().unwrap_or_else(|e| e.into_inner()).is_some() {
                return;
            }
            let found = cache.and_then(|c| shard::cached(c, &shard.key));
            let files = match found {
                Some(files) => Ok(files),
                None => index_shard(&shard, settings, make).inspect(|files| {
                    indexed.lock().unwrap_or_else(|e| e.into_inner()).push(shard.n);
                    if let Some(c) = cache {
                        shard::store(c, &shard.key, files);
                    }
                }),
            };
            if let Err(e) = files.and_then(|files| sink(&shard, files)) {
                failed.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
                return;
            }
        }
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..JOBS).map(|_| scope.spawn(work)).collect();
        for w in workers {
            if w.join().is_err() {
                failed
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(Error::Runtime("the search indexer stopped".into()));
            }
        }
    });
    if let Some(e) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let mut indexed = indexed.into_inner().unwrap_or_else(|e| e.into_inner());
    indexed.sort_unstable();
    Ok(indexed)
}

/// Is `path` (from Pagefind, relative to the index's folder) part of the
/// index itself rather than of Pagefind's script, worker, WASM or UI?
/// Only the first shard keeps the latter.
fn index_data(path: &str) -> bool {
    path == "pagefind-entry.json"
        || path.ends_with(".pf_meta")
        || ["index/", "filter/", "fragment/"].iter().any(|d| path.starts_with(d))
}

/// Pagefind's files for one shard, paths relative to its folder.
fn index_shard(shard: &Shard, settings: &Settings, make: &Make) -> Result<Files, Error> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let lang = settings.language.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Error::Runtime(format!("cannot make the search index: {e}")))?;
    runtime.block_on(async {
        let options = PagefindServiceConfig::builder()
            .force_language(lang.clone())
            .max_fragments(settings.max_fragments)
            .build();
        let mut index = PagefindIndex::new(Some(options)).map_err(|e| fail("options", e))?;
        for source in &shard.records {
            let (url, text, meta, filters) = pagefind_record(&make(source), settings.title_weight);
            index
                .add_custom_record(url, text, lang.clone(), Some(meta), Some(filters), None)
                .await
                .map_err(|e| fail("a record", e))?;
        }
        let files = index.get_files().await.map_err(|e| fail("writing", e))?;
        let mut files: Files = (files.into_iter())
            .map(|f| (slashed(&f.filename), f.contents))
            .filter(|(path, _)| shard.primary || index_data(path))
            .collect();
        // Pagefind lists them in no fixed order: the same shard gives the
        // same cache entry.
        files.sort();
        Ok(files)
    })
}

type PagefindRecord = (String, String, BTreeMap<String, String>, BTreeMap<String, Vec<String>>);

/// A record as Pagefind takes it: the title leads the text, weighted as a
/// heading would be; the title and summary are its metadata.
fn pagefind_record(r: &Record, weight: u8) -> PagefindRecord {
    let text = format!(
        "___PAGEFIND_WEIGHT___{weight} {} ___END_PAGEFIND_WEIGHT___ {} {}",
        defuse(&r.title),
        defuse(&r.summary),
        defuse(&r.text)
    );
    let mut meta = BTreeMap::from([("title".to_string(), r.title.clone())]);
    if !r.summary.is_empty() {
        meta.insert("summary".to_string(), r.summary.clone());
    }
    (r.url.clone(), text, meta, r.filters.clone())
}

fn fail(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Runtime(format!("cannot make the search index ({what}): {e}"))
}

fn slashed(path: &Path) -> String {
    let parts: Vec<_> = path.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

/// Keeps the search index of a served output current, on a thread of its
/// own (`serve`, `build --watch`): after a rebuild the project hands it the
/// new site and goes on; it makes the records again, and writes into the
/// output the shards whose key changed since it last wrote them (from the
/// cache, or indexed), then the manifest, and removes what is gone. An edit
/// to one page costs one shard. Sites handed over while it works are
/// coalesced: it indexes the newest.
pub(crate) struct Indexer {
    tx: Option<std::sync::mpsc::Sender<(std::sync::Arc<Site>, Offers)>>,
    /// Sites handed over and not indexed yet.
    pending: std::sync::Arc<(Mutex<usize>, std::sync::Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// What the indexer last wrote into the output: each shard's key, by its
/// folder.
type Shown = Option<BTreeMap<String, String>>;

impl Indexer {
    /// An indexer writing into `out/pagefind/`, with its cache beside `out`.
    pub(crate) fn start(out: PathBuf) -> Indexer {
        let (tx, rx) = std::sync::mpsc::channel::<(std::sync::Arc<Site>, Offers)>();
        let pending = std::sync::Arc::new((Mutex::new(0usize), std::sync::Condvar::new()));
        let done = pending.clone();
        let thread = std::thread::spawn(move || {
            let cache = super::cache_dir(&out);
            let mut shown: Shown = None;
            while let Ok(mut next) = rx.recv() {
                let mut taken = 1;
                while let Ok(newer) = rx.try_recv() {
                    next = newer;
                    taken += 1;
                }
                let (site, offers) = &next;
                if let Err(e) = refresh(&out, &cache, site, *offers, &mut shown) {
                    eprintln!("{e}");
                    shown = None;
                }
                let (count, cond) = &*done;
                let mut n = count.lock().unwrap_or_else(|e| e.into_inner());
                *n -= taken;
                cond.notify_all();
            }
        });
        Indexer {
            tx: Some(tx),
            pending,
            thread: Some(thread),
        }
    }

    /// Hands over the site as it now is, with the pages its theme offers.
    pub(crate) fn update(&self, site: std::sync::Arc<Site>, offers: Offers) {
        let (count, _) = &*self.pending;
        *count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        if let Some(tx) = &self.tx
            && tx.send((site, offers)).is_err()
        {
            *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        }
    }

    /// Waits until every site handed over is indexed.
    pub(crate) fn wait(&self) {
        let (count, cond) = &*self.pending;
        let mut n = count.lock().unwrap_or_else(|e| e.into_inner());
        while *n > 0 {
            n = cond.wait(n).unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        self.tx = None; // ends the thread's loop
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Brings `out/pagefind/` in line with `site` (search off: the folder
/// goes). Only the shards whose key is not the one `shown` says the output
/// has are written: each file whole under a temporary name, then renamed,
/// a shard's `pagefind-entry.json` (which names its other files) last;
/// then the manifest, then what is no longer used goes.
fn refresh(out: &Path, cache: &Path, site: &Site, offers: Offers, shown: &mut Shown) -> Result<(), Error> {
    let root = out.join(SEARCH_DIR);
    if !site.has_search() {
        let _ = std::fs::remove_dir_all(&root);
        *shown = None;
        return Ok(());
    }
    let plan = plan(site, offers);
    let manifest = manifest(&plan.shards);
    let keys: BTreeMap<String, String> = (plan.shards.iter()).map(|s| (s.dir(), s.key.clone())).collect();
    let before = shown.take().unwrap_or_default();
    let todo: Vec<Shard> = (plan.shards.into_iter())
        .filter(|s| before.get(&s.dir()) != Some(&s.key))
        .collect();
    let make = |s: &super::Sourced| s.record(site);
    produce(todo, &plan.settings, Some(cache), &make, &|shard, files| {
        write_shard(out, shard, files)
    })?;
    write_file(&root.join(MANIFEST), &manifest)?;
    // The folders of shards there are no more.
    let Ok(entries) = std::fs::read_dir(&root) else {
        return Ok(());
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let dir = format!("{SEARCH_DIR}/{name}");
        if name.parse::<usize>().is_ok() && !keys.contains_key(&dir) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    shard::prune(cache, &keys.values().cloned().collect());
    *shown = Some(keys);
    Ok(())
}

/// Writes one shard's files into its folder of `out` and removes the
/// files there it no longer has (the first shard's folder keeps the other
/// shards' folders and the manifest).
fn write_shard(out: &Path, shard: &Shard, mut files: Files) -> Result<(), Error> {
    let dir = out.join(shard.dir());
    files.sort_by_key(|(path, _)| path == "pagefind-entry.json");
    let mut keep = HashSet::new();
    for (path, bytes) in &files {
        let path = crate::output::inside(&dir, path)?;
        write_file(&path, bytes)?;
        keep.insert(path);
    }
    let own = |e: &walkdir::DirEntry| {
        let first = e.path().strip_prefix(&dir).ok().and_then(|r| r.components().next());
        let name = first
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        !(shard.primary && (name.parse::<usize>().is_ok() || name == MANIFEST))
    };
    let gone: Vec<PathBuf> = (walkdir::WalkDir::new(&dir).into_iter())
        .filter_entry(|e| e.depth() == 0 || own(e))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !keep.contains(e.path()))
        .map(|e| e.into_path())
        .collect();
    for path in gone {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// Writes `bytes` at `path` whole (a temporary file renamed), unless it
/// already holds them.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let tmp = path.with_extension("dossier-tmp");
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: usize, word: &str) -> Record {
        Record {
            url: format!("/p{i}/"),
            title: format!("Page {i}"),
            summary: String::new(),
            text: format!("common {word}"),
            filters: BTreeMap::from([("section".to_string(), vec!["S".to_string()])]),
        }
    }

    fn settings() -> Settings {
        Settings {
            language: "en".into(),
            title_weight: TITLE_WEIGHT,
            max_fragments: 4,
        }
    }

    /// Every shard's files by folder, and the shards indexed.
    fn run(records: &[Record], cache: &Path) -> (BTreeMap<String, Files>, Vec<usize>) {
        let out = Mutex::new(BTreeMap::new());
        let shards = shard::plan(made(records), 4, &settings());
        let only_made = |s: &super::super::Sourced| match &s.source {
            super::super::Source::Made(r) => r.clone(),
            super::super::Source::Page(_) => unreachable!("these tests have no pages"),
        };
        let indexed = produce(shards, &settings(), Some(cache), &only_made, &|s, files| {
            out.lock().unwrap().insert(s.dir(), files);
            Ok(())
        })
        .unwrap();
        (out.into_inner().unwrap(), indexed)
    }

    fn made(records: &[Record]) -> Vec<super::super::Sourced> {
        records.iter().cloned().map(super::super::Sourced::made).collect()
    }

    fn site() -> Vec<Record> {
        (0..14).map(|i| record(i, &format!("unique{i}"))).collect()
    }

    #[test]
    fn only_the_edited_shard_is_indexed_and_hits_equal_a_cold_build() {
        let cache = tempfile::tempdir().unwrap();
        let (cold, indexed) = run(&site(), cache.path());
        assert_eq!(indexed, vec![0, 1, 2, 3]);
        assert!(cold["pagefind"].iter().any(|(p, _)| p == "pagefind.js"));
        assert!(
            cold["pagefind/2"].iter().all(|(p, _)| index_data(p)),
            "{:?}",
            cold["pagefind/2"]
        );
        let (warm, indexed) = run(&site(), cache.path());
        assert_eq!(indexed, Vec::<usize>::new());
        assert_eq!(warm, cold);
        let mut edited = site();
        edited[9].text = "common changed".into();
        let (after, indexed) = run(&edited, cache.path());
        let shard = shard::shard_of("/p9/", 4);
        assert_eq!(indexed, vec![shard]);
        let dir = match shard {
            0 => "pagefind".to_string(),
            n => format!("pagefind/{n}"),
        };
        assert_ne!(after[&dir], cold[&dir]);
        assert!(after.iter().filter(|(d, _)| **d != dir).all(|(d, f)| cold[d] == *f));
    }

    #[test]
    fn a_damaged_entry_is_indexed_again() {
        let cache = tempfile::tempdir().unwrap();
        let (cold, _) = run(&site(), cache.path());
        let shards = shard::plan(made(&site()), 4, &settings());
        let path = cache.path().join(format!("{}.shard", shards[1].key));
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let (again, indexed) = run(&site(), cache.path());
        assert_eq!(indexed, vec![1]);
        assert_eq!(again, cold);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }

    #[test]
    fn the_manifest_names_the_shards_merged_into_the_first() {
        let shard = |n, primary| Shard {
            n,
            primary,
            records: Vec::new(),
            key: String::new(),
        };
        assert_eq!(manifest(&[shard(0, true)]), br#"{"shards":[]}"#);
        assert_eq!(
            manifest(&[shard(1, true), shard(2, false), shard(5, false)]),
            br#"{"shards":["2/","5/"]}"#
        );
    }

    #[test]
    fn the_pinned_pagefind_is_the_one_built() {
        let lock = include_str!("../../Cargo.lock");
        let at = lock
            .find("name = \"pagefind\"\nversion = \"")
            .expect("pagefind in Cargo.lock");
        let version = lock[at..].split('"').nth(3).unwrap_or("");
        assert_eq!(version, shard::PAGEFIND_VERSION);
    }
}
