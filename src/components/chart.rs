//! `chart`: a bar or line chart drawn at build time (see the chart module).

use tera::Context;

use super::{Components, Found, Scope};
use crate::model::Uses;
use crate::shortcode::Shortcode;

pub(super) fn prepare(
    _: &Components,
    sc: &Shortcode,
    _: Scope,
    _: &mut Uses,
    _: &mut Context,
) -> Result<(), Vec<Found>> {
    Err(vec![(sc.span.start, "charts: not wired yet".into(), String::new())])
}
