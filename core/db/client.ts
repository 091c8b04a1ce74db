import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

export type Db = ReturnType<typeof createDb>;

function createDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

const cache = new WeakMap<D1Database, Db>();

/** The drizzle client for platform tables. Tenant tables go through `scopedDb` instead. */
export function getDb(env: { DB: D1Database }): Db {
  let db = cache.get(env.DB);
  if (!db) {
    db = createDb(env.DB);
    cache.set(env.DB, db);
  }
  return db;
}
