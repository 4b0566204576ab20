//! Pieces every list query uses: directory paging, `IN` lists, `LIKE` patterns, totals.

use crate::sql::prelude::*;

/// Most rows in one multi-row `INSERT` (well under both backends' bound-parameter limits).
pub(crate) const ROWS_PER_INSERT: usize = 400;

pub(crate) fn push_directory_page(qb: &mut QueryBuilder<'_, Db>, page: &DirectoryPage) {
    if let PageStart::After(Some(after)) = page.start {
        qb.push(" AND id > ").push_bind(after);
    }
    qb.push(" ORDER BY id LIMIT ")
        .push_bind(i64::from(page.limit) + 1);
    if let PageStart::Offset(offset) = page.start {
        qb.push(" OFFSET ").push_bind(offset as i64);
    }
}

pub(crate) fn push_in(qb: &mut QueryBuilder<'_, Db>, column: &str, units: &[BusinessUnitId]) {
    push_in_ids(qb, column, units.iter().map(|unit| unit.as_uuid()));
}

/// ` AND column IN (ids)`; the list must not be empty.
pub(crate) fn push_in_ids(
    qb: &mut QueryBuilder<'_, Db>,
    column: &str,
    ids: impl IntoIterator<Item = Uuid>,
) {
    qb.push(format!(" AND {column} IN ("));
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    list.push_unseparated(")");
}

/// Escapes LIKE wildcards so user text matches literally.
pub(crate) fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl SqlStore {
    pub(crate) async fn total(
        &self,
        qb: QueryBuilder<'_, Db>,
        asked: bool,
    ) -> StoreResult<Option<u64>> {
        self.total_on(&self.reader, qb, asked).await
    }

    /// `total`, counted on `pool`.
    pub(crate) async fn total_on(
        &self,
        pool: &sqlx::Pool<Db>,
        mut qb: QueryBuilder<'_, Db>,
        asked: bool,
    ) -> StoreResult<Option<u64>> {
        if !asked {
            return Ok(None);
        }
        let (n,): (i64,) = qb.build_query_as().fetch_one(pool).await?;
        Ok(Some(n as u64))
    }

    pub(crate) async fn list_directory<R, T>(
        &self,
        table: &str,
        columns: &str,
        org: OrganizationId,
        filters: impl Fn(&mut QueryBuilder<'_, Db>),
        page: &DirectoryPage,
        convert: impl Fn(R) -> StoreResult<T>,
    ) -> StoreResult<Rows<T>>
    where
        R: for<'r> FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
    {
        let mut qb = QueryBuilder::<Db>::new(format!(
            "SELECT {columns} FROM {table} WHERE organization_id = "
        ));
        qb.push_bind(org.as_uuid());
        filters(&mut qb);
        push_directory_page(&mut qb, page);
        let rows: Vec<R> = qb.build_query_as().fetch_all(&self.reader).await?;
        let mut count = QueryBuilder::<Db>::new(format!(
            "SELECT COUNT(*) FROM {table} WHERE organization_id = "
        ));
        count.push_bind(org.as_uuid());
        filters(&mut count);
        Ok(Rows {
            items: rows.into_iter().map(convert).collect::<StoreResult<_>>()?,
            total: self.total(count, page.include_total).await?,
        })
    }

    pub(crate) async fn delete_row(
        &self,
        table: &str,
        what: &'static str,
        org: OrganizationId,
        id: Uuid,
    ) -> StoreResult<()> {
        let result = sqlx::query(&format!(
            "DELETE FROM {table} WHERE organization_id = $1 AND id = $2"
        ))
        .bind(org.as_uuid())
        .bind(id)
        .execute(&self.writer)
        .await?;
        affected(what, result.rows_affected())
    }
}
