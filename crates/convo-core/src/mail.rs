//! Mail to people: what invitations and password resets say. How it is sent (SMTP) is the
//! server's; the words are written once here.

use async_trait::async_trait;

use crate::Result;

/// Sends one plain-text message. The server's implementation speaks SMTP.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, to: &str, subject: &str, text: &str) -> Result<()>;
}

pub fn invitation(organization: &str, url: &str, days: i64) -> (String, String) {
    (
        format!("You are invited to {organization} on convo"),
        format!(
            "You are invited to answer customers with {organization} on convo.\n\n\
             Choose your name and a password here (the link works once, for {days} days):\n\n\
             {url}\n\nIf you did not expect this, ignore this message.\n"
        ),
    )
}

pub fn password_reset(url: &str, minutes: i64) -> (String, String) {
    (
        "Reset your convo password".to_owned(),
        format!(
            "Someone asked to reset the password of your convo account.\n\n\
             Choose a new one here (the link works once, for {minutes} minutes):\n\n{url}\n\n\
             If it was not you, ignore this message: your password stays as it is.\n"
        ),
    )
}
