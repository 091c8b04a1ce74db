/**
 * Clerk, verified networklessly: tokens signed here with a locally generated RS256 key pair,
 * webhooks signed here with a local Svix secret. No network.
 */
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { app } from '../../worker/app';
import { call, ORIGIN, randomIp, signUp, uniqueEmail } from './helpers';

const b64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes as ArrayBuffer)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const b64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes)));

async function keyPair() {
  const pair = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const spki = (await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer;
  const pem = `-----BEGIN PUBLIC KEY-----\n${b64(spki)
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PUBLIC KEY-----`;
  return { privateKey: pair.privateKey, pem };
}

async function signJwt(privateKey: CryptoKey, claims: Record<string, unknown>) {
  const header = b64url(new TextEncoder().encode(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'ins_test' })));
  const payload = b64url(new TextEncoder().encode(JSON.stringify(claims)));
  const signature = await crypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    privateKey,
    new TextEncoder().encode(`${header}.${payload}`),
  );
  return `${header}.${payload}.${b64url(signature)}`;
}

const WEBHOOK_SECRET_BYTES = crypto.getRandomValues(new Uint8Array(24));
const WEBHOOK_SECRET = `whsec_${btoa(String.fromCharCode(...WEBHOOK_SECRET_BYTES))}`;

async function clerkEnv() {
  const { privateKey, pem } = await keyPair();
  return {
    privateKey,
    env: { ...env, CLERK_SECRET_KEY: 'sk_test_local', CLERK_JWT_KEY: pem, CLERK_WEBHOOK_SECRET: WEBHOOK_SECRET },
  };
}

async function fetchWith(testEnv: Env, path: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const headers = new Headers(init.headers);
  headers.set('CF-Connecting-IP', randomIp());
  const res = await app.fetch(new Request(`https://app.test${path}`, { ...init, headers }), testEnv, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const now = () => Math.floor(Date.now() / 1000);

describe('Clerk session tokens', () => {
  it('creates and links our user on first sight, then recognises them', async () => {
    const { privateKey, env: testEnv } = await clerkEnv();
    const email = uniqueEmail('clerk');
    const sub = `user_${crypto.randomUUID()}`;
    const token = await signJwt(privateKey, {
      sub,
      email,
      name: 'Clerk Person',
      iat: now() - 5,
      nbf: now() - 5,
      exp: now() + 60,
      azp: testEnv.APP_URL,
      iss: 'https://clerk.test',
    });
    const first = await fetchWith(testEnv, '/api/me', { headers: { Authorization: `Bearer ${token}` } });
    expect(first.status).toBe(200);
    const body = await first.json<{ user: { email: string; name: string } }>();
    expect(body.user).toMatchObject({ email, name: 'Clerk Person' });
    const linked = await env.DB.prepare(`SELECT COUNT(*) AS n FROM users WHERE clerk_user_id = ?`)
      .bind(sub)
      .first<{ n: number }>();
    expect(linked!.n).toBe(1);
    const again = await fetchWith(testEnv, '/api/me', { headers: { Authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
  });

  it('refuses an expired token, a foreign authorized party and a token signed by another key', async () => {
    const { privateKey, env: testEnv } = await clerkEnv();
    const other = await keyPair();
    const base = {
      sub: `user_${crypto.randomUUID()}`,
      email: uniqueEmail('clerk'),
      iat: now() - 5,
      nbf: now() - 5,
      azp: testEnv.APP_URL,
    };
    const expired = await signJwt(privateKey, { ...base, exp: now() - 60 });
    const foreign = await signJwt(privateKey, { ...base, exp: now() + 60, azp: 'https://evil.example' });
    const forged = await signJwt(other.privateKey, { ...base, exp: now() + 60 });
    for (const token of [expired, foreign, forged]) {
      const res = await fetchWith(testEnv, '/api/me', { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(401);
    }
  });
});

describe('Clerk identities and existing accounts (account pre-hijacking)', () => {
  async function clerkToken(privateKey: CryptoKey, email: string, extra: Record<string, unknown> = {}) {
    return signJwt(privateKey, {
      sub: `user_${crypto.randomUUID()}`,
      email,
      name: 'Clerk Person',
      iat: now() - 5,
      nbf: now() - 5,
      exp: now() + 60,
      azp: 'http://localhost:8787',
      ...extra,
    });
  }
  const userRow = (email: string) =>
    env.DB.prepare(`SELECT clerk_user_id, email_verified_at FROM users WHERE email = ?`)
      .bind(email)
      .first<{ clerk_user_id: string | null; email_verified_at: number | null }>();

  it('never joins a Clerk sign-in to a password account whose email was never verified, and says why', async () => {
    const { privateKey, env: testEnv } = await clerkEnv();
    // The attacker signs up first with the victim's address and a password of their own.
    const victim = uniqueEmail('victim');
    const attacker = await signUp({ email: victim });
    const res = await fetchWith(testEnv, '/api/me', {
      headers: { Authorization: `Bearer ${await clerkToken(privateKey, victim)}` },
    });
    expect(res.status).toBe(409);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('conflict');
    expect(body.error.message).toMatch(/already exists.*not been verified|never verified/);
    expect(await userRow(victim)).toEqual({ clerk_user_id: null, email_verified_at: null });
    // The attacker's session does not become the Clerk user's.
    expect((await call('/api/me', { cookie: attacker.cookie })).json.user.email).toBe(victim);
  });

  it('joins an account whose email was verified (signed up through an invitation)', async () => {
    const { privateKey, env: testEnv } = await clerkEnv();
    const owner = await signUp();
    const email = uniqueEmail('invited');
    const invite = await call(`/api/orgs/${owner.org.slug}/invitations`, {
      cookie: owner.cookie,
      body: { email, role: 'member' },
    });
    await signUp({ email, invitationToken: invite.json.token });
    expect((await userRow(email))!.email_verified_at).toBeGreaterThan(0);
    const res = await fetchWith(testEnv, '/api/me', {
      headers: { Authorization: `Bearer ${await clerkToken(privateKey, email)}` },
    });
    expect(res.status).toBe(200);
    expect((await userRow(email))!.clerk_user_id).toMatch(/^user_/);
  });

  it('marks users it creates as verified, and trusts an email_verified=false claim', async () => {
    const { privateKey, env: testEnv } = await clerkEnv();
    const email = uniqueEmail('clerk-new');
    const created = await fetchWith(testEnv, '/api/me', {
      headers: { Authorization: `Bearer ${await clerkToken(privateKey, email, { email_verified: true })}` },
    });
    expect(created.status).toBe(200);
    expect((await userRow(email))!.email_verified_at).toBeGreaterThan(0);

    const unverified = uniqueEmail('clerk-unverified');
    const fresh = await fetchWith(testEnv, '/api/me', {
      headers: { Authorization: `Bearer ${await clerkToken(privateKey, unverified, { email_verified: false })}` },
    });
    expect(fresh.status).toBe(200);
    expect((await userRow(unverified))!.email_verified_at).toBeNull();
    // An unverified Clerk address never takes over an existing account.
    const res = await fetchWith(testEnv, '/api/me', {
      headers: { Authorization: `Bearer ${await clerkToken(privateKey, email, { email_verified: false })}` },
    });
    expect(res.status).toBe(409);
  });
});

async function svixHeaders(body: string) {
  const id = `msg_${crypto.randomUUID()}`;
  const timestamp = String(now());
  const key = await crypto.subtle.importKey('raw', WEBHOOK_SECRET_BYTES, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return {
    'svix-id': id,
    'svix-timestamp': timestamp,
    'svix-signature': `v1,${b64(signature)}`,
    'Content-Type': 'application/json',
  };
}

describe('Clerk webhooks', () => {
  it('keeps email and name in sync and deletes users, only with a valid signature', async () => {
    const { privateKey, env: testEnv } = await clerkEnv();
    const sub = `user_${crypto.randomUUID()}`;
    const token = await signJwt(privateKey, {
      sub,
      email: uniqueEmail('clerk'),
      iat: now() - 5,
      nbf: now() - 5,
      exp: now() + 60,
      azp: testEnv.APP_URL,
    });
    expect((await fetchWith(testEnv, '/api/me', { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);

    const newEmail = uniqueEmail('renamed');
    const updated = JSON.stringify({
      type: 'user.updated',
      object: 'event',
      data: {
        id: sub,
        first_name: 'Renamed',
        last_name: 'Person',
        primary_email_address_id: 'idn_1',
        email_addresses: [{ id: 'idn_1', email_address: newEmail }],
      },
    });
    const forged = await fetchWith(testEnv, '/webhooks/clerk', {
      method: 'POST',
      body: updated,
      headers: { ...(await svixHeaders('{}')) },
    });
    expect(forged.status).toBe(400);

    const ok = await fetchWith(testEnv, '/webhooks/clerk', {
      method: 'POST',
      body: updated,
      headers: await svixHeaders(updated),
    });
    expect(ok.status).toBe(200);
    const row = await env.DB.prepare(`SELECT email, name FROM users WHERE clerk_user_id = ?`)
      .bind(sub)
      .first<{ email: string; name: string }>();
    expect(row).toEqual({ email: newEmail, name: 'Renamed Person' });

    const deleted = JSON.stringify({ type: 'user.deleted', object: 'event', data: { id: sub, deleted: true } });
    expect(
      (
        await fetchWith(testEnv, '/webhooks/clerk', {
          method: 'POST',
          body: deleted,
          headers: await svixHeaders(deleted),
        })
      ).status,
    ).toBe(200);
    const gone = await env.DB.prepare(`SELECT COUNT(*) AS n FROM users WHERE clerk_user_id = ?`)
      .bind(sub)
      .first<{ n: number }>();
    expect(gone!.n).toBe(0);
  });

  it('a deleted user’s live sockets in every org close at once', async () => {
    const { env: testEnv } = await clerkEnv();
    const person = await signUp();
    const sub = `user_${crypto.randomUUID()}`;
    await env.DB.prepare(`UPDATE users SET clerk_user_id = ? WHERE id = ?`).bind(sub, person.user.id).run();
    const res = await SELF.fetch(`${ORIGIN}/v1/live?org=${person.org.slug}`, {
      headers: { Upgrade: 'websocket', Origin: ORIGIN, Cookie: person.cookie },
    });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    let closed: number | null = null;
    ws.addEventListener('close', (event) => (closed = event.code));
    ws.accept();
    ws.send(JSON.stringify({ type: 'ping' }));
    const deleted = JSON.stringify({ type: 'user.deleted', object: 'event', data: { id: sub, deleted: true } });
    const hook = await fetchWith(testEnv, '/webhooks/clerk', {
      method: 'POST',
      body: deleted,
      headers: await svixHeaders(deleted),
    });
    expect(hook.status).toBe(200);
    await vi.waitFor(() => expect(closed).toBe(4001));
  });

  it('is a 404 when Clerk is not configured', async () => {
    const res = await fetchWith(env, '/webhooks/clerk', {
      method: 'POST',
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(404);
  });
});
