//! Any bytes as a content file: decoding, splitting the front matter and
//! parsing it as a page, a section and an event must end in a value or a
//! diagnostic whose line exists in the file.
#![no_main]

use std::path::Path;

use dossier::content::frontmatter;
use dossier::model::{EventMeta, PageMeta, SectionMeta};
use dossier::text::decode;
use dossier::yaml::{self, Origin};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = Path::new("content/fuzz.md");
    let Ok(text) = decode(file, data.to_vec()) else { return };
    let Ok(split) = frontmatter::split(file, text) else { return };
    let origin = Origin { file, file_text: &split.text, first_line: split.front_line };
    let lines = split.text.lines().count().max(1);
    for result in [
        yaml::parse::<PageMeta>(split.front(), &origin).err(),
        yaml::parse::<SectionMeta>(split.front(), &origin).err(),
        yaml::parse::<EventMeta>(split.front(), &origin).err(),
    ] {
        if let Some(d) = result {
            let line = d.line.unwrap_or(1);
            assert!(line >= 1 && line <= lines + 1, "line {line} of {lines}: {d}");
            let _ = d.to_string();
        }
    }
});
