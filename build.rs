// The default theme is embedded in the binary (for `dossier init`); rebuild
// when any of its files change.
fn main() {
    println!("cargo:rerun-if-changed=themes/explainer");
}
