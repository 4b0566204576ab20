//! What the PostgreSQL suites share: the server they run on, and a database of their own on it.

use convo_core::auth::Principal;
use convo_core::usecases::organizations;
use convo_store_postgres::PostgresStore;
use convo_types::CreateOrganization;
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

/// A store on `url` (at most `connections` for reads and writes) holding a new organization
/// named `name`; answers the store and the organization's administrator.
pub async fn store_with_organization(
    url: &str,
    connections: u32,
    name: &str,
) -> Result<(PostgresStore, Principal), String> {
    let store = PostgresStore::open(url, connections)
        .await
        .map_err(|e| e.to_string())?;
    let created = organizations::create(
        &store,
        &Principal::platform_operator(),
        CreateOrganization { name: name.into() },
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok((store, Principal::from(&created.admin_key)))
}
