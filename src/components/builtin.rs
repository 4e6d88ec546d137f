//! The theme's own shortcodes: which arguments each takes, and what it
//! shows besides them (a person's name and page, the events of the site,
//! a resized image, a chart). A site can restyle any of them with its own
//! `templates/shortcodes/<name>.html`; the arguments stay checked.

use tera::Context;

use super::{Components, Found, Scope};
use crate::date::PartialDate;
use crate::error::suggest;
use crate::model::Uses;
use crate::render::functions::EventQuery;
use crate::shortcode::{Arg, Shortcode, Value};

/// What an argument must hold.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Text,
    Bool,
    Number,
    /// A list of rows, each a list of values (`rows=[["Scotland", 12.4]]`).
    Rows,
    /// Text or a list of texts (`y="rise"` or `y=["2023", "2024"]`).
    TextOrList,
}

pub(crate) struct Param {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
}

const fn req(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        required: true,
    }
}

const fn opt(name: &'static str, kind: Kind) -> Param {
    Param {
        name,
        kind,
        required: false,
    }
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Body {
    Required,
    Forbidden,
}

type Prepare = fn(&Components, &Shortcode, Scope, &mut Uses, &mut Context) -> Result<(), Vec<Found>>;

pub(crate) struct Spec {
    pub(crate) name: &'static str,
    pub(crate) params: &'static [Param],
    pub(crate) body: Body,
    /// An example, for hints.
    pub(crate) example: &'static str,
    pub(crate) prepare: Prepare,
}

use Kind::*;

pub(crate) const SPECS: &[Spec] = &[
    Spec {
        name: "figure",
        params: &[
            req("src", Text),
            opt("alt", Text),
            opt("decorative", Bool),
            opt("caption", Text),
            opt("credit", Text),
            opt("link", Text),
        ],
        body: Body::Forbidden,
        example: r#"{{ figure(src="ward.jpg", alt="A hospital ward", caption="...", credit="...") }}"#,
        prepare: super::figure::prepare,
    },
    Spec {
        name: "chart",
        params: &[
            req("title", Text),
            opt("type", Text),
            opt("data", Text),
            opt("rows", Rows),
            opt("columns", TextOrList),
            opt("x", Text),
            opt("y", TextOrList),
            opt("x_label", Text),
            opt("y_label", Text),
            opt("unit", Text),
            opt("source", Text),
            opt("caption", Text),
        ],
        body: Body::Forbidden,
        example: r#"{{ chart(type="bar", data="pay.csv", x="nation", y="rise", title="...", unit="%") }}"#,
        prepare: super::chart::prepare,
    },
    Spec {
        name: "callout",
        params: &[opt("kind", Text), opt("title", Text)],
        body: Body::Required,
        example: r#"{% callout(kind="unknown") %}What we do not know yet.{% end %}"#,
        prepare: callout,
    },
    Spec {
        name: "pullquote",
        params: &[req("person", Text), opt("source", Text), opt("note", Text)],
        body: Body::Required,
        example: r#"{% pullquote(person="bma", source="mirror-2024-07") %}The words, exactly.{% end %}"#,
        prepare: pullquote,
    },
    Spec {
        name: "timeline",
        params: &[
            opt("category", Text),
            opt("actor", Text),
            opt("page", Text),
            opt("from", Text),
            opt("to", Text),
            opt("limit", Number),
            opt("title", Text),
        ],
        body: Body::Forbidden,
        example: r#"{{ timeline(category="strike", from="2023", to="2024-06") }}"#,
        prepare: timeline,
    },
    Spec {
        name: "person",
        params: &[req("id", Text), opt("name", Text)],
        body: Body::Forbidden,
        example: r#"{{ person(id="streeting") }}"#,
        prepare: person,
    },
    Spec {
        name: "figure_value",
        params: &[req("value", Text), opt("label", Text), opt("source", Text)],
        body: Body::Forbidden,
        example: r#"{{ figure_value(value="35%", label="the rise the BMA asks for", source="bbc-2024") }}"#,
        prepare: figure_value,
    },
];

/// The built-in shortcode `name`, if it is one.
pub(crate) fn spec(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}

impl Spec {
    /// Every argument known and of its kind, every required one there, a
    /// body where one is needed: one problem per mistake.
    pub(crate) fn check(&self, sc: &Shortcode) -> Result<(), Vec<Found>> {
        let mut found = Vec::new();
        let names = || self.params.iter().map(|p| p.name);
        for arg in &sc.args {
            match self.params.iter().find(|p| p.name == arg.name) {
                None => found.push((
                    arg.name_span.start,
                    format!("`{}` takes no argument `{}`", self.name, arg.name),
                    suggest(
                        &arg.name,
                        names(),
                        &format!("it takes {}", names().collect::<Vec<_>>().join(", ")),
                    ),
                )),
                Some(p) if !fits(p.kind, &arg.value) => found.push((
                    arg.value_span.start,
                    format!("`{}` of `{}` must be {}", arg.name, self.name, describe(p.kind)),
                    format!("for example: {}", self.example),
                )),
                Some(_) => {}
            }
        }
        // A misspelt argument is one mistake: not also a missing one.
        let misspelt = |name: &str| {
            (sc.args.iter())
                .any(|a| !names().any(|n| n == a.name) && crate::error::did_you_mean(&a.name, names()) == Some(name))
        };
        for p in self.params.iter().filter(|p| p.required) {
            if !sc.args.iter().any(|a| a.name == p.name) && !misspelt(p.name) {
                found.push((
                    sc.name_span.start,
                    format!("`{}` needs `{}`", self.name, p.name),
                    format!("for example: {}", self.example),
                ));
            }
        }
        match (self.body, &sc.body) {
            (Body::Required, None) => found.push((
                sc.name_span.start,
                format!(
                    "`{}` needs a body, between `{{% {}(...) %}}` and `{{% end %}}`",
                    self.name, self.name
                ),
                format!("for example: {}", self.example),
            )),
            (Body::Forbidden, Some(_)) => found.push((
                sc.name_span.start,
                format!("`{}` takes no body", self.name),
                format!("write it inline: {}", self.example),
            )),
            _ => {}
        }
        if found.is_empty() { Ok(()) } else { Err(found) }
    }
}

fn fits(kind: Kind, value: &Value) -> bool {
    match (kind, value) {
        (Text, Value::Str(_)) | (Bool, Value::Bool(_)) => true,
        (Number, Value::Int(_) | Value::Float(_)) => true,
        (TextOrList, Value::Str(_)) => true,
        (TextOrList, Value::Array(items)) => items.iter().all(|i| matches!(i, Value::Str(_))),
        (Rows, Value::Array(rows)) => rows.iter().all(|r| matches!(r, Value::Array(_))),
        _ => false,
    }
}

fn describe(kind: Kind) -> &'static str {
    match kind {
        Text => "text in quotes",
        Bool => "true or false",
        Number => "a number",
        Rows => "a list of rows, e.g. [[\"Scotland\", 12.4], [\"Wales\", 12.4]]",
        TextOrList => "text in quotes or a list of texts",
    }
}

/// The argument `name`, if given.
pub(crate) fn arg<'a>(sc: &'a Shortcode, name: &str) -> Option<&'a Arg> {
    sc.args.iter().find(|a| a.name == name)
}

/// The text of argument `name`, if given as text.
pub(crate) fn text<'a>(sc: &'a Shortcode, name: &str) -> Option<&'a str> {
    match arg(sc, name).map(|a| &a.value) {
        Some(Value::Str(s)) => Some(s),
        _ => None,
    }
}

/// A problem with the value of argument `name` (which is there).
pub(crate) fn bad(sc: &Shortcode, name: &str, message: String, hint: String) -> Found {
    let offset = arg(sc, name).map_or(sc.name_span.start, |a| a.value_span.start);
    (offset, message, hint)
}

fn callout(_: &Components, sc: &Shortcode, _: Scope, _: &mut Uses, ctx: &mut Context) -> Result<(), Vec<Found>> {
    const KINDS: [&str; 3] = ["note", "warning", "unknown"];
    let kind = text(sc, "kind").unwrap_or("note");
    if !KINDS.contains(&kind) {
        return Err(vec![bad(
            sc,
            "kind",
            format!("a callout's kind is note, warning or unknown (\"what we don't know\"), not `{kind}`"),
            suggest(kind, KINDS, "leave `kind` out for a note"),
        )]);
    }
    ctx.insert("kind", kind);
    Ok(())
}

/// A person of `site.yaml`'s `people:`, as templates see them, with their page.
fn person_value(c: &Components, sc: &Shortcode, name: &str) -> Result<serde_json::Value, Found> {
    let id = text(sc, name).unwrap_or_default();
    let people = &c.site.config.people;
    let Some(p) = c.site.config.person(id) else {
        return Err(bad(
            sc,
            name,
            format!("unknown person `{id}`"),
            suggest(
                id,
                people.iter().map(|p| p.id.as_str()),
                "people are listed under `people:` in site.yaml",
            ),
        ));
    };
    Ok(serde_json::json!({
        "id": p.id,
        "name": p.name,
        "role": p.role,
        "kind": p.kind,
        "url": c.site.person_url(&p.id),
    }))
}

/// The citation mark for source `name` of the page: `[n]`, linked.
fn citation(sc: &Shortcode, scope: Scope, name: &str) -> Result<String, Found> {
    let Some(id) = text(sc, name) else {
        return Ok(String::new());
    };
    match scope.refs.sources.iter().position(|s| s == id) {
        Some(n) => Ok(crate::markdown::citation(n + 1)),
        None => Err(bad(
            sc,
            name,
            format!("`{id}` is not a source of this page"),
            suggest(
                id,
                scope.refs.sources.iter().map(String::as_str),
                "add it to the page's `sources:` list, or fix the id",
            ),
        )),
    }
}

fn pullquote(c: &Components, sc: &Shortcode, scope: Scope, _: &mut Uses, ctx: &mut Context) -> Result<(), Vec<Found>> {
    let person = person_value(c, sc, "person");
    let cite = citation(sc, scope, "source");
    let (person, cite) = both(person, cite)?;
    ctx.insert("person", &person);
    ctx.insert("cite", &cite);
    Ok(())
}

fn person(c: &Components, sc: &Shortcode, _: Scope, _: &mut Uses, ctx: &mut Context) -> Result<(), Vec<Found>> {
    let person = person_value(c, sc, "id").map_err(|f| vec![f])?;
    ctx.insert("person", &person);
    Ok(())
}

fn figure_value(
    _: &Components,
    sc: &Shortcode,
    scope: Scope,
    _: &mut Uses,
    ctx: &mut Context,
) -> Result<(), Vec<Found>> {
    let cite = citation(sc, scope, "source").map_err(|f| vec![f])?;
    ctx.insert("cite", &cite);
    Ok(())
}

fn timeline(c: &Components, sc: &Shortcode, _: Scope, uses: &mut Uses, ctx: &mut Context) -> Result<(), Vec<Found>> {
    uses.events = true;
    let site = c.site;
    let mut found = Vec::new();
    let mut query = EventQuery::default();
    if let Some(cat) = text(sc, "category") {
        if site.config.category(cat).is_none() {
            let ids = site.config.timeline.categories.iter().map(|c| c.id.as_str());
            found.push(bad(
                sc,
                "category",
                format!("unknown category `{cat}`"),
                suggest(cat, ids, "categories are listed under `categories:` in site.yaml"),
            ));
        }
        query.category = Some(cat.to_string());
    }
    if arg(sc, "actor").is_some() {
        match person_value(c, sc, "actor") {
            Ok(_) => query.actor = text(sc, "actor").map(str::to_string),
            Err(f) => found.push(f),
        }
    }
    if let Some(page) = text(sc, "page") {
        match site.links.resolve("", page.trim_start_matches("@/")) {
            Some(url) => query.related = Some(site.url(&url)),
            None => found.push(bad(
                sc,
                "page",
                format!("no page `{page}` in content/"),
                "name the page by its file under content/, e.g. `explainers/cost.md`".into(),
            )),
        }
    }
    for (name, slot) in [("from", &mut query.from), ("to", &mut query.to)] {
        if let Some(t) = text(sc, name) {
            match t.parse::<PartialDate>() {
                Ok(d) => *slot = Some(d),
                Err(e) => found.push(bad(
                    sc,
                    name,
                    format!("`{name}`: {e}"),
                    "write a date as 2024, 2024-07 or 2024-07-05".into(),
                )),
            }
        }
    }
    if !found.is_empty() {
        return Err(found);
    }
    let limit = match arg(sc, "limit").map(|a| &a.value) {
        Some(Value::Int(n)) => usize::try_from(*n).unwrap_or(0),
        Some(Value::Float(f)) if *f >= 0.0 => *f as usize,
        _ => usize::MAX,
    };
    let events: Vec<_> = (c.events().iter()).filter(|e| query.matches(e)).take(limit).collect();
    ctx.insert("events", &events);
    ctx.insert("timeline_url", &site.url(crate::model::TIMELINE_URL));
    Ok(())
}

/// Both results, or the problems of either.
fn both<A, B>(a: Result<A, Found>, b: Result<B, Found>) -> Result<(A, B), Vec<Found>> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err(a.err().into_iter().chain(b.err()).collect()),
    }
}
