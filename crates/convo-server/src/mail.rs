//! Mail over SMTP (lettre), when `--smtp-url` is set: invitations and password-reset links.

use async_trait::async_trait;
use convo_core::mail::Mailer;
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Settings;

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    /// The mailer the settings ask for, or `None` without `--smtp-url`. A malformed URL or
    /// sender is a start-up error.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<Self>> {
        let Some(url) = &settings.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("--smtp-url: {e}"))?
            .build();
        let from = settings
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("--mail-from `{}`: {e}", settings.mail_from))?;
        Ok(Some(SmtpMailer { transport, from }))
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, to: &str, subject: &str, text: &str) -> convo_core::Result<()> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| convo_core::Error::invalid("email", format!("cannot be mailed: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(text.to_owned())
            .map_err(convo_core::Error::internal)?;
        self.transport
            .send(message)
            .await
            .map_err(convo_core::Error::internal)?;
        Ok(())
    }
}
