/** How plans read on the page. Numbers always come from core/plans; only wording lives here. */
import type { Plan, PlanId, PlanLimits } from '../../core/plans';
import { PLANS, TRIAL_DAYS, TRIAL_PLAN } from '../../core/plans';

/** The limits a plan card lists, worded to follow the number ("5 agents", "1 concurrent run"). */
export const LIMIT_ROWS: ReadonlyArray<{ key: keyof PlanLimits; one: string; many: string }> = [
  { key: 'agents', one: 'agent', many: 'agents' },
  { key: 'agentMinutesPerMonth', one: 'agent-minute/mo', many: 'agent-minutes/mo' },
  { key: 'concurrentRuns', one: 'concurrent run', many: 'concurrent runs' },
  { key: 'apiRequestsPerMinute', one: 'API request/min', many: 'API requests/min' },
];

export const MOST_POPULAR_PLAN: PlanId = 'starter';

export const TRIAL_NOTE = `${TRIAL_DAYS}-day ${PLANS[TRIAL_PLAN].name} trial, no card`;

export function formatPrice(plan: Plan): { amount: string; period: string | null } {
  if (plan.priceUsd === null) return { amount: 'Custom', period: null };
  return { amount: `$${plan.priceUsd.toLocaleString('en-US')}`, period: '/month' };
}

const CTAS: Record<PlanId, { label: string; to: string }> = {
  free: { label: 'Start free', to: '/signup' },
  starter: { label: 'Start free trial', to: `/signup?plan=starter` },
  pro: { label: 'Choose Pro', to: '/signup?plan=pro' },
  enterprise: { label: 'Talk to us', to: 'mailto:sales@genericcorp.io' },
  self_hosted: { label: 'Deploy it yourself', to: '/pricing#self-hosted' },
  demo: { label: 'Try the live demo', to: '/demo' },
};

export function planCallToAction(plan: Plan): { label: string; to: string } {
  return CTAS[plan.id];
}
