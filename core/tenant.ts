/**
 * The authenticated context every tenant operation starts from. The org id comes from the
 * session's membership or the API key, never from the URL or the body.
 */
import type { Role } from './db/schema';

/**
 * Who acts, everywhere: a person, an API key, an agent (through its tools), a schedule, or the
 * platform itself. An OrgContext's actor is a person, a key or the platform.
 */
export type Actor =
  | { type: 'user'; id: string }
  | { type: 'api_key'; id: string }
  | { type: 'agent'; id: string }
  | { type: 'schedule'; id: string }
  | { type: 'system'; id: null };

/** The actors that act from outside: the ones an audit row or a request context names. */
export type RequestActor = Extract<Actor, { type: 'user' | 'api_key' | 'system' }>;

export interface OrgContext {
  orgId: string;
  actor: RequestActor;
  /** The acting user's role, or the role an API key acts with. */
  role: Role;
}
