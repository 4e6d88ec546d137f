//! The typed front matter of pages, sections and timeline events.
//! Unknown keys are refused (with a "did you mean" from `yaml`).

use serde::{Deserialize, Serialize};

use crate::config::Source;
use crate::date::PartialDate;

/// Front matter of a page.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    pub title: String,
    /// "The short version": shown at the top, used for meta descriptions and cards.
    pub summary: Option<String>,
    /// When it was published.
    pub date: Option<PartialDate>,
    pub updated: Option<PartialDate>,
    #[serde(default)]
    pub draft: bool,
    /// Order within its section (lower first).
    pub weight: Option<i64>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The last part of the URL, instead of the file name.
    pub slug: Option<String>,
    /// A template to render this page with, instead of `page.html`.
    pub template: Option<String>,
    /// Old URLs of this page (`/old/pay/`): each gets a page that redirects
    /// here, and a line in `_redirects`.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The image link previews show (`og:image`), instead of a drawn card: a
    /// file of the page's bundle (`chart.png`) or a path of the site
    /// (`/img/strike.png`).
    pub image: Option<String>,
    /// What `image` shows, in words (default: the page's title).
    pub image_alt: Option<String>,
    #[serde(default)]
    pub key_figures: Vec<KeyFigure>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub updates: Vec<Update>,
    #[serde(default)]
    pub events: Vec<EventMeta>,
    /// Who's who on this page: ids from `site.yaml`'s `people`.
    #[serde(default)]
    pub people: Vec<String>,
    /// What each side says.
    #[serde(default)]
    pub positions: Vec<Position>,
    /// Questions and answers, each with a stable anchor.
    #[serde(default)]
    pub questions: Vec<Question>,
    /// What happens next: short Markdown items.
    #[serde(default)]
    pub what_next: Vec<String>,
}

/// A party's position, in its own words or summarised, with its source.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// A person or organisation id from `site.yaml`'s `people`.
    pub who: String,
    /// What they say (Markdown).
    pub says: String,
    pub source: Option<String>,
}

/// One question a reader would ask, and its answer (Markdown).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub question: String,
    pub answer: String,
    /// Anchor; default: made from the question, so links keep working when
    /// answers change.
    pub id: Option<String>,
}

/// Front matter of a section's `_index.md`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    pub title: String,
    pub summary: Option<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub sort_by: SortBy,
    /// A template to render this section with, instead of `section.html`
    /// (`index.html` for the home page).
    pub template: Option<String>,
    /// Draw a share card for each of its pages (`card.png` beside the page);
    /// other pages show the site's card.
    #[serde(default)]
    pub cards: bool,
    /// How many pages each listing page shows; absent or 0: `site.yaml`'s
    /// `paginate_by`. Page 1 is the section's URL, page n `page/n/` under it.
    pub paginate_by: Option<usize>,
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    /// By `weight`, then title.
    #[default]
    Weight,
    /// Newest first, then title.
    Date,
    /// Alphabetical.
    Title,
}

/// One number in the key figures box.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KeyFigure {
    pub value: String,
    pub label: String,
    /// The id of the source that supports the figure.
    pub source: Option<String>,
}

/// One entry of a page's visible update log.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Update {
    pub date: PartialDate,
    pub kind: UpdateKind,
    pub text: String,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum UpdateKind {
    Update,
    Correction,
    Clarification,
}

/// A timeline event, as written in `content/timeline/*.md` or a page's `events:`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EventMeta {
    pub title: String,
    pub date: PartialDate,
    pub end: Option<PartialDate>,
    pub category: Option<String>,
    #[serde(default)]
    pub actors: Vec<String>,
    /// Ids of sources (the site's or the page's).
    #[serde(default)]
    pub sources: Vec<String>,
    /// Links to pages this event concerns (`@/path.md` or relative).
    #[serde(default)]
    pub related: Vec<String>,
    /// Stable id; derived from the date and title when absent.
    pub id: Option<String>,
    /// The id of an event this one comes after: places an event known only
    /// to the month or year among that period's days without inventing one.
    pub after: Option<String>,
    /// The id of an event this one comes before.
    pub before: Option<String>,
    /// Where it happened, in words.
    pub location: Option<String>,
    /// For events in a page's list: a short description (a file's body plays this part).
    pub description: Option<String>,
    /// Tags, as pages have: the event is listed on each tag's page.
    #[serde(default)]
    pub tags: Vec<String>,
}
