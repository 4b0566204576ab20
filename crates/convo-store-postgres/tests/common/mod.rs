//! What the PostgreSQL suites share: the server they run on, and a database of their own on it.

use sqlx::{Connection, PgConnection};

/// The server `CONVO_TEST_POSTGRES_URL` names; without it the suites report their tests ignored.
pub fn database_url() -> Option<String> {
    std::env::var("CONVO_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// `url` with its database replaced by `name`.
pub fn with_database(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("CONVO_TEST_POSTGRES_URL is a URL");
    parsed.set_path(name);
    parsed.into()
}

/// Runs `statement` on its own connection to `server`.
pub async fn admin(server: &str, statement: &str) -> Result<(), String> {
    let mut conn = PgConnection::connect(server)
        .await
        .map_err(|e| e.to_string())?;
    sqlx::raw_sql(statement)
        .execute(&mut conn)
        .await
        .map_err(|e| format!("{statement}: {e}"))?;
    Ok(())
}
