/**
 * What a dashboard loader or action needs to reach its org, in-process (never over HTTP):
 * the org-scoped data layer for reads, and the org's OrgHub (the single writer) with the
 * signed-in user as the actor for writes. The same doors the JSON API uses (worker/tenant.ts).
 */
import { getDb } from '../../core/db/client';
import { ApiError } from '../../core/errors';
import { orgScope, type OrgScope } from '../../core/db/scoped';
import { getOrgHub } from '../../core/org-hub-client';
import { type Permission, requirePermission } from '../../core/permissions';
import type { OrgMember } from './session.server';

export function scopeFor(env: Env, member: OrgMember): OrgScope {
  return orgScope(getDb(env), member.ctx);
}

/** The org's OrgHub and the acting user, after the role check for `permission`. */
export function hubFor(env: Env, member: OrgMember, permission: Permission) {
  requirePermission(member.role, permission);
  return {
    hub: getOrgHub(env, member.ctx),
    orgId: member.ctx.orgId,
    actor: { type: 'user' as const, id: member.user.id },
  };
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
