/** How plans read on the page. Numbers always come from core/plans; only wording lives here. */
import type { Plan, PlanId, PlanLimits } from '../../core/plans';
import { PLANS, TRIAL_DAYS, TRIAL_PLAN } from '../../core/plans';

export const LIMIT_ROWS: ReadonlyArray<{ key: keyof PlanLimits; label: string }> = [
  { key: 'agents', label: 'Agents' },
  { key: 'agentMinutesPerMonth', label: 'Agent-minutes / month' },
  { key: 'concurrentRuns', label: 'Concurrent runs' },
  { key: 'apiRequestsPerMinute', label: 'API requests / min' },
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
};

export function planCallToAction(plan: Plan): { label: string; to: string } {
  return CTAS[plan.id];
}
