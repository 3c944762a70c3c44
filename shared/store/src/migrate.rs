use crate::StoreError;

refinery::embed_migrations!("../../migrations");

const HISTORY_SCHEMA: &str = "schema_migrations";

/// A migration that this run applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i32,
    pub name: String,
}

/// Applies the pending migrations of `migrations/` in order; already-applied ones are skipped using
/// refinery's history table, so running it again is a no-op.
pub async fn run_migrations(
    client: &mut tokio_postgres::Client,
) -> Result<Vec<AppliedMigration>, StoreError> {
    // refinery's history table lives outside `public`, where every table must have forced RLS
    // (which would hide the history from a migrating role that cannot bypass RLS).
    client
        .batch_execute(&format!("create schema if not exists {HISTORY_SCHEMA}"))
        .await?;
    let mut runner = migrations::runner().set_abort_divergent(true);
    runner.set_migration_table_name(format!("{HISTORY_SCHEMA}.refinery_schema_history"));
    let report = runner
        .run_async(client)
        .await
        .map_err(StoreError::Migration)?;
    Ok(report
        .applied_migrations()
        .iter()
        .map(|m| AppliedMigration {
            version: m.version(),
            name: m.name().to_owned(),
        })
        .collect())
}
