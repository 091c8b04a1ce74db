/**
 * The authenticated context every tenant operation starts from. The org id comes from the
 * session's membership or the API key, never from the URL or the body.
 */
import type { Role } from './db/schema';

export type Actor =
  | { type: 'user'; id: string }
  | { type: 'api_key'; id: string; scopes: readonly string[] }
  | { type: 'system'; id: null };

export interface OrgContext {
  orgId: string;
  actor: Actor;
  /** The acting user's role, or the role an API key acts with. */
  role: Role;
}
