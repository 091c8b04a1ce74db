import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/cloudflare';
import { useLoaderData } from '@remix-run/react';
import { loadConfig } from '../../../core/config';
import { ApiError } from '../../../core/errors';
import { runHealthChecks } from '../../../core/health';
import { log } from '../../../core/log';
import { lastDay } from '../../../core/ops-metrics';
import { AUTH_RATE_LIMITS } from '../../../core/rate-limit';
import { Container } from '../../components/Container';
import { SiteLayout } from '../../components/SiteLayout';
import { pageMeta } from '../../lib/meta';
import { enforceRateLimit } from '../../lib/rate-limit.server';
import { clientIp } from '../../lib/request.server';

export const meta: MetaFunction = () =>
  pageMeta({ title: 'Status · Generic Corp', description: 'Service health and the last 24 hours.' });

const CHECK_NAMES = { d1: 'Database (D1)', kv: 'Key-value store (KV)', queue: 'Run queue', durable_object: 'Org hubs' };

/** Public: the dependency checks (as /v1/health) and the last 24 hours' error and run success rates. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const env = context.cloudflare.env;
  const config = loadConfig(env);
  // Each load queries every dependency: limited per address, like /v1/health.
  try {
    await enforceRateLimit(context, { bucket: `health:ip:${clientIp(request)}`, rule: AUTH_RATE_LIMITS.healthPerIp });
  } catch (error) {
    if (error instanceof ApiError && error.status === 429)
      throw new Response('Too many requests: try again in a minute.', { status: 429, headers: error.headers });
    throw error;
  }
  const [checks, day] = await Promise.all([
    runHealthChecks(env),
    lastDay(env, config).catch((error) => {
      log.warn('status_metrics_failed', { error: error instanceof Error ? error.message : String(error) });
      return { errorRate: null, runSuccessRate: null, source: 'unavailable' as const };
    }),
  ]);
  const healthy = Object.values(checks).every((check) => check.ok);
  return data(
    { healthy, checks, day, time: new Date().toISOString() },
    { status: healthy ? 200 : 503, headers: { 'Cache-Control': 'no-store' } },
  );
}

function percent(rate: { rate: number; count: number; total: number } | null, what: string) {
  if (!rate) return <span className="text-slate-500">No {what} in the last 24 hours</span>;
  return (
    <span>
      {(rate.rate * 100).toFixed(rate.rate < 0.01 && rate.rate > 0 ? 2 : 1)}%{' '}
      <span className="text-slate-500">
        ({rate.count} of {rate.total})
      </span>
    </span>
  );
}

export default function Status() {
  const { healthy, checks, day, time } = useLoaderData<typeof loader>();
  return (
    <SiteLayout>
      <Container className="py-16">
        <h1 className="text-3xl font-semibold tracking-tight">
          {healthy ? 'All systems working' : 'Some systems are degraded'}
        </h1>
        <p className="mt-2 text-sm text-slate-600">Checked at {time}.</p>
        <h2 className="mt-10 text-lg font-semibold">Health checks</h2>
        <ul className="mt-3 divide-y divide-slate-200 rounded border border-slate-200" data-testid="health-checks">
          {Object.entries(checks).map(([name, check]) => (
            <li key={name} className="flex justify-between px-4 py-3">
              <span>{CHECK_NAMES[name as keyof typeof CHECK_NAMES] ?? name}</span>
              <span className={check.ok ? 'text-emerald-700' : 'text-red-700'}>
                {check.ok ? 'Working' : `Failing (${check.error ?? 'error'})`} · {check.latency_ms} ms
              </span>
            </li>
          ))}
        </ul>
        <h2 className="mt-10 text-lg font-semibold">Last 24 hours</h2>
        <dl className="mt-3 grid gap-4 sm:grid-cols-2">
          <div className="rounded border border-slate-200 p-4" data-testid="error-rate">
            <dt className="text-sm text-slate-600">Error rate (server errors of all requests)</dt>
            <dd className="mt-1 text-xl">{percent(day.errorRate, 'requests recorded')}</dd>
          </div>
          <div className="rounded border border-slate-200 p-4" data-testid="run-success-rate">
            <dt className="text-sm text-slate-600">Agent run success rate</dt>
            <dd className="mt-1 text-xl">{percent(day.runSuccessRate, 'runs ended')}</dd>
          </div>
        </dl>
      </Container>
    </SiteLayout>
  );
}
