import type { Plan } from '../../core/plans';
import { formatLimit, publicPlans } from '../../core/plans';
import { formatPrice, LIMIT_ROWS, MOST_POPULAR_PLAN, planCallToAction, TRIAL_NOTE } from '../lib/plan-display';
import { Badge } from './Badge';
import { ButtonLink } from './Button';
import { CheckIcon } from './CheckIcon';

/** One card per public plan, generated from core/plans so prices and limits cannot drift. */
export function PricingTable({ plans = publicPlans() }: { plans?: Plan[] }) {
  return (
    <div>
      <ul className="grid grid-cols-1 gap-5 sm:grid-cols-2 lg:grid-cols-4">
        {plans.map((plan) => (
          <PlanCard key={plan.id} plan={plan} featured={plan.id === MOST_POPULAR_PLAN} />
        ))}
      </ul>
      <p className="mt-8 text-center text-sm text-ink-muted">
        <span className="font-medium text-ink">{TRIAL_NOTE}.</span> Prices in US dollars, billed monthly. Agents over a
        plan's limit are paused, never deleted.
      </p>
    </div>
  );
}

function PlanCard({ plan, featured }: { plan: Plan; featured: boolean }) {
  const price = formatPrice(plan);
  const cta = planCallToAction(plan);
  return (
    <li
      className={`relative flex flex-col rounded-2xl border bg-card p-6 ${
        featured ? 'border-brand-500 shadow-lift ring-1 ring-brand-500' : 'border-line shadow-card'
      }`}
    >
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-base font-semibold text-ink">{plan.name}</h3>
        {featured ? <Badge>Most popular</Badge> : null}
      </div>
      <p className="mt-1.5 min-h-10 text-sm text-ink-muted">{plan.tagline}</p>
      <p className="mt-5 flex items-baseline gap-1">
        <span className="text-4xl font-semibold tracking-tight text-ink">{price.amount}</span>
        {price.period ? <span className="text-sm text-ink-faint">{price.period}</span> : null}
      </p>
      <ButtonLink to={cta.to} variant={featured ? 'primary' : 'secondary'} className="mt-6 w-full">
        {cta.label}
      </ButtonLink>

      <ul
        aria-label={`${plan.name} limits`}
        className="mt-6 space-y-2.5 border-t border-line pt-6 text-sm text-ink-muted"
      >
        {LIMIT_ROWS.map((row) => {
          const value = plan.limits[row.key];
          return (
            <li key={row.key}>
              <span className="font-semibold text-ink tabular-nums">{formatLimit(value)}</span>{' '}
              {value === 1 ? row.one : row.many}
            </li>
          );
        })}
      </ul>

      <ul aria-label={`${plan.name} highlights`} className="mt-6 space-y-2.5 border-t border-line pt-6 text-sm">
        {plan.highlights.map((highlight) => (
          <li key={highlight} className="flex gap-2.5 text-ink-muted">
            <CheckIcon className="mt-0.5 size-4 shrink-0 text-brand-600" />
            <span>{highlight}</span>
          </li>
        ))}
      </ul>
    </li>
  );
}
