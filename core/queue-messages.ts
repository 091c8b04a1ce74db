/** Bodies of the agent-runs Queue, validated on both sides with zod. */
import { z } from 'zod';

export const RunTaskMessage = z.object({
  kind: z.literal('run_task'),
  orgId: z.string().min(1),
  taskId: z.string().min(1),
  /** The task attempt this message admits; a stale or duplicate delivery is ignored. */
  attempt: z.number().int().min(1),
  enqueuedAt: z.number().int(),
});
export type RunTaskMessage = z.infer<typeof RunTaskMessage>;

export const AgentRunMessage = z.discriminatedUnion('kind', [RunTaskMessage]);
export type AgentRunMessage = z.infer<typeof AgentRunMessage>;

/** Exponential backoff for a retried delivery: 2s, 4s, 8s … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 2 ** Math.max(1, attempts));
}
