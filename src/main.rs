//! The `dossier` command: parses arguments, calls the library, prints the
//! outcome, and exits 0 (ok), 1 (the site has errors) or 2 (usage).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use dossier::{BuildOptions, error::Error, scaffold};

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
    },
    /// Check the site for every error `build` would report, writing nothing
    Check {
        /// The site's folder, holding content/ and site.yaml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new site in DIR, with sample content and the default theme
    Init {
        /// The folder to create the site in
        dir: PathBuf,
    },
    /// Create a new explainer page or timeline event from a template
    New {
        /// What to create
        #[arg(value_enum)]
        kind: scaffold::Kind,
        /// Its title; the file name is made from it
        name: String,
        /// The site's folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
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
        } => {
            let opts = BuildOptions {
                output,
                drafts,
                base_url,
                ..BuildOptions::new(root)
            };
            println!("{}", dossier::build(&opts)?);
        }
        Command::Check { root, drafts } => {
            let opts = BuildOptions {
                drafts,
                write: false,
                ..BuildOptions::new(root)
            };
            println!("{}", dossier::build(&opts)?);
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
        Command::New { kind, name, root } => {
            let path = scaffold::new(&root, kind, &name)?;
            println!("created {}", path.display());
        }
    }
    Ok(())
}
