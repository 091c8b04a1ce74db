/**
 * Ending a credential ends its live connections at once: the org hubs close the WebSockets
 * and streams opened with a revoked key or an ended session (tagged with the credential).
 */
import { sha256Hex } from './auth/tokens';
import type { Db } from './db/client';
import { getOrgHub, orgHub } from './org-hub-client';
import { listMemberships } from './orgs';

export const liveCredential = {
  apiKey: (keyId: string) => `api_key:${keyId}`,
  session: (sessionId: string) => `session:${sessionId}`,
  clerk: (userId: string) => `clerk:${userId}`,
};

/** A revoked key: its org's hub refuses its work from now on and closes its sockets and streams. */
export async function closeKeyConnections(env: Pick<Env, 'ORG_HUB'>, orgId: string, keyId: string): Promise<void> {
  await orgHub(env, { orgId, actor: { type: 'system', id: null } }).revokeKey(keyId);
}

/**
 * A user's membership of an org ended (removed, left, account deleted): every socket and stream
 * they hold in that org closes at once (4001). With `reauthorize`, their role changed instead:
 * they close with 4004 and the client reconnects, filtered by the new role.
 */
export async function closeUserConnections(
  env: Pick<Env, 'ORG_HUB'>,
  orgId: string,
  userId: string,
  reason: string,
  options: { reauthorize?: boolean } = {},
): Promise<void> {
  await orgHub(env, { orgId, actor: { type: 'system', id: null } }).disconnectUser(
    userId,
    reason,
    options.reauthorize ?? false,
  );
}

/** Sessions are identified by id (the stored hash) or by the raw cookie token. */
export async function closeSessionConnections(
  db: Db,
  env: Pick<Env, 'ORG_HUB'>,
  userId: string,
  sessions: Array<{ id: string } | { token: string }>,
): Promise<void> {
  if (!sessions.length) return;
  const ids = await Promise.all(sessions.map(async (s) => ('id' in s ? s.id : sha256Hex(s.token))));
  const memberships = await listMemberships(db, userId);
  await Promise.all(
    memberships.flatMap((m) =>
      ids.map((id) =>
        getOrgHub(env, { orgId: m.organization.id }).disconnect(
          m.organization.id,
          liveCredential.session(id),
          'Signed out',
        ),
      ),
    ),
  );
}
