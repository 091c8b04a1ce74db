/**
 * Messages and approvals: a person's message to an agent (stored in a thread and given to the
 * agent as a task), and a person's decision on an agent's external draft.
 */
import { eq, inArray } from 'drizzle-orm';
import { requireAgent } from '../core/agents';
import { messages, tasks, threads, toolCalls } from '../core/db/org-schema';
import { ApiError } from '../core/errors';
import { newId } from '../core/ids';
import type { Actor } from '../core/tenant';
import { titleFrom } from '../core/tasks';
import type { EngineHost, PublishingStore } from './engine-host';
import type { TaskEngine } from './task-engine';

export class MessageCommands {
  constructor(private readonly engine: TaskEngine) {}

  private get scope(): PublishingStore {
    return this.engine.scope;
  }

  private get host(): EngineHost {
    return this.engine.host;
  }

  async postMessage(actor: Actor, input: { agent: string; body: string; thread_id?: string | null }) {
    const scope = this.scope;
    const agent = await requireAgent(scope, input.agent);
    let threadId = input.thread_id ?? null;
    const now = Date.now();
    if (threadId) {
      if (!(await scope.first(threads, eq(threads.id, threadId))))
        throw new ApiError('not_found', 'No such thread.', [{ field: 'thread_id', message: 'Unknown thread.' }]);
    }
    const statements = [];
    if (!threadId) {
      threadId = newId('thr', now);
      statements.push(scope.insertRows(threads, { id: threadId, subject: titleFrom(input.body), kind: 'human_agent' }));
    }
    const messageId = newId('msg', now);
    statements.push(
      scope.insertRows(messages, {
        id: messageId,
        threadId,
        senderType: actor.type === 'user' || actor.type === 'api_key' ? actor.type : 'system',
        senderId: actor.id,
        recipientType: 'agent',
        recipientId: agent.id,
        type: 'direct',
        body: input.body,
      }),
      scope.updateRows(threads, { updatedAt: now }, eq(threads.id, threadId)),
      this.engine.record(
        'message.created',
        actor,
        { type: 'message', id: messageId },
        { message_id: messageId, thread_id: threadId, sender_type: actor.type, recipient_id: agent.id },
      ),
    );
    await scope.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
    const { task } = await this.engine.createTask(
      actor,
      { agent: agent.id, description: input.body, priority: 'normal', depends_on: [], max_attempts: 3 },
      null,
      {
        metadata: { thread_id: threadId, message_id: messageId },
      },
    );
    await scope.updateRows(messages, { taskId: task.id }, eq(messages.id, messageId));
    return { thread_id: threadId, message_id: messageId, task };
  }
  /** A human approves or rejects an agent's external draft or tool call; the task continues or ends. */
  async decideApproval(actor: Actor, approvalId: string, decision: 'approved' | 'rejected', note: string | null) {
    const scope = this.scope;
    const draft = await scope.first(
      messages,
      eq(messages.id, approvalId),
      inArray(messages.type, ['external_draft', 'tool_call']),
    );
    if (!draft) throw new ApiError('not_found', 'No such approval.');
    const toolCall = draft.type === 'tool_call';
    if (draft.approvalStatus !== 'pending')
      throw new ApiError('conflict', `This draft was already ${draft.approvalStatus}.`);
    const now = Date.now();
    await scope.batch([
      scope.updateRows(
        messages,
        { approvalStatus: decision, decidedBy: actor.id, decidedAt: now },
        eq(messages.id, draft.id),
      ),
      ...(toolCall ? [scope.updateRows(toolCalls, { status: decision, note }, eq(toolCalls.id, draft.id))] : []),
      this.engine.record(
        'approval.decided',
        actor,
        { type: 'message', id: draft.id },
        { approval_id: draft.id, task_id: draft.taskId, decision, note, kind: draft.type },
      ),
    ]);
    if (draft.taskId) {
      const task = await scope.first(tasks, eq(tasks.id, draft.taskId));
      const stillWaiting = await scope.count(
        messages,
        eq(messages.taskId, draft.taskId),
        inArray(messages.type, ['external_draft', 'tool_call']),
        eq(messages.approvalStatus, 'pending'),
      );
      if (task?.status === 'awaiting_approval' && stillWaiting === 0) {
        // A refused tool call goes back to the agent (it continues without it); a refused draft ends the task.
        const next =
          decision === 'approved' || toolCall
            ? { status: 'pending' as const, maxAttempts: task.maxAttempts + 1 }
            : {
                status: 'failed' as const,
                error: `The external draft was rejected${note ? `: ${note}` : '.'}`,
                completedAt: now,
              };
        await scope.batch([scope.updateRows(tasks, { ...next, updatedAt: now }, eq(tasks.id, task.id))]);
        await this.engine.publishTask('task.updated', task.id, actor, {
          change: decision === 'approved' ? 'approval_granted' : 'approval_rejected',
        });
        if (decision === 'rejected') await this.engine.blockDependents(task.id, 'failed', actor);
        await this.engine.admit();
      }
    }
    const decidedRow = (await scope.first(messages, eq(messages.id, draft.id)))!;
    return {
      approval: {
        id: decidedRow.id,
        status: decision as string,
        task_id: decidedRow.taskId,
        decided_at: new Date(now).toISOString(),
      },
      /** An approved draft to email: the hub sends it after this transition (it waits on D1 and the Queue). */
      approvedDraft: decision === 'approved' ? draft : null,
    };
  }
}
