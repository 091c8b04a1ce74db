import type { MetaFunction } from '@remix-run/cloudflare';
import { PLANS, publicPlans } from '../../core/plans';
import { CallToAction } from '../components/CallToAction';
import { CheckIcon } from '../components/CheckIcon';
import { Container } from '../components/Container';
import { DeployPreview } from '../components/DeployPreview';
import { FaqList } from '../components/FaqList';
import { PlanComparison } from '../components/PlanComparison';
import { PricingTable } from '../components/PricingTable';
import { SectionHeading } from '../components/SectionHeading';
import { SiteLayout } from '../components/SiteLayout';
import { PRICING_FAQ } from '../content/faq';
import { pageMeta } from '../lib/meta';
import { formatPrice, TRIAL_NOTE } from '../lib/plan-display';

const paidPlanSummary = new Intl.ListFormat('en', { type: 'conjunction' }).format(
  publicPlans()
    .filter((plan) => plan.priceUsd !== 0)
    .map((plan) => {
      const price = formatPrice(plan);
      return price.period ? `${plan.name} (${price.amount}${price.period})` : plan.name;
    }),
);

export const meta: MetaFunction = () =>
  pageMeta({
    title: 'Pricing · Generic Corp',
    description: `Start on ${PLANS.free.name} for $0, then ${paidPlanSummary}. ${TRIAL_NOTE}. Or self-host free on your own Cloudflare account.`,
  });

export default function Pricing() {
  const selfHosted = PLANS.self_hosted;
  return (
    <SiteLayout>
      <section
        aria-labelledby="pricing-heading"
        className="relative isolate overflow-hidden pt-16 pb-20 sm:pt-24 sm:pb-24"
      >
        <div
          aria-hidden="true"
          className="absolute inset-0 -z-10 bg-[radial-gradient(50%_45%_at_50%_0%,var(--color-accent-soft),transparent_80%)]"
        />
        <Container>
          <SectionHeading
            id="pricing-heading"
            level="h1"
            eyebrow="Pricing"
            title="Simple pricing for your AI team"
            description="Start free. Upgrade when you need more agents, more agent-minutes or more work running at once."
          />
          <div className="mt-14">
            <PricingTable />
          </div>
        </Container>
      </section>

      <section aria-labelledby="compare-heading" className="border-t border-line bg-page-alt py-20 sm:py-24">
        <Container>
          <SectionHeading
            id="compare-heading"
            title="Compare plans"
            description="Limits are enforced exactly as work is admitted. Enterprise limits shown are defaults; each contract sets its own."
          />
          <div className="mt-12">
            <PlanComparison plans={[...publicPlans(), selfHosted]} />
          </div>
        </Container>
      </section>

      <section id="self-hosted" aria-labelledby="self-hosted-heading" className="py-20 sm:py-24">
        <Container>
          <div className="grid grid-cols-1 items-center gap-10 rounded-3xl border border-line bg-card p-6 shadow-card sm:p-10 lg:grid-cols-2 lg:gap-14">
            <div>
              <p className="text-sm font-semibold text-accent-ink">{selfHosted.name} edition</p>
              <h2 id="self-hosted-heading" className="mt-2 text-3xl font-semibold tracking-tight text-balance text-ink">
                {selfHosted.tagline}
              </h2>
              <p className="mt-4 text-lg leading-relaxed text-ink-muted">
                Deploy the same Worker, Durable Objects, D1 database, KV namespace and Queues to your own account. You
                pay Cloudflare for what you use and your model provider for tokens; we charge nothing.
              </p>
              <ul className="mt-6 space-y-3 text-[15px] text-ink-muted">
                {selfHosted.highlights.map((highlight) => (
                  <li key={highlight} className="flex gap-3">
                    <CheckIcon className="mt-1 size-4 shrink-0 text-brand-600" />
                    {highlight}
                  </li>
                ))}
              </ul>
            </div>
            <DeployPreview />
          </div>
        </Container>
      </section>

      <section aria-labelledby="pricing-faq-heading" className="border-t border-line bg-page-alt py-20 sm:py-24">
        <Container width="narrow">
          <SectionHeading id="pricing-faq-heading" title="Billing questions" />
          <div className="mt-10">
            <FaqList items={PRICING_FAQ} />
          </div>
        </Container>
      </section>

      <CallToAction
        title="Meet your team in five minutes"
        description={`Every new organization starts with a ${TRIAL_NOTE}. Agents over your plan are paused, never deleted.`}
      />
    </SiteLayout>
  );
}
