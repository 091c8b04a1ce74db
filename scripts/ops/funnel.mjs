/**
 * `npm run ops -- funnel [--days 30] [--persist-to .wrangler/state]`: the activation funnel.
 * With CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_ANALYTICS_TOKEN set, reads the Analytics Engine SQL
 * API (dataset generic_corp_events); otherwise the local dev table (dev_analytics_events in the
 * local D1, through wrangler). Each step counts the orgs created in the window that got that far.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';

export const summary = 'the activation funnel (signup → org → first task → completed → key → invite → checkout)';

const STEPS = [
  ['task_given', 'gave a first task'],
  ['task_completed', 'got a first task completed'],
  ['key_created', 'created an API key'],
  ['invitation_accepted', 'had an invitation accepted'],
  ['checkout_started', 'started checkout'],
  ['checkout_completed', 'completed checkout'],
];

/** Rows of (event, org, count) into the funnel: counts of orgs, per step. */
export function funnelFrom(rows) {
  const orgsOf = (event) => new Set(rows.filter((r) => r.event === event && r.org).map((r) => r.org));
  const total = (event) => rows.filter((r) => r.event === event).reduce((sum, r) => sum + Number(r.n), 0);
  const cohort = new Set([...orgsOf('org_created'), ...orgsOf('demo_converted')]);
  return {
    signups: total('signup'),
    orgs: cohort.size,
    steps: STEPS.map(([event, label]) => ({
      event,
      label,
      orgs: [...orgsOf(event)].filter((org) => cohort.has(org)).length,
    })),
    demo: { created: total('demo_created'), converted: total('demo_converted') },
    pageViews: total('page_view'),
  };
}

async function fromAnalyticsEngine(days) {
  const account = process.env.CLOUDFLARE_ACCOUNT_ID;
  const sql = `SELECT blob1 AS event, blob2 AS org, SUM(_sample_interval) AS n FROM generic_corp_events WHERE timestamp > NOW() - INTERVAL '${days}' DAY AND blob1 != 'request' GROUP BY event, org`;
  const res = await fetch(`https://api.cloudflare.com/client/v4/accounts/${account}/analytics_engine/sql`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${process.env.CLOUDFLARE_ANALYTICS_TOKEN}` },
    body: sql,
  });
  if (!res.ok) throw new Error(`Analytics Engine SQL API answered ${res.status}: ${await res.text()}`);
  return (await res.json()).data;
}

function fromDevTable(days, persistTo) {
  const since = Date.now() - days * 86_400_000;
  const sql = `SELECT event, org, SUM(value) AS n FROM dev_analytics_events WHERE created_at > ${since} AND event != 'request' GROUP BY event, org`;
  const out = execFileSync(
    'npx',
    [
      'wrangler',
      'd1',
      'execute',
      'DB',
      '--local',
      '--json',
      '--command',
      sql,
      ...(persistTo ? ['--persist-to', persistTo] : []),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(out)[0].results;
}

export async function run(args) {
  const { values } = parseArgs({
    args,
    options: { days: { type: 'string', default: '30' }, 'persist-to': { type: 'string' } },
  });
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1) throw new Error('--days must be a whole number of days, 1 or more');
  const remote = Boolean(process.env.CLOUDFLARE_ACCOUNT_ID && process.env.CLOUDFLARE_ANALYTICS_TOKEN);
  const rows = remote ? await fromAnalyticsEngine(days) : fromDevTable(days, values['persist-to']);
  const f = funnelFrom(rows);
  const pct = (n) => (f.orgs ? `${Math.round((100 * n) / f.orgs)}%` : '–');
  console.log(`Activation funnel, last ${days} days (${remote ? 'Analytics Engine' : 'local dev table'})\n`);
  console.log(`  signups                         ${f.signups}`);
  console.log(`  organizations created           ${f.orgs}`);
  for (const step of f.steps)
    console.log(`  …that ${step.label.padEnd(26)} ${String(step.orgs).padEnd(6)} ${pct(step.orgs)}`);
  console.log(`\n  demo sandboxes created          ${f.demo.created}`);
  console.log(`  demo sandboxes kept (converted) ${f.demo.converted}`);
  console.log(`  page views                      ${f.pageViews}`);
}
