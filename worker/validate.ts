import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { ApiError, fieldIssues } from '../core/errors';

/**
 * zod validation for a request part; failures become the 400 envelope naming each field.
 *
 * @example route.post('/', validate('json', SignupInput), (c) => c.req.valid('json'))
 */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
) {
  return zValidator(target, schema, (result) => {
    if (!result.success)
      throw new ApiError('validation_failed', 'The request is not valid.', fieldIssues(result.error.issues, target));
  });
}
