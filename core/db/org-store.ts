/**
 * The door to one org's data inside its OrgHub: drizzle over the object's own SQLite. Reads
 * run in-thread (no I/O); `batch` applies a transition's writes in one synchronous
 * transaction. The read helpers in core/ take an OrgStore, and only an OrgHub makes one, so
 * an org's work is reached through its own object and nowhere else.
 */
import { and, count, getTableColumns, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/durable-sqlite';
import type { SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as orgSchema from './org-schema';
import { type OrgStatements, prepareOrgStatements } from './org-statements';

export type OrgDb = ReturnType<typeof createOrgDb>;

const TIMESTAMP_COLUMNS = ['createdAt', 'updatedAt'] as const;

/**
 * How a bound value is written in the SQL: `+?`, not `?`.
 *
 * SQLite's planner reads the value bound to a bare `?` in an equality or a LIMIT (is it 0 or
 * 1?) and then marks the statement to be compiled again whenever that parameter is bound anew.
 * workerd keeps each statement compiled across calls, but every query that joins, sorts or
 * limits was compiled again on every call: a sixth of the hub's CPU on `GET /v1/tasks/:id`
 * (docs/decisions/022-bound-values-as-plus-params.md). Unary plus is the identity on any value,
 * leaves affinity and index use as they were, and hides the value from the planner, so the
 * compiled statement is kept.
 */
export const BOUND_VALUE_SQL = '+?';

export function createOrgDb(storage: DurableObjectStorage) {
  const db = drizzle(storage, { schema: orgSchema });
  // drizzle builds every statement's SQL through its dialect (internal to the database object).
  (db as unknown as { dialect: SQLiteSyncDialect }).dialect.escapeParam = () => BOUND_VALUE_SQL;
  return db;
}

type Insert<T extends SQLiteTable> = T['$inferInsert'];
type Update<T extends SQLiteTable> = Partial<T['$inferInsert']>;
/** A write statement that runs synchronously inside a transaction. */
export interface Statement {
  run(): unknown;
}

/** A prepared statement with its values, for a batch. */
export function bound<V>(statement: { run(values: V): unknown }, values: V): Statement {
  return { run: () => statement.run(values) };
}

export class OrgStore {
  /** The hot path's prepared statements (core/db/org-statements.ts). */
  readonly statements: OrgStatements;

  constructor(
    readonly db: OrgDb,
    readonly storage: DurableObjectStorage,
    statements?: OrgStatements,
  ) {
    this.statements = statements ?? prepareOrgStatements(db);
  }

  /** A select over one table; chain orderBy/limit/groupBy, then await it (it runs in-thread). */
  select<T extends SQLiteTable>(table: T, ...conditions: Array<SQL | undefined>) {
    return this.db
      .select()
      .from(table)
      .where(and(...conditions))
      .$dynamic();
  }

  /** Like `select`, picking fields. */
  selectFields<F extends Parameters<OrgDb['select']>[0] & object, T extends SQLiteTable>(
    fields: F,
    table: T,
    ...conditions: Array<SQL | undefined>
  ) {
    return this.db
      .select(fields)
      .from(table)
      .where(and(...conditions))
      .$dynamic();
  }

  async first<T extends SQLiteTable>(
    table: T,
    ...conditions: Array<SQL | undefined>
  ): Promise<T['$inferSelect'] | undefined> {
    return this.select(table, ...conditions)
      .limit(1)
      .get() as T['$inferSelect'] | undefined;
  }

  async count(table: SQLiteTable, ...conditions: Array<SQL | undefined>): Promise<number> {
    return (
      this.db
        .select({ n: count() })
        .from(table)
        .where(and(...conditions))
        .get()?.n ?? 0
    );
  }

  /**
   * Rows without `createdAt`/`updatedAt` get this millisecond: the columns' SQL default
   * (`unixepoch() * 1000`) has whole seconds only, and rows made in one second would share a time.
   */
  insertRows<T extends SQLiteTable>(table: T, values: Insert<T> | Insert<T>[]) {
    const rows = (Array.isArray(values) ? values : [values]) as Array<Record<string, unknown>>;
    const columns = getTableColumns(table);
    const stamped = TIMESTAMP_COLUMNS.filter((name) => name in columns);
    const now = Date.now();
    const filled = stamped.length
      ? rows.map((row) => {
          const out = { ...row };
          for (const name of stamped) out[name] ??= now;
          return out;
        })
      : rows;
    return this.db.insert(table).values(filled as never);
  }

  updateRows<T extends SQLiteTable>(table: T, set: Update<T>, ...conditions: Array<SQL | undefined>) {
    return this.db
      .update(table)
      .set(set as never)
      .where(and(...conditions));
  }

  deleteRows(table: SQLiteTable, ...conditions: Array<SQL | undefined>) {
    return this.db.delete(table).where(and(...conditions));
  }

  /** Related writes in one synchronous transaction: all of them or none. */
  batch(statements: readonly Statement[]): void {
    this.storage.transactionSync(() => {
      for (const statement of statements) statement.run();
    });
  }

  /** Runs `work` in one synchronous transaction (for writes that read what they just wrote). */
  transaction<T>(work: () => T): T {
    return this.storage.transactionSync(work);
  }
}
