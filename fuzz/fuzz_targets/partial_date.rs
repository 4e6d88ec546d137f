//! Any string as a partial date: parsing never panics, and whatever parses
//! prints back to itself and has a first day no later than its last.
#![no_main]

use dossier::date::PartialDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(d) = s.parse::<PartialDate>() {
        assert_eq!(d.iso().parse::<PartialDate>(), Ok(d));
        assert!(d.first_day() <= d.last_day());
        let _ = d.display();
        let _ = d.display_range(&d);
    }
});
