//! placeholder until the images worker lands
use std::path::{Path, PathBuf};
pub(crate) struct Variant {
    pub width: u32,
    pub height: u32,
    pub file: String,
}
pub(crate) struct Resized {
    pub width: u32,
    pub height: u32,
    pub variants: Vec<Variant>,
}
pub(crate) struct ImageProblem {
    pub message: String,
    pub hint: String,
}
pub(crate) const WIDTHS: &[u32] = &[480, 800, 1200, 1600];
pub(crate) fn resize(_: &Path, _: &Path, _: &[u32]) -> Result<Resized, ImageProblem> {
    todo!()
}
pub(crate) fn cached_file(_: &Path, _: &Variant) -> PathBuf {
    todo!()
}
pub(crate) fn dimensions(_: &Path) -> Result<(u32, u32), ImageProblem> {
    todo!()
}
