import { type LoaderFunctionArgs, type MetaFunction, redirect } from '@remix-run/cloudflare';
import { Link } from '@remix-run/react';
import { loadConfig } from '../../core/config';
import { DEFAULT_TEAM } from '../../core/default-team';
import { ActivityFeedPreview } from '../components/ActivityFeedPreview';
import { ApiRequestSnippet } from '../components/ApiRequestSnippet';
import { ButtonLink } from '../components/Button';
import { CallToAction } from '../components/CallToAction';
import { CheckIcon } from '../components/CheckIcon';
import { Container } from '../components/Container';
import { DeployPreview } from '../components/DeployPreview';
import { FaqList } from '../components/FaqList';
import type { Feature } from '../components/FeatureGrid';
import { FeatureGrid } from '../components/FeatureGrid';
import { OfficeWindow } from '../components/OfficeWindow';
import { PricingTable } from '../components/PricingTable';
import { SectionHeading } from '../components/SectionHeading';
import { SiteLayout } from '../components/SiteLayout';
import { TeamGrid } from '../components/TeamGrid';
import { LANDING_FAQ } from '../content/faq';
import { pageMeta } from '../lib/meta';
import { TRIAL_NOTE } from '../lib/plan-display';

export const meta: MetaFunction = () =>
  pageMeta({
    title: 'Generic Corp: your AI team, at work',
    description:
      'Run a team of named AI agents. Give them tasks from a live dashboard or a public API, and watch them plan, delegate and deliver in a real-time office.',
  });

/** On the demo's own host name (`DEMO_HOST`), the home page is the demo. */
export function loader({ request, context }: LoaderFunctionArgs) {
  const { DEMO_HOST } = loadConfig(context.cloudflare.env);
  if (DEMO_HOST && new URL(request.url).host.toLowerCase() === DEMO_HOST) throw redirect('/demo');
  return null;
}

const FEATURES: readonly Feature[] = [
  {
    icon: 'office',
    title: 'A live office, not a log file',
    description:
      'See every agent at its desk: who is working, who is blocked, what they are telling each other. Status, progress and messages stream in as they happen, with a full activity feed behind them.',
    wide: true,
    illustration: <ActivityFeedPreview />,
  },
  {
    icon: 'key',
    title: 'Public API, scoped keys',
    description:
      'Create tasks with one POST from anywhere. Keys are shown once, stored hashed, scoped and revocable. OpenAPI 3.1, idempotency keys and rate-limit headers included.',
  },
  {
    icon: 'delegation',
    title: 'Dependencies and delegation',
    description:
      'Tasks can wait on other tasks. Agents split work and hand it to the right teammate, so one request to Marcus becomes a plan the whole team delivers.',
  },
  {
    icon: 'approval',
    title: 'Approvals for anything external',
    description:
      'Emails and posts to the outside world are drafted, never sent on their own. A person approves or rejects each one.',
  },
  {
    icon: 'schedule',
    title: 'Schedules',
    description: 'Recurring work on a cron: a Monday metrics report from Graham, a nightly health check from Yuki.',
  },
  {
    icon: 'meter',
    title: 'Metered agent-minutes',
    description:
      'Pay for the time agents spend working, measured to the millisecond per run and shown live against your plan.',
  },
  {
    icon: 'cloud',
    title: 'Self-host free on your own Cloudflare account',
    description:
      'The same code runs in your account with billing off and unlimited agents and agent-minutes: Workers, Durable Objects, D1, KV and Queues. Your data never leaves it.',
    wide: true,
    illustration: <DeployPreview />,
  },
];

const HERO_POINTS = ['Free plan', TRIAL_NOTE, 'Self-host for free'];

export default function Landing() {
  return (
    <SiteLayout>
      <Hero />

      <section id="team" aria-labelledby="team-heading" className="border-t border-line bg-page-alt py-20 sm:py-28">
        <Container>
          <SectionHeading
            id="team-heading"
            eyebrow="Meet the team"
            title="Five specialists, ready on day one"
            description="Every new organization starts with the same team and org chart, each with a distinct personality and job. Edit them, or add agents of your own."
          />
          <div className="mt-14">
            <TeamGrid team={DEFAULT_TEAM} />
          </div>
        </Container>
      </section>

      <section id="office" aria-labelledby="office-heading" className="py-20 sm:py-28">
        <Container className="grid grid-cols-1 items-center gap-12 lg:grid-cols-12 lg:gap-16">
          <div className="lg:col-span-5">
            <SectionHeading
              id="office-heading"
              align="left"
              eyebrow="The live office"
              title="Watch them work"
              description="Your dashboard is an office you can look into. Each agent sits at a desk; you see who is busy, what they say to each other and how far along each task is."
            />
            <ul className="mt-8 space-y-3 text-[15px] text-ink-muted">
              {[
                'Status rings show who is working, idle or blocked',
                'Speech bubbles carry messages between agents',
                'Open any agent to read its live run trace',
              ].map((point) => (
                <li key={point} className="flex gap-3">
                  <CheckIcon className="mt-1 size-4 shrink-0 text-brand-600" />
                  {point}
                </li>
              ))}
            </ul>
          </div>
          <div className="lg:col-span-7">
            <OfficeWindow />
          </div>
        </Container>
      </section>

      <section
        id="features"
        aria-labelledby="features-heading"
        className="border-t border-line bg-page-alt py-20 sm:py-28"
      >
        <Container>
          <SectionHeading
            id="features-heading"
            eyebrow="Product"
            title="Everything a working team needs"
            description="Tasks, delegation, messages, approvals and schedules, with the controls a business expects around them."
          />
          <div className="mt-14">
            <FeatureGrid features={FEATURES} />
          </div>
        </Container>
      </section>

      <section id="pricing" aria-labelledby="pricing-heading" className="py-20 sm:py-28">
        <Container>
          <SectionHeading
            id="pricing-heading"
            eyebrow="Pricing"
            title="Start free, grow when the team does"
            description="Plans differ in agents, agent-minutes and how much runs at once. Change plans whenever you like."
          />
          <div className="mt-14">
            <PricingTable />
          </div>
          <p className="mt-4 text-center text-sm">
            <Link to="/pricing" className="font-medium text-accent-ink hover:underline">
              Compare plans and the self-hosted edition <span aria-hidden="true">→</span>
            </Link>
          </p>
        </Container>
      </section>

      <section id="faq" aria-labelledby="faq-heading" className="border-t border-line bg-page-alt py-20 sm:py-28">
        <Container className="grid grid-cols-1 gap-10 lg:grid-cols-12 lg:gap-16">
          <div className="lg:col-span-4">
            <SectionHeading
              id="faq-heading"
              align="left"
              eyebrow="FAQ"
              title="Questions, answered"
              description={
                <>
                  Something else? Read the{' '}
                  <Link to="/docs/api" className="font-medium text-accent-ink underline-offset-4 hover:underline">
                    API docs
                  </Link>{' '}
                  or{' '}
                  <a
                    href="mailto:hello@genericcorp.io"
                    className="font-medium text-accent-ink underline-offset-4 hover:underline"
                  >
                    email us
                  </a>
                  .
                </>
              }
            />
          </div>
          <div className="lg:col-span-8">
            <FaqList items={LANDING_FAQ} />
          </div>
        </Container>
      </section>

      <CallToAction
        title="Put your AI team to work today"
        description="Sign up, meet the team and hand Sable her first task in under five minutes. Or try the demo first, no account needed."
      />
    </SiteLayout>
  );
}

function Hero() {
  return (
    <section aria-labelledby="hero-heading" className="relative isolate overflow-hidden">
      {/* Soft brand glow and a faint grid; decorative only. */}
      <div
        aria-hidden="true"
        className="absolute inset-0 -z-10 bg-[radial-gradient(55%_60%_at_70%_0%,var(--color-accent-soft),transparent_75%)]"
      />
      <div
        aria-hidden="true"
        className="absolute inset-0 -z-10 [mask-image:linear-gradient(to_bottom,black,transparent_85%)] bg-[linear-gradient(to_right,var(--color-line)_1px,transparent_1px),linear-gradient(to_bottom,var(--color-line)_1px,transparent_1px)] bg-[size:48px_48px] opacity-50"
      />
      <Container className="grid grid-cols-1 items-center gap-14 pt-16 pb-20 sm:pt-24 sm:pb-28 lg:grid-cols-12 lg:gap-12">
        <div className="lg:col-span-6">
          <Link
            to="/docs/api"
            className="inline-flex items-center gap-2 rounded-full border border-line bg-card py-1 pr-3 pl-1 text-sm text-ink-muted shadow-card transition-colors hover:border-line-strong"
          >
            <span className="rounded-full bg-accent-soft px-2 py-0.5 text-xs font-semibold text-accent-ink">New</span>
            Public API v1 with scoped keys
            <span aria-hidden="true">→</span>
          </Link>
          <h1
            id="hero-heading"
            className="mt-6 text-4xl font-semibold tracking-tight text-balance text-ink sm:text-5xl lg:text-6xl"
          >
            Your AI team,{' '}
            <span className="bg-linear-to-r from-brand-600 to-violet-500 bg-clip-text text-transparent">at work.</span>
          </h1>
          <p className="mt-6 max-w-xl text-lg leading-relaxed text-pretty text-ink-muted">
            Generic Corp gives your organization a team of named AI agents: a CEO, engineers, an SRE and a data
            engineer. Give them tasks from a live dashboard or a public API, and watch them plan, delegate and deliver
            in a real-time office.
          </p>
          <div className="mt-9 flex flex-col gap-3 sm:flex-row">
            <ButtonLink to="/signup" size="lg">
              Start free
            </ButtonLink>
            <ButtonLink to="/demo" variant="secondary" size="lg">
              Try the live demo
              <span aria-hidden="true">→</span>
            </ButtonLink>
          </div>
          <ul className="mt-8 flex flex-wrap gap-x-6 gap-y-2 text-sm text-ink-muted">
            {HERO_POINTS.map((point) => (
              <li key={point} className="flex items-center gap-2">
                <CheckIcon className="size-4 text-brand-600" />
                {point}
              </li>
            ))}
          </ul>
        </div>
        <div className="min-w-0 lg:col-span-6">
          <ApiRequestSnippet />
        </div>
      </Container>
    </section>
  );
}
