/**
 * JSON text made in the OrgHub (`hub.readJson.…`) sent as the response body unchanged. The
 * text keeps the type of the value it encodes, so the route still answers its declared schema.
 */
import type { Context, TypedResponse } from 'hono';
import type { JSONParsed } from 'hono/utils/types';
import type { JsonText } from '../core/org-hub-client';

export function sendJsonText<T, S extends 200 | 201>(
  c: Context,
  text: JsonText<T>,
  status: S,
): Response & TypedResponse<JSONParsed<T>, S, 'json'> {
  const response: Response = c.body(text, status, { 'Content-Type': 'application/json' });
  // The body is JSON of a T: what c.json(value) would have typed.
  return response as Response & TypedResponse<JSONParsed<T>, S, 'json'>;
}
