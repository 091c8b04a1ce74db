/**
 * `POST /__test/fault/:where` (route | queue | object): throws on purpose so the integration tests
 * can prove each handler reports to error monitoring. A 404 unless APP_ENV is `test` and the host
 * is local (core/test-faults.ts); `npm run deploy` refuses any APP_ENV but production.
 */
import { Hono } from 'hono';
import { isLocalHost } from '../core/config';
import { ApiError } from '../core/errors';
import { getOrgHub } from '../core/org-hub-client';
import { isTestFaultAllowed } from '../core/test-faults';
import type { AppEnv } from './types';

export const testFaults = new Hono<AppEnv>();

testFaults.post('/:where', async (c) => {
  if (!isTestFaultAllowed(c.env) || !isLocalHost(new URL(c.req.url).hostname, 'test'))
    throw new ApiError('not_found', `No route for POST ${c.req.path}.`);
  const where = c.req.param('where');
  if (where === 'route') throw new Error('Test fault thrown in a route');
  if (where === 'queue') {
    await c.env.EMAILS.send({ kind: 'test_fault' }, { contentType: 'json' });
    return c.json({ queued: true }, 202);
  }
  if (where === 'object') {
    const orgId = c.req.query('org') ?? 'org_test_fault';
    await getOrgHub(c.env, { orgId }).testFault({
      orgId,
      actor: { type: 'system', id: null },
      requestId: c.get('requestId'),
    });
  }
  throw new ApiError('not_found', 'Unknown fault.');
});
