/**
 * The one plans config (docs/architecture.md). The pricing table, admission limits and edge rate
 * limits all read from here.
 */
/** `demo`: a public sandbox (core/demo.ts), never sold or shown; it is last so the others keep their order. */
export const PLAN_IDS = ['free', 'starter', 'pro', 'enterprise', 'self_hosted', 'demo'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export interface PlanLimits {
  /** Active (non-archived, non-paused) agents. */
  agents: number;
  agentMinutesPerMonth: number;
  concurrentRuns: number;
  apiRequestsPerMinute: number;
  /** Tasks waiting in `queued` at once. */
  queueDepth: number;
  /** Open live connections (WebSocket and SSE) per org. */
  liveConnections: number;
  /** Shortest interval between two runs of one schedule, in minutes (core/schedules.ts). */
  minScheduleIntervalMinutes: number;
  /** Schedules per org. */
  maxSchedules: number;
  /** Tasks given from outside (dashboard, API, schedules) over the org's life; the OrgHub checks it. */
  maxTasks: number;
  /** Agent runs over the org's life (every attempt counts); the OrgHub checks it when work is given. */
  maxRuns: number;
}

export interface Plan {
  id: PlanId;
  name: string;
  /** Monthly price in US dollars; null means "talk to us". */
  priceUsd: number | null;
  tagline: string;
  limits: PlanLimits;
  /** Shown on the public pricing table. */
  public: boolean;
  highlights: string[];
}

const UNLIMITED = Number.POSITIVE_INFINITY;

export const PLANS: Record<PlanId, Plan> = {
  free: {
    id: 'free',
    name: 'Free',
    priceUsd: 0,
    tagline: 'Meet your team and try real work.',
    limits: {
      agents: 3,
      agentMinutesPerMonth: 60,
      concurrentRuns: 1,
      apiRequestsPerMinute: 60,
      queueDepth: 20,
      liveConnections: 10,
      minScheduleIntervalMinutes: 60,
      maxSchedules: 5,
      maxTasks: UNLIMITED,
      maxRuns: UNLIMITED,
    },
    public: true,
    highlights: ['Live office and activity feed', 'Public API with scoped keys', 'Community support'],
  },
  starter: {
    id: 'starter',
    name: 'Starter',
    priceUsd: 49,
    tagline: 'A small team working every day.',
    limits: {
      agents: 5,
      agentMinutesPerMonth: 1_000,
      concurrentRuns: 2,
      apiRequestsPerMinute: 300,
      queueDepth: 200,
      liveConnections: 50,
      minScheduleIntervalMinutes: 15,
      maxSchedules: 20,
      maxTasks: UNLIMITED,
      maxRuns: UNLIMITED,
    },
    public: true,
    highlights: [
      'The full default team of five',
      'Schedules and approvals',
      'Bring your own Anthropic key',
      '14-day free trial, no card',
    ],
  },
  pro: {
    id: 'pro',
    name: 'Pro',
    priceUsd: 149,
    tagline: 'Departments of agents, in parallel.',
    limits: {
      agents: 20,
      agentMinutesPerMonth: 10_000,
      concurrentRuns: 5,
      apiRequestsPerMinute: 1_200,
      queueDepth: 2_000,
      liveConnections: 500,
      minScheduleIntervalMinutes: 5,
      maxSchedules: 100,
      maxTasks: UNLIMITED,
      maxRuns: UNLIMITED,
    },
    public: true,
    highlights: ['Up to 20 agents', 'Five runs at once', 'Usage-based overage', 'Priority support'],
  },
  enterprise: {
    id: 'enterprise',
    name: 'Enterprise',
    priceUsd: null,
    tagline: 'Your limits, your contract.',
    limits: {
      agents: 200,
      agentMinutesPerMonth: 250_000,
      concurrentRuns: 50,
      apiRequestsPerMinute: 10_000,
      queueDepth: 50_000,
      liveConnections: 5_000,
      minScheduleIntervalMinutes: 1,
      maxSchedules: 1000,
      maxTasks: UNLIMITED,
      maxRuns: UNLIMITED,
    },
    public: true,
    highlights: ['Custom limits', 'SSO through Clerk', 'Audit log export', 'Dedicated support'],
  },
  self_hosted: {
    id: 'self_hosted',
    name: 'Self-hosted',
    priceUsd: 0,
    tagline: 'Free on your own Cloudflare account.',
    limits: {
      agents: UNLIMITED,
      agentMinutesPerMonth: UNLIMITED,
      concurrentRuns: 10,
      apiRequestsPerMinute: 6_000,
      queueDepth: 100_000,
      liveConnections: 2_000,
      minScheduleIntervalMinutes: 1,
      maxSchedules: UNLIMITED,
      maxTasks: UNLIMITED,
      maxRuns: UNLIMITED,
    },
    public: false,
    highlights: [
      'Billing off; unlimited agents and agent-minutes',
      'Your data in your account',
      'Same code as the hosted product',
    ],
  },
  demo: {
    id: 'demo',
    name: 'Demo',
    priceUsd: 0,
    tagline: 'A public sandbox: the default team, simulated, for two idle hours.',
    limits: {
      agents: 6,
      agentMinutesPerMonth: 10,
      concurrentRuns: 2,
      apiRequestsPerMinute: 60,
      queueDepth: 10,
      liveConnections: 5,
      minScheduleIntervalMinutes: 60,
      maxSchedules: 2,
      maxTasks: 30,
      maxRuns: 60,
    },
    public: false,
    highlights: ['Simulated agents', 'No signup', 'Sign up to keep the team'],
  },
};

/** Plans that keep running past their agent-minutes and bill the rest as overage (decision 013). */
export const OVERAGE_PLANS: readonly PlanId[] = ['pro'];

export function billsOverage(plan: PlanId): boolean {
  return OVERAGE_PLANS.includes(plan);
}

export const TRIAL_DAYS = 14;
/** The plan a new hosted org trials. */
export const TRIAL_PLAN: PlanId = 'starter';

export function getPlan(id: PlanId): Plan {
  return PLANS[id];
}

/** The limits an operator may set per org (Enterprise contracts), over the plan's defaults. */
export interface PlanLimitOverrides {
  agents?: number;
  agentMinutesPerMonth?: number;
}

/** The org's plan with its own limits applied (core/org-info.ts carries them to the OrgHub). */
export function effectivePlan(org: { plan: PlanId; limits?: PlanLimitOverrides | null }): Plan {
  const plan = PLANS[org.plan];
  if (!org.limits || Object.keys(org.limits).length === 0) return plan;
  return { ...plan, limits: { ...plan.limits, ...org.limits } };
}

export function publicPlans(): Plan[] {
  return PLAN_IDS.map((id) => PLANS[id]).filter((plan) => plan.public);
}

export function formatLimit(value: number): string {
  return Number.isFinite(value) ? value.toLocaleString('en-US') : 'Unlimited';
}
