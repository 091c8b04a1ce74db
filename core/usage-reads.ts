/**
 * Usage of one period in an org's own SQLite, broken down per agent and per UTC day, for
 * `GET /v1/usage` and the dashboard's usage page. The breakdowns sum the runs that ended in
 * the period, the same runs (and the same agent-ms) the period's counters were made of, so
 * they add up to the totals exactly.
 */
import { and, eq, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm';
import { agentRuns, agents, meterReports } from './db/org-schema';
import type { OrgStore } from './db/org-store';

const DAY_MS = 24 * 3600 * 1000;

export interface UsageFigures {
  agent_ms: number;
  agent_minutes: number;
  runs: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

export function agentMinutes(agentMs: number): number {
  return Math.round((agentMs / 60_000) * 100) / 100;
}

function figures(row: {
  agentMs: number | null;
  runs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costMicroUsd: number | null;
}): UsageFigures {
  const agentMs = Number(row.agentMs ?? 0);
  return {
    agent_ms: agentMs,
    agent_minutes: agentMinutes(agentMs),
    runs: Number(row.runs ?? 0),
    input_tokens: Number(row.inputTokens ?? 0),
    output_tokens: Number(row.outputTokens ?? 0),
    cost_usd: Number(row.costMicroUsd ?? 0) / 1_000_000,
  };
}

const SUMS = {
  agentMs: sql<number>`coalesce(sum(${agentRuns.agentMs}), 0)`,
  runs: sql<number>`count(*)`,
  inputTokens: sql<number>`coalesce(sum(${agentRuns.inputTokens}), 0)`,
  outputTokens: sql<number>`coalesce(sum(${agentRuns.outputTokens}), 0)`,
  costMicroUsd: sql<number>`coalesce(sum(${agentRuns.costMicroUsd}), 0)`,
};

/** Per agent (most agent-ms first) and per UTC day (oldest first) in [start, end). */
export async function usageBreakdown(store: OrgStore, period: { start: number; end: number }) {
  const inPeriod = and(
    isNotNull(agentRuns.endedAt),
    gte(agentRuns.endedAt, period.start),
    lt(agentRuns.endedAt, period.end),
  );
  // The divisor is written into the SQL: a bound JS number arrives as REAL, and integer ÷ real
  // is real, which made every run a day of its own.
  const day = sql<number>`(${agentRuns.endedAt} / ${sql.raw(String(DAY_MS))})`;
  const [perAgent, perDay] = await Promise.all([
    store.selectFields({ agentId: agentRuns.agentId, ...SUMS }, agentRuns, inPeriod).groupBy(agentRuns.agentId),
    store
      .selectFields({ day, ...SUMS }, agentRuns, inPeriod)
      .groupBy(day)
      .orderBy(day),
  ]);
  const ids = perAgent.map((row) => row.agentId);
  const names = ids.length
    ? await store.selectFields({ id: agents.id, slug: agents.slug, name: agents.name }, agents, inArray(agents.id, ids))
    : [];
  const byId = new Map(names.map((agent) => [agent.id, agent]));
  return {
    by_agent: perAgent
      .map((row) => ({
        agent: byId.get(row.agentId) ?? { id: row.agentId, slug: null, name: 'Deleted agent' },
        ...figures(row),
      }))
      .sort((a, b) => b.agent_ms - a.agent_ms),
    by_day: perDay.map((row) => ({
      date: new Date(Number(row.day) * DAY_MS).toISOString().slice(0, 10),
      ...figures(row),
    })),
  };
}

/** Overage in the outbox for a period: recorded, and accepted by Stripe (durable-objects/meter-reports.ts). */
export async function overageReported(store: OrgStore, periodStart: number) {
  const [row] = await store.selectFields(
    {
      recorded: sql<number>`coalesce(sum(${meterReports.agentMs}), 0)`,
      sent: sql<number>`coalesce(sum(case when ${meterReports.sentAt} is not null then ${meterReports.agentMs} else 0 end), 0)`,
    },
    meterReports,
    eq(meterReports.periodStart, periodStart),
  );
  return { recorded: Number(row?.recorded ?? 0), sent: Number(row?.sent ?? 0) };
}
