//! `convo`: the server (`convo serve`) and its command-line client in one binary.

mod cli;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use convo_server::{telemetry, Settings};
use tokio::net::TcpListener;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "convo",
    version,
    about = "A self-hostable backend for customer conversations: the server and its command line."
)]
struct Cli {
    #[command(flatten)]
    connection: cli::Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (SQLite file `convo.db` by default; `--database postgres://...`).
    Serve(Box<Settings>),
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
    /// Operator commands run on the database directly (no server or key needed).
    #[command(subcommand)]
    Admin(AdminCommand),
    #[command(flatten)]
    Client(cli::ClientCommand),
}

#[derive(Subcommand)]
enum AdminCommand {
    /// A one-time link (valid 24 h) to set the password of the person with this email; when
    /// no one has it, the admin made on first start gets this email and the link.
    SetPassword(AdminLink),
    /// A one-time link (valid 24 h) to reset the password of the person with this email.
    ResetPassword(AdminLink),
}

#[derive(clap::Args)]
struct AdminLink {
    /// The person's email.
    #[arg(long)]
    email: String,
    /// Database URL: a SQLite file path or `sqlite://...`, or `postgres://...`.
    #[arg(
        long = "database",
        env = "CONVO_DATABASE_URL",
        default_value = "convo.db"
    )]
    database_url: String,
    /// The address people use to reach the server, for the link.
    #[arg(
        long,
        env = "CONVO_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
}

/// Exit codes a script can tell apart.
mod exit {
    pub const FAILURE: u8 = 1;
    pub const NOT_FOUND: u8 = 3;
    pub const DENIED: u8 = 4;
    pub const REJECTED: u8 = 5;
    pub const UNREACHABLE: u8 = 6;
}

fn exit_code(error: &convo_client::Error) -> u8 {
    match error.status() {
        Some(404) => exit::NOT_FOUND,
        Some(401 | 403) => exit::DENIED,
        Some(status) if (400..500).contains(&status) => exit::REJECTED,
        Some(_) => exit::FAILURE,
        None if matches!(error, convo_client::Error::Transport(_)) => exit::UNREACHABLE,
        None => exit::FAILURE,
    }
}

/// An error as a person reads it: what went wrong, and which field or scope.
fn explain(error: &convo_client::Error) -> String {
    match error {
        convo_client::Error::Api { problem } => {
            let mut text = format!(
                "error: {} ({}, {})",
                problem.detail, problem.status, problem.code
            );
            for field in &problem.errors {
                text.push_str(&format!("\n  {}: {}", field.field, field.message));
            }
            text
        }
        other => format!("error: {other}"),
    }
}

/// Makes a password link on the database and prints it with the call that uses it.
async fn admin(command: AdminCommand) -> anyhow::Result<()> {
    use convo_core::usecases::passwords;
    let (first, options) = match command {
        AdminCommand::SetPassword(options) => (true, options),
        AdminCommand::ResetPassword(options) => (false, options),
    };
    let store = convo_server::open_store(&Settings::new(options.database_url)).await?;
    let url = options.public_url.trim_end_matches('/');
    let link = if first {
        passwords::first_password_link(store.as_ref(), &options.email, url).await?
    } else {
        passwords::operator_link(
            store.as_ref(),
            &options.email,
            url,
            convo_core::people::FIRST_PASSWORD_TOKEN_MILLIS,
        )
        .await?
    };
    println!(
        "A one-time link for {} (valid until {}):\n\n    {}\n\nOr set the password \
         with the API:\n\n    curl -X POST {url}/v1/password-resets/{} \\\n      -H \
         'Content-Type: application/json' -d '{{\"password\": \"<a long passphrase>\"}}'",
        link.email.as_deref().unwrap_or(&options.email),
        link.expires_at,
        link.url,
        link.token,
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(settings) => {
            telemetry::init(settings.log_format);
            let served = async {
                let listener = TcpListener::bind(settings.listen).await?;
                convo_server::launch(*settings, listener, convo_server::shutdown_signal()).await
            };
            match served.await {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error:#}");
                    ExitCode::from(exit::FAILURE)
                }
            }
        }
        Command::Migrate { database_url } => {
            telemetry::init(convo_server::LogFormat::Text);
            match convo_server::open_store(&Settings::new(database_url)).await {
                Ok(_) => {
                    eprintln!("convo: the database schema is up to date");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error:#}");
                    ExitCode::from(exit::FAILURE)
                }
            }
        }
        Command::Admin(command) => match admin(command).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error:#}");
                ExitCode::from(exit::FAILURE)
            }
        },
        Command::Client(command) => match cli::run(&cli.connection, command).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("{}", explain(&error));
                ExitCode::from(exit_code(&error))
            }
        },
    }
}
