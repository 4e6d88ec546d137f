//! dossier: a static site generator for explainer pages.
//!
//! The pipeline ([`pipeline`]), stage by stage, each a module that fills in
//! or reads the one site model ([`model::Site`]):
//!
//! 1. [`config`]: `site.yaml` -> [`config::Config`]
//! 2. [`content`]: `content/` -> the site's sections, pages, assets and events as written
//! 3. [`convert`] (with [`markdown`]): each page's Markdown -> HTML, table of contents, summary
//! 4. [`timeline`]: events checked, given ids, and ordered
//! 5. [`render`]: Tera templates -> HTML files, each noting what it read
//! 6. [`feeds`]: `atom.xml` and `sitemap.xml`; `publish`: `robots.txt`,
//!    `_redirects` and the pages that redirect from `aliases`
//! 7. [`output`]: the files -> the output folder, swapped in atomically
//!
//! [`project`] keeps the site in memory for `serve` and `build --watch` and
//! re-renders exactly the outputs whose reads changed. Every stage reports all
//! the problems it finds as [`error::Diagnostic`]s; the build stops before
//! writing anything if there is one. Modules only import modules below them
//! (`tests/architecture.rs` checks the graph has no cycles).

#![warn(unreachable_pub)]
// Diagnostics are big (a path, a message, a quoted line) and only travel on
// the error path, where their size costs nothing worth boxing for.
#![allow(clippy::result_large_err)]

pub(crate) mod anchors;
pub(crate) mod cards;
pub(crate) mod chart;
pub(crate) mod components;
pub mod config;
pub mod content;
pub(crate) mod convert;
pub mod date;
pub mod error;
pub(crate) mod feeds;
pub(crate) mod images;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod project;
pub(crate) mod publish;
pub(crate) mod render;
pub mod scaffold;
pub(crate) mod search;
pub mod serve;
pub mod shortcode;
pub(crate) mod stamp;
pub mod text;
pub(crate) mod timeline;
pub mod watch;
pub mod yaml;

pub use pipeline::{BuildOptions, BuildReport, build, site_root};
