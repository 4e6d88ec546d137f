//! `dossier serve` on an ephemeral port: edits, errors, recovery, new and
//! deleted pages, template edits, source folders deleted and recreated, exit
//! codes when it cannot run, and path traversal attempts.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Fixture;

struct Server {
    child: Child,
    addr: String,
    events: mpsc::Receiver<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(f: &Fixture) -> Server {
        let mut s = Server::spawn(f);
        assert_eq!(s.next_event().0, "ok", "a new connection first hears the state");
        s
    }

    /// Starts the server without checking the first event.
    fn spawn(f: &Fixture) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["serve", "--port", "0", "--output", "served"])
            .current_dir(f.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("serve printed its address").unwrap();
            if let Some(rest) = line.split(" at http://").nth(1) {
                break rest.split('/').next().unwrap().to_string();
            }
        };
        std::thread::spawn(move || for _ in lines {}); // keep stdout drained
        let events = subscribe(&addr);
        Server { child, addr, events }
    }

    /// The next server-sent event, waiting up to 10 s.
    fn next_event(&mut self) -> (String, String) {
        self.events
            .recv_timeout(Duration::from_secs(10))
            .expect("an event within 10 s")
    }

    fn get(&self, path: &str) -> (u16, String) {
        request(&self.addr, path)
    }
}

/// A raw HTTP/1.1 GET, so odd paths reach the server exactly as written.
fn request(addr: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    (status, text)
}

/// Reads the event stream in a thread: (event name, data) pairs.
fn subscribe(addr: &str) -> mpsc::Receiver<(String, String)> {
    let (tx, rx) = mpsc::channel();
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /__dossier/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    std::thread::spawn(move || {
        let mut name = String::new();
        let mut data = Vec::new();
        for line in BufReader::new(s).lines() {
            let Ok(line) = line else { break };
            if let Some(n) = line.strip_prefix("event: ") {
                name = n.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data.push(d.to_string());
            } else if line.is_empty() && !name.is_empty() {
                if tx.send((std::mem::take(&mut name), data.join("\n"))).is_err() {
                    break;
                }
                data.clear();
            }
        }
    });
    rx
}

fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n---\n{body}\n")
}

/// Waits for the event after an edit, skipping none.
fn edit_then(s: &mut Server, f: &Fixture, rel: &str, text: &str) -> (String, String) {
    // Let the watcher settle so the edit is seen as one burst.
    std::thread::sleep(Duration::from_millis(50));
    f.write(rel, text);
    s.next_event()
}

/// Lets rebuilds in flight finish and drops their events, so the next event
/// read is caused by what the test does next (a folder's creation and the
/// files written into it may arrive as one burst or as two).
fn settle(s: &mut Server) {
    while s.events.recv_timeout(Duration::from_millis(300)).is_ok() {}
}

/// Waits up to 10 s for `path` to serve `needle`, reading events meanwhile.
fn wait_served(s: &mut Server, path: &str, needle: &str) {
    let started = Instant::now();
    while !s.get(path).1.contains(needle) {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{path} did not serve {needle:?} within 10 s"
        );
        let _ = s.events.recv_timeout(Duration::from_millis(100));
    }
}

/// An edit inside a folder that was deleted and created again is seen: a
/// reload arrives and `path` serves `needle`.
fn edit_is_seen(s: &mut Server, f: &Fixture, rel: &str, text: &str, path: &str, needle: &str) {
    settle(s);
    f.write(rel, text);
    let (event, data) = s.next_event();
    assert_eq!(event, "reload", "{rel}: {data}");
    assert!(s.get(path).1.contains(needle), "{rel}: {path} lacks {needle:?}");
}

#[test]
fn serve_rebuilds_reports_errors_recovers_and_stays_inside_the_output() {
    let f = Fixture::new();
    f.write("content/a.md", &page("A", "First text."));
    let mut s = Server::start(&f);

    let (status, body) = s.get("/a/");
    assert_eq!(status, 200);
    assert!(
        body.contains("First text.") && body.contains("/__dossier/live.js"),
        "{body}"
    );

    // A good edit: a reload event, then the new text is served.
    let (event, _) = edit_then(&mut s, &f, "content/a.md", &page("A", "Second text."));
    assert_eq!(event, "reload");
    assert!(s.get("/a/").1.contains("Second text."));

    // A bad edit: an error event naming file and line; the server lives on
    // and still serves the last good page.
    let (event, data) = edit_then(&mut s, &f, "content/a.md", "---\ntitle: [broken\n---\n");
    assert_eq!(event, "problems");
    assert!(data.contains("content/a.md:2:"), "{data}");
    let (status, body) = s.get("/a/");
    assert_eq!(status, 200);
    assert!(body.contains("Second text."));

    // The fix recovers.
    let (event, _) = edit_then(&mut s, &f, "content/a.md", &page("A", "Third text."));
    assert_eq!(event, "reload");
    assert!(s.get("/a/").1.contains("Third text."));

    // A new page is served; a deleted page is gone (404).
    let (event, _) = edit_then(&mut s, &f, "content/b.md", &page("B", "Brand new."));
    assert_eq!(event, "reload");
    assert!(s.get("/b/").1.contains("Brand new."));
    std::thread::sleep(Duration::from_millis(50));
    f.remove("content/b.md");
    assert_eq!(s.next_event().0, "reload");
    let (status, body) = s.get("/b/");
    assert_eq!(status, 404);
    assert!(body.contains("Not found"), "the site's 404 page: {body}");

    // A template edit re-renders.
    let (event, _) = edit_then(
        &mut s,
        &f,
        "themes/explainer/templates/page.html",
        "{% extends \"base.html\" %}{% block body %}<article class=\"new\">{{ page.content | safe }}</article>{% endblock %}",
    );
    assert_eq!(event, "reload");
    assert!(s.get("/a/").1.contains("<article class=\"new\">"));

    // Editor junk never triggers a rebuild: the next event is for the real save.
    f.write("content/.a.md.swp", "junk");
    f.write("content/a.md~", "junk");
    let (event, _) = edit_then(&mut s, &f, "content/a.md", &page("A", "Fourth text."));
    assert_eq!(event, "reload");
    assert!(s.get("/a/").1.contains("Fourth text."));

    // Nothing outside the output can be reached, however the path is spelt.
    std::fs::write(f.path("secret.txt"), "secret").unwrap();
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "/a/..\\..\\secret.txt",
        "//etc/passwd",
        "/%00",
    ] {
        let (status, body) = s.get(path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(
            !body.contains("secret") || body.contains("Not found"),
            "{path} leaked: {body}"
        );
    }
    assert_eq!(s.get("/nowhere/").0, 404);
}

#[test]
fn the_live_reload_script_never_reaches_build_output() {
    let f = Fixture::new();
    f.write("content/a.md", &page("A", "Text."));
    let s = Server::start(&f);
    assert!(s.get("/a/").1.contains("__dossier"));
    drop(s);
    f.build_ok();
    let html = f.read("public/a/index.html");
    assert!(!html.contains("__dossier"), "{html}");
}

#[test]
fn a_static_folder_deleted_and_created_again_is_still_watched() {
    let f = Fixture::new();
    f.write("content/a.md", &page("A", "Text."));
    f.write("static/extra.css", "a{color:red}");
    let mut s = Server::start(&f);
    assert!(s.get("/extra.css").1.contains("color:red"));

    // Deleted, then created again in a later burst.
    settle(&mut s);
    std::fs::remove_dir_all(f.path("static")).unwrap();
    assert_eq!(s.next_event().0, "reload");
    assert_eq!(s.get("/extra.css").0, 404);
    settle(&mut s);
    f.write("static/extra.css", "a{color:green}");
    wait_served(&mut s, "/extra.css", "color:green");
    edit_is_seen(
        &mut s,
        &f,
        "static/extra.css",
        "a{color:blue}",
        "/extra.css",
        "color:blue",
    );

    // Deleted and created again within one burst.
    std::fs::remove_dir_all(f.path("static")).unwrap();
    f.write("static/extra.css", "a{color:navy}");
    wait_served(&mut s, "/extra.css", "color:navy");
    edit_is_seen(
        &mut s,
        &f,
        "static/extra.css",
        "a{color:teal}",
        "/extra.css",
        "color:teal",
    );
}

#[test]
fn a_templates_folder_deleted_and_created_again_is_still_watched() {
    let override_page = |class: &str| {
        format!(
            "{{% extends \"base.html\" %}}{{% block body %}}<article class=\"{class}\">{{{{ page.content | safe }}}}</article>{{% endblock %}}"
        )
    };
    let f = Fixture::new();
    f.write("content/a.md", &page("A", "Text."));
    f.write("templates/page.html", &override_page("one"));
    let mut s = Server::start(&f);
    assert!(s.get("/a/").1.contains("<article class=\"one\">"));

    // Without the override the theme's page.html is used again.
    settle(&mut s);
    std::fs::remove_dir_all(f.path("templates")).unwrap();
    assert_eq!(s.next_event().0, "reload");
    assert!(s.get("/a/").1.contains("<main>"));
    settle(&mut s);
    f.write("templates/page.html", &override_page("two"));
    wait_served(&mut s, "/a/", "<article class=\"two\">");
    let three = override_page("three");
    edit_is_seen(
        &mut s,
        &f,
        "templates/page.html",
        &three,
        "/a/",
        "<article class=\"three\">",
    );

    // Deleted and created again within one burst.
    std::fs::remove_dir_all(f.path("templates")).unwrap();
    f.write("templates/page.html", &override_page("four"));
    wait_served(&mut s, "/a/", "<article class=\"four\">");
    let five = override_page("five");
    edit_is_seen(
        &mut s,
        &f,
        "templates/page.html",
        &five,
        "/a/",
        "<article class=\"five\">",
    );
}

#[test]
fn content_folders_deleted_and_created_again_are_still_watched() {
    let f = Fixture::new();
    f.write("content/explainers/pay.md", &page("Pay", "First."));
    let mut s = Server::start(&f);
    assert!(s.get("/explainers/pay/").1.contains("First."));

    // A folder inside content/: notify's recursive watch re-adds it.
    settle(&mut s);
    std::fs::remove_dir_all(f.path("content/explainers")).unwrap();
    assert_eq!(s.next_event().0, "reload");
    assert_eq!(s.get("/explainers/pay/").0, 404);
    settle(&mut s);
    f.write("content/explainers/pay.md", &page("Pay", "Second."));
    wait_served(&mut s, "/explainers/pay/", "Second.");
    let third = page("Pay", "Third.");
    edit_is_seen(
        &mut s,
        &f,
        "content/explainers/pay.md",
        &third,
        "/explainers/pay/",
        "Third.",
    );

    // The same within one burst.
    std::fs::remove_dir_all(f.path("content/explainers")).unwrap();
    f.write("content/explainers/pay.md", &page("Pay", "Again."));
    wait_served(&mut s, "/explainers/pay/", "Again.");
    let again = page("Pay", "Once more.");
    edit_is_seen(
        &mut s,
        &f,
        "content/explainers/pay.md",
        &again,
        "/explainers/pay/",
        "Once more.",
    );

    // content/ itself, which only the site root's watch sees come back.
    settle(&mut s);
    std::fs::remove_dir_all(f.path("content")).unwrap();
    let _ = s.next_event(); // whatever a site without content/ gives
    settle(&mut s);
    f.write("content/_index.md", "---\ntitle: Home\n---\n");
    f.write("content/explainers/pay.md", &page("Pay", "Fourth."));
    wait_served(&mut s, "/explainers/pay/", "Fourth.");
    let fifth = page("Pay", "Fifth.");
    edit_is_seen(
        &mut s,
        &f,
        "content/explainers/pay.md",
        &fifth,
        "/explainers/pay/",
        "Fifth.",
    );

    // Both within one burst.
    std::fs::remove_dir_all(f.path("content")).unwrap();
    f.write("content/_index.md", "---\ntitle: Home\n---\n");
    f.write("content/explainers/pay.md", &page("Pay", "Sixth."));
    wait_served(&mut s, "/explainers/pay/", "Sixth.");
    let seventh = page("Pay", "Seventh.");
    edit_is_seen(
        &mut s,
        &f,
        "content/explainers/pay.md",
        &seventh,
        "/explainers/pay/",
        "Seventh.",
    );
}

#[test]
fn a_busy_port_is_named_and_the_next_one_taken() {
    let f = Fixture::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", &port.to_string(), "--output", "served"])
        .current_dir(f.root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let started = Instant::now();
    while !line.contains("in use") && started.elapsed() < Duration::from_secs(10) {
        line.clear();
        if err.read_line(&mut line).unwrap() == 0 {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains(&format!("port {port} is in use; using port")), "{line}");
}

/// Runs `dossier serve ARGS`, which must exit within 10 s; (code, stderr).
fn serve_exit(f: &Fixture, args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .arg("serve")
        .args(args)
        .current_dir(f.root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve {args:?} still running after 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (status.code(), err)
}

#[test]
fn an_address_that_cannot_be_bound_exits_1_naming_it() {
    let f = Fixture::new();
    // TEST-NET-1 (RFC 5737) is never assigned to a machine: bind fails at
    // once, and nothing is sent anywhere.
    let (code, err) = serve_exit(&f, &["--bind", "192.0.2.1", "--port", "0"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.starts_with("error: cannot listen on 192.0.2.1:0: "), "{err}");
    assert!(err.contains("--bind"), "{err}");
}

#[test]
fn a_range_of_busy_ports_exits_1() {
    let f = Fixture::new();
    // Hold ten consecutive ports, the whole range serve would try.
    let held = (0..20)
        .find_map(|_| {
            let first = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
            let port = first.local_addr().ok()?.port();
            let mut held = vec![first];
            for p in port.checked_add(1)?..port.checked_add(10)? {
                held.push(std::net::TcpListener::bind(("127.0.0.1", p)).ok()?);
            }
            Some((port, held))
        })
        .expect("ten consecutive free ports");
    let port = held.0.to_string();
    let (code, err) = serve_exit(&f, &["--port", &port, "--output", "served"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!("ports {port} to ")) && err.contains("are all in use"),
        "{err}"
    );
}

#[test]
fn saves_by_rename_and_stylesheet_changes() {
    let f = Fixture::new();
    f.write("content/a.md", &page("A", "Before."));
    let mut s = Server::start(&f);
    // vim and many editors write a new file and rename it over the old one.
    std::thread::sleep(Duration::from_millis(50));
    f.write("content/.a.md.tmp", &page("A", "After a rename."));
    std::fs::rename(f.path("content/.a.md.tmp"), f.path("content/a.md")).unwrap();
    let (event, data) = s.next_event();
    assert_eq!((event.as_str(), data.as_str()), ("reload", "{\"css_only\":false}"));
    assert!(s.get("/a/").1.contains("After a rename."));
    // A stylesheet-only change lets the page swap its CSS without reloading.
    std::thread::sleep(Duration::from_millis(50));
    f.write("themes/explainer/static/style.css", "body{color:red}");
    let (event, data) = s.next_event();
    assert_eq!((event.as_str(), data.as_str()), ("reload", "{\"css_only\":true}"));
    assert!(s.get("/style.css").1.contains("color:red"));
}

#[test]
fn a_site_broken_from_the_start_shows_its_errors_and_recovers() {
    let f = Fixture::new();
    f.write("content/a.md", "---\ntitle: [broken\n---\n");
    let mut s = Server::spawn(&f);
    let (event, data) = s.next_event();
    assert_eq!(event, "problems");
    assert!(data.contains("content/a.md:2:"), "{data}");
    // Nothing is built yet, but a page still loads and carries the overlay script.
    let (status, body) = s.get("/a/");
    assert_eq!(status, 404);
    assert!(body.contains("/__dossier/live.js"), "{body}");
    let (event, _) = edit_then(&mut s, &f, "content/a.md", &page("A", "Fixed."));
    assert_eq!(event, "reload");
    assert!(s.get("/a/").1.contains("Fixed."));
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_even_with_pages_open() {
    let f = Fixture::new();
    f.write("content/a.md", &page("A", "Text."));
    let mut s = Server::start(&f); // holds an event stream open, like a browser tab
    let pid = s.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let started = Instant::now();
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert!(status.success(), "{status}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still running 5 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        f.path("served/a/index.html").exists(),
        "an --output folder is kept (only a temporary one is removed)"
    );
}

#[test]
fn a_site_that_is_only_content_serves_with_the_built_in_theme() {
    let f = Fixture::bare();
    f.write("content/_index.md", &page("Home", "Welcome."));
    f.write("content/a.md", &page("A", "First."));
    let mut s = Server::start(&f);
    let (status, home) = s.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("class=\"site-header\""), "{home}");
    assert_eq!(s.get("/style.css").0, 200);
    let (event, _) = edit_then(&mut s, &f, "content/a.md", &page("A", "Second."));
    assert_eq!(event, "reload");
    assert!(s.get("/a/").1.contains("Second."));
}

#[test]
fn a_site_made_for_a_sub_path_is_previewed_under_it() {
    let f = Fixture::bare();
    f.write("site.yaml", "title: T\nbase_url: https://example.org/a/b\n");
    f.write("content/_index.md", &page("Home", "See [the page](a.md)."));
    f.write("content/a.md", &page("A", "First."));
    let mut s = Server::start(&f);
    let (status, root) = s.get("/");
    assert_eq!(status, 307, "{root}");
    assert!(root.to_ascii_lowercase().contains("location: /a/b/"), "{root}");
    let (status, home) = s.get("/a/b/");
    assert_eq!(status, 200, "{home}");
    assert!(home.contains("href=\"/a/b/a/\""), "{home}");
    assert!(home.contains("href=\"/a/b/style.css\""), "{home}");
    assert_eq!(s.get("/a/b/style.css").0, 200);
    assert_eq!(s.get("/a/").0, 404, "outside the sub-path");
    let (event, _) = edit_then(&mut s, &f, "content/a.md", &page("A", "Second."));
    assert_eq!(event, "reload");
    assert!(s.get("/a/b/a/").1.contains("Second."));
}
