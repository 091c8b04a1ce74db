/**
 * Error monitoring: an error thrown in a route, in the queue consumer and in the OrgHub each
 * reaches the fake Sentry ingest (tests/fakes/sentry-server.ts) once, with release, request or
 * org id, and scrubbed of secrets.
 */

import { describe, expect, inject, it, vi } from 'vitest';
import { call } from './helpers';

const ingest = inject('sentryUrl');

type SentryEvent = {
  release?: string;
  tags?: Record<string, string>;
  request?: { url?: string; headers?: Record<string, string> };
  exception?: { values?: Array<{ value?: string }> };
};

async function eventsSince(seq: number): Promise<SentryEvent[]> {
  const body = (await (await fetch(`${ingest}/__fake/events?since=${seq}`)).json()) as { events: SentryEvent[] };
  return body.events;
}

async function currentSeq(): Promise<number> {
  return ((await (await fetch(`${ingest}/__fake/events?since=999999999`)).json()) as { seq: number }).seq;
}

async function arrived(seq: number, message: string): Promise<SentryEvent[]> {
  const matching = await vi.waitFor(
    async () => {
      const found = (await eventsSince(seq)).filter((e) => e.exception?.values?.some((v) => v.value === message));
      if (found.length === 0) throw new Error(`no event "${message}" yet`);
      return found;
    },
    { timeout: 10_000, interval: 100 },
  );
  // Give a duplicate time to show up, then count.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return (await eventsSince(seq)).filter((e) => e.exception?.values?.some((v) => v.value === message)) ?? matching;
}

describe('error monitoring', () => {
  it('an error in a route arrives once, with release and request id, scrubbed', async () => {
    const seq = await currentSeq();
    const res = await call('/__test/fault/route?token=s3cret-query', {
      body: {},
      headers: { Authorization: 'Bearer gc_sk_secret_value', Cookie: 'gc_session=secret-cookie' },
    });
    expect(res.status).toBe(500);
    const events = await arrived(seq, 'Test fault thrown in a route');
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event!.release).toBe('generic-corp@test');
    expect(event!.tags?.request_id).toBe(res.json.error.request_id);
    const raw = JSON.stringify(event);
    expect(raw).not.toContain('gc_sk_secret_value');
    expect(raw).not.toContain('secret-cookie');
    expect(raw).not.toContain('s3cret-query');
  });

  it('an error in the queue consumer arrives once', async () => {
    const seq = await currentSeq();
    expect((await call('/__test/fault/queue', { body: {} })).status).toBe(202);
    const events = await arrived(seq, 'Test fault thrown in the email queue consumer');
    expect(events).toHaveLength(1);
    expect(events[0]!.release).toBe('generic-corp@test');
  });

  it('an error in the OrgHub arrives once, with the org id and the request id', async () => {
    const seq = await currentSeq();
    const orgId = `org_fault_${crypto.randomUUID().slice(0, 8)}`;
    const res = await call(`/__test/fault/object?org=${orgId}`, { body: {} });
    expect(res.status).toBe(500);
    const events = await arrived(seq, 'Test fault thrown in the OrgHub');
    expect(events).toHaveLength(1);
    expect(events[0]!.tags?.org_id).toBe(orgId);
    expect(events[0]!.tags?.request_id).toBe(res.res.headers.get('x-request-id'));
    expect(res.res.headers.get('x-request-id')).toBeTruthy();
    expect(events[0]!.release).toBe('generic-corp@test');
  });

  it('a browser error reported to /client-errors arrives once, tagged and scrubbed', async () => {
    const seq = await currentSeq();
    const res = await call('/client-errors', {
      body: {
        message: 'Browser fault for the test',
        name: 'TypeError',
        stack: 'TypeError: Browser fault for the test\n    at https://app.test/assets/root-abc.js:1:2',
        url: '/reset-password/SeCrEtToKeN123',
      },
    });
    expect(res.status).toBe(204);
    const events = await arrived(seq, 'Browser fault for the test');
    expect(events).toHaveLength(1);
    expect(events[0]!.tags?.source).toBe('browser');
    expect(events[0]!.tags?.page).toBe('/reset-password/[redacted]');
    expect(JSON.stringify(events[0])).not.toContain('SeCrEtToKeN123');
  });

  it('the fault route does not exist on a non-local host', async () => {
    const { SELF } = await import('cloudflare:test');
    const res = await SELF.fetch('https://app.example.com/__test/fault/route', { method: 'POST' });
    // Refused before any route runs (the dev key's host check) or a 404: never the fault.
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).not.toBe('internal_error');
  });
});
