//! Partial dates: `2022`, `2022-12` or `2022-12-05`, as authors write them.
//!
//! A news story often knows only the year or the month of an event; inventing a
//! day would be wrong. A [`PartialDate`] keeps exactly the precision it was
//! written with, validates it with jiff, and prints it in the site's language.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use std::sync::Arc;

use icu_calendar::{Date as IcuDate, Gregorian};
use icu_datetime::{FixedCalendarDateTimeFormatter, fieldsets};
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How much of a date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i16,
    month: Option<i8>,
    day: Option<i8>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl PartialDate {
    pub fn year(year: i16) -> Result<Self, String> {
        Self::new(year, None, None)
    }

    fn new(year: i16, month: Option<i8>, day: Option<i8>) -> Result<Self, String> {
        if !(1..=9999).contains(&year) {
            return Err(format!("year {year} is out of range (1 to 9999)"));
        }
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(format!("month {m} does not exist (months are 01 to 12)"));
            }
            if let Some(d) = day {
                Date::new(year, m, d).map_err(|_| format!("{} {year} has no day {d}", MONTHS[m as usize - 1]))?;
            }
        }
        Ok(PartialDate { year, month, day })
    }

    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            (Some(_), Some(_)) => Precision::Day,
        }
    }

    pub fn year_number(&self) -> i16 {
        self.year
    }

    pub fn month_number(&self) -> Option<i8> {
        self.month
    }

    pub fn day_number(&self) -> Option<i8> {
        self.day
    }

    /// The first day this date could mean (1 January for a year).
    pub fn first_day(&self) -> Date {
        // new() checked the parts, so this cannot fail.
        Date::new(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1)).expect("validated partial date")
    }

    /// The last day this date could mean (31 December for a year).
    pub fn last_day(&self) -> Date {
        match (self.month, self.day) {
            (Some(_), Some(_)) => self.first_day(),
            (Some(_), None) => self.first_day().last_of_month(),
            (None, _) => Date::new(self.year, 12, 31).expect("31 December exists"),
        }
    }

    /// The machine form, as written: `2022`, `2022-12`, `2022-12-05`. This is
    /// also what a `<time datetime>` attribute takes.
    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    /// The reader's form in British English: "2008", "December 2022", "27 June 2024".
    pub fn display(&self) -> String {
        self.display_in(&DateStyle::British)
    }

    /// The reader's form in `style`: "27 June 2024", "June 27, 2024", "27 juin 2024".
    pub fn display_in(&self, style: &DateStyle) -> String {
        if let DateStyle::Local(dates) = style {
            return dates.show(self, true);
        }
        match (self.month, self.day, style) {
            (Some(m), Some(d), DateStyle::British) => format!("{d} {} {}", MONTHS[m as usize - 1], self.year),
            (Some(m), Some(d), DateStyle::American) => format!("{} {d}, {}", MONTHS[m as usize - 1], self.year),
            (Some(m), None, _) => format!("{} {}", MONTHS[m as usize - 1], self.year),
            _ => self.year.to_string(),
        }
    }

    /// A range "from – to" in British English, sharing what the two ends
    /// share: "27 June – 2 July 2024", "June – July 2024", "2022 – 2024".
    pub fn display_range(&self, end: &PartialDate) -> String {
        self.display_range_in(end, &DateStyle::British)
    }

    /// [`PartialDate::display_range`] in `style`: American English gives
    /// "June 27 – July 2, 2024" and "June 3 – 7, 2024".
    pub fn display_range_in(&self, end: &PartialDate, style: &DateStyle) -> String {
        let same_year = self.year == end.year;
        if let DateStyle::Local(dates) = style {
            // Days of one year: the year once, at the end ("27 juin – 2 juillet 2024").
            let start = dates.show(self, !(same_year && self.day.is_some() && end.day.is_some()));
            return format!("{start} – {}", dates.show(end, true));
        }
        let same_month = same_year && self.month == end.month;
        let same_shape = same_year && self.precision() == end.precision();
        let month = |m: i8| MONTHS[m as usize - 1];
        match (self.month, self.day, end.month, end.day, same_shape, style) {
            (Some(_), Some(d), _, _, true, DateStyle::British) if same_month => {
                format!("{d} – {}", end.display_in(style))
            }
            (Some(m), Some(d), _, _, true, DateStyle::British) => {
                format!("{d} {} – {}", month(m), end.display_in(style))
            }
            (Some(m), Some(d), _, Some(ed), true, DateStyle::American) if same_month => {
                format!("{} {d} – {ed}, {}", month(m), self.year)
            }
            (Some(m), Some(d), Some(em), Some(ed), true, DateStyle::American) => {
                format!("{} {d} – {} {ed}, {}", month(m), month(em), self.year)
            }
            (Some(m), None, _, _, true, _) => format!("{} – {}", month(m), end.display_in(style)),
            _ => format!("{} – {}", self.display_in(style), end.display_in(style)),
        }
    }
}

/// How dates read, from the site's `language`: British English for `en-GB`
/// (and plain `en`), American English for `en-US`, and for any other
/// language its own forms ("27 juin 2024", "juillet 2024", "27 Mehefin
/// 2024") from ICU4X's data.
#[derive(Debug, Clone, Default)]
pub enum DateStyle {
    #[default]
    British,
    American,
    Local(Arc<LocalDates>),
}

impl DateStyle {
    pub fn for_language(tag: &str) -> DateStyle {
        let primary = tag.split(['-', '_']).next().unwrap_or(tag);
        if tag.eq_ignore_ascii_case("en-US") {
            DateStyle::American
        } else if primary.eq_ignore_ascii_case("en") {
            DateStyle::British
        } else {
            LocalDates::new(tag).map_or(DateStyle::British, |d| DateStyle::Local(Arc::new(d)))
        }
    }
}

/// A language's date forms, from ICU4X's compiled data.
pub struct LocalDates {
    day: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YMD>,
    month: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::YM>,
    day_in_year: FixedCalendarDateTimeFormatter<Gregorian, fieldsets::MD>,
}

impl std::fmt::Debug for LocalDates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalDates")
    }
}

impl LocalDates {
    /// `None` when `tag` is not a language tag ICU4X can read.
    fn new(tag: &str) -> Option<LocalDates> {
        let locale = icu_locale_core::Locale::try_from_str(tag).ok()?;
        Some(LocalDates {
            day: FixedCalendarDateTimeFormatter::try_new(locale.clone().into(), fieldsets::YMD::long()).ok()?,
            month: FixedCalendarDateTimeFormatter::try_new(locale.clone().into(), fieldsets::YM::long()).ok()?,
            day_in_year: FixedCalendarDateTimeFormatter::try_new(locale.into(), fieldsets::MD::long()).ok()?,
        })
    }

    fn show(&self, d: &PartialDate, with_year: bool) -> String {
        let date = |m: i8, day: i8| {
            IcuDate::try_new_gregorian(i32::from(d.year), m as u8, day as u8).expect("validated partial date")
        };
        match (d.month, d.day) {
            (Some(m), Some(day)) if with_year => self.day.format(&date(m, day)).to_string(),
            (Some(m), Some(day)) => self.day_in_year.format(&date(m, day)).to_string(),
            (Some(m), None) => self.month.format(&date(m, 1)).to_string(),
            _ => d.year.to_string(),
        }
    }
}

impl Ord for PartialDate {
    /// By first possible day, then the less precise first ("2024" before
    /// "2024-01" before "2024-01-01"), so a year heading sorts before its days.
    fn cmp(&self, other: &Self) -> Ordering {
        self.first_day()
            .cmp(&other.first_day())
            .then(self.precision().cmp(&other.precision()))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl FromStr for PartialDate {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("`{s}` is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024, 2024-07, 2024-07-04)");
        let parts: Vec<&str> = s.trim().split('-').collect();
        let widths_ok = match parts.as_slice() {
            [y] => y.len() == 4,
            [y, m] => y.len() == 4 && m.len() == 2,
            [y, m, d] => y.len() == 4 && m.len() == 2 && d.len() == 2,
            _ => false,
        };
        if !widths_ok || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(bad());
        }
        let year: i16 = parts[0].parse().map_err(|_| bad())?;
        let month = parts.get(1).map(|m| m.parse::<i8>()).transpose().map_err(|_| bad())?;
        let day = parts.get(2).map(|d| d.parse::<i8>()).transpose().map_err(|_| bad())?;
        PartialDate::new(year, month, day)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    /// YAML reads an unquoted `2024` as a number and `2024-06-27` as a string;
    /// both spellings are accepted.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = PartialDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date: YYYY, YYYY-MM or YYYY-MM-DD")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<PartialDate, E> {
                let year = i16::try_from(v).map_err(|_| E::custom(format!("year {v} is out of range (1 to 9999)")))?;
                PartialDate::year(year).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<PartialDate, E> {
                if v < 0 {
                    return Err(E::custom(format!("year {v} is out of range (1 to 9999)")));
                }
                self.visit_u64(v as u64)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PartialDate, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_three_forms_and_prints_them_back() {
        for s in ["2008", "2022-12", "2024-06-27"] {
            assert_eq!(d(s).iso(), s);
        }
        assert_eq!(d("2008").display(), "2008");
        assert_eq!(d("2022-12").display(), "December 2022");
        assert_eq!(d("2024-06-27").display(), "27 June 2024");
    }

    #[test]
    fn refuses_impossible_and_unknown_forms() {
        for s in [
            "2024-13",
            "2023-02-30",
            "2023-00",
            "24",
            "2024-6",
            "2024/06",
            "june",
            "",
            "2024-06-27T10:00",
        ] {
            assert!(s.parse::<PartialDate>().is_err(), "{s} should be refused");
        }
        assert_eq!(
            "2023-02-30".parse::<PartialDate>().unwrap_err(),
            "February 2023 has no day 30"
        );
        assert!("2024-02-29".parse::<PartialDate>().is_ok());
    }

    #[test]
    fn ranges_share_what_they_can() {
        assert_eq!(d("2024-06-27").display_range(&d("2024-07-02")), "27 June – 2 July 2024");
        assert_eq!(d("2024-06-03").display_range(&d("2024-06-07")), "3 – 7 June 2024");
        assert_eq!(d("2024-06").display_range(&d("2024-07")), "June – July 2024");
        assert_eq!(
            d("2023-12").display_range(&d("2024-01")),
            "December 2023 – January 2024"
        );
        assert_eq!(d("2022").display_range(&d("2024")), "2022 – 2024");
    }

    #[test]
    fn american_english_puts_the_month_first() {
        let us = &DateStyle::American;
        assert_eq!(d("2024-06-27").display_in(us), "June 27, 2024");
        assert_eq!(d("2022-12").display_in(us), "December 2022");
        assert_eq!(
            d("2024-06-27").display_range_in(&d("2024-07-02"), us),
            "June 27 – July 2, 2024"
        );
        assert_eq!(
            d("2024-06-03").display_range_in(&d("2024-06-07"), us),
            "June 3 – 7, 2024"
        );
        assert_eq!(
            d("2023-12-30").display_range_in(&d("2024-01-02"), us),
            "December 30, 2023 – January 2, 2024"
        );
        assert!(matches!(DateStyle::for_language("en-us"), DateStyle::American));
        assert!(matches!(DateStyle::for_language("en"), DateStyle::British));
    }

    #[test]
    fn other_languages_read_in_their_own_words() {
        let fr = &DateStyle::for_language("fr");
        assert_eq!(d("2024-06-27").display_in(fr), "27 juin 2024");
        assert_eq!(d("2024-07").display_in(fr), "juillet 2024");
        assert_eq!(d("2024").display_in(fr), "2024");
        assert_eq!(
            d("2024-06-27").display_range_in(&d("2024-07-02"), fr),
            "27 juin – 2 juillet 2024"
        );
        let cy = &DateStyle::for_language("cy");
        assert_eq!(d("2024-07").display_in(cy), "Gorffennaf 2024");
        assert_eq!(d("2024-06-27").display_in(cy), "27 Mehefin 2024");
        let de = &DateStyle::for_language("de-DE");
        assert_eq!(d("2024-03-05").display_in(de), "5. März 2024");
    }

    #[test]
    fn orders_by_first_day_then_precision() {
        let mut v = [d("2024-01-01"), d("2024-01"), d("2023-12-31"), d("2024")];
        v.sort();
        let iso: Vec<String> = v.iter().map(PartialDate::iso).collect();
        assert_eq!(iso, ["2023-12-31", "2024", "2024-01", "2024-01-01"]);
        assert_eq!(d("2024-02").last_day(), Date::new(2024, 2, 29).unwrap());
    }
}
