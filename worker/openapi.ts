import { OpenAPIHono } from '@hono/zod-openapi';
import { ApiError, fieldIssues } from '../core/errors';
import type { AppEnv } from './types';

/**
 * A Hono sub-app whose zod validation failures become the 400 envelope naming each field,
 * and whose routes feed the generated OpenAPI document.
 */
export function createApiApp(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError(
          'validation_failed',
          'The request is not valid.',
          fieldIssues(result.error.issues, result.target),
        );
      }
    },
  });
}

/** The error envelope as an OpenAPI schema, shared by every route's error responses. */
export { ErrorEnvelopeSchema } from './schemas/common';
