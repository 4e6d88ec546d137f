#!/usr/bin/env python3
# Copied from the project's shared benchmark files, unchanged apart from this comment
# (../shared/bench/gen_corpus.py, described in ../shared/bench/README.md),
# so that the benchmarks in bench/ run from a clone alone. Keep it identical
# in behaviour to that file: the same seed must give the same corpus, or
# figures stop being comparable with the shared reference figures.
"""Deterministic synthetic corpus of "explainer" pages for SSG benchmarks.

Usage:
    gen_corpus.py --flavor {hugo,zola,generic} -n N --out DIR [--seed S]

Every flavour gets byte-identical Markdown bodies (same seed => same corpus);
only front matter layout, config and templates differ:

  hugo    : hugo.toml, content/_index.md, content/*.md (YAML `---` front
            matter), layouts/_default/{baseof,single,list}.html
  zola    : config.toml, content/_index.md, content/*.md (YAML `---` front
            matter, accepted by Zola >= 0.18), templates/{base,index,section,page}.html
  generic : content/*.md with YAML front matter only (input for our own SSG)

Pages: title, date (2022-01-01 .. 2025-12-31), 2 tags out of 10, summary,
body of ~600-1200 words with headings, lists, links, emphasis, a blockquote
and a table.  Output sizes / ordering do not depend on the flavour.
"""
import argparse
import datetime as dt
import json
import os
import random
import shutil

WORDS = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud "
    "exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure "
    "in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint "
    "occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est "
    "laborum signal entropy vector kernel cache latency buffer thread packet lattice "
    "gradient tensor orbit photon enzyme protein market ledger carbon glacier tide "
    "harbor canal bridge lantern compass archive theorem proof prism circuit"
).split()

TAGS = ["physics", "biology", "economics", "history", "computing",
        "climate", "math", "chemistry", "astronomy", "engineering"]

DATE0 = dt.date(2022, 1, 1)
NDAYS = (dt.date(2025, 12, 31) - DATE0).days + 1


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def sentence(rng, lo=8, hi=18):
    s = words(rng, rng.randint(lo, hi))
    return s[0].upper() + s[1:] + "."


def rich_sentence(rng, page_idx):
    """A sentence with some inline markup (emphasis, strong, link, code)."""
    ws = [rng.choice(WORDS) for _ in range(rng.randint(10, 20))]
    k = rng.random()
    i = rng.randrange(len(ws))
    if k < 0.25:
        ws[i] = "*" + ws[i] + "*"
    elif k < 0.45:
        ws[i] = "**" + ws[i] + "**"
    elif k < 0.70:
        ws[i] = "[%s](https://example.org/ref/%d/%s)" % (ws[i], page_idx, ws[i])
    elif k < 0.80:
        ws[i] = "`" + ws[i] + "`"
    s = " ".join(ws)
    return s[0].upper() + s[1:] + "."


def paragraph(rng, page_idx):
    return " ".join(rich_sentence(rng, page_idx) for _ in range(rng.randint(3, 6)))


def count_words(md):
    return len(md.split())


def make_body(rng, page_idx):
    target = rng.randint(600, 1200)
    parts = [paragraph(rng, page_idx)]
    # fixed elements, placed in early sections
    sec = 0
    extras = ["ul", "quote", "table", "ol"]
    while count_words("\n\n".join(parts)) < target:
        sec += 1
        parts.append("## %s" % sentence(rng, 2, 5).rstrip(".").title())
        parts.append(paragraph(rng, page_idx))
        if extras:
            kind = extras.pop(0)
            if kind == "ul":
                parts.append("\n".join("- " + words(rng, rng.randint(3, 9))
                                       + (" *" + rng.choice(WORDS) + "*" if rng.random() < 0.3 else "")
                                       for _ in range(rng.randint(3, 6))))
            elif kind == "ol":
                parts.append("\n".join("%d. %s" % (j + 1, words(rng, rng.randint(3, 9)))
                                       for j in range(rng.randint(3, 6))))
            elif kind == "quote":
                parts.append("> " + sentence(rng, 12, 24) + "\n>\n> -- *" + words(rng, 2).title() + "*")
            elif kind == "table":
                rows = ["| Quantity | Value | Note |", "|---|---:|---|"]
                for _ in range(rng.randint(3, 6)):
                    rows.append("| %s | %d.%02d | %s |" % (
                        rng.choice(WORDS), rng.randint(0, 999), rng.randint(0, 99),
                        words(rng, rng.randint(2, 5))))
                parts.append("\n".join(rows))
        if rng.random() < 0.4:
            parts.append("### " + sentence(rng, 2, 4).rstrip(".").title())
            parts.append(paragraph(rng, page_idx))
    return "\n\n".join(parts) + "\n"


def make_page(seed, i):
    rng = random.Random("%d-%d" % (seed, i))
    title = "Explainer %d: %s" % (i, sentence(rng, 2, 5).rstrip(".").title())
    date = DATE0 + dt.timedelta(days=rng.randrange(NDAYS))
    tags = rng.sample(TAGS, 2)
    summary = sentence(rng, 12, 24)
    body = make_body(rng, i)
    return dict(slug="explainer-%05d" % i, title=title, date=date.isoformat(),
                tags=tags, summary=summary, body=body)


def q(s):
    # JSON strings (ASCII) are valid YAML double-quoted scalars
    return json.dumps(s)


def front_matter(p, flavor):
    tags = "[" + ", ".join(p["tags"]) + "]"
    if flavor == "zola":
        return ("---\ntitle: %s\ndate: %s\ndescription: %s\ntaxonomies:\n  tags: %s\n---\n"
                % (q(p["title"]), p["date"], q(p["summary"]), tags))
    return ("---\ntitle: %s\ndate: %s\ntags: %s\nsummary: %s\n---\n"
            % (q(p["title"]), p["date"], tags, q(p["summary"])))


HUGO_CONFIG = """baseURL = "http://example.org/"
title = "Explainers"
languageCode = "en"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
enableRobotsTXT = false
disableHugoGeneratorInject = true

# match Zola defaults: no smart punctuation
[markup.goldmark.extensions]
typographer = false
"""

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ block "title" . }}{{ .Site.Title }}{{ end }}</title></head>
<body>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "title" }}{{ .Title }}{{ end }}
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>
<ul class="tags">{{ range .Params.tags }}<li>{{ . }}</li>{{ end }}</ul>
<p class="summary">{{ .Params.summary }}</p>
{{ .Content }}
</article>
{{ end }}
"""

HUGO_LIST = """{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul>
{{ range .RegularPages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}</ul>
{{ end }}
"""

ZOLA_CONFIG = """base_url = "http://example.org"
title = "Explainers"
compile_sass = false
minify_html = false
build_search_index = false
generate_feeds = false
generate_sitemap = false
generate_robots_txt = false
taxonomies = [{ name = "tags", render = false }]
"""

ZOLA_BASE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock title %}</title></head>
<body>
<main>
{% block main %}{% endblock main %}
</main>
</body>
</html>
"""

ZOLA_PAGE = """{% extends "base.html" %}
{% block title %}{{ page.title }}{% endblock title %}
{% block main %}
<article>
<h1>{{ page.title }}</h1>
<time datetime="{{ page.date | date(format="%Y-%m-%d") }}">{{ page.date | date(format="%Y-%m-%d") }}</time>
<ul class="tags">{% for t in page.taxonomies.tags %}<li>{{ t }}</li>{% endfor %}</ul>
<p class="summary">{{ page.description }}</p>
{{ page.content | safe }}
</article>
{% endblock main %}
"""

ZOLA_SECTION = """{% extends "base.html" %}
{% block main %}
<h1>{{ config.title }}</h1>
<ul>
{% for p in section.pages %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a> <time>{{ p.date | date(format="%Y-%m-%d") }}</time></li>
{% endfor %}</ul>
{% endblock main %}
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flavor", required=True, choices=["hugo", "zola", "generic"])
    ap.add_argument("-n", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--bodies", help="also write all bodies concatenated to this file")
    a = ap.parse_args()

    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    c = os.path.join(a.out, "content")
    os.makedirs(c)
    if a.flavor == "hugo":
        write(os.path.join(a.out, "hugo.toml"), HUGO_CONFIG)
        write(os.path.join(c, "_index.md"), "---\ntitle: \"Explainers\"\n---\n")
        lay = os.path.join(a.out, "layouts", "_default")
        write(os.path.join(lay, "baseof.html"), HUGO_BASEOF)
        write(os.path.join(lay, "single.html"), HUGO_SINGLE)
        write(os.path.join(lay, "list.html"), HUGO_LIST)
    elif a.flavor == "zola":
        write(os.path.join(a.out, "config.toml"), ZOLA_CONFIG)
        write(os.path.join(c, "_index.md"), "+++\ntitle = \"Explainers\"\nsort_by = \"date\"\n+++\n")
        t = os.path.join(a.out, "templates")
        write(os.path.join(t, "base.html"), ZOLA_BASE)
        write(os.path.join(t, "page.html"), ZOLA_PAGE)
        write(os.path.join(t, "section.html"), ZOLA_SECTION)
        write(os.path.join(t, "index.html"), ZOLA_SECTION)

    bodies = open(a.bodies, "w", encoding="utf-8", newline="\n") if a.bodies else None
    total_words = 0
    for i in range(1, a.n + 1):
        p = make_page(a.seed, i)
        total_words += count_words(p["body"])
        write(os.path.join(c, p["slug"] + ".md"), front_matter(p, a.flavor) + "\n" + p["body"])
        if bodies:
            bodies.write(p["body"] + "\n")
    if bodies:
        bodies.close()
    print("wrote %d %s pages to %s (%d body words, avg %.0f)"
          % (a.n, a.flavor, a.out, total_words, total_words / max(a.n, 1)))


if __name__ == "__main__":
    main()
