/**
 * Activity log entries as sentences for people: "Sable started “Review PR #42”". Pure, so
 * loaders build the sentences and components only render their parts (links for tasks,
 * threads and agents).
 */
import type { TaskChange } from '../../core/events';
import type { ActivityEntry } from '../../core/activity-feed';
import { isStarterTask } from '../../core/starter-tasks';

export type FeedPart =
  | { kind: 'text'; text: string }
  | { kind: 'actor'; text: string }
  | { kind: 'task'; id: string; title: string }
  | { kind: 'thread'; id: string; text: string }
  | { kind: 'agent'; slug: string; name: string };

export type FeedTone = 'neutral' | 'start' | 'success' | 'danger' | 'warning';

export interface FeedItem {
  id: string;
  at: number;
  parts: FeedPart[];
  /** Who did it, for the avatar: an agent's colour, else a person's or the system's initial. */
  avatar: { name: string; color: string | null };
  tone: FeedTone;
  /** A note the agent attached (progress) or the reason a task stopped. */
  note: string | null;
}

export interface Names {
  agents: Map<string, { name: string; slug: string; color: string }>;
  users: Map<string, string>;
  /** The signed-in user, who reads "You". */
  selfId: string;
}

interface TaskData {
  id: string;
  title: string;
  status: string;
  progress?: number;
  error?: string | null;
  parent_id?: string | null;
  agent?: { id: string; slug: string; name: string };
  metadata?: Record<string, unknown>;
}

const text = (value: string): FeedPart => ({ kind: 'text', text: value });
const actorPart = (value: string): FeedPart => ({ kind: 'actor', text: value });

function taskOf(entry: ActivityEntry): TaskData | null {
  const task = entry.data.task;
  return task && typeof task === 'object' && 'id' in task && 'title' in task ? (task as TaskData) : null;
}

function actorName(entry: ActivityEntry, names: Names): { name: string; color: string | null } {
  const { type, id } = entry.actor;
  // The demo's starter tasks are given in the visitor's name, but not by the visitor.
  if (entry.type === 'task.created' && isStarterTask(taskOf(entry)?.metadata))
    return { name: 'Generic Corp', color: null };
  if (type === 'agent' && id) {
    const agent = names.agents.get(id);
    return { name: agent?.name ?? 'An agent', color: agent?.color ?? null };
  }
  if (type === 'user' && id)
    return { name: id === names.selfId ? 'You' : (names.users.get(id) ?? 'A teammate'), color: null };
  if (type === 'api_key') return { name: 'An API key', color: null };
  if (type === 'schedule') return { name: 'A schedule', color: null };
  return { name: 'Generic Corp', color: null };
}

function agentPart(id: string | undefined, names: Names, fallback?: { slug: string; name: string }): FeedPart {
  const agent = (id ? names.agents.get(id) : undefined) ?? fallback;
  return agent ? { kind: 'agent', slug: agent.slug, name: agent.name } : text('an agent');
}

/** Entries worth a line in the feed: state changes people care about, not every heartbeat. */
export function isFeedWorthy(entry: ActivityEntry): boolean {
  if (entry.type === 'agent.status')
    return entry.actor.type === 'user' || entry.actor.type === 'api_key' || entry.data.reason === 'plan_limit';
  if (entry.type === 'task.updated')
    return !['progress', 'queued', 'unblocked'].includes(String(entry.data.change ?? ''));
  return true;
}

/** One entry as a sentence; null for kinds the feed does not describe. */
export function describeActivity(entry: ActivityEntry, names: Names): FeedItem | null {
  const actor = actorName(entry, names);
  const base = { id: entry.id, at: entry.createdAt, avatar: actor, note: null as string | null };
  const task = taskOf(entry);

  if (entry.type === 'task.created' && task) {
    const assignee = agentPart(task.agent?.id, names, task.agent);
    if (entry.actor.type === 'agent' && task.parent_id) {
      return {
        ...base,
        tone: 'neutral',
        parts: [
          actorPart(actor.name),
          text(' delegated '),
          { kind: 'task', id: task.id, title: task.title },
          text(' to '),
          assignee,
        ],
      };
    }
    return {
      ...base,
      tone: 'neutral',
      parts: [
        actorPart(actor.name),
        text(' gave '),
        assignee,
        text(' '),
        { kind: 'task', id: task.id, title: task.title },
      ],
    };
  }

  if (entry.type === 'task.updated' && task) {
    const link: FeedPart = { kind: 'task', id: task.id, title: task.title };
    const agentId = task.agent?.id;
    const agent = (agentId ? names.agents.get(agentId) : undefined) ?? task.agent;
    const agentName = agent?.name ?? 'The agent';
    const agentAvatar = { name: agentName, color: (agentId ? names.agents.get(agentId)?.color : null) ?? null };
    const byAgent = (verb: string, tone: FeedTone, after: FeedPart[] = []): FeedItem => ({
      ...base,
      avatar: agentAvatar,
      tone,
      parts: [actorPart(agentName), text(` ${verb} `), link, ...after],
    });
    switch (entry.data.change as TaskChange) {
      case 'started':
        return byAgent('started', 'start');
      case 'progress':
        return {
          ...byAgent(`is at ${task.progress ?? 0}% on`, 'neutral'),
          note: typeof entry.data.note === 'string' ? entry.data.note : null,
        };
      case 'finished':
        if (task.status === 'completed') return byAgent('completed', 'success');
        if (task.status === 'failed') return { ...byAgent('failed', 'danger'), note: task.error ?? null };
        if (task.status === 'blocked') return { ...byAgent('is blocked on', 'warning'), note: task.error ?? null };
        if (task.status === 'awaiting_approval') return byAgent('needs approval for', 'warning');
        if (task.status === 'cancelled') return byAgent('stopped work on', 'neutral');
        return byAgent('finished a run of', 'neutral');
      case 'waiting_on_delegation':
        return byAgent('is waiting on teammates for', 'neutral');
      case 'retry_scheduled':
        return { ...byAgent('hit an error on', 'warning', [text('; it will retry')]), note: task.error ?? null };
      case 'cancelled':
        return { ...base, tone: 'neutral', parts: [actorPart(actor.name), text(' cancelled '), link] };
      case 'retried':
        return { ...base, tone: 'neutral', parts: [actorPart(actor.name), text(' retried '), link] };
      case 'edited':
        return { ...base, tone: 'neutral', parts: [actorPart(actor.name), text(' edited '), link] };
      case 'queued':
        return {
          ...base,
          avatar: agentAvatar,
          tone: 'neutral',
          parts: [link, text(' is queued for '), actorPart(agentName)],
        };
      case 'blocked':
        return {
          ...base,
          avatar: agentAvatar,
          tone: 'warning',
          parts: [link, text(' is blocked')],
          note: task.error ?? null,
        };
      case 'unblocked':
        return { ...base, avatar: agentAvatar, tone: 'neutral', parts: [link, text(' can run again')] };
      case 'dead_lettered':
        return {
          ...base,
          avatar: agentAvatar,
          tone: 'danger',
          parts: [link, text(' failed: its run could not be delivered')],
        };
      case 'waiting_on_quota':
        return {
          ...base,
          avatar: agentAvatar,
          tone: 'warning',
          parts: [link, text(' waits: this period’s agent-minutes are used up')],
        };
      case 'quota_released':
        return { ...base, avatar: agentAvatar, tone: 'neutral', parts: [link, text(' can run again')] };
      default:
        return { ...base, tone: 'neutral', parts: [link, text(' changed')] };
    }
  }

  if (entry.type === 'message.created') {
    const threadId = typeof entry.data.thread_id === 'string' ? entry.data.thread_id : null;
    const thread: FeedPart = threadId ? { kind: 'thread', id: threadId, text: 'a thread' } : text('a thread');
    if (entry.actor.type === 'agent')
      return { ...base, tone: 'neutral', parts: [actorPart(actor.name), text(' replied in '), thread] };
    const recipient = typeof entry.data.recipient_id === 'string' ? entry.data.recipient_id : undefined;
    return {
      ...base,
      tone: 'neutral',
      parts: [actorPart(actor.name), text(' messaged '), agentPart(recipient, names), text(' in '), thread],
    };
  }

  if (entry.type.startsWith('agent.')) {
    const agentId = typeof entry.data.agent_id === 'string' ? entry.data.agent_id : undefined;
    const slug = typeof entry.data.slug === 'string' ? entry.data.slug : '';
    const agent = agentPart(agentId, names, slug ? { slug, name: slug } : undefined);
    switch (entry.type) {
      case 'agent.created':
        return {
          ...base,
          tone: 'neutral',
          parts: [actorPart(actor.name), text(' added '), agent, text(' to the team')],
        };
      case 'agent.updated':
        return { ...base, tone: 'neutral', parts: [actorPart(actor.name), text(' updated '), agent] };
      case 'agent.archived':
        return { ...base, tone: 'neutral', parts: [actorPart(actor.name), text(' archived '), agent] };
      case 'agent.deleted':
        return { ...base, tone: 'neutral', parts: [actorPart(actor.name), text(' removed '), agent] };
      case 'agent.status':
        if (entry.data.reason === 'plan_limit')
          return { ...base, tone: 'warning', parts: [agent, text(' was paused: the plan’s agent limit')] };
        return {
          ...base,
          tone: 'neutral',
          parts: [actorPart(actor.name), text(entry.data.status === 'paused' ? ' paused ' : ' resumed '), agent],
        };
      default:
        return null;
    }
  }

  // The agent-minute quota (durable-objects/quota.ts): once per period at 80% and at 100%.
  if (entry.type === 'usage.quota_warning' || entry.type === 'usage.quota_reached') {
    const percent = typeof entry.data.threshold_percent === 'number' ? entry.data.threshold_percent : 100;
    return {
      ...base,
      tone: entry.type === 'usage.quota_reached' ? 'danger' : 'warning',
      parts: [
        text(
          entry.type === 'usage.quota_reached'
            ? entry.data.plan === 'pro'
              ? 'This period’s agent-minutes are used up: further work is billed as overage'
              : 'This period’s agent-minutes are used up: new tasks wait until the period ends or the plan grows'
            : `${percent}% of this period’s agent-minutes are used`,
        ),
      ],
    };
  }

  if (entry.type === 'tool.called') {
    const tool = typeof entry.data.tool === 'string' ? entry.data.tool : 'a tool';
    const taskId = typeof entry.data.task_id === 'string' ? entry.data.task_id : null;
    return {
      ...base,
      tone: entry.data.ok === false ? 'warning' : 'neutral',
      parts: [
        actorPart(actor.name),
        text(entry.data.ok === false ? ` called ${tool}, which failed, for ` : ` called ${tool} for `),
        taskId ? { kind: 'task', id: taskId, title: 'a task' } : text('a task'),
      ],
    };
  }

  if (entry.type === 'connection.created' || entry.type === 'connection.deleted') {
    const name = typeof entry.data.name === 'string' ? entry.data.name : String(entry.data.slug ?? 'an MCP server');
    return {
      ...base,
      tone: 'neutral',
      parts: [
        actorPart(actor.name),
        text(entry.type === 'connection.created' ? ` connected ${name}` : ` removed the connection ${name}`),
      ],
    };
  }

  if (entry.type.startsWith('schedule.')) {
    const verb =
      entry.type === 'schedule.created' ? 'created' : entry.type === 'schedule.deleted' ? 'deleted' : 'changed';
    return { ...base, tone: 'neutral', parts: [actorPart(actor.name), text(` ${verb} a schedule`)] };
  }
  return null;
}
