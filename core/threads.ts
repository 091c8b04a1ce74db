/**
 * Reads of message threads through the org-scoped layer: the list of threads with who each
 * one is with and its latest message, and one thread with its messages. Writes (a human's
 * message, which becomes a task, and the agent's reply) happen in the OrgHub.
 */
import { asc, desc, eq, inArray, lt } from 'drizzle-orm';
import type { OrgScope } from './db/scoped';
import { messages, threads } from './db/schema';
import { ApiError } from './errors';

export type Thread = typeof threads.$inferSelect;
export type Message = typeof messages.$inferSelect;

export interface MessageEntry {
  id: string;
  threadId: string;
  sender: { type: Message['senderType']; id: string | null };
  recipient: { type: Message['recipientType']; id: string | null };
  type: Message['type'];
  body: string;
  taskId: string | null;
  createdAt: number;
}

export interface ThreadSummary {
  id: string;
  subject: string;
  kind: Thread['kind'];
  /** The agent a human is talking to: the recipient of the thread's first message to an agent. */
  agentId: string | null;
  lastMessage: MessageEntry | null;
  messageCount: number;
  createdAt: number;
  updatedAt: number;
}

function messageEntry(row: Message): MessageEntry {
  return {
    id: row.id,
    threadId: row.threadId,
    sender: { type: row.senderType, id: row.senderId },
    recipient: { type: row.recipientType, id: row.recipientId },
    type: row.type,
    body: row.body,
    taskId: row.taskId,
    createdAt: row.createdAt,
  };
}

function agentOf(rows: Message[]): string | null {
  const toAgent = rows.find((row) => row.recipientType === 'agent');
  if (toAgent) return toAgent.recipientId;
  return rows.find((row) => row.senderType === 'agent')?.senderId ?? null;
}

/** Threads, most recently active first, with their agent and latest message. */
export async function listThreads(scope: OrgScope, options: { limit?: number; cursor?: string } = {}): Promise<{ data: ThreadSummary[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 30, 1), 100);
  // Ordered by id (creation) so the cursor is stable; updatedAt sorts the page itself.
  const rows = await scope
    .select(threads, options.cursor ? lt(threads.id, options.cursor) : undefined)
    .orderBy(desc(threads.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  if (page.length === 0) return { data: [], nextCursor: null };
  const all = await scope.select(messages, inArray(messages.threadId, page.map((t) => t.id))).orderBy(asc(messages.id));
  const byThread = new Map<string, Message[]>();
  for (const row of all) byThread.set(row.threadId, [...(byThread.get(row.threadId) ?? []), row]);
  const data = page
    .map((thread) => {
      const rowsOf = byThread.get(thread.id) ?? [];
      const last = rowsOf[rowsOf.length - 1];
      return {
        id: thread.id,
        subject: thread.subject,
        kind: thread.kind,
        agentId: agentOf(rowsOf),
        lastMessage: last ? messageEntry(last) : null,
        messageCount: rowsOf.length,
        createdAt: thread.createdAt,
        updatedAt: thread.updatedAt,
      };
    })
    .sort((a, b) => b.updatedAt - a.updatedAt);
  return { data, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
}

/** One thread and its messages, oldest first; another org's thread is a 404. */
export async function getThread(scope: OrgScope, id: string) {
  const thread = await scope.first(threads, eq(threads.id, id));
  if (!thread) throw new ApiError('not_found', 'No such thread.');
  const rows = await scope.select(messages, eq(messages.threadId, thread.id)).orderBy(asc(messages.id)).limit(500);
  return {
    id: thread.id,
    subject: thread.subject,
    kind: thread.kind,
    agentId: agentOf(rows),
    createdAt: thread.createdAt,
    updatedAt: thread.updatedAt,
    messages: rows.map(messageEntry),
  };
}
