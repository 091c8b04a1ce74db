/** The public API under /v1 (DESIGN §8). Each resource is a sub-app mounted here. */
import { createApiApp } from '../openapi';
import { health } from './health';

// basePath (not a mount prefix) so the generated document lists full paths (/v1/health).
export const v1 = createApiApp().basePath('/v1');

v1.route('/', health);

v1.doc31('/openapi.json', (c) => ({
  openapi: '3.1.0',
  info: {
    title: 'Generic Corp API',
    version: '1.0.0',
    description: 'Give tasks to your AI agents and watch them work. Authenticate with `Authorization: Bearer gc_sk_…`.',
  },
  servers: [{ url: new URL(c.req.url).origin, description: 'This deployment' }],
}));
