/**
 * The product's shared words: roles, statuses and priorities. A plain module with no
 * database import, so browser components, validation and both schemas (D1 and the OrgHub's
 * SQLite) use one list each.
 */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const AGENT_STATUSES = ['idle', 'working', 'blocked', 'offline', 'paused'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const TASK_STATUSES = [
  'pending',
  'queued',
  'running',
  'awaiting_approval',
  'blocked',
  'completed',
  'failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Why a pending task is not being admitted, when the reason is the org's and not the task's. */
export const TASK_WAITING_REASONS = ['quota'] as const;
export type TaskWaitingReason = (typeof TASK_WAITING_REASONS)[number];

export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
/** Admission order: urgent first, low last (then age). */
export const PRIORITY_RANK: Record<TaskPriority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export const SUBSCRIPTION_STATUSES = ['none', 'trialing', 'active', 'past_due', 'canceled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** How an agent may use a tool: on its own, after a human approves the exact call, or not at all. */
export const TOOL_POLICIES = ['auto', 'ask', 'never'] as const;
export type ToolPolicy = (typeof TOOL_POLICIES)[number];

/** Anthropic's server tools an agent can be given (the provider runs them). */
export const SERVER_TOOLS = ['web_search', 'web_fetch'] as const;
export type ServerToolName = (typeof SERVER_TOOLS)[number];
