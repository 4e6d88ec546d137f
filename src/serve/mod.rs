//! `dossier serve`: builds the site, serves it on loopback with axum and
//! tower-http, watches the sources, rebuilds what changed, and tells open pages
//! to reload over server-sent events. Errors show in the browser as an overlay
//! and in the terminal; the server never stops for a bad edit.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tower_http::services::ServeDir;

use crate::error::Error;
use crate::pipeline::{BuildOptions, site_root};
use crate::project::{Project, Rebuild};

const LIVE_JS: &str = include_str!("live.js");
const EVENTS_PATH: &str = "/__dossier/events";
const SCRIPT_PATH: &str = "/__dossier/live.js";
/// Browsers and proxies drop idle connections; a comment this often keeps it open.
const KEEP_ALIVE: Duration = Duration::from_secs(10);
/// How long requests in flight may finish after Ctrl-C.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);
/// How many ports after the asked one to try when it is busy.
const PORT_TRIES: u16 = 10;

/// What `dossier serve` is asked to do (also its command-line flags).
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// The site's folder, holding content/ and site.yaml
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Port to listen on (the next free one is taken if it is busy)
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; loopback unless you say otherwise
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
    /// Write the served site here instead of a temporary folder
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// What open pages are told.
#[derive(Debug, Clone)]
enum Message {
    Reload { css_only: bool },
    Problems(String),
}

#[derive(Clone)]
struct App {
    tx: broadcast::Sender<Message>,
    /// The last build's problems, for pages that connect after it.
    problems: Arc<Mutex<Option<String>>>,
}

/// Runs until Ctrl-C.
pub fn serve(opts: ServeOptions) -> Result<(), Error> {
    let root = site_root(&opts.root)?;
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| Error::Runtime(format!("cannot start the server: {e}")))?;
    let listener = runtime.block_on(bind(opts.bind, opts.port))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Runtime(format!("cannot read the address listened on: {e}")))?;
    let (out, temporary) = match &opts.output {
        Some(dir) => (crate::output::check_dir(&root, dir)?, false),
        None => (
            std::env::temp_dir().join(format!("dossier-serve-{}-{}", addr.port(), std::process::id())),
            true,
        ),
    };
    // A site made for a sub-path (`base_url: https://org.github.io/dispute`)
    // is previewed under the same path, so what the author sees is what is
    // deployed. (A changed path takes a restart.)
    let base_path = crate::config::Config::load(&root)
        .map(|c| c.base_path().to_string())
        .unwrap_or_default();
    let base_url = format!("http://{}{base_path}", display_addr(addr));
    let build_opts = BuildOptions {
        hash_assets: false,
        drafts: opts.drafts,
        base_url: Some(base_url.clone()),
        ..BuildOptions::new(&root)
    };
    let mut project = Project::new(build_opts, root.clone(), out.clone());
    // The reload goes out as soon as the pages are written; the search
    // index follows on its own thread.
    project.search_in_background(true);
    let (tx, _) = broadcast::channel(64);
    let app = App {
        tx,
        problems: Arc::new(Mutex::new(None)),
    };
    report(&app, project.rebuild(&[]));

    // Watch before announcing the address, so no save after it is missed.
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let watcher_app = app.clone();
    let watch_out = out.clone();
    let site = root.clone();
    std::thread::spawn(move || {
        let ready = move || {
            let _ = ready_tx.send(());
        };
        let result = crate::watch::watch(&site, &watch_out, ready, |paths| {
            report(&watcher_app, project.rebuild(&paths));
            true
        });
        if let Err(e) = result {
            eprintln!("{e}");
        }
    });
    if ready_rx.recv().is_err() {
        eprintln!("warning: not watching for changes; restart to pick up edits");
    }
    println!("serving {} at {base_url}/ (Ctrl-C to stop)", root.display());
    if opts.open && opener::open(&base_url).is_err() {
        eprintln!("could not open a browser; visit {base_url}/");
    }

    let router = router(app, &out, &base_path);
    let served = runtime.block_on(async {
        let server = axum::serve(listener, router).with_graceful_shutdown(shutdown_signal());
        // Open pages hold their event streams open forever: give requests in
        // flight a moment after the signal, then stop regardless.
        let deadline = async {
            shutdown_signal().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        };
        tokio::select! {
            result = server => result,
            () = deadline => Ok(()),
        }
    });
    if temporary {
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_dir_all(crate::pipeline::card_cache(&out));
    }
    served.map_err(|e| Error::Runtime(format!("the server stopped: {e}")))
}

/// Ctrl-C, or SIGTERM where there is one: either stops the server cleanly
/// (and removes its temporary output).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Binds `port`, or the next free one (saying so) when it is taken.
async fn bind(ip: IpAddr, port: u16) -> Result<tokio::net::TcpListener, Error> {
    let mut last_error = None;
    for p in port..port.saturating_add(PORT_TRIES) {
        match tokio::net::TcpListener::bind(SocketAddr::new(ip, p)).await {
            Ok(l) => {
                if p != port {
                    eprintln!("port {port} is in use; using port {p} instead");
                }
                return Ok(l);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => last_error = Some(e),
            Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => {
                return Err(Error::Runtime(format!(
                    "cannot listen on {ip}:{p}: {e}; {ip} is not an address of this machine (pass another with --bind)"
                )));
            }
            Err(e) => return Err(Error::Runtime(format!("cannot listen on {ip}:{p}: {e}"))),
        }
    }
    // The command was fine; the machine had no free port for it.
    Err(Error::Runtime(format!(
        "ports {port} to {} are all in use ({}); pass another with --port",
        port.saturating_add(PORT_TRIES - 1),
        last_error.map(|e| e.to_string()).unwrap_or_default()
    )))
}

fn display_addr(addr: SocketAddr) -> String {
    match addr.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", addr.port()),
    }
}

/// Prints a rebuild's outcome and tells the open pages.
fn report(app: &App, result: Result<Rebuild, Error>) {
    match result {
        Ok(r) => {
            r.warnings.iter().for_each(|w| eprintln!("{w}"));
            let ms = r.elapsed.as_secs_f64() * 1000.0;
            println!(
                "rebuilt ({}) in {ms:.1} ms: {} written, {} removed",
                r.scope,
                r.written.len(),
                r.removed.len()
            );
            let had_problems = app.problems.lock().map(|mut p| p.take().is_some()).unwrap_or(false);
            if !r.written.is_empty() || !r.removed.is_empty() || had_problems {
                let _ = app.tx.send(Message::Reload {
                    css_only: r.css_only() && !had_problems,
                });
            }
        }
        Err(e) => {
            let text = e.to_string();
            eprintln!("{text}");
            if let Ok(mut p) = app.problems.lock() {
                *p = Some(text.clone());
            }
            let _ = app.tx.send(Message::Problems(text));
        }
    }
}

fn router(app: App, out: &std::path::Path, base_path: &str) -> Router {
    // Unknown paths get the site's 404 page; before a first good build there
    // is none, so a bare page stands in (and shows the error overlay).
    let not_found_page = out.join("404.html");
    let not_found = get(move || {
        let page = not_found_page.clone();
        async move {
            match tokio::fs::read(&page).await {
                Ok(bytes) => (
                    StatusCode::NOT_FOUND,
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    bytes,
                )
                    .into_response(),
                Err(_) => (
                    StatusCode::NOT_FOUND,
                    [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                    "<!doctype html><html lang=\"en\"><title>Not built yet</title><body><p>This page has not been built.</p></body></html>",
                )
                    .into_response(),
            }
        }
    });
    let files = ServeDir::new(out).not_found_service(not_found.clone());
    let router = Router::new().route(EVENTS_PATH, get(events)).route(
        SCRIPT_PATH,
        get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], LIVE_JS) }),
    );
    let router = match base_path {
        "" => router.fallback_service(files),
        base => {
            // The site lives under `base`; the root leads there, anything
            // else outside it is not found.
            let home = format!("{base}/");
            router
                .route(
                    "/",
                    get(move || async move { axum::response::Redirect::temporary(&home) }),
                )
                .nest_service(base, files)
                .fallback_service(not_found)
        }
    };
    router
        .layer(middleware::from_fn(inject_script))
        .layer(middleware::from_fn(refuse_odd_paths))
        .with_state(app)
}

/// The event stream: first the current state, then every rebuild.
async fn events(State(app): State<App>) -> impl IntoResponse {
    let current = app.problems.lock().ok().and_then(|p| p.clone());
    let first = match current {
        Some(text) => Message::Problems(text),
        None => Message::Reload { css_only: false },
    };
    let first_event = match first {
        Message::Problems(text) => Event::default().event("problems").data(text),
        Message::Reload { .. } => Event::default().event("ok").data("{}"),
    }
    .retry(Duration::from_millis(500));
    let updates = BroadcastStream::new(app.tx.subscribe())
        .filter_map(|m| m.ok())
        .map(|m| match m {
            Message::Reload { css_only } => Event::default()
                .event("reload")
                .data(format!("{{\"css_only\":{css_only}}}")),
            Message::Problems(text) => Event::default().event("problems").data(text),
        });
    let stream = tokio_stream::once(first_event).chain(updates).map(Ok::<_, Infallible>);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

/// Adds the live-reload script to HTML pages (never to the files on disk, so
/// nothing of it can reach a deployed site).
async fn inject_script(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let tag = format!("<script src=\"{SCRIPT_PATH}\" defer></script>");
    let injected = match html.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &html[..i], &html[i..]),
        None => format!("{html}{tag}"),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    // The page changes from build to build: never let a browser keep it.
    parts
        .headers
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Response::from_parts(parts, Body::from(injected))
}

/// Paths that try to leave the output folder, in any spelling, get 400.
async fn refuse_odd_paths(req: Request, next: Next) -> Response {
    let raw = req.uri().path();
    let lower = raw.to_ascii_lowercase();
    let decoded = percent_decode(&lower);
    let climbs = decoded.split(['/', '\\']).any(|seg| seg == "..");
    if climbs || decoded.contains('\\') || decoded.contains('\0') || lower.contains("%2f") {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    }
    next.run(req).await
}

/// Decodes %XX escapes repeatedly, so double-encoded dots are seen too.
fn percent_decode(s: &str) -> String {
    let mut current = s.to_string();
    for _ in 0..3 {
        let next = crate::text::percent_decode(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn decodes_nested_escapes() {
        assert_eq!(percent_decode("/%2e%2e/x"), "/../x");
        assert_eq!(percent_decode("/%252e%252e/x"), "/../x");
        assert_eq!(percent_decode("/a%5cb"), "/a\\b");
        assert_eq!(percent_decode("/100%"), "/100%");
    }
}
