/**
 * Brings an OrgHub's SQLite to the current schema (core/db/org-schema.ts): drizzle-kit's
 * migrations, bundled into the object, after moving an object of the first layout out of the way.
 * Runs in the object's constructor, and again after a purge empties the storage.
 */
import { migrate } from 'drizzle-orm/durable-sqlite/migrator';
import type { OrgStore } from '../core/db/org-store';
import orgMigrations from './migrations';
import { setMeta } from './platform-link';

export function migrateOrgStorage(store: OrgStore): void {
  const sql = store.storage.sql;
  const legacy = sql.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_schema'`).toArray();
  if (legacy.length > 0) {
    // The first layout kept only bookkeeping here (the org's work was in D1): keep the org id,
    // drop the rest; live clients resync.
    const orgId = sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'org_id'`).toArray()[0]?.value;
    for (const table of ['_schema', 'meta', 'events', 'run_deliveries', 'dead_letters', 'active_runs'])
      sql.exec(`DROP TABLE IF EXISTS ${table}`);
    migrate(store.db, orgMigrations);
    if (orgId) setMeta(store, 'org_id', orgId);
    return;
  }
  migrate(store.db, orgMigrations);
}
