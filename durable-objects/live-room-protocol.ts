/**
 * What the OrgHub and an org's LiveRoom say to each other (durable-objects/live-hub.ts and
 * live-room.ts). Both bundles import it, so it imports no validation library: the main
 * Worker's zod and the room's zod/mini stay in their own scripts.
 */
import type { LiveAudience } from '../core/live-access';
import type { Role } from '../core/db/schema';
import type { LiveConnectArgs } from './live-hub';

/** An event as the room sends it: the frame's text, made once by the hub. */
export interface LiveFrame {
  seq: number;
  type: string;
  text: string;
}

/** What the OrgHub hands the room for one socket, just before its upgrade arrives. */
export interface LiveAdmission {
  args: LiveConnectArgs;
  /** A landing-page viewer of the showcase: it may only ping, and `maxSockets` is the viewer budget. */
  readOnly: boolean;
  /** Connections the hub holds itself (task event streams), counted against `maxSockets`. */
  otherConnections: number;
  /** The hub's last event when it made the replay: the `hello` frame's seq. */
  helloSeq: number;
  /** The events after `since` (already filtered for the socket), or why the client must refetch. */
  replay: LiveFrame[] | { resync: string };
}

/** The header naming the admission a socket upgrade redeems. */
export const ADMISSION_HEADER = 'x-gc-admission';

/** What a socket or stream may receive, from who opened it (a user's role, a key's scopes). */
export function audienceOf(a: {
  principalType: 'user' | 'api_key';
  role?: Role;
  scopes?: readonly string[] | null;
}): LiveAudience {
  if (a.principalType === 'api_key') return { kind: 'api_key', scopes: a.scopes ?? [] };
  return a.role ? { kind: 'user', role: a.role } : { kind: 'api_key', scopes: [] };
}
