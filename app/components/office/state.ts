/**
 * The live office's state: the roster from the page, moved along by the org's live events
 * (docs/architecture.md, Live protocol). Pure TypeScript with an injectable clock, so it runs in Node tests and a
 * renderer can read it every frame without allocating: per-agent records are mutated in place
 * and React gets an immutable snapshot only when something it shows has changed.
 */
import { clipText, tailText } from './text';
import type {
  BubbleKind,
  LiveAgent,
  OfficeAgent,
  OfficeAgentStatus,
  OfficeBubble,
  OfficeEvent,
  OfficeSnapshot,
  OfficeSnapshotAgent,
  OfficeTask,
  RingKind,
} from './types';

export interface OfficeStateOptions {
  /** Milliseconds clock; `performance.now` in the browser, a fake in tests. */
  now?: () => number;
  /** Characters of streamed text a thought trail shows. */
  thoughtChars?: number;
  /** How long a thought trail stays after the last streamed step. */
  thoughtMs?: number;
  fadeInMs?: number;
  fadeOutMs?: number;
}

export interface ApplyOptions {
  /**
   * Events that happened before the office was on screen (the page's backlog): they move
   * statuses and tasks along but raise no bubbles or thought trails, so mounting the office
   * on a busy org does not replay a burst of stale speech.
   */
  history?: boolean;
}

export interface OfficeState {
  /** Highest event seq applied; events at or below it are ignored. */
  readonly lastSeq: number;
  /** Bumped whenever the snapshot would change. */
  readonly version: number;
  /** Bumped when agents join or leave or a desk moves: time to run `layoutOffice` again. */
  readonly rosterVersion: number;
  /** Live records in the page's order; mutated in place, read them, do not keep them. */
  readonly agents: readonly LiveAgent[];
  get(agentId: string): LiveAgent | undefined;
  /** Syncs the roster with the page's data; returns whether anything changed. */
  setAgents(agents: readonly OfficeAgent[]): boolean;
  /** Applies one event if it is newer than `lastSeq`; returns whether anything visible changed. */
  apply(event: OfficeEvent, options?: ApplyOptions): boolean;
  /**
   * Applies the events of a growing array that are newer than `lastSeq`. The array must be in
   * seq order (as the live client delivers it); only its new tail is read, so calling this on
   * every append costs O(new events).
   */
  ingest(events: readonly OfficeEvent[], options?: ApplyOptions): number;
  /**
   * Advances fades to `now`: sets each agent's `bubbleAlpha`/`thoughtAlpha`, drops what has
   * expired, and returns whether a fade is under way (the caller should draw another frame).
   */
  frame(now: number, reducedMotion?: boolean): boolean;
  /** When the picture next changes without an event (a fade starts or something expires), or Infinity. */
  nextChangeAt(now: number, reducedMotion?: boolean): number;
  /** Whether any agent is working (its ring and figure animate). */
  hasWorking(): boolean;
  snapshot(): OfficeSnapshot;
  /** Called after every change of `version` or `rosterVersion`. */
  subscribe(listener: () => void): () => void;
}

const BUBBLE_PRIORITY: Record<BubbleKind, number> = { message: 1, done: 2, progress: 3, delegate: 3, alert: 4 };
/** A newer bubble does not replace a more important one younger than this. */
const BUBBLE_HOLD_MS = 1500;
const BUBBLE_MAX_CHARS = 160;
const TASK_MEMORY = 5000;
const THOUGHT_BUFFER = 240;

function bubbleLifetime(kind: BubbleKind, text: string): number {
  const base = kind === 'message' || kind === 'done' ? 4500 : 5500;
  return Math.min(10_000, base + text.length * 35);
}

// ─── Reading untyped event data ──────────────────────────────────────────────────────────

type Json = Record<string, unknown>;

function record(value: unknown): Json | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null;
}

function string(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function progressOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.min(100, Math.round(value))) : 0;
}

const STATUSES: readonly OfficeAgentStatus[] = ['idle', 'working', 'blocked', 'offline', 'paused'];

function statusOf(value: unknown): OfficeAgentStatus | null {
  return STATUSES.includes(value as OfficeAgentStatus) ? (value as OfficeAgentStatus) : null;
}

const _FINAL_TASK_STATUSES = new Set(['completed', 'failed', 'cancelled']);

/**
 * A tool call's input. Run steps are cut at 4,000 characters, so a long delegation may not be
 * valid JSON any more: then the fields are picked out of the text.
 */
function toolInput(content: unknown): Json {
  const text = typeof content === 'string' ? content : '';
  try {
    return record(JSON.parse(text)) ?? {};
  } catch {
    const fields: Json = {};
    for (const match of text.matchAll(/"(\w+)"\s*:\s*"((?:[^"\\]|\\.)*)"?/g)) {
      try {
        fields[match[1]!] = JSON.parse(`"${match[2]!}"`);
      } catch {
        fields[match[1]!] = match[2];
      }
    }
    return fields;
  }
}

function ringOf(agent: LiveAgent): RingKind {
  if (agent.awaitingApproval) return 'approval';
  return agent.status;
}

// ─── The summary read out for the canvas ─────────────────────────────────────────────────

function taskPhrase(prefix: string, task: OfficeTask | null, withProgress: boolean): string {
  if (!task) return '';
  return ` ${prefix} “${clipText(task.title, 60)}”${withProgress ? ` (${task.progress}%)` : ''}`;
}

function describeAgent(agent: OfficeSnapshotAgent): string {
  if (agent.awaitingApproval) return `${agent.name} awaiting approval${taskPhrase('on', agent.task, false)}`;
  if (agent.status === 'working') return `${agent.name} working${taskPhrase('on', agent.task, true)}`;
  if (agent.status === 'blocked') return `${agent.name} blocked${taskPhrase('on', agent.task, false)}`;
  return `${agent.name} ${agent.status}`;
}

function names(
  list: readonly OfficeSnapshotAgent[],
  max: number,
  describe: (agent: OfficeSnapshotAgent) => string,
): string {
  const shown = list.slice(0, max).map(describe);
  if (list.length > max) shown.push(`${list.length - max} more`);
  return shown.join(', ');
}

/** "5 agents: Sable working on “Review PR #42” (40%), Marcus idle, …"; grouped when the team is large. */
export function describeOffice(agents: readonly OfficeSnapshotAgent[]): string {
  if (agents.length === 0) return 'The office is empty: no agents yet.';
  const count = `${agents.length} ${agents.length === 1 ? 'agent' : 'agents'}`;
  if (agents.length <= 8) return `${count}: ${agents.map(describeAgent).join(', ')}.`;
  const approval = agents.filter((a) => a.awaitingApproval);
  const working = agents.filter((a) => !a.awaitingApproval && a.status === 'working');
  const blocked = agents.filter((a) => !a.awaitingApproval && a.status === 'blocked');
  const rest = (status: OfficeAgentStatus) => agents.filter((a) => !a.awaitingApproval && a.status === status).length;
  const parts = [
    working.length
      ? `${working.length} working (${names(working, 5, (a) => `${a.name}${taskPhrase('on', a.task, true)}`)})`
      : '',
    approval.length ? `${approval.length} awaiting approval (${names(approval, 5, (a) => a.name)})` : '',
    blocked.length ? `${blocked.length} blocked (${names(blocked, 5, (a) => a.name)})` : '',
    rest('idle') ? `${rest('idle')} idle` : '',
    rest('paused') ? `${rest('paused')} paused` : '',
    rest('offline') ? `${rest('offline')} offline` : '',
  ].filter(Boolean);
  return `${count}: ${parts.join('; ')}.`;
}

// ─── The store ───────────────────────────────────────────────────────────────────────────

interface PropMemory {
  status: OfficeAgentStatus;
  taskKey: string;
  approval: boolean;
  desk: string;
}

interface StreamMemory {
  runId: string | null;
  buffer: string;
}

function taskKey(task: OfficeTask | null | undefined): string {
  return task ? `${task.id}\u0000${task.title}\u0000${task.progress}` : '';
}

function copyTask(task: OfficeTask | null | undefined): OfficeTask | null {
  return task ? { id: task.id, title: task.title, progress: progressOf(task.progress) } : null;
}

export function createOfficeState(
  initialAgents: readonly OfficeAgent[] = [],
  options: OfficeStateOptions = {},
): OfficeState {
  const now = options.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  const thoughtChars = options.thoughtChars ?? 60;
  const thoughtMs = options.thoughtMs ?? 4500;
  const fadeInMs = options.fadeInMs ?? 180;
  const fadeOutMs = options.fadeOutMs ?? 700;

  let list: LiveAgent[] = [];
  const byId = new Map<string, LiveAgent>();
  const bySlug = new Map<string, LiveAgent>();
  const fromProps = new Map<string, PropMemory>();
  const streams = new Map<string, StreamMemory>();
  /** task id → the agent it belongs to, with what we last heard of it. */
  const knownTasks = new Map<string, { agentId: string; title: string; progress: number; status: string }>();
  const listeners = new Set<() => void>();
  let lastSeq = -Infinity;
  let version = 0;
  let rosterVersion = 0;
  let cached: OfficeSnapshot | null = null;

  function changed() {
    version++;
    cached = null;
  }

  function notify() {
    for (const listener of listeners) listener();
  }

  function rememberTask(id: string, agentId: string, title: string, progress: number, status: string) {
    if (!knownTasks.has(id) && knownTasks.size >= TASK_MEMORY)
      knownTasks.delete(knownTasks.keys().next().value as string);
    knownTasks.set(id, { agentId, title, progress, status });
  }

  function say(agent: LiveAgent, kind: BubbleKind, rawText: string, to: LiveAgent | null = null): boolean {
    const text = clipText(rawText, BUBBLE_MAX_CHARS);
    if (!text) return false;
    const at = now();
    const current = agent.bubble;
    if (current && at - current.bornAt < BUBBLE_HOLD_MS && BUBBLE_PRIORITY[current.kind] > BUBBLE_PRIORITY[kind])
      return false;
    const bubble: OfficeBubble = {
      kind,
      text,
      toAgentId: to?.id ?? null,
      toName: to?.name ?? null,
      bornAt: at,
      expiresAt: at + bubbleLifetime(kind, text),
      lines: null,
      linesWidth: 0,
    };
    // A bubble that replaces a visible one shows at once instead of fading in again.
    if (current && at < current.expiresAt) bubble.bornAt = at - fadeInMs;
    agent.bubble = bubble;
    agent.latest = { kind, text, toName: bubble.toName };
    return true;
  }

  function think(agent: LiveAgent, runId: string | null, kind: 'text' | 'thinking', content: string) {
    const stream = streams.get(agent.id) ?? { runId, buffer: '' };
    if (stream.runId !== runId) {
      stream.runId = runId;
      stream.buffer = '';
    }
    // Deltas carry their own spacing (" the"); whole blocks do not, so they get a space between.
    const joiner = stream.buffer === '' || /\s$/.test(stream.buffer) || /^\s/.test(content) ? '' : ' ';
    stream.buffer = `${stream.buffer}${joiner}${content}`.replace(/\s+/g, ' ').trimStart().slice(-THOUGHT_BUFFER);
    streams.set(agent.id, stream);
    const text = tailText(stream.buffer, thoughtChars);
    if (!text) return;
    const at = now();
    const visible = agent.thought !== null && at < agent.thought.expiresAt;
    agent.thought = {
      kind,
      text,
      updatedAt: visible ? agent.thought!.updatedAt : at,
      expiresAt: at + thoughtMs,
      cache: null,
    };
  }

  function setStatus(agent: LiveAgent, status: OfficeAgentStatus) {
    agent.status = status;
    if (status === 'idle' || status === 'offline') {
      agent.task = null;
      agent.thought = null;
      streams.delete(agent.id);
    }
    agent.ring = ringOf(agent);
  }

  function newAgent(input: OfficeAgent): LiveAgent {
    const agent: LiveAgent = {
      id: input.id,
      slug: input.slug,
      name: input.name,
      role: input.role,
      color: input.avatar_color,
      desk: input.desk ? { x: input.desk.x, y: input.desk.y } : { x: Number.NaN, y: Number.NaN },
      status: statusOf(input.status) ?? 'idle',
      task: copyTask(input.current_task),
      awaitingApproval: input.awaiting_approval === true,
      approvalTaskId: null,
      ring: 'idle',
      bubble: null,
      thought: null,
      bubbleAlpha: 0,
      thoughtAlpha: 0,
      latest: null,
    };
    agent.ring = ringOf(agent);
    return agent;
  }

  function setAgents(input: readonly OfficeAgent[]): boolean {
    let any = false;
    let roster = input.length !== list.length;
    const next: LiveAgent[] = [];
    const seen = new Set<string>();
    for (const item of input) {
      if (!item || typeof item.id !== 'string' || seen.has(item.id)) continue;
      seen.add(item.id);
      const memory: PropMemory = {
        status: statusOf(item.status) ?? 'idle',
        taskKey: taskKey(item.current_task),
        approval: item.awaiting_approval === true,
        desk: `${item.desk?.x},${item.desk?.y}`,
      };
      let agent = byId.get(item.id);
      if (!agent) {
        agent = newAgent(item);
        byId.set(agent.id, agent);
        roster = true;
        any = true;
      } else {
        // Page data and live events both move an agent along; whichever changed last wins.
        // Props only override live state when the props themselves changed since last time.
        const before = fromProps.get(item.id)!;
        if (
          agent.name !== item.name ||
          agent.role !== item.role ||
          agent.color !== item.avatar_color ||
          agent.slug !== item.slug
        ) {
          bySlug.delete(agent.slug);
          agent.name = item.name;
          agent.role = item.role;
          agent.color = item.avatar_color;
          agent.slug = item.slug;
          any = true;
        }
        if (before.desk !== memory.desk) {
          agent.desk = item.desk ? { x: item.desk.x, y: item.desk.y } : { x: Number.NaN, y: Number.NaN };
          roster = true;
          any = true;
        }
        if (before.status !== memory.status) {
          setStatus(agent, memory.status);
          any = true;
        }
        if (before.taskKey !== memory.taskKey) {
          agent.task = copyTask(item.current_task);
          any = true;
        }
        if (before.approval !== memory.approval) {
          agent.awaitingApproval = memory.approval;
          agent.approvalTaskId = null;
          agent.ring = ringOf(agent);
          any = true;
        }
      }
      fromProps.set(item.id, memory);
      bySlug.set(agent.slug, agent);
      if (agent.task)
        rememberTask(
          agent.task.id,
          agent.id,
          agent.task.title,
          agent.task.progress,
          knownTasks.get(agent.task.id)?.status ?? 'running',
        );
      if (list[next.length] !== agent) roster = true;
      next.push(agent);
    }
    for (const agent of list) {
      if (seen.has(agent.id)) continue;
      byId.delete(agent.id);
      if (bySlug.get(agent.slug) === agent) bySlug.delete(agent.slug);
      fromProps.delete(agent.id);
      streams.delete(agent.id);
      roster = true;
      any = true;
    }
    list = next;
    if (roster) rosterVersion++;
    if (any || roster) {
      changed();
      notify();
    }
    return any || roster;
  }

  function agentForTask(taskId: unknown): LiveAgent | undefined {
    const id = string(taskId);
    if (!id) return undefined;
    const known = knownTasks.get(id);
    return known ? byId.get(known.agentId) : undefined;
  }

  function applyTask(type: string, data: Json, live: boolean): boolean {
    const task = record(data.task);
    const id = string(task?.id);
    const owner = record(task?.agent);
    const agent = byId.get(string(owner?.id) ?? '') ?? bySlug.get(string(owner?.slug) ?? '');
    if (!task || !id || !agent) return false;
    const title = string(task.title) ?? 'Untitled task';
    const progress = progressOf(task.progress);
    const status = string(task.status) ?? 'pending';
    const previous = knownTasks.get(id);
    rememberTask(id, agent.id, title, progress, status);
    const change = string(data.change);
    let touched = false;

    if (status === 'running' || agent.task?.id === id) {
      if (status === 'running' || status === 'blocked' || status === 'awaiting_approval') {
        agent.task = { id, title, progress };
      } else if (agent.task?.id === id) {
        // Finished, cancelled, failed, or sent back to the queue: no longer at the desk.
        agent.task = null;
      }
      touched = true;
    }
    if (status === 'awaiting_approval' && !(agent.awaitingApproval && agent.approvalTaskId === id)) {
      agent.awaitingApproval = true;
      agent.approvalTaskId = id;
      if (live) say(agent, 'alert', `Needs your approval: ${title}`);
      touched = true;
    } else if (status !== 'awaiting_approval' && agent.awaitingApproval && agent.approvalTaskId === id) {
      agent.awaitingApproval = false;
      agent.approvalTaskId = null;
      // The "needs your approval" bubble is answered: take it down.
      if (agent.bubble?.kind === 'alert') agent.bubble = null;
      touched = true;
    }
    agent.ring = ringOf(agent);

    const note = string(data.note);
    if (note) {
      if (live) say(agent, 'progress', note);
      else agent.latest = { kind: 'progress', text: clipText(note, BUBBLE_MAX_CHARS), toName: null };
      touched = true;
    }
    if (live && previous?.status !== status) {
      if (status === 'completed') touched = say(agent, 'done', `Done: ${title}`) || touched;
      else if (status === 'failed') touched = say(agent, 'alert', `Failed: ${title}`) || touched;
    }
    if (live && type === 'task.created' && !previous && change !== 'progress') {
      touched = say(agent, 'message', `New task: ${title}`) || touched;
    }
    return touched || previous?.title !== title || previous?.progress !== progress;
  }

  function applySteps(data: Json, live: boolean): boolean {
    const agent = agentForTask(data.task_id);
    if (!agent || !Array.isArray(data.steps)) return false;
    if (!live) return false;
    const runId = string(data.run_id);
    let touched = false;
    for (const raw of data.steps) {
      const step = record(raw);
      if (!step) continue;
      const type = step.type;
      if (type === 'text' || type === 'thinking') {
        const content = typeof step.content === 'string' ? step.content : '';
        if (!content.trim()) continue;
        think(agent, runId, type, content);
        touched = true;
      } else if (type === 'tool_use') {
        const tool = string(step.tool_name);
        if (tool !== 'delegate_task' && tool !== 'send_message') continue;
        const input = toolInput(step.content);
        const target = string(input.agent) ?? string(input.to) ?? string(input.recipient) ?? string(input.slug);
        const teammate = target ? (bySlug.get(target) ?? byId.get(target) ?? null) : null;
        const text =
          tool === 'delegate_task'
            ? (string(input.title) ?? string(input.description) ?? 'Can you take this?')
            : (string(input.body) ??
              string(input.message) ??
              string(input.content) ??
              string(input.text) ??
              'Sent a message');
        touched =
          say(agent, tool === 'delegate_task' ? 'delegate' : 'message', text, teammate === agent ? null : teammate) ||
          touched;
      }
    }
    return touched;
  }

  function applyMessage(data: Json, live: boolean): boolean {
    if (!live) return false;
    const sender = data.sender_type === 'agent' ? byId.get(string(data.sender_id) ?? '') : undefined;
    const recipient = byId.get(string(data.recipient_id) ?? '');
    let touched = false;
    if (sender) {
      // The send_message tool call usually said it already, with the words.
      const recent =
        sender.bubble &&
        now() - sender.bubble.bornAt < 4000 &&
        (sender.bubble.kind === 'message' || sender.bubble.kind === 'delegate');
      if (!recent)
        touched = say(
          sender,
          'message',
          recipient ? `Message for ${recipient.name}` : 'Sent a message',
          recipient ?? null,
        );
    }
    if (recipient && recipient !== sender) {
      const from = sender ? sender.name : data.sender_type === 'agent' ? 'a teammate' : 'you';
      touched = say(recipient, 'message', `New message from ${from}`) || touched;
    }
    return touched;
  }

  function applyApproval(data: Json, live: boolean): boolean {
    const task = record(data.task);
    const agent =
      byId.get(string(data.agent_id) ?? '') ??
      agentForTask(data.task_id) ??
      agentForTask(task?.id) ??
      byId.get(string(record(task?.agent)?.id) ?? '');
    if (!agent) return false;
    agent.awaitingApproval = true;
    agent.approvalTaskId = string(data.task_id) ?? string(task?.id) ?? agent.approvalTaskId;
    agent.ring = ringOf(agent);
    if (live) say(agent, 'alert', 'Needs your approval');
    return true;
  }

  function applyOne(event: OfficeEvent, options: ApplyOptions): boolean {
    if (!event || typeof event.seq !== 'number' || !Number.isFinite(event.seq) || event.seq <= lastSeq) return false;
    lastSeq = event.seq;
    const data = record(event.data);
    if (!data) return false;
    const live = !options.history;
    switch (event.type) {
      case 'agent.status': {
        const agent = byId.get(string(data.agent_id) ?? '') ?? bySlug.get(string(data.slug) ?? '');
        const status = statusOf(data.status);
        if (!agent || !status) return false;
        const taskId = string(data.task_id);
        if (taskId) {
          const known = knownTasks.get(taskId);
          if (!known || known.agentId === agent.id)
            rememberTask(taskId, agent.id, known?.title ?? '', known?.progress ?? 0, known?.status ?? 'running');
          if (agent.task?.id !== taskId && known?.title)
            agent.task = { id: taskId, title: known.title, progress: known.progress };
        }
        if (agent.status === status && !taskId) return false;
        setStatus(agent, status);
        return true;
      }
      case 'task.created':
      case 'task.updated':
        return applyTask(event.type, data, live);
      case 'run.step':
        return applySteps(data, live);
      case 'message.created':
        return applyMessage(data, live);
      case 'approval.requested':
        return applyApproval(data, live);
      default:
        return false;
    }
  }

  function apply(event: OfficeEvent, options: ApplyOptions = {}): boolean {
    const touched = applyOne(event, options);
    if (touched) {
      changed();
      notify();
    }
    return touched;
  }

  function ingest(events: readonly OfficeEvent[], options: ApplyOptions = {}): number {
    let start = events.length;
    while (start > 0) {
      const seq = events[start - 1]?.seq;
      if (typeof seq === 'number' && seq <= lastSeq) break;
      start--;
    }
    let applied = 0;
    let touched = false;
    for (let i = start; i < events.length; i++) {
      const before = lastSeq;
      touched = applyOne(events[i]!, options) || touched;
      if (lastSeq !== before) applied++;
    }
    if (touched) {
      changed();
      notify();
    }
    return applied;
  }

  function frame(at: number, reducedMotion = false): boolean {
    let fading = false;
    for (let i = 0; i < list.length; i++) {
      const agent = list[i]!;
      const bubble = agent.bubble;
      if (bubble) {
        if (at >= bubble.expiresAt) {
          agent.bubble = null;
          agent.bubbleAlpha = 0;
        } else if (reducedMotion) {
          agent.bubbleAlpha = 1;
        } else {
          const alpha = Math.min(1, Math.max(0, (at - bubble.bornAt) / fadeInMs), (bubble.expiresAt - at) / fadeOutMs);
          agent.bubbleAlpha = alpha;
          if (alpha < 1) fading = true;
        }
      } else {
        agent.bubbleAlpha = 0;
      }
      const thought = agent.thought;
      if (thought) {
        if (at >= thought.expiresAt) {
          agent.thought = null;
          agent.thoughtAlpha = 0;
        } else if (reducedMotion) {
          agent.thoughtAlpha = 1;
        } else {
          const alpha = Math.min(
            1,
            Math.max(0, (at - thought.updatedAt) / fadeInMs),
            (thought.expiresAt - at) / fadeOutMs,
          );
          agent.thoughtAlpha = alpha;
          if (alpha < 1) fading = true;
        }
      } else {
        agent.thoughtAlpha = 0;
      }
    }
    return fading;
  }

  function nextChangeAt(at: number, reducedMotion = false): number {
    let next = Infinity;
    const consider = (bornAt: number, expiresAt: number) => {
      const fadeOutStart = expiresAt - fadeOutMs;
      const candidates = reducedMotion ? [expiresAt] : [bornAt + fadeInMs, fadeOutStart, expiresAt];
      for (const t of candidates) if (t > at && t < next) next = t;
    };
    for (const agent of list) {
      if (agent.bubble) consider(agent.bubble.bornAt, agent.bubble.expiresAt);
      if (agent.thought) consider(agent.thought.updatedAt, agent.thought.expiresAt);
    }
    return next;
  }

  function snapshot(): OfficeSnapshot {
    if (cached) return cached;
    const agents: OfficeSnapshotAgent[] = list.map((agent) => ({
      id: agent.id,
      slug: agent.slug,
      name: agent.name,
      role: agent.role,
      color: agent.color,
      status: agent.status,
      awaitingApproval: agent.awaitingApproval,
      task: agent.task ? { ...agent.task } : null,
      latest: agent.latest ? { ...agent.latest } : null,
    }));
    cached = { version, agents, summary: describeOffice(agents) };
    return cached;
  }

  setAgents(initialAgents);

  return {
    get lastSeq() {
      return lastSeq;
    },
    get version() {
      return version;
    },
    get rosterVersion() {
      return rosterVersion;
    },
    get agents() {
      return list;
    },
    get: (id) => byId.get(id),
    setAgents,
    apply,
    ingest,
    frame,
    nextChangeAt,
    hasWorking() {
      for (let i = 0; i < list.length; i++) if (list[i]!.status === 'working') return true;
      return false;
    },
    snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
