/**
 * Clerk, when configured: session tokens are verified networklessly with the instance's PEM
 * public key (`CLERK_JWT_KEY`) and authorized parties; a Clerk user is linked to our user on
 * first sight (by Clerk id, else by email, only when that account has no password or proved its
 * address: `email_verified_at`), or created. The session token must carry `email`
 * (and ideally `name`) claims: add them in Clerk's session token template.
 */
import { verifyToken } from '@clerk/backend';
import { verifyWebhook } from '@clerk/backend/webhooks';
import { eq } from 'drizzle-orm';
import type { AppConfig } from '../config';
import type { Db } from '../db/client';
import { memberships, users } from '../db/schema';
import { ApiError } from '../errors';
import { closeUserConnections } from '../live-connections';
import { log } from '../log';
import { createUser, findUserByEmail, normalizeEmail } from '../users';
import type { SessionUser } from './sessions';

const CLOCK_SKEW_MS = 5_000;

export async function verifyClerkSession(db: Db, config: AppConfig, token: string): Promise<SessionUser | null> {
  if (!config.CLERK_JWT_KEY) return null;
  let claims: Record<string, unknown>;
  try {
    claims = (await verifyToken(token, {
      jwtKey: config.CLERK_JWT_KEY,
      authorizedParties: [new URL(config.APP_URL).origin],
      clockSkewInMs: CLOCK_SKEW_MS,
    })) as Record<string, unknown>;
  } catch (error) {
    log.info('clerk_token_rejected', { reason: error instanceof Error ? error.message : 'invalid' });
    return null;
  }
  const clerkUserId = typeof claims.sub === 'string' ? claims.sub : null;
  if (!clerkUserId) return null;
  const [linked] = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.clerkUserId, clerkUserId))
    .limit(1);
  if (linked) return linked;

  const email = typeof claims.email === 'string' ? normalizeEmail(claims.email) : null;
  if (!email) {
    log.warn('clerk_token_without_email', { clerk_user_id: clerkUserId });
    return null;
  }
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : email.split('@')[0]!;
  // Clerk verifies addresses before they sign in; when the template carries the claim, trust it.
  const clerkVerified = claims.email_verified !== false;
  const existing = await findUserByEmail(db, email);
  if (existing) {
    // Account pre-hijacking: anyone can sign up here with someone else's address and set a
    // password. Only an account whose owner proved the address may be joined to a Clerk identity.
    const refused = existing.clerkUserId
      ? 'linked_elsewhere'
      : !clerkVerified
        ? 'clerk_email_unverified'
        : existing.passwordHash && existing.emailVerifiedAt === null
          ? 'unverified_account'
          : null;
    if (refused) {
      log.warn('clerk_link_refused', { clerk_user_id: clerkUserId, user_id: existing.id, reason: refused });
      throw new ApiError('conflict', CLERK_LINK_REFUSED[refused]);
    }
    const now = Date.now();
    await db
      .update(users)
      .set({ clerkUserId, emailVerifiedAt: existing.emailVerifiedAt ?? now, updatedAt: now })
      .where(eq(users.id, existing.id));
    return { id: existing.id, email: existing.email, name: existing.name };
  }
  const created = await createUser(db, {
    email,
    name,
    password: null,
    clerkUserId,
    emailVerifiedAt: clerkVerified ? Date.now() : null,
  });
  return { id: created.id, email: created.email, name: created.name };
}

/** What a Clerk user hears when their address belongs to an account we may not join to theirs. */
export const CLERK_LINK_REFUSED = {
  unverified_account:
    'An account with this email already exists, with a password, and its email address was never verified, so it cannot be joined to this sign-in. Sign in with that account’s password instead, or contact support.',
  clerk_email_unverified: 'Verify your email address with your sign-in provider first, then try again.',
  linked_elsewhere:
    'An account with this email is already joined to a different sign-in. Use that one, or contact support.',
} as const;

/**
 * `/webhooks/clerk`: signature-verified (Svix headers) user.updated / user.deleted keep our
 * copy in sync. Returns what happened, for the response and the logs.
 */
export async function handleClerkWebhook(
  db: Db,
  env: Pick<Env, 'ORG_HUB'>,
  config: AppConfig,
  request: Request,
): Promise<{ type: string; handled: boolean }> {
  if (!config.CLERK_WEBHOOK_SECRET) return { type: 'unconfigured', handled: false };
  const event = await verifyWebhook(request, { signingSecret: config.CLERK_WEBHOOK_SECRET });
  switch (event.type) {
    case 'user.created':
    case 'user.updated': {
      const data = event.data;
      const primary =
        data.email_addresses?.find((address) => address.id === data.primary_email_address_id) ??
        data.email_addresses?.[0];
      const name = [data.first_name, data.last_name].filter(Boolean).join(' ').trim();
      const set: Partial<typeof users.$inferInsert> = { updatedAt: Date.now() };
      if (primary?.email_address) set.email = normalizeEmail(primary.email_address);
      if (name) set.name = name;
      const result = await db.update(users).set(set).where(eq(users.clerkUserId, data.id));
      return { type: event.type, handled: result.meta.changes > 0 };
    }
    case 'user.deleted': {
      if (!event.data.id) return { type: event.type, handled: false };
      // Memberships and sessions cascade; orgs they solely own remain for their other members.
      const [user] = await db.select({ id: users.id }).from(users).where(eq(users.clerkUserId, event.data.id)).limit(1);
      if (!user) return { type: event.type, handled: false };
      const orgs = await db
        .select({ orgId: memberships.organizationId })
        .from(memberships)
        .where(eq(memberships.userId, user.id));
      const result = await db.delete(users).where(eq(users.id, user.id));
      // Their sockets and streams were authorized at connect: they end with the account.
      await Promise.all(orgs.map(({ orgId }) => closeUserConnections(env, orgId, user.id, 'The account was deleted.')));
      return { type: event.type, handled: result.meta.changes > 0 };
    }
    default:
      return { type: event.type, handled: false };
  }
}
