/**
 * Account flows that go through email: password reset (a single-use link, 30 minutes; resetting
 * ends every session) and email verification (sent at signup; an unverified account works, but
 * Clerk never links to it and it cannot send invitations by email). Tokens are random; only their
 * SHA-256 is stored (auth_tokens). An unknown, used or expired link always gets the same answer
 * and changes nothing.
 */
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { RequestMeta } from './accounts';
import { recordAudit } from './audit';
import { RESET_LINK_INVALID, VERIFY_LINK_INVALID } from './auth/link-messages';
import { hashPassword } from './auth/password';
import { createSession, listSessions, type SessionUser } from './auth/sessions';
import { randomToken, sha256Hex } from './auth/tokens';
import type { AppConfig } from './config';
import type { Db } from './db/client';
import { authTokens, sessions, users } from './db/schema';
import { type EmailEnv, queueEmail } from './email/mailer';
import { ApiError } from './errors';
import { log } from './log';
import { closeSessionConnections } from './live-connections';
import { findUserByEmail } from './users';

export const PASSWORD_RESET_TTL_MS = 30 * 60 * 1000;
export const EMAIL_VERIFICATION_TTL_MS = 7 * 24 * 3600 * 1000;

export { RESET_LINK_INVALID, VERIFY_LINK_INVALID } from './auth/link-messages';

type Purpose = (typeof authTokens.$inferSelect)['purpose'];

async function issueToken(db: Db, purpose: Purpose, user: { id: string; email: string }, ttlMs: number) {
  const token = randomToken(43);
  const now = Date.now();
  await db.insert(authTokens).values({
    id: await sha256Hex(token),
    purpose,
    userId: user.id,
    email: user.email,
    expiresAt: now + ttlMs,
    usedAt: null,
    createdAt: now,
  });
  return token;
}

/** Marks the token used, in one statement (two concurrent uses cannot both win); null when it cannot be used. */
async function consumeToken(db: Db, purpose: Purpose, token: string) {
  if (!/^[0-9A-Za-z]{43}$/.test(token)) return null;
  const now = Date.now();
  const [row] = await db
    .update(authTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(authTokens.id, await sha256Hex(token)),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, now),
      ),
    )
    .returning({ userId: authTokens.userId, email: authTokens.email });
  return row ?? null;
}

/**
 * Mails a reset link when the address belongs to an account (not a demo guest). The caller
 * answers the same whether or not it does.
 */
export async function requestPasswordReset(
  db: Db,
  env: EmailEnv,
  config: AppConfig,
  email: string,
  meta: RequestMeta,
): Promise<void> {
  const user = await findUserByEmail(db, email);
  if (!user || user.isGuest) {
    log.info('password_reset_unknown_email', {});
    return;
  }
  const token = await issueToken(db, 'password_reset', user, PASSWORD_RESET_TTL_MS);
  await queueEmail(env, {
    to: user.email,
    content: {
      template: 'password_reset',
      props: { name: user.name, url: `${config.APP_URL}/reset-password/${token}` },
    },
    ref: `user:${user.id}`,
  });
  await recordAudit(db, {
    organizationId: null,
    actor: { type: 'user', id: user.id },
    action: 'auth.password_reset_requested',
    ip: meta.ip,
  });
}

/** Whether a reset link can still be used (the page shows the form or the invalid-link message). */
export async function isResetTokenUsable(db: Db, token: string): Promise<boolean> {
  if (!/^[0-9A-Za-z]{43}$/.test(token)) return false;
  const [row] = await db
    .select({ id: authTokens.id })
    .from(authTokens)
    .where(
      and(
        eq(authTokens.id, await sha256Hex(token)),
        eq(authTokens.purpose, 'password_reset'),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, Date.now()),
      ),
    )
    .limit(1);
  return Boolean(row);
}

/**
 * Sets the new password, ends every session of the user (and their live connections) and signs
 * them in with a new one. The link proves the address, so it also verifies the email.
 */
export async function resetPassword(
  db: Db,
  env: Pick<Env, 'ORG_HUB'>,
  token: string,
  password: string,
  meta: RequestMeta,
): Promise<{ user: SessionUser; token: string }> {
  // Hash first: consuming the token is the last thing that can fail before the writes.
  const passwordHash = await hashPassword(password);
  const used = await consumeToken(db, 'password_reset', token);
  if (!used) throw new ApiError('gone', RESET_LINK_INVALID, [{ field: 'token', message: 'Invalid or expired.' }]);
  const [user] = await db.select().from(users).where(eq(users.id, used.userId)).limit(1);
  if (!user) throw new ApiError('gone', RESET_LINK_INVALID, [{ field: 'token', message: 'Invalid or expired.' }]);
  const ended = await listSessions(db, user.id);
  const now = Date.now();
  await db.batch([
    db
      .update(users)
      .set({
        passwordHash,
        updatedAt: now,
        ...(user.email === used.email && user.emailVerifiedAt === null ? { emailVerifiedAt: now } : {}),
      })
      .where(eq(users.id, user.id)),
    db.delete(sessions).where(eq(sessions.userId, user.id)),
    // Any other reset link of the user stops working too.
    db
      .update(authTokens)
      .set({ usedAt: now })
      .where(and(eq(authTokens.userId, user.id), eq(authTokens.purpose, 'password_reset'), isNull(authTokens.usedAt))),
  ]);
  await closeSessionConnections(db, env, user.id, ended).catch((error) =>
    log.warn('reset_close_connections_failed', { error: error instanceof Error ? error.message : String(error) }),
  );
  await recordAudit(db, {
    organizationId: null,
    actor: { type: 'user', id: user.id },
    action: 'auth.password_reset',
    ip: meta.ip,
    metadata: { ended_sessions: ended.length },
  });
  const session = await createSession(db, user.id, meta);
  return { user: { id: user.id, email: user.email, name: user.name }, token: session.token };
}

/** Mails a confirmation link to the user's current address (at signup, or asked again). */
export async function sendVerificationEmail(
  db: Db,
  env: EmailEnv,
  config: AppConfig,
  user: { id: string; email: string; name: string },
): Promise<void> {
  const token = await issueToken(db, 'email_verification', user, EMAIL_VERIFICATION_TTL_MS);
  await queueEmail(env, {
    to: user.email,
    content: {
      template: 'email_verification',
      props: { name: user.name, url: `${config.APP_URL}/verify-email/${token}` },
    },
    ref: `user:${user.id}`,
  });
}

/** Confirms the address the link was sent to (if it is still the account's address). */
export async function verifyEmail(db: Db, token: string): Promise<{ userId: string }> {
  const used = await consumeToken(db, 'email_verification', token);
  if (!used) throw new ApiError('gone', VERIFY_LINK_INVALID, [{ field: 'token', message: 'Invalid or expired.' }]);
  const now = Date.now();
  const result = await db
    .update(users)
    .set({ emailVerifiedAt: now, updatedAt: now })
    .where(and(eq(users.id, used.userId), eq(users.email, used.email)));
  if (result.meta.changes === 0)
    throw new ApiError('gone', VERIFY_LINK_INVALID, [{ field: 'token', message: 'Invalid or expired.' }]);
  await recordAudit(db, {
    organizationId: null,
    actor: { type: 'user', id: used.userId },
    action: 'auth.email_verified',
    ip: null,
  });
  return { userId: used.userId };
}

export async function isEmailVerified(db: Db, userId: string): Promise<boolean> {
  const [row] = await db.select({ at: users.emailVerifiedAt }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.at != null;
}
