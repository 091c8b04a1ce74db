/**
 * Two doors, checked by scanning the source. An org's own work (agents, tasks, runs…) lives
 * in its OrgHub: only the object and the core read helpers it calls import that schema, never
 * a route, a loader or the Worker. The per-org tables left in D1 (credentials, the usage
 * ledger, and the legacy tables of decision 009) are reached only through the org-scoped data
 * layer: a query anywhere else, through drizzle builders, the relational API or raw SQL, fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getTableName } from 'drizzle-orm';
import * as legacy from '../../core/db/legacy-schema';
import { TENANT_TABLES } from '../../core/db/schema';

const ROOT = path.resolve(__dirname, '../..');
const SCANNED_DIRS = ['worker', 'core', 'app', 'durable-objects', 'scripts'];
/** Files allowed to touch D1's tenant tables directly: the layer itself and the schemas. */
const ALLOWED = new Set([
  'core/db/scoped.ts',
  'core/db/schema.ts',
  'core/db/legacy-schema.ts',
  // Raw SQL on the showcase OrgHub's own SQLite (one org by construction), not on D1.
  'durable-objects/showcase.ts',
  // The OrgHub's prepared statements, on its own SQLite (its `usagePeriods` shares its name
  // with a legacy D1 table); the file imports only the org schema, checked below.
  'core/db/org-statements.ts',
]);
const D1_TENANT_TABLES = { ...TENANT_TABLES, ...legacy };

const tableSymbols = Object.keys(TENANT_TABLES);
const tableSqlNames = Object.values(D1_TENANT_TABLES).map((table) => getTableName(table));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx)$/.test(entry) && !/\.test\.tsx?$/.test(entry) && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Every place in `source` that reaches a tenant table without the scoped layer. */
export function findUnscopedAccess(source: string): string[] {
  const found: string[] = [];
  const symbols = tableSymbols.join('|');
  const builder = new RegExp(
    `\\.(from|insert|update|delete|innerJoin|leftJoin|rightJoin|fullJoin)\\(\\s*(${symbols})\\b`,
    'g',
  );
  const relational = new RegExp(`\\.query\\.(${symbols})\\b`, 'g');
  const rawSql = new RegExp(`\\b(FROM|INTO|UPDATE|JOIN)\\s+["'\`]?(${tableSqlNames.join('|')})\\b`, 'gi');
  for (const pattern of [builder, relational]) for (const match of source.matchAll(pattern)) found.push(match[0]);
  // Raw SQL only counts inside prepare()/exec() strings; prose in comments mentioning "from tasks" is fine.
  for (const call of source.matchAll(/\.(prepare|exec)\(\s*(`[^`]*`|'[^']*'|"[^"]*")/g)) {
    for (const match of call[2]!.matchAll(rawSql)) found.push(match[0]);
  }
  return found;
}

describe('tenant tables are reached only through the org-scoped data layer', () => {
  it('the scanner catches each kind of unscoped access', () => {
    expect(findUnscopedAccess('db.select().from(credentials).where(eq(credentials.id, id))')).toEqual([
      '.from(credentials',
    ]);
    expect(findUnscopedAccess('db.update(usagePeriods).set({})')).toEqual(['.update(usagePeriods']);
    expect(findUnscopedAccess('db.query.credentials.findMany()')).toEqual(['.query.credentials']);
    expect(findUnscopedAccess('x.innerJoin(credentials, eq(a, b))')).toEqual(['.innerJoin(credentials']);
    expect(findUnscopedAccess('env.DB.prepare(`SELECT * FROM tasks WHERE id = ?`)')).toEqual(['FROM tasks']);
    expect(findUnscopedAccess('scope.select(credentials, eq(credentials.id, id))')).toEqual([]);
    expect(findUnscopedAccess('db.select().from(users)')).toEqual([]);
  });

  it('no source file outside core/db/scoped.ts queries a tenant table directly', () => {
    const violations: string[] = [];
    for (const dir of SCANNED_DIRS) {
      for (const file of sourceFiles(path.join(ROOT, dir))) {
        const relative = path.relative(ROOT, file);
        if (ALLOWED.has(relative)) continue;
        for (const hit of findUnscopedAccess(readFileSync(file, 'utf8'))) violations.push(`${relative}: ${hit}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the OrgHub's prepared statements import no D1 schema", () => {
    const source = readFileSync(path.join(ROOT, 'core/db/org-statements.ts'), 'utf8');
    expect(source).toMatch(/from '\.\/org-schema'/);
    expect(source).not.toMatch(/from '\.\/(schema|legacy-schema|scoped|client)'/);
  });
});

describe("an org's own work is reached only through its OrgHub", () => {
  it('no route, loader or Worker module imports the OrgHub storage schema or store', () => {
    const violations: string[] = [];
    for (const dir of ['worker', 'app']) {
      for (const file of sourceFiles(path.join(ROOT, dir))) {
        const source = readFileSync(file, 'utf8');
        for (const match of source.matchAll(/^import (?!type )[^;]*from '[^']*core\/db\/(org-schema|org-store)'/gm))
          violations.push(`${path.relative(ROOT, file)}: ${match[0]}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
