//! The incremental path (serve, build --watch) gives the same output as a
//! full build, byte for byte, after every edit of a sequence.

mod common;

use common::{Fixture, snapshot};
use dossier::BuildOptions;
use dossier::project::Project;

fn site() -> Fixture {
    let f = Fixture::new();
    f.write("site.yaml", "title: T\nbase_url: https://t.example\ntimeline:\n  categories:\n    - id: strike\n      label: Strike\n      colour: \"#b3261e\"\n");
    f.write("content/explainers/_index.md", "---\ntitle: Explainers\n---\nIntro.\n");
    f.write(
        "content/explainers/a.md",
        "---\ntitle: A\nweight: 1\n---\nAlpha body. See [b](b.md).\n",
    );
    f.write("content/explainers/b.md", "---\ntitle: B\nweight: 2\n---\nBeta body.\n");
    f.write(
        "content/timeline/e.md",
        "---\ntitle: Strike\ndate: 2024-06\ncategory: strike\nrelated: [\"@/explainers/a.md\"]\n---\nAn event.\n",
    );
    f.write("static/site.css", "a{}");
    f
}

struct Harness {
    f: Fixture,
    project: Project,
}

impl Harness {
    fn new() -> Harness {
        Harness::on(site())
    }

    fn on(f: Fixture) -> Harness {
        let root = dossier::site_root(f.root()).unwrap();
        let out = root.join("served");
        let mut project = Project::new(BuildOptions::new(&root), root, out);
        project.rebuild(&[]).unwrap();
        Harness { f, project }
    }

    /// Applies `edit`, rebuilds for `path`, and compares with a full build.
    fn step(&mut self, path: &str, expected_scope: &str, edit: impl FnOnce(&Fixture)) {
        self.step_many(&[path], expected_scope, edit);
    }

    /// The same for a burst of changes to several paths.
    fn step_many(&mut self, paths: &[&str], expected_scope: &str, edit: impl FnOnce(&Fixture)) {
        edit(&self.f);
        let path = paths.join(" + ");
        let abs: Vec<_> = paths.iter().map(|p| self.project.root().join(p)).collect();
        let report = self.project.rebuild(&abs).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(report.scope, expected_scope, "{path}");
        let fresh = tempfile::tempdir().unwrap();
        let opts = BuildOptions {
            output: Some(fresh.path().join("out")),
            ..BuildOptions::new(self.f.root())
        };
        dossier::build(&opts).unwrap();
        let got = snapshot(self.project.output());
        let want = snapshot(&fresh.path().join("out"));
        let names =
            |s: &[(std::path::PathBuf, Vec<u8>)]| s.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>();
        assert_eq!(names(&got), names(&want), "after editing {path}: the same files");
        for ((p, a), (_, b)) in got.iter().zip(&want) {
            assert!(
                a == b,
                "after editing {path}: {} differs:\n--- incremental\n{}\n--- full\n{}",
                p.display(),
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            );
        }
    }
}

#[test]
fn incremental_equals_full_after_a_sequence_of_edits() {
    let mut h = Harness::new();
    h.step("content/explainers/a.md", "page", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A\nweight: 1\n---\nAlpha body, edited. See [b](b.md).\n",
        );
    });
    h.step("content/explainers/a.md", "page", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A\nweight: 1\nupdates:\n  - date: 2024-07-15\n    kind: correction\n    text: Fixed a figure.\n---\nAlpha body, edited. See [b](b.md).\n",
        );
    });
    h.step("content/explainers/b.md", "listing", |f| {
        f.write(
            "content/explainers/b.md",
            "---\ntitle: B renamed\nweight: 2\n---\nBeta body.\n",
        );
    });
    h.step("content/explainers/b.md", "listing", |f| {
        // Now sorts before a: the neighbours of both change.
        f.write(
            "content/explainers/b.md",
            "---\ntitle: B renamed\nweight: 0\n---\nBeta body.\n",
        );
    });
    h.step("content/explainers/b.md", "listing", |f| {
        f.write(
            "content/explainers/b.md",
            "---\ntitle: B renamed\nweight: 0\nevents:\n  - title: Talks\n    date: 2024-05\n    category: strike\n    related: [\"@/explainers/a.md\"]\n---\nBeta body.\n",
        );
    });
    h.step("content/explainers/a.md", "listing", |f| {
        // a's title shows on b, through the event they share.
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A retitled\nweight: 1\n---\nAlpha body, edited. See [b](b.md).\n",
        );
    });
    h.step("content/explainers/b.md", "listing", |f| {
        f.write(
            "content/explainers/b.md",
            "---\ntitle: B renamed\nweight: 0\n---\nBeta body.\n",
        );
    });
    h.step("content/explainers/c.md", "content", |f| {
        f.write("content/explainers/c.md", "---\ntitle: C\nweight: 0\n---\nNew page.\n");
    });
    h.step("content/explainers/c.md", "content", |f| {
        f.remove("content/explainers/c.md")
    });
    h.step("content/timeline/e.md", "content", |f| {
        f.write(
            "content/timeline/e.md",
            "---\ntitle: Strike\ndate: 2024-06-03\ncategory: strike\nrelated: [\"@/explainers/b.md\"]\n---\nMoved.\n",
        );
    });
    h.step("templates/page.html", "templates", |f| {
        f.write(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block body %}<article>{{ page.content | safe }}</article>{% endblock %}",
        );
    });
    h.step("static/site.css", "static", |f| {
        f.write("static/site.css", "a{color:red}");
    });
    h.step("site.yaml", "full", |f| {
        f.write("site.yaml", "title: Renamed\nbase_url: https://t.example\ntimeline:\n  categories:\n    - id: strike\n      label: Strike\n      colour: \"#b3261e\"\n");
    });
    h.step("content/explainers/a.md", "page", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A retitled\nweight: 1\ntags: [x]\n---\nAlpha body, edited again. See [b](b.md).\n",
        );
    });
    // An alias: a redirect page and `_redirects` appear, then go.
    h.step("content/explainers/a.md", "content", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A retitled\nweight: 1\naliases: [/old/a/]\n---\nAlpha body, edited again. See [b](b.md).\n",
        );
    });
    h.step("content/explainers/a.md", "listing", |f| {
        // Its title shows on the redirect page.
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A with an alias\nweight: 1\naliases: [/old/a/]\n---\nAlpha body, edited again. See [b](b.md).\n",
        );
    });
    h.step("content/explainers/a.md", "content", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A with an alias\nweight: 1\n---\nAlpha body, edited again. See [b](b.md).\n",
        );
    });
    // The site's own robots.txt stands in for the built one, and back.
    h.step("static/robots.txt", "static", |f| {
        f.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    });
    h.step("static/robots.txt", "static", |f| f.remove("static/robots.txt"));
}

#[test]
fn share_cards_follow_titles_categories_and_images() {
    let f = site();
    f.write(
        "content/explainers/_index.md",
        "---\ntitle: Explainers\ncards: true\n---\nIntro.\n",
    );
    let mut h = Harness::on(f);
    h.step("content/explainers/b.md", "listing", |f| {
        // A new title: a new card.
        f.write(
            "content/explainers/b.md",
            "---\ntitle: B retitled\nweight: 2\n---\nBeta body.\n",
        );
    });
    h.step("content/timeline/e.md", "content", |f| {
        // Its event's category goes: a's card loses its colour.
        f.write(
            "content/timeline/e.md",
            "---\ntitle: Strike\ndate: 2024-06\nrelated: [\"@/explainers/a.md\"]\n---\nAn event.\n",
        );
    });
    h.step("content/explainers/a.md", "content", |f| {
        // Its own image: no card for it.
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A\nweight: 1\nimage: /img/a.png\n---\nAlpha body. See [b](b.md).\n",
        );
    });
    h.step("content/explainers/a.md", "page", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A\nweight: 1\nimage: /img/a2.png\nimage_alt: A chart\n---\nAlpha body. See [b](b.md).\n",
        );
    });
    // The section's intro is not on its pages, nor on their cards.
    h.f.write(
        "content/explainers/_index.md",
        "---\ntitle: Explainers\ncards: true\n---\nNew intro.\n",
    );
    let report = h
        .project
        .rebuild(&[h.project.root().join("content/explainers/_index.md")])
        .unwrap();
    assert_eq!(report.rendered, ["explainers/index.html"], "{report:?}");
    h.step("content/explainers/_index.md", "content", |f| {
        f.write("content/explainers/_index.md", "---\ntitle: Explainers\n---\nIntro.\n");
    });
    h.step("site.yaml", "full", |f| {
        f.write("site.yaml", "title: T renamed\nbase_url: https://t.example\n");
    });
}

#[test]
fn a_bad_edit_fails_keeps_the_output_and_the_fix_recovers() {
    let mut h = Harness::new();
    let before = snapshot(h.project.output());
    h.f.write("content/explainers/a.md", "---\ntitle: [broken\n---\n");
    let err = h
        .project
        .rebuild(&[h.project.root().join("content/explainers/a.md")])
        .unwrap_err();
    assert!(err.to_string().contains("content/explainers/a.md:2:"), "{err}");
    assert_eq!(snapshot(h.project.output()), before, "a failed rebuild writes nothing");
    h.step("content/explainers/a.md", "full", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A fixed\nweight: 1\n---\nBack.\n",
        );
    });
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let mut h = Harness::new();
    let report = h
        .project
        .rebuild(&[h.project.root().join("content/explainers/b.md")])
        .unwrap();
    assert!(report.written.is_empty(), "{:?}", report.written);
    h.f.write(
        "content/explainers/a.md",
        "---\ntitle: A\nweight: 1\n---\nAlpha body changed. See [b](b.md).\n",
    );
    let report = h
        .project
        .rebuild(&[h.project.root().join("content/explainers/a.md")])
        .unwrap();
    assert_eq!(report.written, ["explainers/a/index.html"]);
}

#[test]
fn pages_that_read_other_pages_through_functions_are_rendered_again() {
    let mut h = Harness::new();
    h.step("templates/page.html", "templates", |f| {
        f.write(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block body %}{% for e in timeline_events() %}{{ e.title }}{% for r in e.related %}[{{ r.title }}]{% endfor %}{% endfor %}{{ page.content | safe }}{% endblock %}",
        );
    });
    h.step("content/explainers/a.md", "listing", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A is now shown everywhere\nweight: 1\n---\nAlpha body. See [b](b.md).\n",
        );
    });
}

#[test]
fn a_function_read_re_renders_exactly_the_outputs_that_made_it() {
    let mut h = Harness::new();
    // Only the home page looks up b, through get_page.
    h.step("templates/index.html", "templates", |f| {
        f.write(
            "templates/index.html",
            "{% extends \"base.html\" %}{% block body %}{% set b = get_page(path=\"@/explainers/b.md\") %}<p>{{ b.title }}</p>{% endblock %}",
        );
    });
    // b's body is not part of what get_page gives: b alone is rendered.
    h.f.write(
        "content/explainers/b.md",
        "---\ntitle: B\nweight: 2\n---\nBeta body, longer.\n",
    );
    let report = h
        .project
        .rebuild(&[h.project.root().join("content/explainers/b.md")])
        .unwrap();
    assert_eq!(report.rendered, ["explainers/b/index.html"]);
    // b's title is: the home page (which read it), the section listing and
    // b's neighbour a, with the feeds.
    h.f.write(
        "content/explainers/b.md",
        "---\ntitle: B retitled\nweight: 2\n---\nBeta body, longer.\n",
    );
    let report = h
        .project
        .rebuild(&[h.project.root().join("content/explainers/b.md")])
        .unwrap();
    assert_eq!(
        report.rendered,
        [
            "atom.xml",
            "explainers/a/index.html",
            "explainers/b/index.html",
            "explainers/index.html",
            "index.html",
            "sitemap.xml"
        ]
    );
}

#[test]
fn the_first_event_and_the_last_change_every_page() {
    let f = site();
    f.remove("content/timeline/e.md");
    let mut h = Harness::on(f);
    h.step("content/explainers/a.md", "listing", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A\nweight: 1\nevents:\n  - title: First\n    date: 2024\n---\nAlpha body. See [b](b.md).\n",
        );
    });
    h.step("content/explainers/a.md", "listing", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A\nweight: 1\n---\nAlpha body. See [b](b.md).\n",
        );
    });
}

#[test]
fn bursts_that_touch_several_areas() {
    let mut h = Harness::new();
    h.step_many(&["templates/page.html", "content/explainers/a.md"], "content", |f| {
        f.write(
            "templates/page.html",
            "{% extends \"base.html\" %}{% block body %}<main>{{ page.title }}</main>{% endblock %}",
        );
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A in a burst\nweight: 1\n---\nAlpha. See [b](b.md).\n",
        );
    });
    h.step_many(&["content/explainers/b.md", "static/site.css"], "content", |f| {
        f.write(
            "content/explainers/b.md",
            "---\ntitle: B\nweight: 2\n---\nBeta, once more.\n",
        );
        f.write("static/site.css", "a{color:blue}");
    });
}

#[test]
fn event_sources_and_ids_reach_every_page_that_shows_them() {
    let f = site();
    f.write("content/other/_index.md", "---\ntitle: Other\n---\n");
    f.write(
        "content/other/q.md",
        "---\ntitle: Q\nevents:\n  - title: Talks\n    date: 2024-05\n    sources: [s]\nsources:\n  - id: s\n    title: Old title\n---\nQ.\n",
    );
    let mut h = Harness::on(f);
    // The page's source, as its event shows it on the timeline.
    h.step("content/other/q.md", "listing", |f| {
        f.write(
            "content/other/q.md",
            "---\ntitle: Q\nevents:\n  - title: Talks\n    date: 2024-05\n    sources: [s]\nsources:\n  - id: s\n    title: New title\n---\nQ.\n",
        );
    });
    // An event with the same date and title elsewhere renumbers q's event id.
    h.step("content/explainers/a.md", "listing", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A\nweight: 1\nevents:\n  - title: Talks\n    date: 2024-05\n---\nAlpha body. See [b](b.md).\n",
        );
    });
}

#[test]
fn shortcodes_are_rendered_again_when_what_they_read_changes() {
    let mut h = Harness::new();
    h.step_many(
        &[
            "templates/shortcodes/chart.html",
            "templates/shortcodes/timeline.html",
            "content/explainers/a.md",
            "content/explainers/a.csv",
            "content/explainers/b.md",
        ],
        // Shortcode templates change how pages convert: read again in full.
        "full",
        |f| {
            f.write(
                "templates/shortcodes/chart.html",
                "<div class=\"c\">{{ rows | length }} rows</div>",
            );
            f.write(
                "templates/shortcodes/timeline.html",
                "<ul>{% for e in events %}<li>{{ e.title }}</li>{% endfor %}</ul>",
            );
            f.write("content/explainers/a.csv", "k,v\nx,1\n");
            f.write(
                "content/explainers/a.md",
                "---\ntitle: A\nweight: 1\n---\n{{ chart(data=\"a.csv\", title=\"T\") }}\n\nSee [b](b.md).\n",
            );
            f.write(
                "content/explainers/b.md",
                "---\ntitle: B\nweight: 2\n---\n{{ timeline(category=\"strike\") }}\n",
            );
        },
    );
    assert!(h.f.read("served/explainers/a/index.html").contains("1 rows"));
    // The data file changes: the page that charts it, alone.
    h.f.write("content/explainers/a.csv", "k,v\nx,1\ny,2\n");
    let report = h
        .project
        .rebuild(&[h.project.root().join("content/explainers/a.csv")])
        .unwrap();
    assert_eq!(report.rendered, ["explainers/a/index.html"], "{report:?}");
    assert!(h.f.read("served/explainers/a/index.html").contains("2 rows"));
    // An event of a's changes: b, which lists the events, is rendered again too.
    h.step("content/explainers/a.md", "listing", |f| {
        f.write(
            "content/explainers/a.md",
            "---\ntitle: A\nweight: 1\nevents:\n  - title: Walkout\n    date: 2024-08\n    category: strike\n---\n{{ chart(data=\"a.csv\", title=\"T\") }}\n\nSee [b](b.md).\n",
        );
    });
    assert!(h.f.read("served/explainers/b/index.html").contains("<li>Walkout</li>"));
    // A data file removed: the page's error, and nothing half-written.
    h.f.remove("content/explainers/a.csv");
    let err = h
        .project
        .rebuild(&[h.project.root().join("content/explainers/a.csv")])
        .unwrap_err();
    assert!(err.to_string().contains("`a.csv` does not exist"), "{err}");
}

/// A PNG of `w` x `h` pixels, all of one colour.
fn png(w: u32, h: u32, grey: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut enc = png::Encoder::new(&mut bytes, w, h);
    enc.set_color(png::ColorType::Grayscale);
    let mut writer = enc.write_header().unwrap();
    writer.write_image_data(&vec![grey; (w * h) as usize]).unwrap();
    writer.finish().unwrap();
    bytes
}

#[test]
fn a_figure_is_rendered_again_when_its_image_under_static_changes() {
    let mut h = Harness::new();
    h.step_many(
        &[
            "templates/shortcodes/figure.html",
            "static/img/a.png",
            "content/explainers/b.md",
        ],
        "full",
        |f| {
            f.write(
                "templates/shortcodes/figure.html",
                "<img src=\"{{ src }}\" srcset=\"{{ srcset }}\" alt=\"{{ alt }}\">",
            );
            f.write_bytes("static/img/a.png", &png(600, 300, 10));
            f.write(
                "content/explainers/b.md",
                "---\ntitle: B\nweight: 2\n---\n{{ figure(src=\"/img/a.png\", alt=\"Grey\") }}\n",
            );
        },
    );
    let before = h.f.read("served/explainers/b/index.html");
    h.f.write_bytes("static/img/a.png", &png(600, 300, 200));
    let report = h.project.rebuild(&[h.project.root().join("static/img/a.png")]).unwrap();
    assert_eq!(report.rendered, ["explainers/b/index.html"], "{report:?}");
    let after = h.f.read("served/explainers/b/index.html");
    assert_ne!(before, after, "new variants, new names");
    // The new variants are in the output, the old ones gone.
    let srcs: Vec<&str> = after
        .split("srcset=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .split(", ")
        .collect();
    for s in &srcs {
        let file = s.split(' ').next().unwrap().trim_start_matches('/');
        assert!(h.f.exists(&format!("served/{file}")), "{file}");
    }
    let old = before
        .split("srcset=\"")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .trim_start_matches('/');
    assert!(!h.f.exists(&format!("served/{old}")), "{old} is gone");
}
