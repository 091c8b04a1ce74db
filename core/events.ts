/**
 * The one vocabulary of org events: every kind the OrgHub records in its activity log and
 * sends to live clients (`/v1/live`, SSE), with the org's sequence number. The object, the
 * live client, the activity feed and the task trace all name events from this list.
 */
import type { JsonObject } from './json';

export const ORG_EVENT_TYPES = [
  'agent.created',
  'agent.updated',
  'agent.status',
  'agent.archived',
  'agent.deleted',
  'task.created',
  'task.updated',
  'run.step',
  'message.created',
  'approval.requested',
  'approval.decided',
  'schedule.created',
  'schedule.updated',
  'schedule.deleted',
  'schedule.failed',
  'usage.updated',
  /** The month's agent-minutes reached 80% of the plan (once per period). */
  'usage.quota_warning',
  /** The month's agent-minutes are used up: pending tasks wait (`waiting_reason: quota`). */
  'usage.quota_reached',
  'connection.created',
  'connection.deleted',
  'tool.called',
  'org.updated',
  'member.joined',
  'member.role_changed',
  'member.removed',
  'member.left',
] as const;
export type OrgEventType = (typeof ORG_EVENT_TYPES)[number];

/** Frames the hub sends that are not org events (no sequence number of their own). */
export const LIVE_CONTROL_FRAMES = ['hello', 'resync', 'error', 'presence', 'pong'] as const;
export type LiveControlFrame = (typeof LIVE_CONTROL_FRAMES)[number];

/** The close codes of `/v1/live`: the hub closes with them, and clients act on them. */
export const LIVE_CLOSE = {
  normal: 1000,
  policy: 1008,
  tooBig: 1009,
  tryAgainLater: 1013,
  /** The credential or membership ended (revoked key, signed out, removed): final. */
  revoked: 4001,
  idle: 4002,
  /** The organization was deleted: final. */
  orgDeleted: 4003,
  /** The user's role changed: what they may see changed, so they reconnect and are filtered again. */
  reauthorize: 4004,
} as const;

/** Closes after which reconnecting cannot help. */
export const FINAL_LIVE_CLOSES: readonly number[] = [LIVE_CLOSE.revoked, LIVE_CLOSE.orgDeleted, LIVE_CLOSE.policy];

/** What a `task.updated` event says changed. */
export const TASK_CHANGES = [
  'edited',
  'queued',
  'started',
  'progress',
  'finished',
  'cancelled',
  'retried',
  'blocked',
  'unblocked',
  'retry_scheduled',
  'waiting_on_delegation',
  'awaiting_approval',
  'approval_granted',
  'approval_rejected',
  'dead_lettered',
  'run_refused',
  'waiting_on_quota',
  'quota_released',
] as const;
export type TaskChange = (typeof TASK_CHANGES)[number];

export interface HubEvent {
  seq: number;
  type: OrgEventType;
  data: JsonObject;
  /** When its transition committed (ms since the epoch). */
  at: number;
}
