/**
 * The showcase: one shared, read-only org for the whole deployment, played by the landing
 * page's office preview. It is a demo org (`is_demo`, the `demo` plan: simulated model only,
 * the demo's budgets) that never expires (`expires_at` NULL, so the sandbox purge, which only
 * takes expired sandboxes, never matches it) and has no members at all: no one can sign into
 * it, it is nobody's org, and no key can be made for it. It is created on first need with a
 * fixed id and slug (`showcase` is a reserved slug), so concurrent first requests converge on
 * one row. The platform keeps it busy: whenever it is idle its OrgHub gives it the next task
 * of SHOWCASE_TASKS (on a visitor's snapshot, on the hub's alarm while viewers watch, and on
 * the cron sweep), and prunes its old work so it stays small. Visitors read it through
 * `/showcase/snapshot` and `/showcase/live` (worker/routes/showcase.ts) as a read-only
 * principal, within a global budget of SHOWCASE_MAX_VIEWERS sockets.
 */
import { eq } from 'drizzle-orm';
import type { Db } from './db/client';
import { organizations } from './db/schema';
import { getOrgHub } from './org-hub-client';
import type { Organization } from './orgs';

export const SHOWCASE_ORG_ID = 'org_showcase';
export const SHOWCASE_SLUG = 'showcase';
export const SHOWCASE_NAME = 'Generic Corp';
/** Concurrent landing-page viewers when SHOWCASE_MAX_VIEWERS is not set. */
export const DEFAULT_SHOWCASE_MAX_VIEWERS = 200;
/** What a showcase socket is tagged with in its OrgHub (the budget counts these). */
export const SHOWCASE_CREDENTIAL = 'showcase:viewer';
/** What a viewer may receive: the office's events, nothing about people, usage or the org. */
export const SHOWCASE_SCOPES = ['tasks:read', 'agents:read', 'messages:read'] as const;

/**
 * The rotating work. The think directive paces the simulated model so a visitor sees each
 * agent at work for a few seconds; titles are given so the directive never shows.
 */
export const SHOWCASE_TASKS = [
  {
    agent: 'sable',
    title: 'Review PR #42: the new billing webhooks',
    description: 'Review PR #42 (the new billing webhooks) and list the risky changes. [simulate:think=1500]',
  },
  {
    agent: 'marcus',
    title: 'Plan the Q3 launch',
    description: 'Plan the Q3 launch and ask DeVonte to draft the landing page. [simulate:think=1200]',
  },
  {
    agent: 'yuki',
    title: 'Check the production error budget',
    description:
      'Check the error budget of the production services and summarise anything unusual. [simulate:think=1500]',
  },
  {
    agent: 'graham',
    title: 'Weekly signup metrics report',
    description: 'Build the weekly signup metrics report with the conversion funnel. [simulate:think=1500]',
  },
  {
    agent: 'devonte',
    title: 'Fix the flaky checkout test',
    description: 'Find why the checkout end-to-end test is flaky and fix it. [simulate:think=1500]',
  },
] as const;

/** The showcase org, created on first need (a fixed id: concurrent creators converge on one row). */
export async function ensureShowcaseOrg(db: Db, env: Pick<Env, 'ORG_HUB'>): Promise<Organization> {
  const existing = await findShowcaseOrg(db);
  if (existing) return existing;
  const now = Date.now();
  await db
    .insert(organizations)
    .values({
      id: SHOWCASE_ORG_ID,
      name: SHOWCASE_NAME,
      slug: SHOWCASE_SLUG,
      plan: 'demo',
      subscriptionStatus: 'none',
      trialEndsAt: null,
      currentPeriodEnd: null,
      stripeCustomerId: null,
      stripeSubscriptionId: null,
      planLimits: null,
      pastDueSince: null,
      defaultModel: null,
      isDemo: true,
      // Never expires: the sandbox purge takes only `expires_at < now`, which NULL never is.
      expiresAt: null,
      deletedAt: null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
  const org = await findShowcaseOrg(db);
  if (!org) throw new Error('The showcase org could not be created.');
  // The hub's first call seeds the default team and marks it a showcase (pruned, kept busy).
  await getOrgHub(env, { orgId: org.id }).showcaseTick(org.id);
  return org;
}

export async function findShowcaseOrg(db: Db): Promise<Organization | undefined> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, SHOWCASE_ORG_ID)).limit(1);
  return org && !org.deletedAt ? org : undefined;
}

/** Whether an org is the showcase (never listed, never purged, never signed into). */
export function isShowcaseOrg(org: { id: string }): boolean {
  return org.id === SHOWCASE_ORG_ID;
}

/** The cron's share: prune the showcase and give it work if it is idle (only once it exists). */
export async function sweepShowcase(db: Db, env: Pick<Env, 'ORG_HUB'>): Promise<{ created: boolean } | null> {
  const org = await findShowcaseOrg(db);
  if (!org) return null;
  return getOrgHub(env, { orgId: org.id }).showcaseTick(org.id);
}
