/**
 * The OrgHub's own SQLite schema, applied once per object under blockConcurrencyWhile.
 * Append-only list: each entry runs once, in order; the applied count lives in `_schema`.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // The org's event log: one sequence for every client; replayed to reconnecting sockets.
  `CREATE TABLE IF NOT EXISTS events (
     seq INTEGER PRIMARY KEY,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     created_at INTEGER NOT NULL
   )`,
  // Deliveries from the agent-runs queue already handled: makes redelivery a no-op.
  `CREATE TABLE IF NOT EXISTS run_deliveries (
     task_id TEXT NOT NULL,
     attempt INTEGER NOT NULL,
     status TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     PRIMARY KEY (task_id, attempt)
   )`,
  `CREATE TABLE IF NOT EXISTS dead_letters (
     id INTEGER PRIMARY KEY,
     body TEXT NOT NULL,
     reason TEXT NOT NULL,
     received_at INTEGER NOT NULL
   )`,
  // Runs in progress in this instance; rows left after a restart are orphans for the watchdog.
  `CREATE TABLE IF NOT EXISTS active_runs (
     task_id TEXT PRIMARY KEY,
     attempt INTEGER NOT NULL,
     started_at INTEGER NOT NULL
   )`,
];

export function migrateOrgHubStorage(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS _schema (id INTEGER PRIMARY KEY CHECK (id = 1), applied INTEGER NOT NULL)`);
  const row = sql.exec<{ applied: number }>(`SELECT applied FROM _schema WHERE id = 1`).toArray()[0];
  const applied = row?.applied ?? 0;
  for (let i = applied; i < MIGRATIONS.length; i++) sql.exec(MIGRATIONS[i]!);
  sql.exec(
    `INSERT INTO _schema (id, applied) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET applied = excluded.applied`,
    MIGRATIONS.length,
  );
}
