/**
 * The live office's contract: what the page passes in (agents from the loader, events from
 * the org's live socket) and what the state store hands to the renderer and the list view.
 */

export type OfficeAgentStatus = 'idle' | 'working' | 'blocked' | 'offline' | 'paused';

export interface OfficeTask {
  id: string;
  title: string;
  /** Percent complete, 0-100. */
  progress: number;
}

/** One agent as the overview loader returns it (the `/v1/agents` view plus its current task). */
export interface OfficeAgent {
  id: string;
  slug: string;
  name: string;
  role: string;
  status: OfficeAgentStatus;
  avatar_color: string;
  /** Grid cell of the agent's desk; the office is drawn from these. */
  desk: { x: number; y: number };
  current_task?: OfficeTask | null;
  awaiting_approval?: boolean;
}

/**
 * A frame from `/v1/live` (docs/architecture.md, Live protocol). `data` stays `unknown` here: the store reads only the
 * fields it needs and ignores anything malformed, so a new event type never breaks the view.
 */
export interface OfficeEvent {
  seq: number;
  type: string;
  at?: string;
  data?: unknown;
}

/** Alternative to the `events` array: the office registers a listener and gets live events pushed. */
export type OfficeSubscribe = (listener: (event: OfficeEvent) => void) => () => void;

export type BubbleKind = 'progress' | 'message' | 'delegate' | 'done' | 'alert';

export interface OfficeBubble {
  kind: BubbleKind;
  text: string;
  /** The teammate a delegation or message is addressed to, when it is one of the agents shown. */
  toAgentId: string | null;
  toName: string | null;
  bornAt: number;
  expiresAt: number;
  /** Wrapped lines, filled in by the renderer once (measuring needs a canvas). */
  lines: string[] | null;
  /** Width of the widest wrapped line (or of the "→ name" header), with `lines`. */
  linesWidth: number;
}

export interface OfficeThought {
  kind: 'text' | 'thinking';
  /** The last ~60 characters of the streamed text, as shown. */
  text: string;
  updatedAt: number;
  expiresAt: number;
  /** Renderer cache keyed on `text` (width, gradient); reset whenever the text changes. */
  cache: unknown;
}

/** The ring around an agent's head; approval wins over the agent's own status. */
export type RingKind = 'idle' | 'working' | 'blocked' | 'approval' | 'paused' | 'offline';

/**
 * One agent's live record. The store mutates these in place (the renderer reads them every
 * frame without allocating); React reads the immutable `OfficeSnapshot` instead.
 */
export interface LiveAgent {
  id: string;
  slug: string;
  name: string;
  role: string;
  color: string;
  desk: { x: number; y: number };
  status: OfficeAgentStatus;
  task: OfficeTask | null;
  awaitingApproval: boolean;
  /** The task that put the agent in awaiting approval, so leaving that state can clear it. */
  approvalTaskId: string | null;
  ring: RingKind;
  bubble: OfficeBubble | null;
  thought: OfficeThought | null;
  /** Drawing opacity of the bubble and the thought trail at the last `frame(now)`. */
  bubbleAlpha: number;
  thoughtAlpha: number;
  /** The most recent bubble's text, kept after the bubble fades (the list view shows it). */
  latest: { kind: BubbleKind; text: string; toName: string | null } | null;
}

export interface OfficeSnapshotAgent {
  id: string;
  slug: string;
  name: string;
  role: string;
  color: string;
  status: OfficeAgentStatus;
  awaitingApproval: boolean;
  task: OfficeTask | null;
  latest: { kind: BubbleKind; text: string; toName: string | null } | null;
}

/** What the accessible list and the canvas's label show; a new object only when something changed. */
export interface OfficeSnapshot {
  version: number;
  agents: readonly OfficeSnapshotAgent[];
  summary: string;
}
