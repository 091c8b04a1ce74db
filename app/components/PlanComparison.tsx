import type { Plan, PlanLimits } from '../../core/plans';
import { formatLimit } from '../../core/plans';
import { formatPrice } from '../lib/plan-display';

const COMPARED_LIMITS: ReadonlyArray<{ key: keyof PlanLimits; label: string }> = [
  { key: 'agents', label: 'Active agents' },
  { key: 'agentMinutesPerMonth', label: 'Agent-minutes / month' },
  { key: 'concurrentRuns', label: 'Concurrent runs' },
  { key: 'apiRequestsPerMinute', label: 'API requests / min' },
  { key: 'queueDepth', label: 'Queued tasks' },
];

function priceLabel(plan: Plan): string {
  if (plan.id === 'self_hosted') return 'Free';
  const price = formatPrice(plan);
  return price.period ? `${price.amount}${price.period}` : price.amount;
}

/** Side-by-side limits for every plan and the self-hosted edition, straight from core/plans. */
export function PlanComparison({ plans }: { plans: readonly Plan[] }) {
  return (
    <div
      role="region"
      aria-labelledby="compare-caption"
      tabIndex={0}
      className="overflow-x-auto rounded-2xl border border-line bg-card shadow-card"
    >
      <table className="w-full min-w-[680px] border-collapse text-left text-sm">
        <caption id="compare-caption" className="sr-only">
          Plan limits compared
        </caption>
        <thead>
          <tr className="border-b border-line">
            <th scope="col" className="w-1/4 px-5 py-4 font-medium text-ink-faint">
              Limit
            </th>
            {plans.map((plan) => (
              <th key={plan.id} scope="col" className="px-5 py-4 font-semibold text-ink">
                {plan.name}
                <span className="block text-xs font-normal text-ink-faint">{priceLabel(plan)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {COMPARED_LIMITS.map((row) => (
            <tr key={row.key}>
              <th scope="row" className="px-5 py-3.5 font-normal text-ink-muted">
                {row.label}
              </th>
              {plans.map((plan) => (
                <td key={plan.id} className="px-5 py-3.5 font-medium text-ink tabular-nums">
                  {formatLimit(plan.limits[row.key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
