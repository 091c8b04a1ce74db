/**
 * Errors cross Durable Object RPC as plain Errors (code and details are lost), so OrgHub
 * methods return a result and the caller turns a failure back into the same ApiError.
 */
import { ZodError } from 'zod';
import { ApiError, type ErrorCode, fieldIssues } from './errors';

export type ErrorDetails = Array<{ field: string; message: string }> | Record<string, string | number | boolean | null>;
export type RpcResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: ErrorCode; message: string; details?: ErrorDetails } };

export async function capture<T>(work: () => Promise<T>): Promise<RpcResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof ApiError) {
      return {
        ok: false,
        error: {
          code: error.code,
          message: error.message,
          ...(error.details === undefined ? {} : { details: error.details as ErrorDetails }),
        },
      };
    }
    // An argument the object's own schema refused: the caller's input, named field by field.
    if (error instanceof ZodError) {
      return {
        ok: false,
        error: { code: 'validation_failed', message: 'The request is not valid.', details: fieldIssues(error.issues) },
      };
    }
    throw error;
  }
}

export function unwrap<T>(result: RpcResult<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error.code, result.error.message, result.error.details);
}
