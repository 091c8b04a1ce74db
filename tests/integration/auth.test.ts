import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, PASSWORD, sessionCookie, signUp, uniqueEmail, hubSql } from './helpers';

async function count(table: string, where = '1 = 1', ...binds: unknown[]): Promise<number> {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...binds)
    .first<{ n: number }>();
  return row!.n;
}

describe('signup', () => {
  it('creates the user, the org with its default team and a trial, the owner membership, and signs in', async () => {
    const email = uniqueEmail('founder');
    const { res, status, json } = await call('/api/auth/signup', {
      body: { email: email.toUpperCase(), password: PASSWORD, name: 'Ada Founder', organization_name: 'Ada Labs' },
    });
    expect(status).toBe(201);
    expect(json.user.email).toBe(email);
    expect(json.organization).toMatchObject({ name: 'Ada Labs', role: 'owner' });
    expect(json.organization.slug).toMatch(/^ada-labs/);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/gc_session=[0-9A-Za-z]{43}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);

    const me = await call('/api/me', { cookie: sessionCookie(res) });
    expect(me.status).toBe(200);
    expect(me.json.user.email).toBe(email);
    expect(me.json.memberships).toEqual([
      { organization: expect.objectContaining({ slug: json.organization.slug, name: 'Ada Labs' }), role: 'owner' },
    ]);

    const orgId = json.organization.id;
    // The team lives in the org's own OrgHub, which seeds it on first use.
    expect((await call('/v1/agents', { cookie: sessionCookie(res), org: json.organization.slug })).status).toBe(200);
    const agents = await hubSql<{ slug: string }>(orgId, `SELECT slug FROM agents ORDER BY slug`);
    expect(agents.map((a) => a.slug)).toEqual(['devonte', 'graham', 'marcus', 'sable', 'yuki']);
    const [sable] = await hubSql<{ manager: string }>(
      orgId,
      `SELECT m.slug AS manager FROM agents a JOIN agents m ON m.id = a.manager_id WHERE a.slug = 'sable'`,
    );
    expect(sable?.manager).toBe('marcus');
  });

  it('stores a salted PBKDF2 hash, never the password, and only the hash of the session token', async () => {
    const { email, cookie } = await signUp();
    const user = await env.DB.prepare(`SELECT password_hash FROM users WHERE email = ?`)
      .bind(email)
      .first<{ password_hash: string }>();
    expect(user!.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(user!.password_hash).not.toContain(PASSWORD);
    const token = cookie.split('=')[1]!;
    expect(await count('sessions', 'id = ?', token)).toBe(0);
  });

  it('gives each org a unique slug', async () => {
    const a = await signUp({ orgName: 'Same Name Inc' });
    const b = await signUp({ orgName: 'Same Name Inc' });
    expect(a.org.slug).not.toBe(b.org.slug);
  });

  it('refuses a second account for an email', async () => {
    const { email } = await signUp();
    const again = await call('/api/auth/signup', {
      body: { email, password: PASSWORD, name: 'Again', organization_name: 'Again' },
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe('conflict');
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['an invalid email', { email: 'not-an-email' }, 'email'],
    ['an empty name', { name: '   ' }, 'name'],
    ['an oversized name', { name: 'x'.repeat(101) }, 'name'],
    ['control characters', { name: 'Bad\u0007Name' }, 'name'],
    ['a short password', { password: 'short' }, 'password'],
    ['a wrong type', { organization_name: 42 }, 'organization_name'],
    ['an extra field', { is_admin: true }, 'is_admin'],
  ];
  for (const [label, override, field] of bad) {
    it(`refuses ${label} with a 400 naming the field, writing nothing`, async () => {
      const email = uniqueEmail('bad');
      const body = { email, password: PASSWORD, name: 'Valid Name', organization_name: 'Valid Org', ...override };
      const before = await count('organizations');
      const { status, json } = await call('/api/auth/signup', { body });
      expect(status).toBe(400);
      expect(json.error.code).toBe('validation_failed');
      const fields = (json.error.details as Array<{ field: string }>).map((d) => d.field);
      expect(fields).toContain(field);
      expect(json.error.request_id).toBeTruthy();
      expect(await count('users', 'email = ?', email)).toBe(0);
      expect(await count('organizations')).toBe(before);
    });
  }

  it('accepts unicode names', async () => {
    const { status, json } = await call('/api/auth/signup', {
      body: {
        email: uniqueEmail(),
        password: PASSWORD,
        name: 'Zoë Ångström 山田',
        organization_name: 'Café Ünïcode 株式会社',
      },
    });
    expect(status).toBe(201);
    expect(json.user.name).toBe('Zoë Ångström 山田');
    expect(json.organization.slug).toMatch(/^[a-z0-9-]+$/);
  });

  it('answers malformed JSON with 400 invalid_json and writes nothing', async () => {
    const before = await count('users');
    const { status, json } = await call('/api/auth/signup', { body: '{"email": "a@b.c", ' });
    expect(status).toBe(400);
    expect(json.error.code).toBe('invalid_json');
    expect(await count('users')).toBe(before);
  });

  it('answers a form-encoded body with 415', async () => {
    const { status, json } = await call('/api/auth/signup', {
      body: 'email=a%40b.c',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(status).toBe(415);
    expect(json.error.code).toBe('unsupported_media_type');
  });
});

describe('login and logout', () => {
  it('signs in with the right password and out again', async () => {
    const { email } = await signUp();
    const login = await call('/api/auth/login', { body: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    const cookie = sessionCookie(login.res);
    expect((await call('/api/me', { cookie })).status).toBe(200);
    const logout = await call('/api/auth/logout', { cookie, method: 'POST' });
    expect(logout.status).toBe(204);
    expect(logout.res.headers.get('set-cookie')).toMatch(/gc_session=;|Max-Age=0/);
    expect((await call('/api/me', { cookie })).status).toBe(401);
  });

  it('gives identical answers for an unknown email and a wrong password', async () => {
    const { email } = await signUp();
    const wrong = await call('/api/auth/login', { body: { email, password: 'wrong password!!' } });
    const unknown = await call('/api/auth/login', {
      body: { email: uniqueEmail('ghost'), password: 'wrong password!!' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json.error.message).toBe(unknown.json.error.message);
    expect(wrong.json.error.code).toBe(unknown.json.error.code);
    expect(Object.keys(wrong.json.error).sort()).toEqual(Object.keys(unknown.json.error).sort());
  });

  it('records sign-ins and failed sign-ins in the audit log', async () => {
    const { email, user } = await signUp();
    await call('/api/auth/login', { body: { email, password: 'wrong password!!' } });
    await call('/api/auth/login', { body: { email, password: PASSWORD } });
    const actions = await env.DB.prepare(`SELECT action FROM audit_log WHERE actor_id = ? OR target_id = ? ORDER BY id`)
      .bind(user.id, user.id)
      .all<{ action: string }>();
    expect(actions.results.map((a) => a.action)).toEqual(
      expect.arrayContaining(['auth.signed_up', 'auth.sign_in_failed', 'auth.signed_in']),
    );
  });

  it('throttles brute force on one account from one address with 429 and Retry-After (a backoff)', async () => {
    const { email } = await signUp();
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    // 5 a minute, then 10 in 15 minutes: a window boundary can let one more through.
    for (let i = 0; i < 12; i++) {
      last = await call('/api/auth/login', { body: { email, password: `guess-${i}-wrong` }, ip: '10.9.0.1' });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(11)).toEqual([429]);
    expect(statuses.indexOf(429)).toBeLessThanOrEqual(10);
    expect(last!.json.error.code).toBe('rate_limited');
    expect(Number(last!.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.res.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('signing in successfully again and again is not throttled (the backoff counts failures)', async () => {
    const { email } = await signUp();
    for (let i = 0; i < 8; i++) {
      const res = await call('/api/auth/login', { body: { email, password: PASSWORD }, ip: '10.9.1.1' });
      expect(res.status, `sign-in ${i + 1}`).toBe(200);
    }
    // Failures still count from there: five a minute.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await call('/api/auth/login', { body: { email, password: `guess-${i}-wrong` }, ip: '10.9.1.1' })).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('guesses from other addresses do not lock the owner out (per-email ceiling is loose)', async () => {
    const { email } = await signUp();
    for (let i = 0; i < 12; i++) {
      const res = await call('/api/auth/login', { body: { email, password: `guess-${i}-wrong` }, ip: `10.8.${i}.1` });
      expect(res.status).toBe(401);
    }
    const owner = await call('/api/auth/login', { body: { email, password: PASSWORD }, ip: '10.8.200.1' });
    expect(owner.status).toBe(200);
  });

  it('throttles many attempts from one IP', async () => {
    const ip = '10.200.1.1';
    let status = 0;
    for (let i = 0; i < 31; i++)
      status = (
        await call('/api/auth/login', { body: { email: uniqueEmail('spray'), password: 'spray-password' }, ip })
      ).status;
    expect(status).toBe(429);
  });

  it('refuses an unauthenticated /api/me and a forged cookie', async () => {
    expect((await call('/api/me')).status).toBe(401);
    expect((await call('/api/me', { cookie: 'gc_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(
      401,
    );
    expect((await call('/api/me', { cookie: 'gc_session=../../etc' })).status).toBe(401);
  });

  it('refuses an expired session', async () => {
    const { cookie, user } = await signUp();
    await env.DB.prepare(`UPDATE sessions SET expires_at = ? WHERE user_id = ?`)
      .bind(Date.now() - 1, user.id)
      .run();
    expect((await call('/api/me', { cookie })).status).toBe(401);
  });
});

describe('sessions', () => {
  it('lists sessions and signs out the others', async () => {
    const { email, cookie } = await signUp();
    const second = sessionCookie((await call('/api/auth/login', { body: { email, password: PASSWORD } })).res);
    const list = await call('/api/me/sessions', { cookie });
    expect(list.json.data).toHaveLength(2);
    expect(list.json.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    const ended = await call('/api/me/sessions', { cookie, method: 'DELETE' });
    expect(ended.json.ended).toBe(1);
    expect((await call('/api/me', { cookie: second })).status).toBe(401);
    expect((await call('/api/me', { cookie })).status).toBe(200);
  });
});

describe('CSRF', () => {
  it('refuses a cross-origin mutation that carries the session cookie', async () => {
    const { cookie, org } = await signUp();
    const res = await call(`/api/orgs/${org.slug}`, {
      cookie,
      method: 'PATCH',
      body: { name: 'Hijacked' },
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    const after = await env.DB.prepare(`SELECT name FROM organizations WHERE id = ?`)
      .bind(org.id)
      .first<{ name: string }>();
    expect(after!.name).not.toBe('Hijacked');
  });

  it('refuses a cross-site form post to a page action', async () => {
    const { cookie } = await signUp();
    const res = await call('/logout', {
      cookie,
      method: 'POST',
      body: 'x=1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
  });

  it('allows the same origin', async () => {
    const { cookie, org } = await signUp();
    const res = await call(`/api/orgs/${org.slug}`, { cookie, method: 'PATCH', body: { name: 'Renamed' } });
    expect(res.status).toBe(200);
    expect(res.json.name).toBe('Renamed');
  });
});
