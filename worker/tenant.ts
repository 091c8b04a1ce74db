/** Small helpers for tenant routes: the org context, its hub client and the role check. */
import type { Context } from 'hono';
import { tagEvents } from '../core/monitoring';
import { orgHub } from '../core/org-hub-client';
import { type Permission, requirePermission } from '../core/permissions';
import type { AppEnv } from './types';

export function tenant(c: Context<AppEnv>) {
  const { ctx } = c.get('org');
  // Errors of a request that reaches an org carry its id.
  tagEvents({ org_id: ctx.orgId });
  return {
    ctx,
    /** The org's OrgHub, acting as the caller: every read and write of the org's work. */
    hub: orgHub(c.env, { ...ctx, requestId: c.get('requestId') }),
    /** Function-level check (role); object-level checks happen in the lookup (404). */
    require: (permission: Permission) => requirePermission(ctx.role, permission),
  };
}
