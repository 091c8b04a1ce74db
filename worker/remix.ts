/**
 * Hands every request Hono does not own to the Remix front end, with the Worker's bindings.
 * The front end's server build is loaded on the first page request, not when the isolate
 * starts: isolates that only serve the API, the queue or an OrgHub never evaluate React and
 * the pages (about a quarter of the bundle), so they start sooner and carry a smaller heap,
 * whose full garbage collections pause the live fan-out (docs/decisions/023-lazy-modules.md).
 */
import { createRequestHandler, type RequestHandler, type ServerBuild } from '@remix-run/cloudflare';
import type { Context } from 'hono';
import { isbot } from 'isbot';
import { track } from '../core/analytics';
import { loadOnce } from '../core/lazy-modules';
import { redactUrl } from '../core/log';
import type { AppEnv } from './types';

const loadRemixHandler = loadOnce(
  async (): Promise<RequestHandler> =>
    createRequestHandler(
      // The server build is produced by `npm run build` (remix vite:build) before the Worker is bundled.
      // @ts-expect-error -- build output has no type declarations
      (await import('../build/server/index.js')) as ServerBuild,
    ),
);

export async function remix(c: Context<AppEnv>): Promise<Response> {
  const handleRemixRequest = await loadRemixHandler();
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
