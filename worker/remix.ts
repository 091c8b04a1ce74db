/** Hands every request Hono does not own to the Remix front end, with the Worker's bindings. */
import { createRequestHandler, type ServerBuild } from '@remix-run/cloudflare';
import type { Context } from 'hono';
// The server build is produced by `npm run build` (remix vite:build) before the Worker is bundled.
// @ts-expect-error -- build output has no type declarations
import * as build from '../build/server/index.js';
import type { AppEnv } from './types';

const handleRemixRequest = createRequestHandler(build as unknown as ServerBuild);

export async function remix(c: Context<AppEnv>): Promise<Response> {
  const response = await handleRemixRequest(c.req.raw, {
    cloudflare: { env: c.env, ctx: c.executionCtx as unknown as ExecutionContext },
  });
  // Hono's requestId() sets the header on responses Hono builds; Remix builds its own.
  response.headers.set('X-Request-Id', c.get('requestId'));
  return response;
}
