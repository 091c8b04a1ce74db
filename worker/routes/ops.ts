/**
 * Operator-only endpoints (`/internal/ops/*`), for `npm run ops` (scripts/ops/): each request
 * carries `Authorization: Bearer <OPS_SECRET>`; without OPS_SECRET configured they are 404.
 */
import { Hono } from 'hono';
import { pushOrgToHub, requireOpsSecret } from '../../core/billing/ops';
import { getDb } from '../../core/db/client';
import { ApiError } from '../../core/errors';
import { log } from '../../core/log';
import type { AppEnv } from '../types';

export const opsRoutes = new Hono<AppEnv>();

opsRoutes.use('*', async (c, next) => {
  await requireOpsSecret(c.get('config'), c.req.header('authorization'));
  await next();
});

// After set-plan wrote D1: the org's OrgHub takes the new plan and limits now.
opsRoutes.post('/orgs/:id/sync', async (c) => {
  const id = c.req.param('id');
  if (!/^org_[0-9a-z]{1,60}$/.test(id)) throw new ApiError('bad_request', 'Not an organization id.');
  const org = await pushOrgToHub(getDb(c.env), c.env, id);
  log.info('ops_org_pushed', { org_id: org.id, plan: org.plan });
  return c.json({ synced: true, organization: org });
});
