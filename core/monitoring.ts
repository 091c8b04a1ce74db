/**
 * Error monitoring with Sentry (@sentry/cloudflare). `sentryOptions` configures the SDK for the
 * Worker's handlers (worker/index.ts, withSentry) and the OrgHub (instrumentDurableObjectWithSentry):
 * off without SENTRY_DSN; release, environment and sampling from the env; every event scrubbed
 * with the logs' redaction before it leaves (no cookies, headers that look secret, query strings,
 * tokens in paths, user emails or IPs). `captureError` reports an error a handler caught itself.
 */
import type { CloudflareOptions } from '@sentry/cloudflare';
import * as Sentry from '@sentry/cloudflare';
import { redact, redactUrl } from './log';

type MonitoringEnv = {
  SENTRY_DSN?: string;
  SENTRY_RELEASE?: string;
  SENTRY_SAMPLE_RATE?: string;
  SENTRY_TRACES_SAMPLE_RATE?: string;
  APP_ENV?: string;
  EDITION?: string;
  CF_VERSION_METADATA?: { id: string };
};

/** Used when neither SENTRY_RELEASE nor a Workers version id is known (local start, tests). */
export const UNVERSIONED_RELEASE = 'generic-corp@unversioned';

function share(value: string | undefined, fallback: number): number {
  const parsed = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
  return Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : fallback;
}

export function sentryOptions(env: MonitoringEnv): CloudflareOptions {
  const dsn = env.SENTRY_DSN?.trim();
  if (!dsn) return { enabled: false };
  return {
    dsn,
    release: env.SENTRY_RELEASE?.trim() || env.CF_VERSION_METADATA?.id || UNVERSIONED_RELEASE,
    environment: env.APP_ENV ?? 'development',
    sampleRate: share(env.SENTRY_SAMPLE_RATE, 1),
    tracesSampleRate: share(env.SENTRY_TRACES_SAMPLE_RATE, 0),
    initialScope: { tags: { edition: env.EDITION ?? 'self-hosted' } },
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: (breadcrumb) => ({
      ...breadcrumb,
      ...(breadcrumb.data ? { data: redactData(breadcrumb.data) } : {}),
    }),
  };
}

function redactData<T>(value: T): T {
  return redact(value) as T;
}

/** Removes what may identify a person or carry a secret; keeps what explains the error. */
export function scrubEvent<E extends Sentry.Event>(event: E): E {
  if (event.request) {
    const { headers, url } = event.request;
    event.request = {
      method: event.request.method,
      ...(url ? { url: redactUrl(url) } : {}),
      ...(headers ? { headers: redactData(pickHeaders(headers)) } : {}),
    };
  }
  if (event.user) event.user = event.user.id ? { id: String(event.user.id) } : {};
  if (event.extra) event.extra = redactData(event.extra);
  if (event.contexts) event.contexts = redactData(event.contexts);
  if (event.breadcrumbs)
    event.breadcrumbs = event.breadcrumbs.map((b) => (b.data ? { ...b, data: redactData(b.data) } : b));
  if (event.transaction) event.transaction = redactUrl(event.transaction);
  return event;
}

/** Headers worth keeping on an event; everything else (cookies, IPs, auth) is dropped. */
const KEPT_HEADERS = new Set(['user-agent', 'content-type', 'accept', 'x-request-id', 'cf-ray']);

function pickHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => KEPT_HEADERS.has(name.toLowerCase())));
}

/**
 * Reports an error a handler caught (and answered) itself. An error that came back from a Durable
 * Object (`remote`) was already reported by the object, so it is not sent twice.
 */
export function captureError(error: unknown, context?: Record<string, string | number | null | undefined>): void {
  if (error instanceof Error && (error as Error & { remote?: boolean }).remote === true) return;
  Sentry.withScope((scope) => {
    if (context)
      for (const [key, value] of Object.entries(context)) if (value != null) scope.setTag(key, String(value));
    Sentry.captureException(error);
  });
}

/** Set once at start-up (worker/index.ts) when SENTRY_DSN is configured. */
let monitoring = false;
export function enableMonitoring(): void {
  monitoring = true;
}

/**
 * Tags the current request's (or RPC call's) events. Without monitoring it does nothing: even a
 * disabled SDK looks up its scope on every call, and this runs on every request and hub call.
 */
export function tagEvents(tags: Record<string, string | null | undefined>): void {
  if (!monitoring) return;
  for (const [key, value] of Object.entries(tags)) if (value) Sentry.setTag(key, value);
}

/** What the browser reports (app/lib/error-reporter.ts) to `POST /client-errors`. */
export interface BrowserErrorReport {
  message: string;
  name?: string;
  stack?: string;
  url: string;
}

/** A browser's error, forwarded by our own endpoint (decision 017: no browser SDK), scrubbed like the rest. */
export function captureBrowserError(report: BrowserErrorReport, requestId: string): void {
  const error = new Error(report.message);
  error.name = report.name || 'Error';
  if (report.stack) error.stack = report.stack;
  Sentry.withScope((scope) => {
    scope.setTag('source', 'browser');
    scope.setTag('request_id', requestId);
    scope.setTag('page', redactUrl(report.url));
    Sentry.captureException(error);
  });
}
