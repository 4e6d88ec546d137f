//! Records split into shards, each its own Pagefind index, and the cache of
//! each shard's files by a hash of what made them.
//!
//! Why: Pagefind's API cannot update one page of an index, and a whole
//! index at 10,000 pages cost four fifths of a build. A record goes to the
//! shard a hash of its URL names, so an edit to one page changes one shard;
//! a build indexes only the shards whose key the cache lacks. The shard
//! count is a power of two of about `search_shard_records` (500) records
//! each: it changes (and every shard with it) only when the site doubles or
//! halves, and a small site has one shard, at `pagefind/` as before.
//!
//! The cache, beside the output (`.public.dossier-search/<key>.shard`),
//! holds one file per shard: its files packed with their paths, a checksum
//! at the end. Each is written under a temporary name and renamed, so two
//! builds at once each see a whole entry or none; an entry that does not
//! read back whole (cut short, changed, of another key) is ignored and made
//! again.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::Sourced;
use crate::model::SEARCH_DIR;

/// The version of the `pagefind` crate (pinned in Cargo.toml): part of
/// every key, so a new Pagefind makes every shard again.
pub(crate) const PAGEFIND_VERSION: &str = "1.6.0";

/// Bumped when what a shard's files are made from changes in our code
/// (weights, how records become text), so old entries are not used.
const FORMAT: u32 = 2;

/// The file that names the shards past the first, for `search.js`.
pub(crate) const MANIFEST: &str = "shards.json";

/// How Pagefind is asked to index: part of every key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Settings {
    /// Pagefind's language code.
    pub language: String,
    /// How much more a title word counts than a body word.
    pub title_weight: u8,
    /// Pagefind's `max_fragments` for one shard.
    pub max_fragments: u32,
}

/// One shard: its number, its records (to be made) and its key.
#[derive(Debug)]
pub(crate) struct Shard {
    pub n: usize,
    /// The first shard with records: its index is at `pagefind/` with
    /// Pagefind's script, worker and WASM, and the others merge into it.
    pub primary: bool,
    pub records: Vec<Sourced>,
    pub key: String,
}

impl Shard {
    /// Its folder in the output: `pagefind` for the primary one,
    /// `pagefind/<n>` for the others.
    pub(crate) fn dir(&self) -> String {
        match self.primary {
            true => SEARCH_DIR.to_string(),
            false => format!("{SEARCH_DIR}/{}", self.n),
        }
    }
}

/// How many shards `records` records make: a power of two, one for up to
/// `per_shard` records.
pub(crate) fn shard_count(records: usize, per_shard: usize) -> usize {
    records.div_ceil(per_shard.max(1)).max(1).next_power_of_two()
}

/// The shard of the record at `url`: a hash that does not change from one
/// run, machine or Rust release to the next (FNV-1a, then mixed so that its
/// low bits are as good as its high ones).
pub(crate) fn shard_of(url: &str, count: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in url.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    (h % count.max(1) as u64) as usize
}

/// `records` in shards of about `per_shard`, in their order within each,
/// each with its key. Shards the hash gave no record are left out (an
/// index of nothing is no index to Pagefind's reader); there is always a
/// primary shard, empty when there are no records at all.
pub(crate) fn plan(records: Vec<Sourced>, per_shard: usize, settings: &Settings) -> Vec<Shard> {
    let count = shard_count(records.len(), per_shard);
    let mut groups: Vec<Vec<Sourced>> = (0..count).map(|_| Vec::new()).collect();
    for r in records {
        groups[shard_of(&r.url, count)].push(r);
    }
    let first = groups.iter().position(|g| !g.is_empty()).unwrap_or(0);
    (groups.into_iter().enumerate())
        .filter(|(n, records)| *n == first || !records.is_empty())
        .map(|(n, records)| Shard {
            key: key(n == first, &records, settings),
            primary: n == first,
            n,
            records,
        })
        .collect()
}

/// A hash (128 bits) of everything a shard's files are made from: each
/// record's URL and the hash of what it is made from (so a warm build
/// never makes the records of a shard the cache has).
fn key(primary: bool, records: &[Sourced], settings: &Settings) -> String {
    let made_from: Vec<(&str, u64)> = records.iter().map(|r| (r.url.as_str(), r.digest)).collect();
    let hash = |seed: u64| {
        let mut h = std::hash::DefaultHasher::new();
        (seed, FORMAT, PAGEFIND_VERSION, settings, primary, &made_from).hash(&mut h);
        h.finish()
    };
    format!("{:016x}{:016x}", hash(1), hash(2))
}

/// A shard's files: paths relative to its folder, and bytes.
pub(crate) type Files = Vec<(String, Vec<u8>)>;

const MAGIC: &[u8] = b"dossier search shard\n";

fn entry_path(cache: &Path, key: &str) -> PathBuf {
    cache.join(format!("{key}.shard"))
}

/// The files of the shard keyed `key`, when the cache holds them whole.
pub(crate) fn cached(cache: &Path, key: &str) -> Option<Files> {
    unpack(key, &std::fs::read(entry_path(cache, key)).ok()?)
}

/// Puts `files` in the cache under `key`. A cache that cannot be written
/// is no reason to fail a build: the shard is indexed again next time.
pub(crate) fn store(cache: &Path, key: &str, files: &Files) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let tmp = cache.join(format!(
        ".{key}.{}.{}.tmp",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let stored = std::fs::create_dir_all(cache)
        .and_then(|()| std::fs::write(&tmp, pack(key, files)))
        .and_then(|()| std::fs::rename(&tmp, entry_path(cache, key)));
    if stored.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// Removes from `cache` every entry but those keyed in `keep`, and what
/// was left half-written, so that it holds the shards of the last build.
pub(crate) fn prune(cache: &Path, keep: &std::collections::HashSet<String>) {
    crate::output::keep_only(cache, ".shard", keep);
}

fn checksum(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// `MAGIC`, the key, then each file as its path's length (u32), its path,
/// its length (u64) and its bytes; a checksum of all that at the end.
fn pack(key: &str, files: &Files) -> Vec<u8> {
    let size: usize = files.iter().map(|(p, b)| 12 + p.len() + b.len()).sum();
    let mut out = Vec::with_capacity(MAGIC.len() + key.len() + 1 + size + 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(key.as_bytes());
    out.push(b'\n');
    for (path, bytes) in files {
        out.extend_from_slice(&(path.len() as u32).to_le_bytes());
        out.extend_from_slice(path.as_bytes());
        out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    let sum = checksum(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// What [`pack`] packed, or `None` for anything else: another key, bytes
/// cut short or changed, a path that could leave the shard's folder.
fn unpack(key: &str, bytes: &[u8]) -> Option<Files> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if checksum(body).to_le_bytes() != sum {
        return None;
    }
    let mut rest = body
        .strip_prefix(MAGIC)?
        .strip_prefix(key.as_bytes())?
        .strip_prefix(b"\n")?;
    let mut files = Vec::new();
    while !rest.is_empty() {
        let (len, after) = rest.split_at_checked(4)?;
        let len = u32::from_le_bytes(len.try_into().ok()?) as usize;
        let (path, after) = after.split_at_checked(len)?;
        let (size, after) = after.split_at_checked(8)?;
        let size = usize::try_from(u64::from_le_bytes(size.try_into().ok()?)).ok()?;
        let (data, after) = after.split_at_checked(size)?;
        let path = std::str::from_utf8(path).ok()?;
        if !plain(path) {
            return None;
        }
        files.push((path.to_string(), data.to_vec()));
        rest = after;
    }
    Some(files)
}

/// A relative path of plain names only.
fn plain(path: &str) -> bool {
    !path.is_empty() && (Path::new(path).components()).all(|c| matches!(c, std::path::Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Record;

    fn record(url: &str, text: &str) -> Record {
        Record {
            url: url.into(),
            title: url.into(),
            summary: String::new(),
            text: text.into(),
            filters: Default::default(),
        }
    }

    fn settings() -> Settings {
        Settings {
            language: "en".into(),
            title_weight: 7,
            max_fragments: 10,
        }
    }

    #[test]
    fn the_count_is_a_power_of_two_of_about_per_shard_records() {
        assert_eq!(shard_count(0, 500), 1);
        assert_eq!(shard_count(500, 500), 1);
        assert_eq!(shard_count(501, 500), 2);
        assert_eq!(shard_count(1500, 500), 4);
        assert_eq!(shard_count(10_500, 500), 32);
        assert_eq!(shard_count(10, 0), 16);
    }

    #[test]
    fn a_url_always_goes_to_the_same_shard_and_shards_are_even() {
        assert_eq!(shard_of("/explainers/pay/", 8), shard_of("/explainers/pay/", 8));
        // A value fixed here: the hash must not change between releases.
        assert_eq!(shard_of("/explainers/pay/", 1024), 258);
        let mut counts = [0usize; 8];
        for i in 0..8000 {
            counts[shard_of(&format!("/posts/page-{i}/"), 8)] += 1;
        }
        assert!(counts.iter().all(|&c| (800..1200).contains(&c)), "{counts:?}");
    }

    #[test]
    fn an_edit_to_one_record_changes_one_key() {
        let records: Vec<Record> = (0..40).map(|i| record(&format!("/p{i}/"), "words")).collect();
        let sourced = |rs: Vec<Record>| rs.into_iter().map(Sourced::made).collect::<Vec<_>>();
        let before = plan(sourced(records.clone()), 10, &settings());
        assert_eq!(before.iter().map(|s| s.n).collect::<Vec<_>>(), [0, 1, 2, 3]);
        assert!(before[0].primary && !before[1].primary);
        let mut edited = records;
        edited[17].text = "other words".into();
        let after = plan(sourced(edited), 10, &settings());
        let changed: Vec<usize> = (before.iter().zip(&after))
            .filter(|(a, b)| a.key != b.key)
            .map(|(a, _)| a.n)
            .collect();
        assert_eq!(changed, vec![shard_of("/p17/", 4)]);
        let other = Settings {
            title_weight: 3,
            ..settings()
        };
        let reweighed = plan(after.into_iter().flat_map(|s| s.records).collect(), 10, &other);
        assert!(reweighed.iter().zip(&before).all(|(a, b)| a.key != b.key));
    }

    #[test]
    fn shards_without_records_are_left_out_and_the_first_with_some_leads() {
        // Eight shards for five records: some are empty.
        let records: Vec<Sourced> = (0..5).map(|i| Sourced::made(record(&format!("/p{i}/"), "w"))).collect();
        let shards = plan(records, 1, &settings());
        assert!(shards.len() < 8 && shards.iter().all(|s| !s.records.is_empty()));
        assert_eq!(shards.iter().filter(|s| s.primary).count(), 1);
        assert!(shards[0].primary);
        assert_eq!(shards[0].dir(), "pagefind");
        assert_eq!(shards[1].dir(), format!("pagefind/{}", shards[1].n));
        let none = plan(Vec::new(), 500, &settings());
        assert!(none.len() == 1 && none[0].primary && none[0].records.is_empty());
    }

    #[test]
    fn entries_read_back_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let files: Files = vec![
            ("pagefind-entry.json".into(), b"{}".to_vec()),
            ("index/a.pf_index".into(), vec![0, 1, 2, 255]),
        ];
        store(dir.path(), "k1", &files);
        assert_eq!(cached(dir.path(), "k1"), Some(files.clone()));
        assert_eq!(cached(dir.path(), "k2"), None);
        let path = entry_path(dir.path(), "k1");
        let whole = std::fs::read(&path).unwrap();
        for cut in [0, 1, 8, whole.len() / 2, whole.len() - 1] {
            assert_eq!(unpack("k1", &whole[..cut]), None, "cut at {cut}");
        }
        let mut changed = whole.clone();
        changed[MAGIC.len() + 5] ^= 1;
        assert_eq!(unpack("k1", &changed), None);
        // Another key's entry under this name.
        std::fs::write(&path, pack("k2", &files)).unwrap();
        assert_eq!(cached(dir.path(), "k1"), None);
        assert_eq!(unpack("k", &pack("k", &vec![("../x".into(), vec![])])), None);
        assert_eq!(unpack("k", &pack("k", &vec![])), Some(vec![]));
    }

    #[test]
    fn prune_keeps_the_keys_named() {
        let dir = tempfile::tempdir().unwrap();
        store(dir.path(), "a", &vec![]);
        store(dir.path(), "b", &vec![]);
        std::fs::write(dir.path().join(".c.1.0.tmp"), b"x").unwrap();
        prune(dir.path(), &["a".to_string()].into());
        let names: Vec<String> = (std::fs::read_dir(dir.path()).unwrap())
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["a.shard".to_string()]);
    }
}
