/** Small helpers for tenant routes: the acting party, the org's hub, the scoped data layer. */
import type { Context } from 'hono';
import { getDb } from '../core/db/client';
import { orgScope } from '../core/db/scoped';
import { getOrgHub } from '../core/org-hub-client';
import { type Permission, requirePermission } from '../core/permissions';
import type { EngineActor } from '../durable-objects/task-engine';
import type { AppEnv } from './types';

export function tenant(c: Context<AppEnv>) {
  const { ctx } = c.get('org');
  const actor: EngineActor =
    ctx.actor.type === 'system' ? { type: 'system', id: null } : { type: ctx.actor.type, id: ctx.actor.id };
  return {
    ctx,
    actor,
    scope: orgScope(getDb(c.env), ctx),
    hub: getOrgHub(c.env, ctx),
    /** Function-level check (role); object-level checks happen in the lookup (404). */
    require: (permission: Permission) => requirePermission(ctx.role, permission),
  };
}
