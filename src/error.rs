//! Errors that point at a place in the author's files.
//!
//! Every problem the build finds in the site becomes a [`Diagnostic`]: the file,
//! the line and column when there is one, the offending line itself, and a hint
//! saying what to do. The build collects them all ([`Diagnostics`]) so the author
//! sees every problem at once, not one per run.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the author would type it (relative to the site root when possible).
    pub file: PathBuf,
    /// 1-based line, when the problem has a place inside the file.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub col: Option<usize>,
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// The text of the offending line, shown under the message.
    pub snippet: Option<String>,
}

impl Diagnostic {
    /// A problem with a whole file (no line to point at).
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: None,
            col: None,
            message: message.into(),
            hint: None,
            snippet: None,
        }
    }

    /// A problem at `line`:`col` (both 1-based) of `file`, whose text is `text`.
    pub fn at(file: impl Into<PathBuf>, text: &str, line: usize, col: usize, message: impl Into<String>) -> Self {
        let snippet = text.lines().nth(line.saturating_sub(1)).map(str::to_owned);
        Diagnostic {
            file: file.into(),
            line: Some(line.max(1)),
            col: Some(col.max(1)),
            message: message.into(),
            hint: None,
            snippet,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same problem as a warning: it is reported, and the build goes on.
    pub fn as_warning(&self) -> String {
        let text = self.to_string();
        match text.strip_prefix("error: ") {
            Some(rest) => format!("warning: {rest}"),
            None => text,
        }
    }

    /// `file:line:col`, or as much of it as is known.
    pub fn location(&self) -> String {
        let mut out = self.file.display().to_string();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
            if let Some(col) = self.col {
                out.push_str(&format!(":{col}"));
            }
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}: {}", self.location(), self.message)?;
        if let (Some(line), Some(snippet)) = (self.line, &self.snippet) {
            let gutter = line.to_string().len();
            // Tabs would misplace the caret; show them as one space each.
            let shown: String = snippet.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
            write!(f, "\n {line} | {shown}")?;
            if let Some(col) = self.col {
                let pad = " ".repeat(col.saturating_sub(1));
                write!(f, "\n {:gutter$} | {pad}^", "")?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Every problem a build found, in a stable order (by file, then line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by file and line so reports read top to bottom, and drops exact repeats.
    pub fn sorted(mut self) -> Self {
        self.0
            .sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
        self.0.dedup();
        self
    }

    /// `Ok(value)` when nothing went wrong, otherwise all the problems.
    pub fn into_result<T>(self, value: T) -> Result<T, Error> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(Error::Site(self.sorted()))
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}\n")?;
        }
        let n = self.0.len();
        write!(f, "{n} error{}", if n == 1 { "" } else { "s" })
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The site has problems the author must fix (exit code 1).
    #[error("{0}")]
    Site(Diagnostics),
    /// The command was asked to do something it must not (exit code 2).
    #[error("error: {0}")]
    Usage(String),
    /// The command was right but the machine could not carry it out: a port
    /// that cannot be bound, a watcher that cannot start (exit code 1, as
    /// nothing in how it was called needs fixing).
    #[error("error: {0}")]
    Runtime(String),
    /// The file system refused something (exit code 1).
    #[error("error: {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The process exit code for this error: 2 for usage, 1 for everything
    /// else (problems in the site, the file system, the server).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Site(_) | Error::Io { .. } | Error::Runtime(_) => 1,
        }
    }
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Error::Site(d.sorted())
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Site(d.into())
    }
}

/// A hint for a name that is not known: "did you mean `x`?" when one of
/// `candidates` is close enough to be a likely typo, else `otherwise`.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>, otherwise: &str) -> String {
    match did_you_mean(word, candidates) {
        Some(best) => format!("did you mean `{best}`?"),
        None => otherwise.to_string(),
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
