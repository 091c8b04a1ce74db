import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, createKey, PASSWORD, sessionCookie, signUp, startOfRateWindow, uniqueEmail } from './helpers';

/** Owner invites `email` with `role`; the invitee signs up through the link. */
async function inviteAndJoin(ownerCookie: string, slug: string, role: string) {
  const email = uniqueEmail(role);
  const invite = await call(`/api/orgs/${slug}/invitations`, { cookie: ownerCookie, body: { email, role } });
  expect(invite.status).toBe(201);
  expect(invite.json.url).toContain(`/invitations/${invite.json.token}`);
  const joined = await signUp({ email, invitationToken: invite.json.token });
  return joined;
}

describe('invitations and roles', () => {
  it('an invitee who signs up through the link joins with the role, and sees that org only', async () => {
    const owner = await signUp();
    const member = await inviteAndJoin(owner.cookie, owner.org.slug, 'member');
    expect(member.org.slug).toBe(owner.org.slug);
    // The signup answer gives the role the invitation carried, not the owner's of a new org.
    expect((member.org as { role?: string }).role).toBe('member');
    expect((owner.org as { role?: string }).role).toBe('owner');
    const me = await call('/api/me', { cookie: member.cookie });
    expect(me.json.memberships).toEqual([
      { organization: expect.objectContaining({ slug: owner.org.slug }), role: 'member' },
    ]);
    const members = await call(`/api/orgs/${owner.org.slug}/members`, { cookie: owner.cookie });
    expect(members.json.data.map((m: { role: string }) => m.role).sort()).toEqual(['member', 'owner']);
  });

  it('a signed-in user accepts an invitation once; the token is single-use and stored hashed', async () => {
    const owner = await signUp();
    const other = await signUp();
    const invite = await call(`/api/orgs/${owner.org.slug}/invitations`, {
      cookie: owner.cookie,
      body: { email: other.email, role: 'viewer' },
    });
    const stored = await env.DB.prepare(`SELECT token_hash FROM invitations WHERE id = ?`)
      .bind(invite.json.id)
      .first<{ token_hash: string }>();
    expect(stored!.token_hash).not.toBe(invite.json.token);
    const accepted = await call(`/api/invitations/${invite.json.token}/accept`, {
      cookie: other.cookie,
      method: 'POST',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.json.role).toBe('viewer');
    const again = await call(`/api/invitations/${invite.json.token}/accept`, { cookie: other.cookie, method: 'POST' });
    expect(again.status).toBe(404);
  });

  it('refuses an invitation for someone else’s email, and an expired one', async () => {
    const owner = await signUp();
    const intruder = await signUp();
    const invite = await call(`/api/orgs/${owner.org.slug}/invitations`, {
      cookie: owner.cookie,
      body: { email: uniqueEmail('target'), role: 'admin' },
    });
    expect(
      (await call(`/api/invitations/${invite.json.token}/accept`, { cookie: intruder.cookie, method: 'POST' })).status,
    ).toBe(404);

    const invitee = await signUp();
    const expiring = await call(`/api/orgs/${owner.org.slug}/invitations`, {
      cookie: owner.cookie,
      body: { email: invitee.email, role: 'member' },
    });
    await env.DB.prepare(`UPDATE invitations SET expires_at = ? WHERE id = ?`)
      .bind(Date.now() - 1, expiring.json.id)
      .run();
    expect(
      (await call(`/api/invitations/${expiring.json.token}/accept`, { cookie: invitee.cookie, method: 'POST' })).status,
    ).toBe(404);
  });

  it('viewers read but cannot change; members cannot manage members; admins can, but not owners', async () => {
    const owner = await signUp();
    const viewer = await inviteAndJoin(owner.cookie, owner.org.slug, 'viewer');
    const member = await inviteAndJoin(owner.cookie, owner.org.slug, 'member');
    const admin = await inviteAndJoin(owner.cookie, owner.org.slug, 'admin');
    const slug = owner.org.slug;

    expect((await call(`/api/orgs/${slug}`, { cookie: viewer.cookie })).status).toBe(200);
    expect(
      (await call(`/api/orgs/${slug}`, { cookie: viewer.cookie, method: 'PATCH', body: { name: 'Nope' } })).status,
    ).toBe(403);
    expect(
      (
        await call(`/api/orgs/${slug}/invitations`, {
          cookie: member.cookie,
          body: { email: uniqueEmail(), role: 'member' },
        })
      ).status,
    ).toBe(403);
    expect((await call(`/api/orgs/${slug}/keys`, { cookie: member.cookie })).status).toBe(403);
    expect((await call(`/api/orgs/${slug}/audit`, { cookie: member.cookie })).status).toBe(403);

    expect(
      (
        await call(`/api/orgs/${slug}/members/${viewer.user.id}`, {
          cookie: admin.cookie,
          method: 'PATCH',
          body: { role: 'member' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(`/api/orgs/${slug}/members/${member.user.id}`, {
          cookie: admin.cookie,
          method: 'PATCH',
          body: { role: 'owner' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await call(`/api/orgs/${slug}/members/${owner.user.id}`, { cookie: admin.cookie, method: 'DELETE' })).status,
    ).toBe(403);
    expect((await call(`/api/orgs/${slug}`, { cookie: admin.cookie, method: 'DELETE' })).status).toBe(403);
    expect(
      (await call(`/api/orgs/${slug}/members/${viewer.user.id}`, { cookie: admin.cookie, method: 'DELETE' })).status,
    ).toBe(204);
    expect((await call(`/api/orgs/${slug}`, { cookie: viewer.cookie })).status).toBe(404);
  });

  it('the last owner can neither leave nor be demoted; with a second owner they can', async () => {
    const owner = await signUp();
    const slug = owner.org.slug;
    expect(
      (await call(`/api/orgs/${slug}/members/${owner.user.id}`, { cookie: owner.cookie, method: 'DELETE' })).status,
    ).toBe(409);
    expect(
      (
        await call(`/api/orgs/${slug}/members/${owner.user.id}`, {
          cookie: owner.cookie,
          method: 'PATCH',
          body: { role: 'admin' },
        })
      ).status,
    ).toBe(409);
    const second = await inviteAndJoin(owner.cookie, slug, 'owner');
    expect(
      (
        await call(`/api/orgs/${slug}/members/${owner.user.id}`, {
          cookie: second.cookie,
          method: 'PATCH',
          body: { role: 'admin' },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call(`/api/orgs/${slug}/members/${owner.user.id}`, { cookie: owner.cookie, method: 'DELETE' })).status,
    ).toBe(204);
  });

  it('audits member and role changes with actor and IP, viewable by admins', async () => {
    const owner = await signUp();
    const member = await inviteAndJoin(owner.cookie, owner.org.slug, 'member');
    await call(`/api/orgs/${owner.org.slug}/members/${member.user.id}`, {
      cookie: owner.cookie,
      method: 'PATCH',
      body: { role: 'admin' },
      ip: '10.1.2.3',
    });
    const audit = await call(`/api/orgs/${owner.org.slug}/audit`, { cookie: owner.cookie });
    expect(audit.status).toBe(200);
    const roleChange = audit.json.data.find((e: { action: string }) => e.action === 'member.role_changed');
    expect(roleChange).toMatchObject({
      actor: { type: 'user', id: owner.user.id },
      ip: '10.1.2.3',
      metadata: { from: 'member', to: 'admin' },
    });
    expect(audit.json.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['member.invited', 'member.joined', 'auth.signed_up']),
    );
  });
});

describe('organizations', () => {
  it('creates more orgs, lists them, renames and changes the slug', async () => {
    const owner = await signUp();
    const created = await call('/api/orgs', { cookie: owner.cookie, body: { name: 'Second Venture' } });
    expect(created.status).toBe(201);
    const list = await call('/api/orgs', { cookie: owner.cookie });
    expect(list.json.data.map((o: { slug: string }) => o.slug)).toEqual([owner.org.slug, created.json.slug]);
    const newSlug = `renamed-${crypto.randomUUID().slice(0, 8)}`;
    const patched = await call(`/api/orgs/${created.json.slug}`, {
      cookie: owner.cookie,
      method: 'PATCH',
      body: { slug: newSlug },
    });
    expect(patched.json.slug).toBe(newSlug);
    expect((await call(`/api/orgs/${created.json.slug}`, { cookie: owner.cookie })).status).toBe(404);
    const taken = await call(`/api/orgs/${newSlug}`, {
      cookie: owner.cookie,
      method: 'PATCH',
      body: { slug: owner.org.slug },
    });
    expect(taken.status).toBe(409);
    expect(
      (await call(`/api/orgs/${newSlug}`, { cookie: owner.cookie, method: 'PATCH', body: { slug: 'Bad Slug!' } }))
        .status,
    ).toBe(400);
  });

  it('deletes an org: it disappears, its keys stop working', async () => {
    const owner = await signUp();
    const { key } = await createKey(owner.cookie, owner.org.slug);
    expect((await call('/v1/org', { key })).status).toBe(200);
    expect((await call(`/api/orgs/${owner.org.slug}`, { cookie: owner.cookie, method: 'DELETE' })).status).toBe(204);
    expect((await call(`/api/orgs/${owner.org.slug}`, { cookie: owner.cookie })).status).toBe(404);
    expect((await call('/v1/org', { key })).status).toBe(401);
    expect((await call('/api/me', { cookie: owner.cookie })).json.memberships).toEqual([]);
  });
});

describe('API keys', () => {
  it('a key is shown once, stored hashed, works on /v1/org, and stops working when revoked', async () => {
    const owner = await signUp();
    const created = await createKey(owner.cookie, owner.org.slug, { name: 'CI', scopes: ['org:read', 'tasks:write'] });
    expect(created.key).toMatch(/^gc_sk_[0-9A-Za-z]{48}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const stored = await env.DB.prepare(`SELECT secret_hash FROM api_keys WHERE id = ?`)
      .bind(created.id)
      .first<{ secret_hash: string }>();
    expect(stored!.secret_hash).toMatch(/^[0-9a-f]{64}$/);

    const list = await call(`/api/orgs/${owner.org.slug}/keys`, { cookie: owner.cookie });
    expect(list.json.data[0]).toMatchObject({
      id: created.id,
      prefix: created.prefix,
      name: 'CI',
      scopes: ['org:read', 'tasks:write'],
    });
    // The create response names its creator as the list does.
    expect((created as unknown as { created_by: unknown }).created_by).toEqual(list.json.data[0].created_by);
    expect(list.json.data[0].created_by.email).toBe(owner.user.email);
    expect(JSON.stringify(list.json)).not.toContain(created.key);

    const org = await call('/v1/org', { key: created.key });
    expect(org.status).toBe(200);
    expect(org.json).toMatchObject({ id: owner.org.id, slug: owner.org.slug });
    expect(org.res.headers.get('x-ratelimit-limit')).toBeTruthy();

    expect(
      (await call(`/api/orgs/${owner.org.slug}/keys/${created.id}`, { cookie: owner.cookie, method: 'DELETE' })).status,
    ).toBe(204);
    const revoked = await call('/v1/org', { key: created.key });
    expect(revoked.status).toBe(401);
    expect(revoked.json.error.message).toMatch(/revoked/);
  });

  it('records last use', async () => {
    const owner = await signUp();
    const created = await createKey(owner.cookie, owner.org.slug);
    await call('/v1/org', { key: created.key });
    const list = await call(`/api/orgs/${owner.org.slug}/keys`, { cookie: owner.cookie });
    expect(list.json.data[0].last_used_at).not.toBeNull();
  });

  it('enforces scopes', async () => {
    const owner = await signUp();
    const { key } = await createKey(owner.cookie, owner.org.slug, { name: 'tasks only', scopes: ['tasks:write'] });
    const res = await call('/v1/org', { key });
    expect(res.status).toBe(403);
    expect(res.json.error.details).toEqual({ required_scope: 'org:read' });
  });

  it('refuses expired, malformed and unknown keys with 401', async () => {
    const owner = await signUp();
    const expiring = await createKey(owner.cookie, owner.org.slug, {
      name: 'short',
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    await env.DB.prepare(`UPDATE api_keys SET expires_at = ? WHERE id = ?`)
      .bind(Date.now() - 1, expiring.id)
      .run();
    await env.KV.delete(`apikey:${expiring.prefix}`);
    expect((await call('/v1/org', { key: expiring.key })).status).toBe(401);
    expect((await call('/v1/org', { key: 'gc_sk_short' })).status).toBe(401);
    expect((await call('/v1/org', { key: `gc_sk_${'A'.repeat(48)}` })).status).toBe(401);
    // Right prefix, wrong secret.
    const wrongSecret = `${expiring.prefix}${'B'.repeat(40)}`;
    expect((await call('/v1/org', { key: wrongSecret })).status).toBe(401);
    expect((await call('/v1/org', { headers: { Authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('refuses a past expiry and unknown scopes', async () => {
    const owner = await signUp();
    expect(
      (
        await call(`/api/orgs/${owner.org.slug}/keys`, {
          cookie: owner.cookie,
          body: { name: 'x', expires_at: '2001-01-01T00:00:00Z' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await call(`/api/orgs/${owner.org.slug}/keys`, { cookie: owner.cookie, body: { name: 'x', scopes: ['root'] } }))
        .status,
    ).toBe(400);
  });

  it('a session may call /v1 with X-Organization; not a member → 404', async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const mine = await call('/v1/org', { cookie: owner.cookie, org: owner.org.slug });
    expect(mine.status).toBe(200);
    expect(mine.json.role).toBe('owner');
    const theirs = await call('/v1/org', { cookie: stranger.cookie, org: owner.org.slug });
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain(owner.org.id);
  });

  it('rate-limits /v1 per key by plan with headers, 429 and Retry-After', async () => {
    const owner = await signUp();
    // Free plan: 60 requests a minute.
    await env.DB.prepare(`UPDATE organizations SET plan = 'free' WHERE id = ?`).bind(owner.org.id).run();
    const { key } = await createKey(owner.cookie, owner.org.slug);
    await startOfRateWindow(60, 5_000); // all 61 requests in one fixed window
    const first = await call('/v1/org', { key });
    expect(first.res.headers.get('x-ratelimit-limit')).toBe('60');
    expect(first.res.headers.get('x-ratelimit-remaining')).toBe('59');
    expect(Number(first.res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    let last = first;
    for (let i = 0; i < 60; i++) last = await call('/v1/org', { key });
    expect(last.status).toBe(429);
    expect(last.json.error.code).toBe('rate_limited');
    expect(Number(last.res.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('login through the form flow keeps one session per sign-in', () => {
  it('each login makes a new session (rotation)', async () => {
    const { email, cookie } = await signUp();
    const again = sessionCookie((await call('/api/auth/login', { body: { email, password: PASSWORD } })).res);
    expect(again).not.toBe(cookie);
  });
});
