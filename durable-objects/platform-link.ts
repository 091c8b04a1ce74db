/**
 * What an OrgHub holds of the platform (D1), so that no transition waits on it: the org's
 * plan, names and default model (pushed by the Worker, read from D1 once by an object that has
 * never been told), the org's model key (read before a run, cached a minute), and the copy of
 * its usage counters in D1's ledger (upserted at most every few seconds, and from the alarm).
 * It also gives a new org its default team on first use.
 */
import { AnalyticsTally } from '../core/analytics';
import { desc, eq } from 'drizzle-orm';
import { loadConfig } from '../core/config';
import { findCredential, type ResolvedModelKey, resolveAnthropicKey, type StoredCredential } from '../core/credentials';
import { getDb } from '../core/db/client';
import { agentRuns, agents, meta, usagePeriods } from '../core/db/org-schema';
import type { OrgStore } from '../core/db/org-store';
import { orgScope, platformKeySpend } from '../core/db/scoped';
import { platformBudgetRefusal, usagePeriodOf } from '../core/platform-budget';
import { organizations, usagePeriods as usageLedger } from '../core/db/schema';
import { DEFAULT_TEAM } from '../core/default-team';
import { ApiError } from '../core/errors';
import { newId } from '../core/ids';
import { log } from '../core/log';
import { OrgInfo, orgInfoOf } from '../core/org-info';
import { METER_RETRY_MS, MeterReports } from './meter-reports';

/** The D1 usage ledger is refreshed at most this often (and at the end of a burst). */
const LEDGER_FLUSH_MS = 3_000;
/** A cached model-key row is re-read from D1 after this long (saving or removing a key also clears it). */
const CREDENTIAL_TTL_MS = 60_000;
/** The platform-wide spend on the platform key (a D1 sum over every org) is re-read after this long. */
const PLATFORM_SPEND_TTL_MS = 60_000;

export function metaValue(store: OrgStore, key: string): string | null {
  return store.statements.metaValue.get({ key })?.value ?? null;
}

export function setMeta(store: OrgStore, key: string, value: string) {
  store.batch([store.insertRows(meta, { key, value }).onConflictDoUpdate({ target: meta.key, set: { value } })]);
}

export class PlatformLink {
  private info: OrgInfo | null;
  private credential: { row: StoredCredential | null; at: number } | null = null;
  private readonly modelKeys = new Map<string, ResolvedModelKey | null>();
  private ledgerTimer: ReturnType<typeof setTimeout> | null = null;
  private platformSpend: { periodStart: number; microUsd: number; at: number } | null = null;
  /** Pro overage owed to Stripe (durable-objects/meter-reports.ts). */
  readonly meter: MeterReports;
  /** Finished runs by outcome, for ops metrics; written locally with the ledger. */
  readonly runOutcomes = new AnalyticsTally();

  constructor(
    /** The object's env, read on each use (tests give a hub another env in place). */
    private readonly envOf: () => Env,
    private readonly store: OrgStore,
    private readonly orgId: () => string | null,
    /** Wakes the hub no later than `at` (a failed meter send is retried from the alarm). */
    private readonly wakeAt: (at: number) => Promise<void> = async () => {},
  ) {
    const saved = metaValue(store, 'org_info');
    this.info = saved ? OrgInfo.parse(JSON.parse(saved)) : null;
    this.meter = new MeterReports(envOf, store, () => this.info);
  }

  org(): OrgInfo {
    if (!this.info) throw new Error('OrgHub has no org info yet');
    return this.info;
  }

  save(info: OrgInfo) {
    this.info = info;
    setMeta(this.store, 'org_info', JSON.stringify(info));
  }

  /** Forgets everything (the org's storage was cleared). */
  reset() {
    this.info = null;
    this.credential = null;
    this.modelKeys.clear();
  }

  /** The org info, read once from D1 for an object that has never been told (then kept current by the Worker). */
  async ensureInfo(): Promise<void> {
    const orgId = this.orgId();
    if (this.info || !orgId) return;
    const [org] = await getDb(this.envOf()).select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
    if (!org) throw new ApiError('not_found', 'No such organization.');
    this.save(orgInfoOf(org));
    if (metaValue(this.store, 'team_seeded') === null && (await this.store.count(agents)) === 0) this.seedDefaultTeam();
  }

  /** False when the org is gone from D1 (deleted and purged): nothing is left to do here. */
  async hasOrg(): Promise<boolean> {
    try {
      await this.ensureInfo();
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return false;
      throw error;
    }
  }

  private seedDefaultTeam() {
    const now = Date.now();
    const ids = new Map(DEFAULT_TEAM.map((agent) => [agent.slug, newId('agt', now)]));
    this.store.batch([
      this.store.insertRows(
        agents,
        DEFAULT_TEAM.map((template, index) => ({
          id: ids.get(template.slug)!,
          slug: template.slug,
          name: template.name,
          role: template.role,
          department: template.department,
          level: template.level,
          personality: template.personality,
          model: null,
          status: 'idle' as const,
          managerId: template.manager ? (ids.get(template.manager) ?? null) : null,
          toolPermissions: template.toolPermissions,
          avatarColor: template.avatarColor,
          deskX: template.desk.x,
          deskY: template.desk.y,
          createdAt: now + index,
          updatedAt: now + index,
        })),
      ),
      this.store.insertRows(meta, { key: 'team_seeded', value: String(now) }),
    ]);
  }

  /** The model key the run of `agentId` uses, as resolved by `prepareModelKey`. */
  modelKey(agentId: string): ResolvedModelKey | null {
    return this.modelKeys.get(agentId) ?? null;
  }

  credentialsChanged() {
    this.credential = null;
    this.modelKeys.clear();
  }

  /** Reads (and caches) the org's model key row before a run, and resolves it for the run's agent. */
  async prepareModelKey(agentId: string) {
    const orgId = this.orgId();
    if (!orgId) return;
    // A demo sandbox always runs the simulated model: no platform key is spent on visitors.
    if (this.info?.plan === 'demo') {
      this.modelKeys.clear();
      return;
    }
    if (!this.credential || Date.now() - this.credential.at > CREDENTIAL_TTL_MS) {
      this.credential = { row: (await findCredential(getDb(this.envOf()), orgId)) ?? null, at: Date.now() };
      this.modelKeys.clear();
    }
    if (this.modelKeys.has(agentId)) return;
    try {
      this.modelKeys.set(
        agentId,
        await resolveAnthropicKey(getDb(this.envOf()), loadConfig(this.envOf()), orgId, agentId, this.credential.row),
      );
    } catch (error) {
      // An undecryptable key: the run falls back as if no key were set, and says so in the log.
      log.error('model_key_unavailable', { org_id: orgId, error: error instanceof Error ? error.message : 'unknown' });
      this.modelKeys.set(agentId, null);
    }
  }

  /**
   * Why a run of this task may not start on the platform's model key, or null. Only runs on the
   * platform key count and are limited: the org's own key is its own money.
   */
  async platformBudgetRefusal(agentId: string): Promise<string | null> {
    if (this.modelKeys.get(agentId)?.source !== 'platform') return null;
    const now = Date.now();
    const period = usagePeriodOf(now);
    if (
      !this.platformSpend ||
      this.platformSpend.periodStart !== period.start ||
      now - this.platformSpend.at > PLATFORM_SPEND_TTL_MS
    ) {
      this.platformSpend = {
        periodStart: period.start,
        microUsd: await platformKeySpend(getDb(this.envOf()), period.start),
        at: now,
      };
    }
    return platformBudgetRefusal(loadConfig(this.envOf()), {
      orgMicroUsd: this.platformSpendOf(period.start),
      // The ledger may lag this org's latest runs: count them from here.
      platformMicroUsd: Math.max(this.platformSpend.microUsd, this.platformSpendOf(period.start)),
    });
  }

  /** This org's spend on the platform key in a period (micro-dollars), kept in meta. */
  private platformSpendOf(periodStart: number): number {
    return Number(metaValue(this.store, `platform_spend:${periodStart}`) ?? 0);
  }

  /** Counts a finished run on the platform key against the org's and the platform's ceilings. */
  addPlatformSpend(runId: string) {
    const run = this.store.db.select().from(agentRuns).where(eq(agentRuns.id, runId)).get();
    if (!run?.costMicroUsd) return;
    const period = usagePeriodOf(run.endedAt ?? Date.now());
    setMeta(
      this.store,
      `platform_spend:${period.start}`,
      String(this.platformSpendOf(period.start) + run.costMicroUsd),
    );
    if (this.platformSpend?.periodStart === period.start) this.platformSpend.microUsd += run.costMicroUsd;
    this.usageChanged();
  }

  /** Usage counters changed: copy them to the D1 ledger soon (coalesced). */
  usageChanged() {
    // A pending flush means the flag is already set (the flush clears it when it reads the counters).
    if (this.ledgerTimer) return;
    setMeta(this.store, 'ledger_dirty', '1');
    this.ledgerTimer = setTimeout(() => {
      this.ledgerTimer = null;
      void this.flushLedger();
    }, LEDGER_FLUSH_MS);
  }

  /** True when the ledger has not seen the latest counters (the alarm flushes it). */
  ledgerDirty(): boolean {
    return metaValue(this.store, 'ledger_dirty') !== null;
  }

  /**
   * Records Pro overage into the outbox and sends what Stripe has not accepted yet; anything
   * left unsent is retried from the alarm. Never throws: usage is kept whatever Stripe says.
   */
  async reportOverage(): Promise<number> {
    try {
      this.meter.record();
      const { unsent, retry } = await this.meter.send();
      if (retry) {
        setMeta(this.store, 'ledger_dirty', '1');
        await this.wakeAt(Date.now() + METER_RETRY_MS);
      }
      return unsent;
    } catch (error) {
      setMeta(this.store, 'ledger_dirty', '1');
      await this.wakeAt(Date.now() + METER_RETRY_MS);
      log.warn('meter_report_failed', {
        org_id: this.orgId(),
        error: error instanceof Error ? error.message : 'unknown',
      });
      return -1;
    }
  }

  /** Upserts the latest periods' totals into D1 (absolute values: a repeat or a race is harmless). */
  async flushLedger() {
    const orgId = this.orgId();
    if (!orgId) return;
    await this.runOutcomes.flush(this.envOf());
    this.store.batch([this.store.deleteRows(meta, eq(meta.key, 'ledger_dirty'))]);
    await this.reportOverage();
    const rows = await this.store.select(usagePeriods).orderBy(desc(usagePeriods.periodStart)).limit(2);
    try {
      const scope = orgScope(getDb(this.envOf()), { orgId });
      for (const row of rows) {
        const totals = {
          agentMs: row.agentMs,
          runs: row.runs,
          inputTokens: row.inputTokens,
          outputTokens: row.outputTokens,
          costMicroUsd: row.costMicroUsd,
          platformCostMicroUsd: this.platformSpendOf(row.periodStart),
          reportedAgentMs: this.meter.sumOf(row.periodStart, true),
        };
        await scope
          .insertRows(usageLedger, {
            id: `use_${orgId}_${row.periodStart}`,
            periodStart: row.periodStart,
            periodEnd: row.periodEnd,
            ...totals,
          })
          .onConflictDoUpdate({
            target: [usageLedger.organizationId, usageLedger.periodStart],
            set: { ...totals, updatedAt: Date.now() },
          });
      }
    } catch (error) {
      // The alarm tries again: the hub's counters are the authority, the ledger a copy.
      setMeta(this.store, 'ledger_dirty', '1');
      log.warn('usage_ledger_failed', { org_id: orgId, error: error instanceof Error ? error.message : 'unknown' });
    }
  }
}
