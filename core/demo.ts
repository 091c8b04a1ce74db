/**
 * The public demo: a sandbox org per visitor, no signup. `/demo` (app/routes/demo.tsx) creates
 * one: an anonymous guest user (no password, a placeholder address no one can sign in with), a
 * demo org it owns on the `demo` plan (small limits the OrgHub enforces, simulated model only),
 * the default team (seeded by the org's OrgHub on its first call) and a couple of tasks already
 * in flight. The guest gets a normal session cookie; coming back with it returns to the same
 * sandbox. A sandbox expires after SANDBOX_IDLE_MS without use (`expires_at`, slid forward at
 * most every SANDBOX_TOUCH_INTERVAL_MS) and the cron sweep purges it: its OrgHub storage, its
 * D1 rows and its guest. Signing up from a sandbox (`claimSandbox`) keeps it as a real org.
 */
import { and, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import { auditInsert } from './audit';
import { hashPassword } from './auth/password';
import type { RequestMeta } from './accounts';
import { createSession, type SessionUser } from './auth/sessions';
import type { AppConfig } from './config';
import type { Db } from './db/client';
import { memberships, organizations, sessions, users } from './db/schema';
import { ApiError } from './errors';
import { newId } from './ids';
import { log } from './log';
import { STARTER_TASK_METADATA } from './starter-tasks';
import { getOrgHub, orgHub } from './org-hub-client';
import { orgInfoOf } from './org-info';
import { freeSlug, initialPlan, type Organization, organizationInserts, syncOrgHub } from './orgs';
import { slugify } from './slug';
import { TaskInput } from './tasks';
import { findUserByEmail, normalizeEmail } from './users';
import type { SignupInput } from './validation';

/** A sandbox lives this long after its last use. */
export const SANDBOX_IDLE_MS = 2 * 3600 * 1000;
/** `expires_at` is written at most this often, so reads do not become writes. */
export const SANDBOX_TOUCH_INTERVAL_MS = 5 * 60 * 1000;
/** Sandboxes one sweep purges at most (the next sweep takes the rest). */
export const SANDBOX_PURGE_BATCH = 500;
export const DEMO_ORG_NAME = 'Demo Co';
export const GUEST_NAME = 'Guest';
/** Guests' placeholder addresses: `.invalid` never resolves (RFC 6761), and guests have no password. */
const GUEST_EMAIL_DOMAIN = 'guest.invalid';

/** The work a new sandbox starts with, given through the OrgHub so it really runs. */
export const DEMO_STARTER_TASKS = [
  {
    agent: 'marcus',
    description: 'Plan the launch of our new onboarding flow and ask Sable to review the technical risks.',
  },
  { agent: 'yuki', description: 'Check the health of the production services and summarise anything unusual.' },
] as const;

/** The one-click first task the overview suggests (every org). */
export const SUGGESTED_FIRST_TASK = {
  agent: 'sable',
  description: 'Review the sign-up flow and list the three riskiest steps, with a fix for each.',
} as const;

export interface Sandbox {
  org: Organization;
  user: SessionUser;
  token: string;
}

/**
 * Creates a sandbox: guest user, demo org (owned by the guest), the default team and the
 * starter tasks, and a session for the guest. The caller sets the cookie.
 */
export async function createSandbox(
  db: Db,
  env: Pick<Env, 'ORG_HUB'>,
  config: Pick<AppConfig, 'billingEnabled'>,
  meta: RequestMeta,
  now = Date.now(),
): Promise<Sandbox> {
  const userId = newId('usr', now);
  const user = {
    id: userId,
    email: `${userId.toLowerCase()}@${GUEST_EMAIL_DOMAIN}`,
    name: GUEST_NAME,
    passwordHash: null,
    clerkUserId: null,
    emailVerifiedAt: null,
    isGuest: true,
    createdAt: now,
    updatedAt: now,
  };
  const { org, statements } = await organizationInserts(db, config, {
    name: DEMO_ORG_NAME,
    slug: `demo-${crypto.randomUUID().slice(0, 8)}`,
    ownerUserId: userId,
    isDemo: true,
    expiresAt: now + SANDBOX_IDLE_MS,
  });
  await db.batch([
    db.insert(users).values(user),
    ...statements,
    auditInsert(db, {
      organizationId: org.id,
      actor: { type: 'user', id: userId },
      action: 'demo.created',
      target: { type: 'organization', id: org.id },
      ip: meta.ip,
    }),
  ]);
  const { token } = await createSession(db, userId, meta);
  // The hub's first call seeds the default team; the starter tasks then run like any other.
  const hub = orgHub(env, { orgId: org.id, actor: { type: 'user', id: userId } });
  await hub.syncOrg(orgInfoOf(org));
  for (const task of DEMO_STARTER_TASKS)
    await hub.createTask(TaskInput.parse({ ...task, metadata: STARTER_TASK_METADATA }), null);
  return { org, user: { id: user.id, email: user.email, name: user.name }, token };
}

/** Whether the user is a sandbox guest. */
export async function isGuestUser(db: Db, userId: string): Promise<boolean> {
  const [user] = await db.select({ isGuest: users.isGuest }).from(users).where(eq(users.id, userId)).limit(1);
  return user?.isGuest ?? false;
}

/** The live (unexpired) sandbox this guest owns, if any: where a returning visitor goes back to. */
export async function findGuestSandbox(db: Db, userId: string, now = Date.now()): Promise<Organization | undefined> {
  const rows = await db
    .select({ organization: organizations })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.userId, userId),
        eq(users.isGuest, true),
        eq(organizations.isDemo, true),
        isNull(organizations.deletedAt),
        gt(organizations.expiresAt, now),
      ),
    )
    .limit(1);
  return rows[0]?.organization;
}

/**
 * A sandbox was used: its expiry slides to now + SANDBOX_IDLE_MS, written at most every
 * SANDBOX_TOUCH_INTERVAL_MS. An expired one is not revived (the sweep may be purging it).
 * Returns the new expiry, or null when nothing was written.
 */
export async function touchSandbox(
  db: Db,
  org: Pick<Organization, 'id' | 'isDemo' | 'expiresAt'>,
  now = Date.now(),
): Promise<number | null> {
  if (!org.isDemo || org.expiresAt === null) return null;
  if (org.expiresAt <= now || now + SANDBOX_IDLE_MS - org.expiresAt < SANDBOX_TOUCH_INTERVAL_MS) return null;
  const expiresAt = now + SANDBOX_IDLE_MS;
  await db
    .update(organizations)
    .set({ expiresAt })
    .where(and(eq(organizations.id, org.id), eq(organizations.isDemo, true), gt(organizations.expiresAt, now)));
  return expiresAt;
}

/**
 * The sweep: every sandbox past its expiry loses its OrgHub storage (sockets closed, alarms
 * cleared), its guest user (with the sessions) and its D1 rows (they cascade from the org).
 * A sandbox with a run still in flight waits for the next sweep. Returns how many were purged.
 */
export async function purgeExpiredSandboxes(
  db: Db,
  env: Pick<Env, 'ORG_HUB'>,
  now = Date.now(),
  limit = SANDBOX_PURGE_BATCH,
): Promise<{ purged: number; deferred: number }> {
  const expired = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(eq(organizations.isDemo, true), lt(organizations.expiresAt, now)))
    .limit(limit);
  let purged = 0;
  let deferred = 0;
  const purgeOne = async (orgId: string) => {
    try {
      const hub = getOrgHub(env, { orgId });
      if ((await hub.activeRunCount()) > 0) {
        deferred++;
        return;
      }
      await hub.purge(orgId);
      const guests = db
        .select({ id: memberships.userId })
        .from(memberships)
        .where(eq(memberships.organizationId, orgId));
      await db.batch([
        db.delete(users).where(and(eq(users.isGuest, true), inArray(users.id, guests))),
        // Still a sandbox and still expired: a visitor who signed up meanwhile keeps it.
        db
          .delete(organizations)
          .where(and(eq(organizations.id, orgId), eq(organizations.isDemo, true), lt(organizations.expiresAt, now))),
      ]);
      purged++;
    } catch (error) {
      deferred++;
      log.warn('demo_purge_failed', { org_id: orgId, error: error instanceof Error ? error.message : 'unknown' });
    }
  };
  // A few at a time: each is a Durable Object round trip and a D1 batch.
  const queue = expired.map((row) => row.id);
  await Promise.all(
    Array.from({ length: Math.min(8, queue.length) }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) await purgeOne(id);
    }),
  );
  return { purged, deferred };
}

/** What "Sign up to keep this team" sends: the signup form's fields (the org name is optional). */
export type ClaimInput = Pick<SignupInput, 'email' | 'password' | 'name'> & { organization_name?: string };

/**
 * Turns a sandbox into a real org: the guest becomes a user with this email and password, the
 * org loses `is_demo` and `expires_at`, takes the name (and a slug from it) and the plan every
 * new org starts on, and its OrgHub gets the new limits. Agents and work stay: they live in
 * the org's OrgHub. Every session of the guest ends; the returned token is the new one.
 */
export async function claimSandbox(
  db: Db,
  env: Pick<Env, 'ORG_HUB'>,
  config: Pick<AppConfig, 'billingEnabled'>,
  guest: { userId: string; orgId: string },
  input: ClaimInput,
  meta: RequestMeta,
): Promise<{ org: Organization; user: SessionUser; token: string }> {
  const org = await findGuestSandbox(db, guest.userId);
  if (!org || org.id !== guest.orgId)
    throw new ApiError('not_found', 'This demo has expired. Start a new one, or sign up for a fresh team.');
  const email = normalizeEmail(input.email);
  if (await findUserByEmail(db, email))
    throw new ApiError('conflict', 'An account with this email already exists. Sign in instead.', [
      { field: 'email', message: 'Already registered.' },
    ]);
  const now = Date.now();
  const name = input.organization_name?.trim() || org.name;
  const slug = name === org.name ? org.slug : await freeSlug(db, slugify(name));
  const [, updated] = await db.batch([
    db
      .update(users)
      .set({
        email,
        name: input.name,
        passwordHash: await hashPassword(input.password),
        isGuest: false,
        updatedAt: now,
      })
      .where(and(eq(users.id, guest.userId), eq(users.isGuest, true))),
    db
      .update(organizations)
      .set({ name, slug, isDemo: false, expiresAt: null, ...initialPlan(config, now), updatedAt: now })
      .where(and(eq(organizations.id, org.id), eq(organizations.isDemo, true)))
      .returning(),
    db.delete(sessions).where(eq(sessions.userId, guest.userId)),
    auditInsert(db, {
      organizationId: org.id,
      actor: { type: 'user', id: guest.userId },
      action: 'demo.claimed',
      target: { type: 'organization', id: org.id },
      ip: meta.ip,
    }),
    auditInsert(db, {
      organizationId: org.id,
      actor: { type: 'user', id: guest.userId },
      action: 'auth.signed_up',
      ip: meta.ip,
    }),
  ]);
  const kept = updated[0];
  if (!kept) throw new ApiError('conflict', 'This demo was already kept.');
  await syncOrgHub(env, kept);
  const { token } = await createSession(db, guest.userId, meta);
  return { org: kept, user: { id: guest.userId, email, name: input.name }, token };
}

/** How many sandboxes exist (bench and operators). */
export async function countSandboxes(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(organizations).where(eq(organizations.isDemo, true));
  return row?.n ?? 0;
}
