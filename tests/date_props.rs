//! Property tests for partial dates: printing and parsing round-trip, and the
//! order agrees with the days the dates stand for.

use dossier::date::PartialDate;
use proptest::prelude::*;

fn any_date() -> impl Strategy<Value = PartialDate> {
    (1i16..=9999, 0i8..=12, 0i8..=31).prop_filter_map("a valid date", |(y, m, d)| {
        let s = match (m, d) {
            (0, _) => format!("{y:04}"),
            (m, 0) => format!("{y:04}-{m:02}"),
            (m, d) => format!("{y:04}-{m:02}-{d:02}"),
        };
        s.parse().ok()
    })
}

proptest! {
    #[test]
    fn iso_round_trips(d in any_date()) {
        prop_assert_eq!(d.iso().parse::<PartialDate>().unwrap(), d);
    }

    #[test]
    fn yaml_round_trips(d in any_date()) {
        let yaml = format!("date: {}\n", d.iso());
        #[derive(serde::Deserialize)]
        struct W { date: PartialDate }
        let w: W = serde_yaml::from_str(&yaml).unwrap();
        prop_assert_eq!(w.date, d);
    }

    #[test]
    fn order_follows_first_day_then_precision(a in any_date(), b in any_date()) {
        let expected = a.first_day().cmp(&b.first_day()).then(a.precision().cmp(&b.precision()));
        prop_assert_eq!(a.cmp(&b), expected);
        prop_assert!(a.first_day() <= a.last_day());
    }

    #[test]
    fn display_names_the_year(d in any_date()) {
        let shown = d.display();
        prop_assert!(shown.ends_with(&d.year_number().to_string()));
    }

    #[test]
    fn garbage_never_panics(s in "\\PC{0,12}") {
        let _ = s.parse::<PartialDate>();
    }
}
