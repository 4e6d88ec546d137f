//! The timeline as data for other tools: TimelineJS3 JSON, iCalendar and
//! schema.org JSON-LD.

use serde_json::{Value, json};

use crate::config::Config;
use crate::date::{DateStyle, PartialDate, Precision};
use crate::markdown::strip_tags;
use crate::model::Event;

/// TimelineJS3 date object: only the parts the date has (no invented day).
fn tljs_date(d: &PartialDate) -> Value {
    let mut obj = json!({ "year": d.year_number() });
    if let Some(m) = d.month_number() {
        obj["month"] = json!(m);
    }
    if let Some(day) = d.day_number() {
        obj["day"] = json!(day);
    }
    obj
}

/// Where TimelineJS places each event, in our order: TimelineJS sorts by
/// `start_date`, and an event known only to the month that comes after a
/// day of that month (by `after:`) would otherwise sort to the 1st. Such an
/// event's `start_date` is the instant just after the event before it (a
/// millisecond later); every other event keeps only the parts of its date
/// that are known. Readers see `display_date`, at the precision known.
fn tljs_start_dates(events: &[Event]) -> Vec<Value> {
    let mut previous: Option<(jiff::civil::Date, i64)> = None;
    events
        .iter()
        .map(|e| {
            let own = (e.meta.date.first_day(), 0);
            match previous {
                Some(prev) if own <= prev => {
                    let (day, ms) = (prev.0, prev.1 + 1);
                    previous = Some((day, ms));
                    json!({ "year": day.year(), "month": day.month(), "day": day.day(), "millisecond": ms })
                }
                _ => {
                    previous = Some(own);
                    tljs_date(&e.meta.date)
                }
            }
        })
        .collect()
}

/// `timeline.json` in Knight Lab's TimelineJS3 format: `unique_id` is the
/// event id, `group` the category's label.
pub(crate) fn timelinejs(events: &[Event], config: &Config, dates: &DateStyle, title: &str, permalink: &str) -> String {
    let items: Vec<Value> = events
        .iter()
        .zip(tljs_start_dates(events))
        .map(|(e, start)| {
            let mut item = json!({
                "unique_id": e.id,
                "start_date": start,
                "text": { "headline": e.meta.title, "text": e.description },
            });
            if let Some(end) = &e.meta.end {
                item["end_date"] = tljs_date(end);
            }
            if let Some(cat) = e.meta.category.as_deref().and_then(|c| config.category(c)) {
                item["group"] = json!(cat.label);
            }
            item["display_date"] = json!(e.when(dates));
            item
        })
        .collect();
    let doc = json!({
        "title": { "text": { "headline": title, "text": config.description }, "unique_id": "title" },
        "events": items,
        "source": permalink,
    });
    serde_json::to_string_pretty(&doc).expect("JSON values always serialise")
}

/// schema.org `ItemList` of `Event`s for the timeline page, safe to put
/// inside `<script type="application/ld+json">`.
pub(crate) fn json_ld(events: &[Event], title: &str, permalink: &str) -> String {
    let items: Vec<Value> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut ev = json!({
                "@type": "Event",
                "name": e.meta.title,
                "startDate": e.meta.date.iso(),
                "url": format!("{permalink}#{}", e.id),
            });
            if let Some(end) = &e.meta.end {
                ev["endDate"] = json!(end.iso());
            }
            if let Some(place) = &e.meta.location {
                ev["location"] = json!({ "@type": "Place", "name": place });
            }
            let text = strip_tags(&e.description);
            if !text.trim().is_empty() {
                ev["description"] = json!(text.trim());
            }
            json!({ "@type": "ListItem", "position": i + 1, "item": ev })
        })
        .collect();
    let doc = json!({
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": title,
        "url": permalink,
        "numberOfItems": events.len(),
        "itemListElement": items,
    });
    // "</" would end the <script> element early.
    serde_json::to_string(&doc)
        .expect("JSON values always serialise")
        .replace("</", "<\\/")
}

/// `timeline.ics` (RFC 5545): one all-day VEVENT per event whose start date
/// has a day; events known only to the month or year have no day to put in a
/// calendar and are left out. `DTEND` is exclusive: the day after the last day.
///
/// Written by hand: the format is a few lines of text, and the crates that
/// write it would bring in a second date library. Tests parse it back with an
/// independent parser.
pub(crate) fn icalendar(events: &[Event], config: &Config, permalink: &str) -> String {
    let host = config
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or("dossier")
        .split('/')
        .next()
        .unwrap_or("dossier");
    let mut out = String::new();
    let mut line = |s: String| fold(&mut out, &s);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//dossier//timeline//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("X-WR-CALNAME:{}", escape(&config.title)));
    for e in events.iter().filter(|e| e.meta.date.precision() == Precision::Day) {
        let start = e.meta.date.first_day();
        let last = e.meta.end.map_or(start, |end| end.last_day());
        let end = last.tomorrow().unwrap_or(last);
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}@{host}", e.id));
        // A fixed stamp keeps the file identical from build to build.
        line(format!("DTSTAMP:{}T000000Z", compact(start)));
        line(format!("DTSTART;VALUE=DATE:{}", compact(start)));
        line(format!("DTEND;VALUE=DATE:{}", compact(end)));
        line(format!("SUMMARY:{}", escape(&e.meta.title)));
        let text = strip_tags(&e.description);
        if !text.trim().is_empty() {
            line(format!("DESCRIPTION:{}", escape(text.trim())));
        }
        if let Some(cat) = e.meta.category.as_deref().and_then(|c| config.category(c)) {
            line(format!("CATEGORIES:{}", escape(&cat.label)));
        }
        if let Some(place) = &e.meta.location {
            line(format!("LOCATION:{}", escape(place)));
        }
        line(format!("URL:{permalink}#{}", e.id));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

fn compact(d: jiff::civil::Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// RFC 5545 TEXT escaping.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Appends a content line, folded at 75 octets (never inside a character), CRLF-terminated.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}
