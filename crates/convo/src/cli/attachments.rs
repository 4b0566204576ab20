//! `convo attachments`: stored files.

use std::path::PathBuf;

use clap::Subcommand;
use convo_client::Client;
use convo_types::AttachmentId;

use crate::output::{Output, Printed};

#[derive(Subcommand)]
pub enum AttachmentCommand {
    /// Upload a file (streamed from disk); prints the attachment, whose `id` a message can
    /// carry (`convo messages send ... --attach FILE` does both).
    Upload { file: PathBuf },
    /// The attachment, with fresh signed links.
    Get { id: AttachmentId },
    /// Write the bytes (or an image's thumbnail) to a file, or to standard output with `-`.
    Download {
        id: AttachmentId,
        /// Where to write them.
        #[arg(long, short)]
        output: PathBuf,
        #[arg(long)]
        thumbnail: bool,
    },
}

pub async fn run(c: &Client, out: &Output, command: AttachmentCommand) -> Printed {
    match command {
        AttachmentCommand::Upload { file } => out.one(&c.attachments().upload_path(&file).await?),
        AttachmentCommand::Get { id } => out.one(&c.attachments().get(id).await?),
        AttachmentCommand::Download {
            id,
            output,
            thumbnail,
        } => {
            let bytes = c.attachments().content(id, thumbnail).await?;
            let failed = |e: std::io::Error| {
                convo_client::Error::Config(format!("{}: {e}", output.display()))
            };
            if output.as_os_str() == "-" {
                use std::io::Write;
                std::io::stdout().write_all(&bytes).map_err(failed)
            } else {
                std::fs::write(&output, &bytes).map_err(failed)?;
                out.done(
                    Ok(()),
                    &format!("wrote {} bytes to {}", bytes.len(), output.display()),
                )
            }
        }
    }
}
