//! The `dossier` command: parses arguments, calls the library, prints the
//! outcome, and exits 0 (ok), 1 (the site has errors, a file could not be
//! written, or the server could not run) or 2 (usage).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dossier::project::Project;
use dossier::{BuildOptions, error::Error, scaffold, serve};

/// A build allocates and frees a string or a vector per event, template value
/// and output: with mimalloc a 10,000-page build takes ~10% less CPU than
/// with the system allocator (for ~65 MiB more at its peak).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "dossier",
    version,
    about = "A static site generator for explainer pages: Markdown in, a site with a timeline out."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default)
    Build {
        /// The site's folder, holding content/ and site.yaml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site (default: ROOT/public)
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Use this base URL instead of site.yaml's
        #[arg(long)]
        base_url: Option<String>,
        /// Keep watching the sources and rebuild what changes (Ctrl-C to stop)
        #[arg(long)]
        watch: bool,
        /// Build even if nothing changed since the last build
        #[arg(long)]
        force: bool,
    },
    /// Build, serve on localhost, and rebuild and reload the browser on every save
    Serve(serve::ServeOptions),
    /// Check the site for every error `build` would report, writing nothing;
    /// warn of drafts and placeholders still to replace
    Check {
        /// The site's folder, holding content/ and site.yaml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Write out the built-in theme to change it (themes/explainer/ in a site)
    Theme {
        #[command(subcommand)]
        action: ThemeAction,
    },
    /// Create a new site in DIR, with sample content and the default theme
    Init {
        /// The folder to create the site in
        dir: PathBuf,
    },
    /// Create a draft page (an explainer, or a page in any section) or a timeline event
    New {
        /// What to create
        #[arg(value_enum)]
        kind: scaffold::Kind,
        /// Its title (explainer, event), or its path under content/ (page:
        /// "explainers/pay offer"); the file name is made from it
        name: String,
        /// The event's date, as precise as you know: 2024, 2024-07 or
        /// 2024-07-12 (required for events; for a page, its publication date)
        #[arg(long)]
        date: Option<String>,
        /// The site's folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Subcommand)]
enum ThemeAction {
    /// Write the built-in theme's files into DIR (e.g. themes/explainer)
    Export {
        /// The folder to write into (files already there are not overwritten)
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Build {
            root,
            output,
            drafts,
            base_url,
            watch,
            force,
        } => {
            let opts = BuildOptions {
                output,
                drafts,
                base_url,
                force,
                exits_after: !watch,
                ..BuildOptions::new(root)
            };
            let report = dossier::build(&opts)?;
            report.warnings.iter().for_each(|w| eprintln!("{w}"));
            println!("{report}");
            if watch {
                build_watch(opts)?;
            }
        }
        Command::Serve(opts) => serve::serve(opts)?,
        Command::Check { root, drafts } => {
            let opts = BuildOptions {
                drafts,
                write: false,
                exits_after: true,
                ..BuildOptions::new(root)
            };
            let checked = dossier::build(&opts);
            // What is still to finish: reported, but not an error.
            for unfinished in scaffold::unfinished(&opts.root) {
                eprintln!("warning: {unfinished}");
            }
            let report = checked?;
            report.warnings.iter().for_each(|w| eprintln!("{w}"));
            println!("{report}");
        }
        Command::Theme {
            action: ThemeAction::Export { dir },
        } => {
            let written = dossier::scaffold::export_theme(&dir)?;
            println!(
                "wrote the built-in theme to {} ({} files); in a site, themes/explainer/ replaces it file by file",
                dir.display(),
                written.len()
            );
        }
        Command::Init { dir } => {
            let written = scaffold::init(&dir)?;
            println!(
                "created a site in {} ({} files); build it with: dossier build --root {}",
                dir.display(),
                written.len(),
                dir.display()
            );
        }
        Command::New { kind, name, date, root } => {
            let path = scaffold::new(&root, kind, &name, date.as_deref())?;
            println!("created {}", path.display());
        }
    }
    Ok(())
}

/// `build --watch`: after the first build, rebuild what each save changes.
fn build_watch(opts: BuildOptions) -> Result<(), Error> {
    let root = dossier::site_root(&opts.root)?;
    let out = dossier::output::check_dir(&root, opts.output.as_deref().unwrap_or(&root.join("public")))?;
    let mut project = Project::new(opts, root.clone(), out.clone());
    // Learn what the output holds: the build above wrote it, so this renders
    // the site again but writes nothing that is already there.
    if let Err(e) = project.rebuild(&[]) {
        eprintln!("{e}");
    }
    let ready = || println!("watching {} (Ctrl-C to stop)", root.display());
    dossier::watch::watch(&root, &out, ready, |paths| {
        match project.rebuild(&paths) {
            Ok(r) => {
                r.warnings.iter().for_each(|w| eprintln!("{w}"));
                println!(
                    "rebuilt ({}) in {:.1} ms: {} written",
                    r.scope,
                    r.elapsed.as_secs_f64() * 1000.0,
                    r.written.len()
                );
            }
            Err(e) => eprintln!("{e}"),
        }
        true
    })
}
