/** Hands every request Hono does not own to the Remix front end, with the Worker's bindings. */
import { createRequestHandler, type ServerBuild } from '@remix-run/cloudflare';
import type { Context } from 'hono';
// The server build is produced by `npm run build` (remix vite:build) before the Worker is bundled.
// @ts-expect-error -- build output has no type declarations
import * as build from '../build/server/index.js';
import { isbot } from 'isbot';
import { track } from '../core/analytics';
import { redactUrl } from '../core/log';
import type { AppEnv } from './types';

const handleRemixRequest = createRequestHandler(build as unknown as ServerBuild);

export async function remix(c: Context<AppEnv>): Promise<Response> {
  const response = await handleRemixRequest(c.req.raw, {
    cloudflare: { env: c.env, ctx: c.executionCtx as unknown as ExecutionContext },
  });
  // Hono's requestId() sets the header on responses Hono builds; Remix builds its own.
  response.headers.set('X-Request-Id', c.get('requestId'));
  if (isPageView(c.req.raw, response))
    c.executionCtx.waitUntil(track(c.env, 'page_view', { detail: pagePath(c.req.path) }));
  return response;
}

/** A person's page load: a GET answered with a whole HTML page, not a crawler. */
function isPageView(request: Request, response: Response): boolean {
  return (
    request.method === 'GET' &&
    response.status === 200 &&
    (response.headers.get('content-type') ?? '').startsWith('text/html') &&
    !new URL(request.url).searchParams.has('_data') &&
    !isbot(request.headers.get('user-agent') ?? '')
  );
}

/** The path with record ids and secret tokens replaced, so pages group and nothing secret is kept. */
export function pagePath(path: string): string {
  return redactUrl(path)
    .split('/')
    .map((segment) => (/^[a-z]{3}_[0-9a-z]{10,}$/.test(segment) ? ':id' : segment))
    .join('/');
}
