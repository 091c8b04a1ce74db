/**
 * The org-scoped data layer: the only door to tenant tables. It is built from an
 * authenticated OrgContext (or, inside an OrgHub, from the org the object serves) and adds
 * `organization_id = ?` to every read and write itself, so a caller cannot forget it.
 * tests/unit/tenant-scope.test.ts scans the code and fails when a tenant table is queried
 * anywhere else.
 */
import { and, count, eq, gte, inArray, isNull, type SQL, sum } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { OrgContext } from '../tenant';
import type { Db } from './client';
import type { PlanId } from '../plans';
import { organizations, type TENANT_TABLES, usagePeriods } from './schema';

export type TenantTable = (typeof TENANT_TABLES)[keyof typeof TENANT_TABLES];
type Insert<T extends TenantTable> = Omit<T['$inferInsert'], 'organizationId'>;
type Update<T extends TenantTable> = Partial<Omit<T['$inferInsert'], 'organizationId' | 'id'>>;

export class OrgScope {
  constructor(
    private readonly db: Db,
    readonly orgId: string,
  ) {}

  /** `organization_id = orgId AND …conditions`. */
  where(table: TenantTable, ...conditions: Array<SQL | undefined>): SQL {
    return and(eq(table.organizationId, this.orgId), ...conditions)!;
  }

  /** A select over one tenant table with the org filter applied; chain orderBy/limit/joins. */
  select<T extends TenantTable>(table: T, ...conditions: Array<SQL | undefined>) {
    return this.db
      .select()
      .from(table)
      .where(this.where(table, ...conditions))
      .$dynamic();
  }

  /** Like `select`, picking fields (and joining other tables of the same org). */
  selectFields<F extends Parameters<Db['select']>[0] & object, T extends TenantTable>(
    fields: F,
    table: T,
    ...conditions: Array<SQL | undefined>
  ) {
    return this.db
      .select(fields)
      .from(table)
      .where(this.where(table, ...conditions))
      .$dynamic();
  }

  async first<T extends TenantTable>(
    table: T,
    ...conditions: Array<SQL | undefined>
  ): Promise<T['$inferSelect'] | undefined> {
    const rows = await this.select(table, ...conditions).limit(1);
    return rows[0] as T['$inferSelect'] | undefined;
  }

  async count(table: TenantTable, ...conditions: Array<SQL | undefined>): Promise<number> {
    const rows = await this.db
      .select({ n: count() })
      .from(table)
      .where(this.where(table, ...conditions));
    return rows[0]?.n ?? 0;
  }

  insertRows<T extends TenantTable>(table: T, values: Insert<T> | Insert<T>[]) {
    const withOrg = (row: Insert<T>) => ({ ...row, organizationId: this.orgId }) as T['$inferInsert'];
    const rows = Array.isArray(values) ? values.map(withOrg) : [withOrg(values)];
    return this.db.insert(table).values(rows as never);
  }

  updateRows<T extends TenantTable>(table: T, set: Update<T>, ...conditions: Array<SQL | undefined>) {
    return this.db
      .update(table)
      .set(set as never)
      .where(this.where(table, ...conditions));
  }

  deleteRows(table: TenantTable, ...conditions: Array<SQL | undefined>) {
    return this.db.delete(table).where(this.where(table, ...conditions));
  }

  /** D1 has no interactive transactions: related writes go in one batch (all or nothing). */
  batch<U extends BatchItem<'sqlite'>, T extends Readonly<[U, ...U[]]>>(queries: T) {
    return this.db.batch(queries);
  }
}

/**
 * The platform's total model spend on its own key in one usage period, over every org: an
 * aggregate (no org's rows leave here), for the platform-wide spend ceiling (core/platform-budget.ts).
 */
export async function platformKeySpend(db: Db, periodStart: number): Promise<number> {
  const [row] = await db
    .select({ total: sum(usagePeriods.platformCostMicroUsd) })
    .from(usagePeriods)
    .where(eq(usagePeriods.periodStart, periodStart));
  return Number(row?.total ?? 0);
}

/**
 * The ledger rows since `periodStart` of live orgs on the given plans, with what each org's
 * plan allows: a cross-org sweep for the overage reconciliation (core/billing/metering.ts).
 */
export async function ledgerOfPlans(db: Db, periodStart: number, plans: PlanId[]) {
  return db
    .select({
      orgId: organizations.id,
      plan: organizations.plan,
      planLimits: organizations.planLimits,
      periodStart: usagePeriods.periodStart,
      agentMs: usagePeriods.agentMs,
      reportedAgentMs: usagePeriods.reportedAgentMs,
    })
    .from(usagePeriods)
    .innerJoin(organizations, eq(organizations.id, usagePeriods.organizationId))
    .where(
      and(
        gte(usagePeriods.periodStart, periodStart),
        inArray(organizations.plan, plans),
        isNull(organizations.deletedAt),
      ),
    );
}

export function orgScope(db: Db, ctx: Pick<OrgContext, 'orgId'>): OrgScope {
  return new OrgScope(db, ctx.orgId);
}
