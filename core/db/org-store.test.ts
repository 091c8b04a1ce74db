import { DatabaseSync } from 'node:sqlite';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import orgMigrations from '../../durable-objects/migrations';
import { tasks } from './org-schema';
import { prepareOrgStatements } from './org-statements';
import { BOUND_VALUE_SQL, createOrgDb } from './org-store';

// Building SQL touches no storage: nothing here runs a statement through the object.
const db = createOrgDb({} as DurableObjectStorage);

/** The org schema in an in-memory SQLite, from the hub's own migrations. */
function migratedSqlite() {
  const sqlite = new DatabaseSync(':memory:');
  for (const migration of Object.values(orgMigrations.migrations)) {
    for (const statement of migration.split('--> statement-breakpoint')) {
      if (statement.trim()) sqlite.exec(statement);
    }
  }
  return sqlite;
}

describe('org SQL: bound values as +?', () => {
  it('writes every bound value as +?, with the values unchanged', () => {
    const query = db.select().from(tasks).where(eq(tasks.id, 'tsk_1')).limit(5).toSQL();
    expect(query.sql).toContain(`"tasks"."id" = ${BOUND_VALUE_SQL}`);
    expect(query.sql).toMatch(/limit \+\?$/);
    expect(query.sql).not.toMatch(/[^+]\?/);
    expect(query.params).toEqual(['tsk_1', 5]);
  });

  it('leaves the query plan of every hot-path statement as it was with a bare ?', () => {
    const sqlite = migratedSqlite();
    const plan = (sql: string) =>
      sqlite
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((row) => row.detail);
    const statements = prepareOrgStatements(db) as Record<string, { getQuery(): { sql: string } }>;
    const names = Object.keys(statements);
    expect(names.length).toBeGreaterThan(20);
    for (const name of names) {
      const { sql } = statements[name]!.getQuery();
      expect(sql, name).not.toMatch(/[^+]\?/);
      expect(plan(sql), name).toEqual(plan(sql.replaceAll(BOUND_VALUE_SQL, '?')));
    }
  });

  it('finds the same rows as a bare ? (text, integer and null values)', () => {
    const sqlite = migratedSqlite();
    sqlite.exec(`INSERT INTO agents (id, slug, name, role, department, level, personality, tool_permissions, avatar_color)
      VALUES ('agt_1', 'marcus', 'Marcus', 'CEO', 'Exec', 'exec', 'calm', '[]', '#000')`);
    const insert = sqlite.prepare(
      `INSERT INTO tasks (id, agent_id, creator_type, title, description, priority, status, attempts)
       VALUES (?, 'agt_1', 'user', 't', 'd', 'normal', ?, ?)`,
    );
    insert.run('tsk_1', 'queued', 1);
    insert.run('tsk_2', 'running', 2);
    const ids = (sql: string, ...values: (string | number | null)[]) =>
      sqlite
        .prepare(sql)
        .all(...values)
        .map((row) => row.id);
    for (const [where, value] of [
      ['id = ?', 'tsk_2'],
      ['attempts = ?', 2],
      ['attempts = ?', '2'],
      ['parent_id IS ?', null],
    ] as const) {
      const bare = `SELECT id FROM tasks WHERE ${where} ORDER BY id`;
      expect(ids(bare.replace('?', BOUND_VALUE_SQL), value), where).toEqual(ids(bare, value));
    }
  });
});
