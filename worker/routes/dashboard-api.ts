/**
 * The dashboard API's OpenAPI document (`GET /api/openapi.json`): the `/api` routes of
 * worker/routes/auth.ts and orgs.ts, under their own tag and the session credential. A second
 * document, so the public API's (`/v1/openapi.json`) stays the contract API-key clients and
 * SDK generators read; docs/decisions/008-three-json-faces.md says why both exist.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { SESSION_COOKIE } from '../../core/auth/sessions';
import { createApiApp } from '../openapi';
import { DASHBOARD_TAG } from '../schemas/dashboard';
import type { AppEnv } from '../types';

type Document = ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']>;

let cached: Document | null = null;

/** Builds the document once per isolate from the route definitions; `servers` names this origin. */
export function dashboardApiDocument(parts: OpenAPIHono<AppEnv>[], origin: string): Document {
  cached ??= build(parts);
  return { ...cached, servers: [{ url: origin, description: 'This deployment' }] };
}

function build(parts: OpenAPIHono<AppEnv>[]): Document {
  const doc = createApiApp();
  for (const part of parts) doc.route('/api', part);
  doc.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description:
      'The session cookie set by `POST /api/auth/signup` or `/api/auth/login`. Mutations must come from this site (`Origin`).',
  });
  doc.openAPIRegistry.registerComponent('securitySchemes', 'clerk', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A Clerk session token, when the deployment is configured for Clerk.',
  });
  return doc.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Generic Corp dashboard API',
      version: '1.0.0',
      description:
        'The JSON API behind the dashboard, for signed-in users: accounts and sessions, organizations, members and invitations, API keys, the model key and the audit log. Authenticate with the session cookie. To give agents work from scripts and integrations, use the public API (`/v1/openapi.json`) with an API key.',
    },
    tags: [
      {
        name: DASHBOARD_TAG,
        description: 'Session-authenticated administration of accounts and organizations.',
      },
    ],
  });
}
