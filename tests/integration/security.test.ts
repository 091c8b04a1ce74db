/** Findings of the security review (issue 10): each describe block proves one fix. */
import { describe, expect, it } from 'vitest';
import { call, createKey, ORIGIN, PASSWORD, sessionCookie, signUp, startOfRateWindow } from './helpers';

function form(fields: Record<string, string>) {
  return new URLSearchParams(fields).toString();
}
// Browsers always send Host; Remix compares it with Origin on a form post.
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded', Host: new URL(ORIGIN).host };

describe('#3 open redirect after login and logout', () => {
  const tricks = [
    '/..//evil.example',
    '/%2e%2e//evil.example/x',
    '/.//evil.example',
    '//evil.example',
    '/\\evil.example',
  ];

  for (const to of tricks) {
    it(`GET /login?redirectTo=${to} (signed in) stays on this site`, async () => {
      const { cookie } = await signUp();
      const res = await call(`/login?redirectTo=${encodeURIComponent(to)}`, { cookie });
      expect(res.status).toBe(302);
      const location = res.res.headers.get('location')!;
      expect(new URL(location, ORIGIN).origin).toBe(ORIGIN);
      expect(location).toBe('/orgs');
    });
  }

  it('POST /login with redirectTo=/..//evil.example lands on /orgs', async () => {
    const { email } = await signUp();
    const res = await call('/login', {
      method: 'POST',
      headers: FORM,
      body: form({ email, password: PASSWORD, redirectTo: '/..//evil.example' }),
    });
    expect(res.status).toBe(302);
    expect(res.res.headers.get('location')).toBe('/orgs');
    expect(sessionCookie(res.res)).toMatch(/^gc_session=/);
  });

  it('POST /logout with redirectTo=/..//evil.example lands on /', async () => {
    const { cookie } = await signUp();
    const res = await call('/logout', {
      cookie,
      method: 'POST',
      headers: FORM,
      body: form({ redirectTo: '/..//evil.example' }),
    });
    expect(res.status).toBe(302);
    expect(res.res.headers.get('location')).toBe('/');
  });

  it('keeps a genuine path', async () => {
    const { cookie } = await signUp();
    const res = await call(`/login?redirectTo=${encodeURIComponent('/orgs/acme/tasks?status=running')}`, { cookie });
    expect(res.res.headers.get('location')).toBe('/orgs/acme/tasks?status=running');
  });
});

describe('#6 schedules cannot fire every second', () => {
  it('POST /v1/schedules refuses a six-field (seconds) expression, PATCH too, and stores nothing', async () => {
    const { cookie, org } = await signUp();
    const { key } = await createKey(cookie, org.slug, {
      name: 'schedules',
      scopes: ['schedules:read', 'schedules:write', 'tasks:read', 'tasks:write'],
    });
    for (const cron of ['* * * * * *', '*/1 * * * * *', '0 9 * * 1 2030']) {
      const res = await call('/v1/schedules', {
        key,
        body: { name: 'Every second', cron, task: { agent: 'yuki', description: 'spin' } },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'cron' })]));
    }
    const ok = await call('/v1/schedules', {
      key,
      body: { name: 'Weekdays', cron: '0 9 * * 1-5', task: { agent: 'yuki', description: 'report' } },
    });
    expect(ok.status).toBe(201);
    const patch = await call(`/v1/schedules/${ok.json.id}`, { key, method: 'PATCH', body: { cron: '* * * * * *' } });
    expect(patch.status).toBe(400);
    const list = await call('/v1/schedules', { key });
    expect(list.json.data.map((s: { cron: string }) => s.cron)).toEqual(['0 9 * * 1-5']);
  });
});

describe('#9 the audit page shows only the org’s own events', () => {
  it('an admin of org B does not see a member’s sign-ins, failed sign-ins or IPs from elsewhere', async () => {
    const alice = await signUp({ name: 'Alice' });
    const bob = await signUp({ name: 'Bob' });
    // Bob invites Alice into his org as a member.
    const invite = await call(`/api/orgs/${bob.org.slug}/invitations`, {
      cookie: bob.cookie,
      body: { email: alice.email, role: 'member' },
    });
    expect(invite.status).toBe(201);
    expect(
      (await call(`/api/invitations/${invite.json.token}/accept`, { cookie: alice.cookie, method: 'POST' })).status,
    ).toBe(200);
    // Alice signs in (and fails once) from an IP, for her own org's work.
    await call('/api/auth/login', { body: { email: alice.email, password: 'wrong password!!' }, ip: '10.77.7.7' });
    await call('/api/auth/login', { body: { email: alice.email, password: PASSWORD }, ip: '10.77.7.8' });
    const audit = await call(`/api/orgs/${bob.org.slug}/audit?limit=100`, { cookie: bob.cookie });
    expect(audit.status).toBe(200);
    const actions = audit.json.data.map((e: { action: string }) => e.action);
    expect(actions).not.toContain('auth.signed_in');
    expect(actions).not.toContain('auth.sign_in_failed');
    expect(audit.text).not.toContain('10.77.7.');
    expect(actions).toContain('member.joined');
  });
});

describe('#7 every request body is limited, and auth forms are rate-limited before parsing', () => {
  const big = `email=${'a'.repeat(300 * 1024)}%40example.com&password=x`;
  for (const path of ['/login', '/signup', '/logout', '/orgs/new', '/some/unknown/page']) {
    it(`POST ${path} with a 300 KiB form body is 413 before any handler reads it`, async () => {
      const res = await call(path, { method: 'POST', headers: FORM, body: big });
      expect(res.status).toBe(413);
      expect(res.json.error.code).toBe('payload_too_large');
    });
  }

  it('a chunked body without Content-Length is cut off too', async () => {
    const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= 8) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const { SELF } = await import('cloudflare:test');
    const res = await SELF.fetch(`${ORIGIN}/login`, {
      method: 'POST',
      headers: { ...FORM, Origin: ORIGIN, 'CF-Connecting-IP': '10.250.0.1' },
      body: stream,
      // @ts-expect-error -- workerd needs duplex for a streamed request body
      duplex: 'half',
      redirect: 'manual',
    });
    expect(res.status).toBe(413);
  });

  it('POST /login counts the attempt before reading the body: over the limit, the body is never parsed', async () => {
    const ip = '10.251.0.1';
    const malformed = { 'Content-Type': 'multipart/form-data; boundary=nope', Host: new URL(ORIGIN).host };
    for (let i = 0; i < 30; i++) {
      const res = await call('/login', { method: 'POST', headers: malformed, body: 'not multipart at all', ip });
      expect(res.status).toBe(400);
    }
    const res = await call('/login', { method: 'POST', headers: malformed, body: 'not multipart at all', ip });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Too many attempts');
  });
});

describe('#11 development fallbacks never serve a real host', () => {
  async function fetchAs(url: string, vars: Record<string, string>) {
    const { createExecutionContext, env, waitOnExecutionContext } = await import('cloudflare:test');
    const { app } = await import('../../worker/app');
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(url, { headers: { 'CF-Connecting-IP': '10.252.0.1' } }),
      { ...env, ...vars },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  }

  it('APP_ENV=development without ENCRYPTION_KEY answers 500 config_invalid on a public host', async () => {
    for (const url of ['https://app.example.com/v1/health', 'https://app.example.com/login']) {
      const res = await fetchAs(url, { APP_ENV: 'development' });
      expect(res.status).toBe(500);
      const body = await res.json<{ error: { code: string; message: string; request_id: string } }>();
      expect(body.error.code).toBe('config_invalid');
      expect(body.error.message).toMatch(
        /^Invalid configuration: ENCRYPTION_KEY is required when the app is served from app\.example\.com/,
      );
      expect(body.error.request_id).toBeTruthy();
    }
  });

  it('the development outbox (it shows reset links) answers only on the machine itself', async () => {
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const vars = { APP_ENV: 'development', ENCRYPTION_KEY: key };
    expect((await fetchAs('https://app.example.com/dev/outbox', vars)).status).toBe(404);
    expect((await fetchAs('https://app.example.com/dev/outbox.data', vars)).status).toBe(404);
    expect((await fetchAs('http://localhost:8787/dev/outbox', vars)).status).toBe(200);
  });

  it('works on localhost, and anywhere with a real key', async () => {
    expect((await fetchAs('http://localhost:8787/v1/health', { APP_ENV: 'development' })).status).toBe(200);
    expect((await fetchAs('http://127.0.0.1:8787/v1/health', { APP_ENV: 'development' })).status).toBe(200);
    const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    expect(
      (await fetchAs('https://app.example.com/v1/health', { APP_ENV: 'development', ENCRYPTION_KEY: key })).status,
    ).toBe(200);
  });
});

describe('#12a login CSRF: state-changing form posts check Origin even without a cookie', () => {
  for (const path of ['/login', '/signup', '/api/auth/login', '/api/auth/signup']) {
    it(`POST ${path} from a foreign origin, no cookie, is 403 and signs nobody in`, async () => {
      const { email } = await signUp();
      const json = path.startsWith('/api/');
      const fields = { email, password: PASSWORD, name: 'X', organization_name: 'X' };
      const res = await call(path, {
        origin: 'https://evil.example',
        ...(json
          ? { body: path.endsWith('login') ? { email, password: PASSWORD } : fields }
          : { method: 'POST', headers: FORM, body: form(fields) }),
      });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('forbidden');
      expect(res.res.headers.get('set-cookie')).toBeNull();
    });
  }

  it('Sec-Fetch-Site: cross-site without Origin is refused too; same-origin and non-browser clients pass', async () => {
    const { email } = await signUp();
    const cross = await call('/login', {
      origin: null,
      method: 'POST',
      headers: { ...FORM, 'Sec-Fetch-Site': 'cross-site' },
      body: form({ email, password: PASSWORD }),
    });
    expect(cross.status).toBe(403);
    const same = await call('/login', { method: 'POST', headers: FORM, body: form({ email, password: PASSWORD }) });
    expect(same.status).toBe(302);
    const cli = await call('/api/auth/login', { origin: null, body: { email, password: PASSWORD } });
    expect(cli.status).toBe(200);
  });
});

describe('#12d per-IP limits on /v1/health and the /v1/live upgrade', () => {
  it('GET /v1/health: 429 with Retry-After after 30 a minute from one IP; other IPs unaffected', async () => {
    const ip = '10.253.0.1';
    await startOfRateWindow(60, 5_000); // all 33 requests in one fixed window
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await call('/v1/health', { ip })).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    const last = await call('/v1/health', { ip });
    expect(last.status).toBe(429);
    expect(last.json.error.code).toBe('rate_limited');
    expect(Number(last.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call('/v1/health', { ip: '10.253.0.2' })).status).toBe(200);
  });

  it('GET /v1/ping (what the dashboard asks before each live refresh) is not limited: 204 well past 30 a minute', async () => {
    const ip = '10.253.0.3';
    await startOfRateWindow(60, 5_000);
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await call('/v1/ping', { ip })).status);
    expect(new Set(statuses)).toEqual(new Set([204]));
  });

  it('GET /v1/live: 429 before authenticating after 60 a minute from one IP', async () => {
    const ip = '10.253.1.1';
    await startOfRateWindow(60, 5_000); // all 61 requests in one fixed window
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++)
      statuses.push((await call('/v1/live', { ip, headers: { Upgrade: 'websocket' }, key: 'gc_sk_invalid' })).status);
    expect(statuses.slice(0, 60).every((s) => s === 401)).toBe(true);
    expect(statuses[60]).toBe(429);
  });
});

describe('#12e principal names outside Latin-1 survive the trip to the OrgHub', () => {
  for (const name of ['Zoë 🚀', '李雷', '100% Ada', 'Ω≈ç√ 🏳️‍🌈']) {
    it(`a dashboard user named ${JSON.stringify(name)} connects to /v1/live and is seen by that name`, async () => {
      const { cookie, org } = await signUp({ name });
      const { SELF } = await import('cloudflare:test');
      const res = await SELF.fetch(`${ORIGIN}/v1/live?org=${org.slug}`, {
        headers: { Upgrade: 'websocket', Cookie: cookie, Origin: ORIGIN, 'CF-Connecting-IP': '10.254.0.1' },
      });
      expect(res.status).toBe(101);
      const ws = res.webSocket!;
      const frames: Array<{ type: string; data?: { viewers?: Array<{ name: string }> } }> = [];
      ws.addEventListener('message', (event) => frames.push(JSON.parse(event.data as string)));
      ws.accept();
      const { vi } = await import('vitest');
      await vi.waitFor(() => expect(frames.some((f) => f.type === 'presence')).toBe(true));
      const presence = frames.find((f) => f.type === 'presence')!;
      expect(presence.data!.viewers!.map((v) => v.name)).toEqual([name]);
      ws.close(1000);
    });
  }
});

describe('a malformed session cookie is no session, not an error', () => {
  it('pages and the dashboard API answer as signed out, so the user can still sign in', async () => {
    const cookie = 'gc_session=%E0%A4%A';
    expect((await call('/login', { cookie })).status).toBe(200);
    expect((await call('/', { cookie })).status).toBe(200);
    const orgs = await call('/orgs', { cookie });
    expect(orgs.status).toBe(302);
    expect(orgs.res.headers.get('location')).toMatch(/^\/login/);
    expect((await call('/api/me', { cookie })).status).toBe(401);
  });
});
