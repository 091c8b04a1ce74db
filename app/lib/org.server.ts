/**
 * What a dashboard loader or action needs to reach its org, in-process (never over HTTP): the
 * org's OrgHub client acting as the signed-in user, for every read and write of the org's
 * work. The same door the JSON API uses (worker/tenant.ts).
 */
import { tagEvents } from '../../core/monitoring';
import { ApiError } from '../../core/errors';
import { type OrgHubClient, orgHub } from '../../core/org-hub-client';
import { type Permission, requirePermission } from '../../core/permissions';
import type { OrgMember } from './session.server';

/** The org's OrgHub as the signed-in user, after the role check for `permission`. */
export function hubFor(env: Env, member: OrgMember, permission: Permission = 'tasks:read'): OrgHubClient {
  requirePermission(member.role, permission);
  // Errors of a page that reaches an org carry its id.
  tagEvents({ org_id: member.ctx.orgId });
  return orgHub(env, member.ctx);
}

/** A core "no such record" (ApiError 404) as the page's 404; anything else propagates. */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404)
      throw new Response('Not Found', { status: 404, statusText: 'Not Found' });
    throw error;
  }
}
