/**
 * What the OrgHub's RPC methods accept, checked at the object's boundary: every call names its
 * org and acting party (the caller), and the ids and inputs it carries.
 */
import { z } from 'zod';
import type { Actor } from '../core/tenant';

export const IdArg = z.string().min(1).max(64);
const ActorArg: z.ZodType<Actor> = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['user', 'api_key', 'agent', 'schedule']), id: z.string().min(1).max(64) }),
  z.object({ type: z.literal('system'), id: z.null() }),
]);
/**
 * Who is calling: the org (which must be this object's) and the acting party; for a call made
 * while serving a request, its id, which tags the object's error events like the Worker's.
 */
export const CallerArg = z.object({
  orgId: z.string().min(1).max(64),
  actor: ActorArg,
  requestId: z.string().max(128).optional(),
});
export type Caller = z.infer<typeof CallerArg>;
export const IdempotencyArg = z
  .object({ key: z.string().min(1).max(255), hash: z.string().min(1).max(128) })
  .nullable();
export const MessageArg = z.object({
  agent: z.string().min(1).max(64),
  body: z.string().trim().min(1).max(16_000),
  thread_id: z.string().max(64).nullable().optional(),
});
