/**
 * Email through the Queue to the local outbox (this project has no RESEND_API_KEY): password
 * reset, email verification, invitations by email; and the Resend transport against the fake
 * Resend at the HTTP level.
 */
import { env } from 'cloudflare:test';
import { describe, expect, inject, it, vi } from 'vitest';
import { resendTransport, PermanentEmailError } from '../../core/email/transports';
import { call, PASSWORD, sessionCookie, signUp, uniqueEmail } from './helpers';

interface OutboxRow {
  id: string;
  template: string;
  status: string;
  subject: string | null;
  html: string | null;
  text: string | null;
  transport: string | null;
}

/** Waits for the newest sent email of `template` to `to`; returns it. */
async function sentEmail(to: string, template: string): Promise<OutboxRow> {
  return vi.waitFor(
    async () => {
      const row = await env.DB.prepare(
        `SELECT * FROM email_deliveries WHERE to_address = ? AND template = ? AND status = 'sent' ORDER BY created_at DESC LIMIT 1`,
      )
        .bind(to, template)
        .first<OutboxRow>();
      if (!row) throw new Error(`no ${template} email to ${to} yet`);
      return row;
    },
    { timeout: 10_000, interval: 100 },
  );
}

function linkIn(text: string, path: string): string {
  const match = new RegExp(`https?://[^\\s)\\]]+${path}/([0-9A-Za-z]+)`).exec(text);
  if (!match) throw new Error(`no ${path} link in: ${text}`);
  return match[1]!;
}

describe('password reset', () => {
  it('mails a single-use link; resetting ends every session and signs in with the new password', async () => {
    const user = await signUp();
    const other = await call('/api/auth/login', { body: { email: user.email, password: PASSWORD } });
    const otherCookie = sessionCookie(other.res);

    const asked = await call('/api/auth/password-reset', { body: { email: user.email } });
    expect(asked.status).toBe(202);
    const email = await sentEmail(user.email, 'password_reset');
    expect(email.transport).toBe('outbox');
    expect(email.subject).toContain('Reset your');
    expect(email.html).toContain('<html');
    const token = linkIn(email.text!, '/reset-password');
    // Only the hash is stored.
    const stored = await env.DB.prepare(`SELECT COUNT(*) AS n FROM auth_tokens WHERE id = ?`)
      .bind(token)
      .first<{ n: number }>();
    expect(stored!.n).toBe(0);

    const reset = await call('/api/auth/password-reset/confirm', {
      body: { token, password: 'a brand new passphrase' },
    });
    expect(reset.status).toBe(200);
    const newCookie = sessionCookie(reset.res);
    expect((await call('/api/me', { cookie: newCookie })).status).toBe(200);
    // Every earlier session ended.
    expect((await call('/api/me', { cookie: user.cookie })).status).toBe(401);
    expect((await call('/api/me', { cookie: otherCookie })).status).toBe(401);
    expect((await call('/api/auth/login', { body: { email: user.email, password: PASSWORD } })).status).toBe(401);
    expect(
      (await call('/api/auth/login', { body: { email: user.email, password: 'a brand new passphrase' } })).status,
    ).toBe(200);

    // Used: the same answer as an unknown token, and nothing changes.
    const again = await call('/api/auth/password-reset/confirm', {
      body: { token, password: 'yet another passphrase' },
    });
    const unknown = await call('/api/auth/password-reset/confirm', {
      body: { token: 'x'.repeat(43), password: 'yet another passphrase' },
    });
    expect(again.status).toBe(410);
    expect(unknown.status).toBe(410);
    expect(again.json.error.message).toBe(unknown.json.error.message);
    expect(
      (await call('/api/auth/login', { body: { email: user.email, password: 'a brand new passphrase' } })).status,
    ).toBe(200);
  });

  it('an expired link gives the same answer and changes nothing', async () => {
    const user = await signUp();
    await call('/api/auth/password-reset', { body: { email: user.email } });
    const token = linkIn((await sentEmail(user.email, 'password_reset')).text!, '/reset-password');
    await env.DB.prepare(`UPDATE auth_tokens SET expires_at = ? WHERE user_id = ? AND purpose = 'password_reset'`)
      .bind(Date.now() - 1, user.user.id)
      .run();
    const expired = await call('/api/auth/password-reset/confirm', {
      body: { token, password: 'a brand new passphrase' },
    });
    expect(expired.status).toBe(410);
    expect(expired.json.error.message).toMatch(/invalid or has expired/);
    expect((await call('/api/me', { cookie: user.cookie })).status).toBe(200);
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const email = uniqueEmail('nobody');
    const asked = await call('/api/auth/password-reset', { body: { email } });
    expect(asked.status).toBe(202);
    const rows = await env.DB.prepare(`SELECT COUNT(*) AS n FROM email_deliveries WHERE to_address = ?`)
      .bind(email)
      .first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });
});

describe('email verification and invitations by email', () => {
  it('signup mails a confirmation link; until it is used, invitations are not emailed', async () => {
    const owner = await signUp();
    const confirmation = await sentEmail(owner.email, 'email_verification');
    const invitee = uniqueEmail('invitee');

    const before = await call(`/api/orgs/${owner.org.slug}/invitations`, {
      cookie: owner.cookie,
      body: { email: invitee, role: 'member' },
    });
    expect(before.status).toBe(201);
    expect(before.json.email).toBe(invitee);
    expect(before.json.email_delivery).toBe('inviter_unverified');

    const token = linkIn(confirmation.text!, '/verify-email');
    expect((await call('/api/auth/verify-email', { body: { token } })).status).toBe(200);
    expect((await call('/api/auth/verify-email', { body: { token } })).status).toBe(410);

    const after = await call(`/api/orgs/${owner.org.slug}/invitations`, {
      cookie: owner.cookie,
      body: { email: invitee, role: 'member' },
    });
    expect(after.json.email_delivery).toBe('sent');
    const invitation = await sentEmail(invitee, 'invitation');
    expect(invitation.subject).toContain('invited you');
    const inviteToken = linkIn(invitation.text!, '/invitations');
    expect(inviteToken).toBe(after.json.token);
    const joined = await signUp({ email: invitee, invitationToken: inviteToken });
    expect(joined.org.slug).toBe(owner.org.slug);
  });
});

describe('Resend transport (fake Resend over HTTP)', () => {
  const base = inject('resendApiBase');
  const email = {
    deliveryId: 'eml_test_1',
    from: 'Generic Corp <hello@example.com>',
    to: 'someone@example.com',
    subject: 'Hello',
    html: '<p>Hello</p>',
    text: 'Hello',
  };

  it('sends with the idempotency key and returns the provider id', async () => {
    const sent = await resendTransport('re_test_fake', base).send({
      ...email,
      deliveryId: `eml_${crypto.randomUUID()}`,
    });
    expect(sent.providerId).toMatch(/^fake-email-/);
    const { data } = (await (await fetch(`${base}/__fake/emails`)).json()) as { data: Array<Record<string, unknown>> };
    expect(data.at(-1)).toMatchObject({ to: 'someone@example.com', subject: 'Hello', text: 'Hello' });
  });

  it('a 5xx is retryable; a 4xx (bad request) is permanent', async () => {
    await fetch(`${base}/__fake/fail-next`, { method: 'POST', body: JSON.stringify({ count: 1, status: 500 }) });
    const transient = await resendTransport('re_test_fake', base)
      .send(email)
      .catch((e) => e);
    expect(transient).toBeInstanceOf(Error);
    expect(transient).not.toBeInstanceOf(PermanentEmailError);
    await fetch(`${base}/__fake/fail-next`, { method: 'POST', body: JSON.stringify({ count: 1, status: 422 }) });
    const permanent = await resendTransport('re_test_fake', base)
      .send(email)
      .catch((e) => e);
    expect(permanent).toBeInstanceOf(PermanentEmailError);
  });
});

describe('Resend delivery webhooks', () => {
  const secret = `whsec_${btoa('generic-corp-test-resend-hook')}`;

  async function signed(payload: string, key = secret) {
    const id = `msg_${crypto.randomUUID()}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const raw = Uint8Array.from(atob(key.slice('whsec_'.length)), (c) => c.charCodeAt(0));
    const hmac = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const mac = await crypto.subtle.sign('HMAC', hmac, new TextEncoder().encode(`${id}.${timestamp}.${payload}`));
    const signature = `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
    return {
      'svix-id': id,
      'svix-timestamp': timestamp,
      'svix-signature': signature,
      'Content-Type': 'application/json',
    };
  }

  it('a bounce is recorded on the delivery; a bad signature changes nothing', async () => {
    const providerId = `re_${crypto.randomUUID()}`;
    const id = `eml_${crypto.randomUUID()}`;
    await env.DB.prepare(
      `INSERT INTO email_deliveries (id, template, to_address, status, attempts, provider_id, transport) VALUES (?, 'invitation', 'x@example.com', 'sent', 1, ?, 'resend')`,
    )
      .bind(id, providerId)
      .run();
    const payload = JSON.stringify({
      type: 'email.bounced',
      created_at: new Date().toISOString(),
      data: { email_id: providerId, bounce: { type: 'Permanent', message: 'Mailbox does not exist' } },
    });
    const forged = await call('/webhooks/resend', {
      body: payload,
      origin: null,
      headers: await signed(payload, `whsec_${btoa('not-the-secret')}`),
    });
    expect(forged.status).toBe(400);
    const ok = await call('/webhooks/resend', { body: payload, origin: null, headers: await signed(payload) });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ type: 'email.bounced', recorded: true });
    const row = await env.DB.prepare(`SELECT status, last_error FROM email_deliveries WHERE id = ?`)
      .bind(id)
      .first<{ status: string; last_error: string }>();
    expect(row).toEqual({ status: 'bounced', last_error: 'email.bounced: Permanent: Mailbox does not exist' });
  });
});
