/**
 * What the agent tools do, for one run: every effect goes through the org-scoped data layer
 * of the run's own org, so nothing a model writes (ids, slugs, text in tasks) can reach
 * another organization. Results are short, plain text the model reads back.
 */
import { desc, eq, inArray, isNull } from 'drizzle-orm';
import { findAgent } from '../core/agents';
import type { OrgStore, Statement } from '../core/db/org-store';
import type { OrgEventType } from '../core/events';
import { agentNotes, agents, messages, tasks, threads, toolCalls } from '../core/db/org-schema';
import { newId } from '../core/ids';
import type { JsonObject } from '../core/json';
import type { CoreToolContext } from '../core/runtime/tools';
import type { ToolOutcome } from '../core/runtime/run-loop';
import { titleFrom } from '../core/tasks';

type AgentRow = typeof agents.$inferSelect;
type TaskRow = typeof tasks.$inferSelect;

const MAX_NOTES_PER_AGENT = 50;

export interface EffectsHost {
  scope: OrgStore;
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Writes an activity row and emits the event (returns the insert for a batch). */
  record(
    type: OrgEventType,
    actor: { type: 'agent'; id: string },
    subject: { type: string; id: string },
    data: JsonObject,
  ): Statement;
}

export function agentToolEffects(
  host: EffectsHost,
  agent: AgentRow,
  task: TaskRow,
): Omit<CoreToolContext, 'agent' | 'task' | 'roster' | 'progress' | 'delegate'> & {
  /** Policy `ask`: the exact call waits for a person (a `tool_call` approval); the run pauses. */
  requestToolCall(toolName: string, input: unknown): Promise<ToolOutcome>;
} {
  const { scope } = host;
  const actor = { type: 'agent' as const, id: agent.id };

  const threadFor = async (kind: 'agent_agent' | 'human_agent', subject: string): Promise<string> => {
    // One thread per task and kind keeps a task's conversation together.
    const existing = await scope.first(messages, eq(messages.taskId, task.id), eq(messages.senderId, agent.id));
    if (existing) {
      const thread = await scope.first(threads, eq(threads.id, existing.threadId), eq(threads.kind, kind));
      if (thread) return thread.id;
    }
    const id = newId('thr');
    await scope.insertRows(threads, { id, subject: titleFrom(subject), kind });
    return id;
  };

  return {
    sendMessage: ({ to, body }) =>
      host.exclusive(async (): Promise<ToolOutcome> => {
        const toHumans = to.toLowerCase() === 'humans';
        const recipient = toHumans ? null : await findAgent(scope, to);
        if (!toHumans && !recipient) return { content: `No teammate "${to}". Use list_agents.`, isError: true };
        if (recipient?.id === agent.id) return { content: 'You cannot message yourself.', isError: true };
        const threadId = await threadFor(toHumans ? 'human_agent' : 'agent_agent', task.title);
        const id = newId('msg');
        await scope.batch([
          scope.insertRows(messages, {
            id,
            threadId,
            senderType: 'agent',
            senderId: agent.id,
            recipientType: toHumans ? 'humans' : 'agent',
            recipientId: recipient?.id ?? null,
            type: 'direct',
            body,
            taskId: task.id,
          }),
          scope.updateRows(threads, { updatedAt: Date.now() }, eq(threads.id, threadId)),
          host.record(
            'message.created',
            actor,
            { type: 'message', id },
            {
              message_id: id,
              thread_id: threadId,
              sender_type: 'agent',
              sender_id: agent.id,
              recipient_id: recipient?.id ?? null,
              task_id: task.id,
              preview: body.slice(0, 140),
            },
          ),
        ]);
        return { content: `Sent to ${recipient ? recipient.name : 'the humans'}.` };
      }),

    readMessages: () =>
      host.exclusive(async (): Promise<ToolOutcome> => {
        const unread = await scope
          .select(
            messages,
            eq(messages.recipientType, 'agent'),
            eq(messages.recipientId, agent.id),
            isNull(messages.readAt),
          )
          .orderBy(messages.id)
          .limit(20);
        if (!unread.length) return { content: 'No unread messages.' };
        await scope.updateRows(
          messages,
          { readAt: Date.now() },
          inArray(
            messages.id,
            unread.map((m) => m.id),
          ),
        );
        const senders = await scope.selectFields(
          { id: agents.id, name: agents.name },
          agents,
          inArray(
            agents.id,
            unread.map((m) => m.senderId ?? ''),
          ),
        );
        const nameOf = (id: string | null) => senders.find((s) => s.id === id)?.name ?? 'a human';
        return {
          content: unread
            .map((m) => `From ${m.senderType === 'agent' ? nameOf(m.senderId) : 'a human'}: ${m.body}`)
            .join('\n---\n'),
        };
      }),

    listTasks: async ({ status, agent: ref }): Promise<ToolOutcome> => {
      const who = ref ? await findAgent(scope, ref) : undefined;
      if (ref && !who) return { content: `No teammate "${ref}".`, isError: true };
      const rows = await scope
        .select(tasks, status ? eq(tasks.status, status) : undefined, who ? eq(tasks.agentId, who.id) : undefined)
        .orderBy(desc(tasks.id))
        .limit(20);
      if (!rows.length) return { content: 'No tasks match.' };
      return { content: rows.map((t) => `${t.id} [${t.status}] ${t.title}`).join('\n') };
    },

    getTask: async ({ id }): Promise<ToolOutcome> => {
      const found = await scope.first(tasks, eq(tasks.id, id));
      // The same answer for "not yours" and "does not exist".
      if (!found) return { content: `No task ${id} in your organization.`, isError: true };
      return {
        content: `${found.id} [${found.status}] ${found.title}\n${found.description.slice(0, 2_000)}${found.result ? `\nResult: ${found.result.slice(0, 2_000)}` : ''}`,
      };
    },

    remember: ({ key, content }) =>
      host.exclusive(async (): Promise<ToolOutcome> => {
        const existing = await scope.first(agentNotes, eq(agentNotes.agentId, agent.id), eq(agentNotes.key, key));
        if (!existing && (await scope.count(agentNotes, eq(agentNotes.agentId, agent.id))) >= MAX_NOTES_PER_AGENT) {
          return { content: `You have ${MAX_NOTES_PER_AGENT} notes; replace one (same key) instead.`, isError: true };
        }
        if (existing)
          await scope.updateRows(agentNotes, { content, updatedAt: Date.now() }, eq(agentNotes.id, existing.id));
        else await scope.insertRows(agentNotes, { id: newId('not'), agentId: agent.id, key, content });
        return { content: `Saved note "${key}".` };
      }),

    recall: async ({ key }): Promise<ToolOutcome> => {
      if (key) {
        const note = await scope.first(agentNotes, eq(agentNotes.agentId, agent.id), eq(agentNotes.key, key));
        return note ? { content: note.content } : { content: `No note "${key}".`, isError: true };
      }
      const notes = await scope.select(agentNotes, eq(agentNotes.agentId, agent.id)).orderBy(agentNotes.key);
      return {
        content: notes.length ? notes.map((n) => `${n.key}: ${n.content.slice(0, 200)}`).join('\n') : 'No notes yet.',
      };
    },

    requestToolCall: (toolName, input) =>
      host.exclusive(async (): Promise<ToolOutcome> => {
        const threadId = await threadFor('human_agent', task.title);
        const id = newId('msg');
        const args = JSON.stringify(input ?? {}, null, 2);
        const body = [`Tool: \`${toolName}\``, '', 'Arguments:', '', '```json', args.slice(0, 8_000), '```'].join('\n');
        await scope.batch([
          scope.insertRows(messages, {
            id,
            threadId,
            senderType: 'agent',
            senderId: agent.id,
            recipientType: 'humans',
            recipientId: null,
            type: 'tool_call',
            body,
            taskId: task.id,
            approvalStatus: 'pending',
          }),
          scope.insertRows(toolCalls, { id, taskId: task.id, agentId: agent.id, toolName, input: input ?? {} }),
          host.record(
            'approval.requested',
            actor,
            { type: 'message', id },
            { approval_id: id, task_id: task.id, agent_id: agent.id, kind: 'tool_call', tool: toolName },
          ),
        ]);
        return {
          content: `The call of ${toolName} (${id}) is waiting for a human's approval. Your task resumes when they decide.`,
          awaitApproval: true,
        };
      }),

    draftExternal: ({ channel, to, subject, body }) =>
      host.exclusive(async (): Promise<ToolOutcome> => {
        const threadId = await threadFor('human_agent', subject ?? task.title);
        const id = newId('msg');
        const draft = [`Channel: ${channel}`, `To: ${to}`, subject ? `Subject: ${subject}` : null, '', body]
          .filter((line) => line !== null)
          .join('\n');
        await scope.batch([
          scope.insertRows(messages, {
            id,
            threadId,
            senderType: 'agent',
            senderId: agent.id,
            recipientType: 'external',
            recipientId: null,
            type: 'external_draft',
            body: draft,
            taskId: task.id,
            approvalStatus: 'pending',
          }),
          host.record(
            'approval.requested',
            actor,
            { type: 'message', id },
            { approval_id: id, task_id: task.id, agent_id: agent.id, channel, to, subject: subject ?? null },
          ),
        ]);
        return {
          content: `Draft ${id} is waiting for a human's approval. Your task resumes when they decide.`,
          awaitApproval: true,
        };
      }),
  };
}

/** Decided drafts of a task, for the next run's prompt. */
export async function approvalsOf(scope: OrgStore, taskId: string) {
  return scope.statements.decidedApprovalsOf.all({ taskId });
}

/** Tool calls of a task that a person decided and the agent has not been told of yet, or all decided ones. */
export async function decidedToolCallsOf(scope: OrgStore, taskId: string) {
  return scope.statements.decidedToolCallsOf.all({ taskId });
}
