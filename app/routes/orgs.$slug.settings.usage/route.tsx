import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { loadConfig } from '../../../core/config';
import { can } from '../../../core/permissions';
import { ButtonLink } from '../../components/Button';
import { Panel } from '../../components/PageHeader';
import { AgentUsageChart, CumulativeUsageChart, type DayPoint } from '../../components/UsageCharts';
import { pageMeta } from '../../lib/meta';
import { hubFor } from '../../lib/org.server';
import { requireOrgMember } from '../../lib/session.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Usage · Generic Corp', description: 'Agent-minutes, runs and cost.', noIndex: true });

const DAY_MS = 24 * 3600 * 1000;

/** Every day of the period up to today, with the days without runs as zero. */
function daysOf(
  period: { start: string; end: string },
  byDay: Array<{ date: string; agent_minutes: number }>,
): DayPoint[] {
  const used = new Map(byDay.map((d) => [d.date, d.agent_minutes]));
  const last = Math.min(Date.parse(period.end) - 1, Date.now());
  const days: DayPoint[] = [];
  let cumulative = 0;
  for (let at = Date.parse(period.start); at <= last; at += DAY_MS) {
    const date = new Date(at).toISOString().slice(0, 10);
    const minutes = used.get(date) ?? 0;
    cumulative = Math.round((cumulative + minutes) * 100) / 100;
    days.push({ date, minutes, cumulative });
  }
  return days;
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const member = await requireOrgMember(request, env, params.slug);
  const usage = await hubFor(env, member).read.apiUsage();
  const config = loadConfig(env);
  return {
    slug: member.organization.slug,
    billing: config.billingEnabled,
    canManage: can(member.role, 'billing:manage'),
    usage,
    days: daysOf({ start: usage.period_start, end: usage.period_end }, usage.by_day),
  };
}

const number = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 2 });

export default function UsageSettings() {
  const { slug, billing, canManage, usage, days } = useLoaderData<typeof loader>();
  const limit = usage.limits.agent_minutes_per_month;
  const periodEnd = usage.period_end.slice(0, 10);
  // The period ends at the start of period_end (exclusive): its last day is the one before.
  const lastDay = new Date(Date.parse(usage.period_end) - 86_400_000).toISOString().slice(0, 10);
  return (
    <div className="space-y-6">
      <Panel
        id="period"
        title="This period"
        description={`${usage.period_start.slice(0, 10)} to ${lastDay} (UTC). Agent-minutes are the time agents spend on runs.`}
      >
        <dl className="grid gap-4 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-ink-faint">Agent-minutes</dt>
            <dd className="mt-0.5 font-medium text-ink" data-testid="usage-minutes">
              {number(usage.agent_minutes)}
              {limit !== null ? ` of ${number(limit)}` : ''}
            </dd>
          </div>
          <div>
            <dt className="text-ink-faint">Runs</dt>
            <dd className="mt-0.5 font-medium text-ink">{number(usage.runs)}</dd>
          </div>
          <div>
            <dt className="text-ink-faint">Tokens (in / out)</dt>
            <dd className="mt-0.5 font-medium text-ink">
              {number(usage.input_tokens)} / {number(usage.output_tokens)}
            </dd>
          </div>
          <div>
            <dt className="text-ink-faint">Model cost</dt>
            <dd className="mt-0.5 font-medium text-ink">${usage.cost_usd.toFixed(2)}</dd>
          </div>
        </dl>
        {usage.quota.reached ? (
          <p className="mt-4 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="usage-quota-reached">
            {usage.plan.name}’s agent-minutes for this period are used up: new tasks wait (marked “waiting: quota”)
            until {periodEnd} or a bigger plan.
          </p>
        ) : usage.quota.used_percent !== null && usage.quota.used_percent >= 80 ? (
          <p className="mt-4 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {number(usage.quota.used_percent)}% of this period’s agent-minutes are used.
          </p>
        ) : null}
        {usage.quota.overage_agent_ms > 0 ? (
          <p className="mt-4 text-sm text-ink-muted">
            Overage: {number(usage.quota.overage_agent_ms / 60_000)} agent-minutes beyond the plan, billed per minute (
            {number(usage.quota.overage_reported_agent_ms / 60_000)} reported to Stripe so far).
          </p>
        ) : null}
      </Panel>

      <Panel
        id="by-day"
        title="Agent-minutes this period"
        description="Used so far, day by day, against the plan’s limit."
      >
        <CumulativeUsageChart days={days} limit={limit} />
      </Panel>

      <Panel id="by-agent" title="Per agent">
        {usage.by_agent.length ? (
          <>
            <AgentUsageChart agents={usage.by_agent.map((a) => ({ name: a.agent.name, minutes: a.agent_minutes }))} />
            <table className="mt-4 w-full text-left text-sm">
              <thead className="text-ink-faint">
                <tr>
                  <th className="py-1 font-medium">Agent</th>
                  <th className="py-1 font-medium">Agent-minutes</th>
                  <th className="py-1 font-medium">Runs</th>
                  <th className="py-1 font-medium">Cost</th>
                </tr>
              </thead>
              <tbody>
                {usage.by_agent.map((row) => (
                  <tr key={row.agent.id} className="border-t border-line">
                    <td className="py-1.5 text-ink">{row.agent.name}</td>
                    <td className="py-1.5">{number(row.agent_minutes)}</td>
                    <td className="py-1.5">{number(row.runs)}</td>
                    <td className="py-1.5">${row.cost_usd.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p className="text-sm text-ink-muted">No runs yet this period.</p>
        )}
      </Panel>

      {billing ? (
        <Panel
          id="upgrade"
          title={`Plan: ${usage.plan.name}`}
          description="Need more agent-minutes, agents or runs at once? Pro has 10,000 agent-minutes and bills overage per minute instead of stopping."
        >
          <div className="flex flex-wrap gap-3">
            {canManage ? (
              <ButtonLink to={`/orgs/${slug}/settings/billing`}>Upgrade or change plan</ButtonLink>
            ) : (
              <p className="text-sm text-ink-muted">Ask an owner to change the plan.</p>
            )}
            <ButtonLink to="/pricing" variant="secondary">
              Compare plans
            </ButtonLink>
          </div>
        </Panel>
      ) : null}
    </div>
  );
}
