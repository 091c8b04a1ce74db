/**
 * The Worker's entry: HTTP (Hono + Remix), the agent-runs and email queues, cron sweeps, and the
 * OrgHub class. With SENTRY_DSN set, handlers and the object are instrumented with Sentry
 * (core/monitoring.ts). Without it nothing is wrapped: the SDK's wrappers start a client and a
 * span for every request and every call into an OrgHub even when disabled, which the hot path
 * should not pay for monitoring that is off.
 */
import { instrumentDurableObjectWithSentry, withSentry } from '@sentry/cloudflare';
import { env } from 'cloudflare:workers';
import { OrgHub as OrgHubObject } from '../durable-objects/org-hub';
import { enableMonitoring, sentryOptions } from '../core/monitoring';
import { app } from './app';
import { handleQueue } from './queue';
import { handleScheduled } from './scheduled';

const monitored = Boolean((env as Partial<Env>).SENTRY_DSN?.trim());
if (monitored) enableMonitoring();

export const OrgHub = monitored
  ? instrumentDurableObjectWithSentry((env: Env) => sentryOptions(env), OrgHubObject)
  : OrgHubObject;

const handlers = {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;

export default monitored ? withSentry((env: Env) => sentryOptions(env), handlers) : handlers;
