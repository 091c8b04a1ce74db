import { env, runInDurableObject, SELF } from 'cloudflare:test';
import { expect, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { getDb } from '../../core/db/client';
import { organizations } from '../../core/db/schema';
import { getOrgHub } from '../../core/org-hub-client';
import { syncOrgHub } from '../../core/orgs';

export const ORIGIN = 'https://app.test';

export interface CallOptions {
  method?: string;
  body?: unknown;
  cookie?: string;
  key?: string;
  org?: string;
  ip?: string;
  origin?: string | null;
  headers?: Record<string, string>;
}

/** A JSON call to the Worker, as a browser (cookie + same Origin) or an API client (key). */
export async function call(path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = {
    'CF-Connecting-IP': options.ip ?? randomIp(),
    ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...(options.cookie ? { Cookie: options.cookie } : {}),
    ...(options.key ? { Authorization: `Bearer ${options.key}` } : {}),
    ...(options.org ? { 'X-Organization': options.org } : {}),
    ...(options.origin === null ? {} : { Origin: options.origin ?? ORIGIN }),
    ...options.headers,
  };
  const res = await SELF.fetch(`${ORIGIN}${path}`, {
    method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
    redirect: 'manual',
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { res, status: res.status, json, text };
}

/**
 * Waits for a fresh fixed rate-limit window when fewer than `needMs` are left in this one, so a
 * test that counts up to a limit is not reset halfway by the window turning over.
 */
export async function startOfRateWindow(windowSeconds: number, needMs: number): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

export function randomIp(): string {
  const b = crypto.getRandomValues(new Uint8Array(3));
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

export function uniqueEmail(tag = 'user'): string {
  return `${tag}-${crypto.randomUUID()}@example.com`;
}

export const PASSWORD = 'correct horse battery staple';

/** Signs a new user up with their own org; returns the session cookie and the org slug. */
export async function signUp(
  options: { email?: string; name?: string; orgName?: string; invitationToken?: string } = {},
) {
  const email = options.email ?? uniqueEmail();
  const { res, status, json } = await call('/api/auth/signup', {
    body: {
      email,
      password: PASSWORD,
      name: options.name ?? 'Test User',
      ...(options.invitationToken
        ? { invitation_token: options.invitationToken }
        : { organization_name: options.orgName ?? `Org ${crypto.randomUUID().slice(0, 8)}` }),
    },
  });
  if (status !== 201) throw new Error(`signup failed: ${status} ${JSON.stringify(json)}`);
  return {
    email,
    cookie: sessionCookie(res),
    user: json.user as { id: string; email: string },
    org: json.organization as { id: string; slug: string },
  };
}

export function sessionCookie(res: Response): string {
  const header = res.headers.get('set-cookie') ?? '';
  const match = /gc_session=([^;]+)/.exec(header);
  if (!match) throw new Error(`no session cookie in: ${header}`);
  return `gc_session=${match[1]}`;
}

/** Creates an API key in the org (as an admin/owner cookie) and returns the secret. */
export async function createKey(cookie: string, slug: string, body: Record<string, unknown> = { name: 'test key' }) {
  const { status, json } = await call(`/api/orgs/${slug}/keys`, { cookie, body });
  if (status !== 201) throw new Error(`key creation failed: ${status} ${JSON.stringify(json)}`);
  return json as { id: string; key: string; prefix: string; scopes: string[] };
}

/** Runs SQL on an org's own storage (its OrgHub's SQLite), for tests that set up or inspect state. */
export async function hubSql<T = Record<string, unknown>>(
  orgId: string,
  query: string,
  ...params: unknown[]
): Promise<T[]> {
  return runInDurableObject(
    getOrgHub(env, { orgId }),
    async (_hub, state) => state.storage.sql.exec(query, ...(params as SqlStorageValue[])).toArray() as T[],
  );
}

/** Changes an org's plan the way billing does: in D1, then pushed to its OrgHub. */
export async function setPlan(orgId: string, plan: 'free' | 'starter' | 'pro' | 'enterprise' | 'self_hosted') {
  const [org] = await getDb(env).update(organizations).set({ plan }).where(eq(organizations.id, orgId)).returning();
  await syncOrgHub(env, org!);
}

/** Polls `GET /v1/tasks/:id` until the task is in (one of) `status`; returns the task. */
export async function waitForStatus(key: string, id: string, status: string | string[], timeout = 20_000) {
  const wanted = Array.isArray(status) ? status : [status];
  return vi.waitFor(
    async () => {
      const task = (await call(`/v1/tasks/${id}`, { key })).json;
      expect(wanted).toContain(task.status);
      return task;
    },
    { timeout, interval: 100 },
  );
}
