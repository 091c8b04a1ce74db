/**
 * Stands in for `@sentry/cloudflare` in the test projects that run with monitoring off (no
 * SENTRY_DSN, so the SDK would send nothing anyway). Loading the real SDK into a workerd that runs
 * more than one test file overflows the test pool's socket ("Message is too large"), so only the
 * `monitoring` project (one file, tests/integration/monitoring.test.ts) loads it, against the fake
 * ingest. Same surface as the parts of the SDK the app uses.
 */
export function withSentry<H>(_options: unknown, handler: H): H {
  return handler;
}

export function instrumentDurableObjectWithSentry<C>(_options: unknown, objectClass: C): C {
  return objectClass;
}

export function captureException(): string {
  return '';
}

export function withScope<T>(callback: (scope: { setTag(key: string, value: string): void }) => T): T {
  return callback({ setTag() {} });
}

export function setTag(): void {}
