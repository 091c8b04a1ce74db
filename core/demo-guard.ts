/**
 * What a demo sandbox (core/demo.ts) may not do: API keys, invitations, model keys, billing,
 * and a guest may not create other orgs. Kept apart from core/demo.ts so the services that call
 * it (org-admin, members, credentials) import nothing else of the demo.
 */
import { eq } from 'drizzle-orm';
import type { Db } from './db/client';
import { organizations, users } from './db/schema';
import { ApiError } from './errors';

export const DEMO_REFUSAL =
  'is not available in the demo. Sign up to keep this team, then you can use it (your agents and work stay).';

/**
 * Refuses what a sandbox may not do (API keys, invitations, model keys, billing) with a 403
 * that says it is a demo. Call it at the entry point, before any write.
 *
 * @example assertNotDemo(org, 'Creating API keys')
 */
export function assertNotDemo(org: { isDemo: boolean }, what = 'This'): void {
  if (org.isDemo) throw new ApiError('forbidden', `${what} ${DEMO_REFUSAL}`, { demo: true });
}

/** `assertNotDemo` for callers that hold only the org id (one read of D1). */
export async function assertOrgNotDemo(db: Db, orgId: string, what = 'This'): Promise<void> {
  const [org] = await db
    .select({ isDemo: organizations.isDemo })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .limit(1);
  if (org) assertNotDemo(org, what);
}

/** Refuses a guest (sandbox visitor) what needs an account, such as creating another org. */
export async function assertNotGuest(db: Db, userId: string, what = 'This'): Promise<void> {
  const [user] = await db.select({ isGuest: users.isGuest }).from(users).where(eq(users.id, userId)).limit(1);
  if (user?.isGuest)
    throw new ApiError('forbidden', `${what} needs an account. Sign up to keep your demo team first.`, { demo: true });
}
