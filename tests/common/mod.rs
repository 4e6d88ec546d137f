//! A fixture site in a temp dir, with a tiny theme whose templates print the
//! context plainly, so tests can assert on what the pipeline produced.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Fixture {
    pub dir: tempfile::TempDir,
    /// The site folder: `dir` itself, or a folder inside it (see `in_folder`).
    root: PathBuf,
}

const BASE: &str = r#"<!doctype html><html lang="{{ site.language }}"><head><title>{% block title %}{{ site.title }}{% endblock %}</title></head>
<body>{% block body %}{% endblock %}</body></html>
"#;

const PAGE: &str = r#"{% extends "base.html" %}{% block title %}{{ page.title }}{% endblock %}{% block body %}
<h1>{{ page.title }}</h1>
<p class="url">{{ page.url }}</p><p class="permalink">{{ page.permalink }}</p>
<p class="reading">{{ page.reading_time }} min</p>
<ul class="toc">{% for h in page.toc %}<li>{{ h.id }}:{{ h.title }}{% for c in h.children %}<i>{{ c.id }}</i>{% endfor %}</li>{% endfor %}</ul>
<div class="summary">{{ page.summary_html | safe }}</div>
<nav class="crumbs">{% for a in page.ancestors %}[{{ a.title }}]{% endfor %}</nav>
{% if page.previous %}<a rel="prev" href="{{ page.previous.url }}">prev</a>{% endif %}{% if page.next %}<a rel="next" href="{{ page.next.url }}">next</a>{% endif %}
<ol class="figures">{% for k in page.key_figures %}<li>{{ k.value }} {{ k.label }} [{{ k.source }}]</li>{% endfor %}</ol>
<ol class="sources">{% for s in page.sources %}<li id="source-{{ s.number }}">{{ s.title }} / {{ s.publisher }}</li>{% endfor %}</ol>
<ul class="events">{% for e in page.events %}<li>{{ e.when }}: {{ e.title }}</li>{% endfor %}</ul>
<main>{{ page.content | safe }}</main>
{% endblock %}"#;

const SECTION: &str = r#"{% extends "base.html" %}{% block body %}<h1>{{ section.title }}</h1>{{ section.content | safe }}
<ul class="pages">{% for p in section.pages %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>{% endfor %}</ul>
<ul class="subsections">{% for s in section.subsections %}<li><a href="{{ s.url }}">{{ s.title }}</a></li>{% endfor %}</ul>{% endblock %}"#;

const TIMELINE: &str = r#"{% extends "base.html" %}{% block body %}<h1>{{ section.title }}</h1>
{% for y in timeline.years %}<h2>{{ y.year }}</h2><ol role="list">{% for e in y.events %}<li id="{{ e.id }}">{% if e.end %}<time datetime="{{ e.date.iso }}">{{ e.date.display }}</time> – <time datetime="{{ e.end.iso }}">{{ e.end.display }}</time>{% else %}<time datetime="{{ e.date.iso }}">{{ e.date.display }}</time>{% endif %} {{ e.title }} [{% if e.category %}{{ e.category.label }}{% endif %}]</li>{% endfor %}</ol>{% endfor %}{% endblock %}"#;

impl Fixture {
    /// An empty site with the test theme.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        Fixture::with_root(dir.path().to_path_buf(), dir)
    }

    /// A site with nothing in it yet: no theme (the built-in one applies), no content.
    pub fn bare() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        Fixture {
            root: dir.path().to_path_buf(),
            dir,
        }
    }

    /// A site in `TMP/site`, so that anything written beside it shows.
    pub fn in_folder() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        Fixture::with_root(dir.path().join("site"), dir)
    }

    fn with_root(root: PathBuf, dir: tempfile::TempDir) -> Fixture {
        let f = Fixture { dir, root };
        f.write("themes/explainer/templates/base.html", BASE);
        f.write("themes/explainer/templates/page.html", PAGE);
        f.write("themes/explainer/templates/section.html", SECTION);
        f.write("themes/explainer/templates/index.html", SECTION);
        f.write("themes/explainer/templates/timeline.html", TIMELINE);
        f.write(
            "themes/explainer/templates/404.html",
            r#"{% extends "base.html" %}{% block body %}Not found{% endblock %}"#,
        );
        f.write("themes/explainer/static/style.css", "body{}");
        f.write("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
        f
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap();
    }

    /// Runs the real binary in the site folder.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(args)
            .current_dir(self.root())
            .output()
            .unwrap()
    }

    /// `dossier build`, asserting it succeeded.
    pub fn build_ok(&self) -> String {
        let out = self.run(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "build failed:\n{stderr}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `dossier build`, asserting it failed with exit code 1; returns stderr.
    pub fn build_err(&self) -> String {
        let out = self.run(&["build"]);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "expected exit 1, stderr:\n{stderr}");
        assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
        stderr
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }
}

/// Every file under `dir` with its bytes, for comparing output trees.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}
