/**
 * Pro overage, reported to Stripe from the org's OrgHub (docs/decisions/013-overage-meter-events.md).
 *
 * 1. Record: what the period owes is `max(0, agent_ms − plan limit)`, exactly, from the hub's
 *    own counters. What is not yet in the outbox (`meter_reports`) is attributed to the newest
 *    runs of the period that have no row yet, one row per run (its identifier `<org>:<run>`).
 * 2. Send: every unsent row becomes one Billing Meter Event (`stripe.billing.meterEvents.create`)
 *    with that identifier, so a retry after a lost answer is deduplicated by Stripe; the row is
 *    marked sent only when Stripe accepts it. Failures stay unsent and the hub's alarm retries.
 *
 * Values are agent-milliseconds (integers, so sums are exact); the Stripe Price divides them.
 */
import { and, desc, eq, gte, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import { stripeClient, stripeErrors } from '../core/billing/stripe';
import { loadConfig } from '../core/config';
import { agentRuns, meterReports, usagePeriods } from '../core/db/org-schema';
import type { OrgStore } from '../core/db/org-store';
import { log } from '../core/log';
import type { OrgInfo } from '../core/org-info';
import { billsOverage, effectivePlan } from '../core/plans';

/** A failed send is retried after this long (the hub's alarm). */
export const METER_RETRY_MS = 60_000;
/** Rows sent per pass: a backlog drains over a few alarms rather than one long one. */
const SEND_BATCH = 50;

export interface MeterTotals {
  periodStart: number;
  /** Agent-ms beyond the plan's limit this period (0 when within it or not metered). */
  owedMs: number;
  /** Agent-ms in the outbox (sent or not). */
  recordedMs: number;
  /** Agent-ms Stripe accepted. */
  sentMs: number;
  unsent: number;
}

export class MeterReports {
  constructor(
    private readonly envOf: () => Env,
    private readonly store: OrgStore,
    private readonly org: () => OrgInfo | null,
  ) {}

  /** Puts what the latest periods owe and the outbox does not hold yet into the outbox. Idempotent. */
  record(now = Date.now()): number {
    const info = this.org();
    if (!info || !billsOverage(info.plan)) return 0;
    const limitMs = effectivePlan(info).limits.agentMinutesPerMonth * 60_000;
    if (!Number.isFinite(limitMs)) return 0;
    const periods = this.store
      .select(usagePeriods, lt(usagePeriods.periodStart, now + 1))
      .orderBy(desc(usagePeriods.periodStart))
      .limit(2)
      .all();
    let added = 0;
    for (const period of periods) {
      let remaining = Math.max(0, period.agentMs - limitMs) - this.sumOf(period.periodStart, false);
      if (remaining <= 0) continue;
      // Newest first: the latest runs are the ones that went past the limit.
      const runs = this.store.db
        .select({ id: agentRuns.id, agentMs: agentRuns.agentMs, endedAt: agentRuns.endedAt })
        .from(agentRuns)
        .where(
          and(
            isNotNull(agentRuns.endedAt),
            gte(agentRuns.endedAt, period.periodStart),
            lt(agentRuns.endedAt, period.periodEnd),
            sql`${agentRuns.agentMs} > 0`,
            sql`NOT EXISTS (SELECT 1 FROM ${meterReports} WHERE ${meterReports.runId} = ${agentRuns.id})`,
          ),
        )
        .orderBy(desc(agentRuns.endedAt), desc(agentRuns.id))
        .all();
      const rows = [];
      for (const run of runs) {
        if (remaining <= 0) break;
        const agentMs = Math.min(run.agentMs, remaining);
        remaining -= agentMs;
        rows.push({
          identifier: `${info.id}:${run.id}`,
          runId: run.id,
          periodStart: period.periodStart,
          agentMs,
          at: run.endedAt!,
        });
      }
      if (rows.length) {
        this.store.batch([this.store.insertRows(meterReports, rows).onConflictDoNothing()]);
        added += rows.length;
      }
      if (remaining > 0)
        log.warn('meter_unattributed', { org_id: info.id, period_start: period.periodStart, agent_ms: remaining });
    }
    return added;
  }

  /**
   * Sends unsent rows. `retry`: some are still unsent and a later try may succeed (Stripe
   * failed); without Stripe or a customer they wait for the cron's reconciliation instead.
   */
  async send(): Promise<{ unsent: number; retry: boolean }> {
    const info = this.org();
    const config = loadConfig(this.envOf());
    const unsent = () => this.store.db.select().from(meterReports).where(isNull(meterReports.sentAt));
    if (!info || !config.billingEnabled || !config.STRIPE_SECRET_KEY)
      return { unsent: unsent().all().length, retry: false };
    if (!info.stripeCustomerId) {
      const waiting = unsent().all().length;
      if (waiting) log.warn('meter_no_customer', { org_id: info.id, unsent: waiting });
      return { unsent: waiting, retry: false };
    }
    const stripe = await stripeClient(config);
    const { StripeError } = await stripeErrors();
    for (const row of unsent().orderBy(meterReports.at).limit(SEND_BATCH).all()) {
      let error: string | null = null;
      try {
        await stripe.billing.meterEvents.create({
          event_name: config.STRIPE_METER_EVENT_NAME,
          identifier: row.identifier,
          timestamp: Math.floor(row.at / 1000),
          payload: { stripe_customer_id: info.stripeCustomerId, value: String(row.agentMs) },
        });
      } catch (caught) {
        // Stripe already has this identifier: an earlier try was accepted and its answer lost.
        if (!(caught instanceof StripeError && isDuplicateIdentifier(caught)))
          error = caught instanceof Error ? caught.message.slice(0, 500) : 'unknown';
      }
      this.store.batch([
        this.store.updateRows(
          meterReports,
          error
            ? { attempts: row.attempts + 1, lastError: error }
            : { attempts: row.attempts + 1, sentAt: Date.now(), lastError: null },
          eq(meterReports.identifier, row.identifier),
        ),
      ]);
      if (error) {
        log.warn('meter_event_failed', { org_id: info.id, identifier: row.identifier, error });
        break;
      }
    }
    const left = unsent().all().length;
    return { unsent: left, retry: left > 0 };
  }

  /** Agent-ms in the outbox for a period: all of it, or only what Stripe accepted. */
  sumOf(periodStart: number, sentOnly: boolean): number {
    const [row] = this.store.db
      .select({ total: sql<number>`COALESCE(SUM(${meterReports.agentMs}), 0)` })
      .from(meterReports)
      .where(and(eq(meterReports.periodStart, periodStart), sentOnly ? isNotNull(meterReports.sentAt) : undefined))
      .all();
    return Number(row?.total ?? 0);
  }

  /** The period's figures for reconciliation (core/billing/metering.ts). */
  totals(periodStart: number): MeterTotals {
    const info = this.org();
    const usage = this.store.select(usagePeriods, eq(usagePeriods.periodStart, periodStart)).get();
    const limitMs = info ? effectivePlan(info).limits.agentMinutesPerMonth * 60_000 : Number.POSITIVE_INFINITY;
    const metered = info !== null && billsOverage(info.plan) && Number.isFinite(limitMs);
    const [unsent] = this.store.db
      .select({ n: sql<number>`COUNT(*)` })
      .from(meterReports)
      .where(and(eq(meterReports.periodStart, periodStart), isNull(meterReports.sentAt)))
      .all();
    return {
      periodStart,
      owedMs: metered ? Math.max(0, (usage?.agentMs ?? 0) - limitMs) : 0,
      recordedMs: this.sumOf(periodStart, false),
      sentMs: this.sumOf(periodStart, true),
      unsent: Number(unsent?.n ?? 0),
    };
  }
}

function isDuplicateIdentifier(error: Stripe.errors.StripeError): boolean {
  return (
    error.code === 'resource_already_exists' ||
    (error.statusCode === 400 && /identifier/i.test(error.message) && /already/i.test(error.message))
  );
}
