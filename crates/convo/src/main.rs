//! `convo`: the server (`convo serve`) and its tools in one binary.

use clap::{Parser, Subcommand};
use convo_server::{telemetry, Settings};
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(
    name = "convo",
    version,
    about = "A self-hostable backend for customer conversations."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (SQLite file `convo.db` by default; `--database postgres://...`).
    Serve(Settings),
    /// Bring the database schema up to date, then exit.
    Migrate {
        /// Database URL: a SQLite file path or `sqlite://...`, or `postgres://...`.
        #[arg(
            long = "database",
            env = "CONVO_DATABASE_URL",
            default_value = "convo.db"
        )]
        database_url: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Serve(settings) => {
            telemetry::init(settings.log_format);
            let listener = TcpListener::bind(settings.listen).await?;
            convo_server::launch(settings, listener, convo_server::shutdown_signal()).await
        }
        Command::Migrate { database_url } => {
            telemetry::init(convo_server::LogFormat::Text);
            convo_server::open_store(&Settings::new(database_url)).await?;
            eprintln!("convo: the database schema is up to date");
            Ok(())
        }
    }
}
