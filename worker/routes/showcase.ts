/**
 * The landing page's live office (core/showcase.ts), public and read-only:
 * `GET /showcase/snapshot` (the team with their current tasks, the `seq` to resume after, and
 * whether a live seat is free) and `GET /showcase/live?since=SEQ` (a WebSocket held by the
 * showcase org's OrgHub as a principal that can only read the office's events). At most
 * SHOWCASE_MAX_VIEWERS sockets at once across the deployment; over it, 429 and no socket.
 * Every other method answers 405: nothing here writes.
 */
import { Hono } from 'hono';
import { getDb } from '../../core/db/client';
import { ApiError } from '../../core/errors';
import { getOrgHub } from '../../core/org-hub-client';
import { AUTH_RATE_LIMITS } from '../../core/rate-limit';
import { ensureShowcaseOrg } from '../../core/showcase';
import { clientIp, enforceRateLimit } from '../middleware/rate-limit';
import type { AppEnv } from '../types';

export const showcaseRoutes = new Hono<AppEnv>()
  .use(async (c, next) => {
    // Per IP, like /v1/live: each request wakes the showcase's OrgHub.
    await enforceRateLimit(c, `showcase:ip:${clientIp(c)}`, AUTH_RATE_LIMITS.livePerIp);
    await next();
  })
  .get('/snapshot', async (c) => {
    const max = c.get('config').SHOWCASE_MAX_VIEWERS;
    if (max === 0) return c.json({ live: false, seq: 0, agents: [] }, 200, { 'Cache-Control': 'no-store' });
    const org = await ensureShowcaseOrg(getDb(c.env), c.env);
    const snapshot = await getOrgHub(c.env, { orgId: org.id }).showcaseSnapshot(org.id, max);
    return c.json({ live: snapshot.live, seq: snapshot.seq, agents: snapshot.agents }, 200, {
      'Cache-Control': 'no-store',
    });
  })
  .get('/live', async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new ApiError('bad_request', 'Connect with a WebSocket client (Upgrade: websocket).', undefined, {
        Upgrade: 'websocket',
      });
    }
    const max = c.get('config').SHOWCASE_MAX_VIEWERS;
    if (max === 0) throw new ApiError('rate_limited', 'The live preview is full; try again later.');
    const since = c.req.query('since');
    if (since !== undefined && !/^\d{1,15}$/.test(since))
      throw new ApiError('validation_failed', 'The request is not valid.', [
        { field: 'since', message: 'A non-negative sequence number.' },
      ]);
    const org = await ensureShowcaseOrg(getDb(c.env), c.env);
    const url = new URL('https://org-hub/showcase');
    if (since) url.searchParams.set('since', since);
    const upgraded = await getOrgHub(c.env, { orgId: org.id }).fetch(
      new Request(url, { headers: { Upgrade: 'websocket', 'x-gc-max-viewers': String(max) } }),
    );
    if (upgraded.status === 429) throw new ApiError('rate_limited', 'The live preview is full; try again later.');
    return new Response(upgraded.body, {
      status: upgraded.status,
      headers: new Headers(upgraded.headers),
      webSocket: upgraded.webSocket,
    });
  })
  // Nothing here writes.
  .all('/*', () => {
    throw new ApiError('method_not_allowed', 'The showcase is read-only.', undefined, { Allow: 'GET' });
  });
