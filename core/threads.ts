/**
 * Reads of message threads through the org-scoped layer: the list of threads with who each
 * one is with and its latest message, and one thread with its messages. Writes (a human's
 * message, which becomes a task, and the agent's reply) happen in the OrgHub.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { OrgStore } from './db/org-store';
import { messages, threads } from './db/org-schema';
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

/** The most recently active threads, with their agent, latest message and message count. */
export async function listThreads(scope: OrgStore, options: { limit?: number } = {}): Promise<ThreadSummary[]> {
  const limit = Math.min(Math.max(options.limit ?? 30, 1), 100);
  const page = await scope.select(threads).orderBy(desc(threads.updatedAt), desc(threads.id)).limit(limit);
  if (page.length === 0) return [];
  const ids = page.map((thread) => thread.id);
  // Per thread: its newest message id, its size, and the agent a person wrote to (one query each, however long the threads).
  const [stats, recipients] = await Promise.all([
    scope
      .selectFields(
        { threadId: messages.threadId, lastId: sql<string>`max(${messages.id})`, count: sql<number>`count(*)` },
        messages,
        inArray(messages.threadId, ids),
      )
      .groupBy(messages.threadId),
    scope
      .selectFields(
        { threadId: messages.threadId, agentId: sql<string | null>`min(${messages.recipientId})` },
        messages,
        inArray(messages.threadId, ids),
        eq(messages.recipientType, 'agent'),
      )
      .groupBy(messages.threadId),
  ]);
  const lastIds = stats.map((row) => row.lastId).filter(Boolean);
  const lastRows = lastIds.length ? await scope.select(messages, inArray(messages.id, lastIds)) : [];
  const lastById = new Map(lastRows.map((row) => [row.id, row]));
  const statsOf = new Map(stats.map((row) => [row.threadId, row]));
  const agentOfThread = new Map(recipients.map((row) => [row.threadId, row.agentId]));
  return page.map((thread) => {
    const stat = statsOf.get(thread.id);
    const last = stat ? lastById.get(stat.lastId) : undefined;
    return {
      id: thread.id,
      subject: thread.subject,
      kind: thread.kind,
      agentId: agentOfThread.get(thread.id) ?? (last?.senderType === 'agent' ? last.senderId : null),
      lastMessage: last ? messageEntry(last) : null,
      messageCount: Number(stat?.count ?? 0),
      createdAt: thread.createdAt,
      updatedAt: thread.updatedAt,
    };
  });
}

/**
 * The thread a completed task answers in, or null. Only a task the engine created from a
 * person's message has one: its `metadata.thread_id` must name a thread of this org, and
 * `metadata.message_id` the message in that thread that the engine linked to this very task.
 * Caller-supplied metadata can never route a reply (TaskInput refuses the reserved keys), and
 * this check holds even for tasks stored before that rule.
 */
export async function replyThreadOf(
  scope: OrgStore,
  task: { id: string; metadata: Record<string, unknown> | null },
): Promise<string | null> {
  const threadId = task.metadata?.thread_id;
  const messageId = task.metadata?.message_id;
  if (typeof threadId !== 'string' || typeof messageId !== 'string') return null;
  const thread = await scope.first(threads, eq(threads.id, threadId));
  if (!thread) return null;
  const origin = await scope.first(
    messages,
    and(eq(messages.id, messageId), eq(messages.threadId, thread.id), eq(messages.taskId, task.id)),
  );
  return origin ? thread.id : null;
}

/** How many of a thread's messages the dashboard shows: the latest ones. */
export const THREAD_PAGE_MESSAGES = 500;

/**
 * One thread and its latest messages, oldest first; another org's thread is a 404. `earlier`
 * says older messages were left out, so the page can say so rather than end mid-conversation.
 */
export async function getThread(scope: OrgStore, id: string) {
  const thread = await scope.first(threads, eq(threads.id, id));
  if (!thread) throw new ApiError('not_found', 'No such thread.');
  const newest = await scope
    .select(messages, eq(messages.threadId, thread.id))
    .orderBy(desc(messages.id))
    .limit(THREAD_PAGE_MESSAGES + 1);
  const rows = newest.slice(0, THREAD_PAGE_MESSAGES).reverse();
  return {
    id: thread.id,
    subject: thread.subject,
    kind: thread.kind,
    agentId: agentOf(rows),
    createdAt: thread.createdAt,
    updatedAt: thread.updatedAt,
    messages: rows.map(messageEntry),
    earlier: newest.length > THREAD_PAGE_MESSAGES,
  };
}
