/**
 * The Worker's entry: HTTP (Hono + Remix), the agent-runs and email queues, cron sweeps, and the
 * OrgHub class; handlers and object instrumented with Sentry (core/monitoring.ts; off without
 * SENTRY_DSN).
 */
import { instrumentDurableObjectWithSentry, withSentry } from '@sentry/cloudflare';
import { OrgHub as OrgHubObject } from '../durable-objects/org-hub';
import { sentryOptions } from '../core/monitoring';
import { app } from './app';
import { handleQueue } from './queue';
import { handleScheduled } from './scheduled';

export const OrgHub = instrumentDurableObjectWithSentry((env: Env) => sentryOptions(env), OrgHubObject);

export default withSentry((env: Env) => sentryOptions(env), {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>);
