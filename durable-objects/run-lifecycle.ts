/**
 * A run's life inside the OrgHub: claim a delivered task, choose the model, run the agent loop
 * (outside the exclusive section), apply the outcome (status, usage, dependents), and recover:
 * abandoned runs, the watchdog, dead letters.
 */
import { replyThreadOf } from '../core/threads';
import type { TaskChange } from '../core/events';
import { eq, inArray, sql } from 'drizzle-orm';
import { agentRuns, type agents, messages, runSteps, tasks, threads, toolCalls } from '../core/db/org-schema';
import { bound } from '../core/db/org-store';
import { newId } from '../core/ids';
import type { RunTaskMessage } from '../core/queue-messages';
import { type RunStep, runAgentLoop, type ToolSet } from '../core/runtime/run-loop';
import { AnthropicProvider } from '../core/runtime/anthropic-provider';
import { costMicroUsd, DEFAULT_MODEL, serverToolCostMicroUsd } from '../core/runtime/pricing';
import { applyToolPolicies, policyFor } from '../core/runtime/tool-policy';
import { SIMULATED_MODEL_ID, SimulatedModel } from '../core/runtime/simulated-model';
import type { ModelProvider } from '../core/runtime/types';
import { loadConfig } from '../core/config';
import { agentToolEffects, approvalsOf, decidedToolCallsOf } from './agent-tool-effects';
import { delegate, delegationDepth, MAX_DELEGATION_DEPTH } from './delegation';
import { McpToolbox } from './mcp-toolbox';
import { buildSystemPrompt, buildTaskPrompt } from '../core/runtime/prompt';
import { coreTools } from '../core/runtime/tools';
import { isFinal, type Task } from '../core/tasks';
import { type EngineHost, monthPeriod, type PublishingStore } from './engine-host';
import type { TaskEngine } from './task-engine';

const STEP_CHUNK_CHARS = 32_000;
/**
 * A run's steps are written in batches: after this many, or once this long has passed since
 * the last write, so a page opened mid-run (and `GET /v1/runs/:id/steps`) is at most about a
 * second behind the live events. A quick run writes them once, at its end.
 */
const STEP_FLUSH_EVERY = 20;
const STEP_FLUSH_MS = 1_000;
const QUEUED_RESEND_AFTER_MS = 2 * 60_000;

/** Backoff before retry attempt N+1: 5 s, 20 s, 80 s … capped at 10 minutes. */
export function retryBackoffMs(attempts: number): number {
  return Math.min(10 * 60_000, 5_000 * 4 ** Math.max(0, attempts - 1));
}

interface ActiveRun {
  runId: string;
  abort: AbortController;
}

/** Which model a run uses: the org's own key, else the platform key, else the simulated model. */
interface ProviderChoice {
  kind: 'anthropic' | 'simulated';
  model: string;
  apiKey: string | null;
  keySource: 'org' | 'platform' | null;
}

/** A claimed run, as startRun leaves it: the task and agent as they now are. */
interface StartedRun {
  task: Task;
  agent: typeof agents.$inferSelect;
  runId: string;
  abort: AbortController;
  choice: ProviderChoice;
}

export class RunLifecycle {
  constructor(private readonly engine: TaskEngine) {}

  private mcpToolbox: McpToolbox | null = null;

  /** The org's MCP connections (their tools for runs, and the admin commands). */
  get mcp(): McpToolbox {
    this.mcpToolbox ??= new McpToolbox(this.engine);
    return this.mcpToolbox;
  }

  private get scope(): PublishingStore {
    return this.engine.scope;
  }

  private get host(): EngineHost {
    return this.engine.host;
  }

  /** Runs in progress in this instance, by task id. */
  readonly runs = new Map<string, ActiveRun>();
  private readonly runAgents = new Map<string, string>();

  activeRunCount(): number {
    return this.runs.size;
  }

  /** Claims a queued task for a delivered (task, attempt): running, a run row, agent working. */
  async startRun(message: RunTaskMessage): Promise<StartedRun | null> {
    const scope = this.scope;
    const { statements } = scope;
    const task = statements.taskById.get({ id: message.taskId });
    if (task?.status !== 'queued' || task.attempts !== message.attempt) return null;
    const agent = statements.agentById.get({ id: task.agentId });
    if (!agent) return null;
    const now = Date.now();
    const runId = newId('run', now);
    const choice = await this.chooseProvider(agent);
    const abort = new AbortController();
    await this.engine.publishTask(
      'task.updated',
      task.id,
      { type: 'system', id: null },
      { change: 'started', run_id: runId, provider: choice.kind, model: choice.model },
      {
        writes: [
          bound(statements.startTask, { id: task.id, now }),
          bound(statements.insertRun, {
            id: runId,
            taskId: task.id,
            agentId: agent.id,
            attempt: message.attempt,
            provider: choice.kind,
            model: choice.model,
            now,
          }),
          bound(statements.setAgentStatus, { id: agent.id, status: 'working', now }),
          this.engine.record(
            'agent.status',
            { type: 'system', id: null },
            { type: 'agent', id: agent.id },
            { agent_id: agent.id, slug: agent.slug, status: 'working', task_id: task.id },
          ),
        ],
      },
    );
    this.runs.set(task.id, { runId, abort });
    this.runAgents.set(task.id, agent.id);
    this.host.markRunActive(task.id, message.attempt);
    return { task: { ...task, status: 'running' }, agent: { ...agent, status: 'working' }, runId, abort, choice };
  }

  private async chooseProvider(agent: typeof agents.$inferSelect): Promise<ProviderChoice> {
    const key = this.host.modelKey(agent.id);
    if (!key) return { kind: 'simulated', model: SIMULATED_MODEL_ID, apiKey: null, keySource: null };
    return {
      kind: 'anthropic',
      model: agent.model ?? this.host.org().defaultModel ?? DEFAULT_MODEL,
      apiKey: key.apiKey,
      keySource: key.source,
    };
  }

  /** Runs the agent loop for a started task (outside the exclusive section), then finalizes. */
  async executeRun({ task, agent, runId, abort, choice }: StartedRun): Promise<void> {
    const scope = this.scope;
    const { statements } = scope;
    const started = Date.now();
    const roster = statements.roster.all();
    const deps = await this.engine.dependencyStatuses(task.id);
    const depTasks = deps.length
      ? await scope.select(
          tasks,
          inArray(
            tasks.id,
            deps.map((d) => d.id),
          ),
        )
      : [];
    const parent = task.parentId ? statements.taskById.get({ id: task.parentId }) : undefined;
    const nameOf = (id: string) => roster.find((a) => a.id === id)?.name ?? 'a teammate';
    const org = this.host.org();
    const unread = statements.unreadFor.all({ agentId: agent.id });
    const notes = statements.notesOf.all({ agentId: agent.id });
    const recent = statements.recentActivity.all();
    const decided = await approvalsOf(scope, task.id);
    const decidedCalls = await decidedToolCallsOf(scope, task.id);

    let stepSeq = 0;
    const steps: Array<RunStep & { seq: number }> = [];
    let flushed = 0;
    let flushedAt = Date.now();
    const flushSteps = async () => {
      const pending = steps.slice(flushed);
      flushed = steps.length;
      flushedAt = Date.now();
      const rows = pending.flatMap((step) =>
        chunk(step.content).map((content, index) => ({
          id: newId('stp'),
          runId,
          seq: step.seq,
          chunk: index,
          type: step.type,
          toolName: step.toolName,
          content,
        })),
      );
      // Durable Object SQLite binds at most 100 variables per statement: 7 per row, so 12 rows.
      for (let i = 0; i < rows.length; i += 12) await scope.insertRows(runSteps, rows.slice(i, i + 12));
    };
    const provider: ModelProvider =
      choice.kind === 'anthropic' && choice.apiKey
        ? new AnthropicProvider({
            apiKey: choice.apiKey,
            model: choice.model,
            baseURL: loadConfig(this.host.env).ANTHROPIC_BASE_URL,
            onTextDelta: (delta) =>
              this.host.emitStep({
                task_id: task.id,
                run_id: runId,
                seq: stepSeq + 1,
                type: 'text_delta',
                tool_name: null,
                content: delta,
              }),
          })
        : new SimulatedModel({
            agentName: agent.name,
            taskTitle: task.title,
            description: task.description,
            attempt: task.attempts,
            teammates: roster
              .filter((a) => a.id !== agent.id && a.status !== 'paused')
              .map((a) => ({ slug: a.slug, name: a.name })),
            dependencyResults: depTasks.map((d) => ({
              agentName: nameOf(d.agentId),
              title: d.title,
              result: d.result ?? `(${d.status})`,
            })),
            canDelegate:
              agent.toolPermissions.includes('delegate_task') &&
              delegationDepth(this.scope, task) < MAX_DELEGATION_DEPTH,
            // A decided external draft counts as a decided call: the simulated model drafts once.
            decidedToolCalls: [
              ...decidedCalls.map((call) => call.toolName),
              ...(decided.some((draft) => draft.approvalStatus !== 'pending') ? ['draft_external'] : []),
            ],
          });
    const effects = agentToolEffects(
      {
        scope,
        exclusive: (work) => this.host.exclusive(work),
        record: (type, actor, subject, data) => this.engine.record(type, actor, subject, data),
      },
      agent,
      task,
    );
    const builtIn = coreTools({
      agent,
      task,
      roster,
      progress: (progress, note) =>
        this.host.exclusive(async () => {
          await this.engine.publishTask(
            'task.updated',
            task.id,
            { type: 'agent', id: agent.id },
            { change: 'progress', ...(note ? { note } : {}) },
            { writes: [bound(statements.setTaskProgress, { id: task.id, progress, now: Date.now() })] },
          );
        }),
      delegate: (input) => this.host.exclusive(() => delegate(this.engine, agent.id, task, input)),
      ...effects,
    });
    // MCP tools join the built-in ones the agent may use; policies then decide auto/ask/never.
    const mcp = await this.mcp.forRun(agent, task, abort.signal);
    const allowed: ToolSet = { ...filterTools(builtIn, agent.toolPermissions), ...mcp.tools };
    const policyOf = (name: string) => policyFor(agent.toolPolicies, name, mcp.defaults.get(name) ?? 'auto');
    const tools = applyToolPolicies(allowed, policyOf, (name, input) => effects.requestToolCall(name, input));
    const serverTools =
      provider.kind === 'anthropic' ? agent.serverTools.filter((name) => policyOf(name) !== 'never') : [];
    const onStep = async (step: RunStep) => {
      const seq = ++stepSeq;
      steps.push({ ...step, seq });
      this.host.emitStep({
        task_id: task.id,
        run_id: runId,
        seq,
        type: step.type,
        tool_name: step.toolName,
        content: step.content.slice(0, 4_000),
      });
      if (steps.length - flushed >= STEP_FLUSH_EVERY || Date.now() - flushedAt >= STEP_FLUSH_MS) await flushSteps();
    };
    // Calls a person approved run now, exactly as asked, before the agent continues; refusals are reported.
    for (const call of decidedCalls.filter((c) => c.status === 'approved')) {
      const tool = allowed[call.toolName];
      await onStep({ type: 'tool_use', toolName: call.toolName, content: JSON.stringify(call.input) });
      let outcome: { content: string; isError?: boolean };
      try {
        outcome = tool
          ? await tool.run(tool.schema.parse(call.input))
          : { content: `${call.toolName} is no longer available to you.`, isError: true };
      } catch (error) {
        outcome = {
          content: `${call.toolName} failed: ${error instanceof Error ? error.message : String(error)}`,
          isError: true,
        };
      }
      const content = outcome.content.slice(0, 8_000);
      await onStep({ type: 'tool_result', toolName: call.toolName, content });
      call.status = 'done';
      call.result = content;
      call.isError = outcome.isError === true;
      await this.host.exclusive(async () =>
        scope.batch([
          scope.updateRows(
            toolCalls,
            { status: 'done', result: content, isError: outcome.isError === true, reportedAt: Date.now() },
            eq(toolCalls.id, call.id),
          ),
        ]),
      );
    }
    const result = await runAgentLoop({
      provider,
      system: buildSystemPrompt({
        agent,
        roster,
        orgName: org?.name ?? null,
        notes: notes.map((n) => ({ key: n.key, content: n.content })),
        recentActivity: recent.map((a) => `${a.type} ${a.subjectType ?? ''} ${a.taskTitle ?? ''}`.trim()),
        unreadMessages: unread.map((m) => ({
          from: m.senderType === 'agent' ? nameOf(m.senderId ?? '') : 'a human',
          body: m.body,
        })),
      }),
      prompt: buildTaskPrompt({
        task,
        parent,
        dependencies: depTasks.map((d) => ({ ...d, agentName: nameOf(d.agentId) })),
        approvals: decided.map((m) => ({ id: m.id, status: m.approvalStatus ?? 'pending', draft: m.body })),
        toolCalls: decidedCalls.map((call) => ({
          id: call.id,
          tool: call.toolName,
          input: call.input,
          status: call.status === 'done' ? 'approved' : 'rejected',
          note: call.note,
          result: call.result,
          isError: call.isError,
        })),
      }),
      tools,
      serverTools,
      signal: abort.signal,
      onStep,
    }).finally(() => mcp.close());
    await flushSteps();
    const agentMs = Date.now() - started;
    await this.host.exclusive(() =>
      this.finishRun(task.id, runId, agent.id, {
        ...result,
        agentMs,
        provider: provider.kind,
        costMicroUsd:
          costMicroUsd(provider.model, result.inputTokens, result.outputTokens) + serverToolCostMicroUsd(result),
      }),
    );
  }

  /** Applies a run's outcome: the task's next status, usage, the agent back to idle, dependents. */
  async finishRun(
    taskId: string,
    runId: string,
    agentId: string,
    result: {
      outcome: 'completed' | 'failed' | 'blocked' | 'waiting' | 'awaiting_approval' | 'cancelled' | 'timed_out';
      result: string | null;
      error: string | null;
      turns: number;
      inputTokens: number;
      outputTokens: number;
      agentMs: number;
      provider: string;
      costMicroUsd: number;
      webSearchRequests?: number;
      webFetchRequests?: number;
    },
  ) {
    const scope = this.scope;
    // Steps of this run go out before its final status.
    this.host.flushSteps();
    this.runs.delete(taskId);
    this.runAgents.delete(taskId);
    this.host.markRunEnded(taskId);
    const { statements } = scope;
    const task = statements.taskById.get({ id: taskId });
    if (!task) return;
    const now = Date.now();
    const cancelled = task.status === 'cancelled';
    let next: Partial<Task> = {};
    // A cancelled task keeps what the cancel wrote, and its run just ends ('finished' with
    // run_outcome 'cancelled'): the cancel itself was recorded, with who did it, when it happened.
    let change: TaskChange = 'finished';
    if (cancelled) next = {};
    else if (result.outcome === 'completed')
      next = { status: 'completed', result: result.result, error: null, progress: 100, completedAt: now };
    else if (result.outcome === 'blocked')
      next = { status: 'blocked', result: result.result, error: result.result ?? 'The agent is blocked.' };
    else if (result.outcome === 'waiting') {
      next = { status: 'pending', maxAttempts: task.maxAttempts + 1 };
      change = 'waiting_on_delegation';
    } else if (result.outcome === 'awaiting_approval') {
      next = { status: 'awaiting_approval' };
      change = 'awaiting_approval';
    } else if (task.attempts < task.maxAttempts) {
      next = { status: 'pending', error: result.error, scheduledFor: now + retryBackoffMs(task.attempts) };
      change = 'retry_scheduled';
    } else next = { status: 'failed', error: result.error ?? 'The run failed.', completedAt: now };

    const runOutcome = cancelled ? 'cancelled' : result.outcome === 'waiting' ? 'blocked' : result.outcome;
    const cost = result.costMicroUsd;
    const period = monthPeriod(now);
    const agent = statements.agentById.get({ id: agentId });
    const agentStatus = agent?.status === 'paused' ? 'paused' : 'idle';
    const usage = {
      inputTokens: result.inputTokens,
      outputTokens: result.outputTokens,
      agentMs: result.agentMs,
      costMicroUsd: cost,
    };
    const view = await this.engine.publishTask(
      'task.updated',
      taskId,
      { type: 'agent', id: agentId },
      { change, run_id: runId, run_outcome: runOutcome },
      {
        writes: [
          bound(statements.endRun, {
            id: runId,
            outcome: runOutcome,
            turns: result.turns,
            error: result.error,
            webSearchRequests: result.webSearchRequests ?? 0,
            webFetchRequests: result.webFetchRequests ?? 0,
            now,
            ...usage,
          }),
          // The common end is a prepared statement; the others are built.
          ...(next.status === 'completed'
            ? [bound(statements.completeTask, { id: taskId, result: result.result, now })]
            : Object.keys(next).length
              ? [scope.updateRows(tasks, next, eq(tasks.id, taskId))]
              : []),
          bound(statements.addTaskUsage, { id: taskId, now, ...usage }),
          bound(statements.addPeriodUsage, { periodStart: period.start, periodEnd: period.end, now, ...usage }),
          bound(statements.setAgentStatus, { id: agentId, status: agentStatus, now }),
          this.engine.record(
            'agent.status',
            { type: 'system', id: null },
            { type: 'agent', id: agentId },
            { agent_id: agentId, slug: agent?.slug ?? '', status: agentStatus },
          ),
        ],
        announce: [
          {
            type: 'usage.updated',
            data: {
              period_start: new Date(period.start).toISOString(),
              agent_ms: result.agentMs,
              input_tokens: result.inputTokens,
              output_tokens: result.outputTokens,
              cost_usd: cost / 1_000_000,
              task_id: taskId,
            },
          },
        ],
      },
    );
    // Ops (run success rate on /status) and the funnel's first completed task; never awaited by the run.
    this.host.countRunOutcome(runOutcome);
    if (next.status === 'completed') this.engine.trackMilestone('task_completed');
    this.host.usageChanged();

    if (view.status === 'completed') {
      await this.replyInThread(task, view.result ?? '');
      await this.engine.reevaluateDependentsOf(taskId);
    }
    if (view.status === 'failed') await this.engine.blockDependents(taskId, 'failed', { type: 'system', id: null });
    await this.engine.admit();
  }

  /** A task created from a human's message answers in that thread when it completes. */
  private async replyInThread(task: Task, result: string) {
    const threadId = await replyThreadOf(this.scope, task); // only the engine's own routing (core/threads.ts)
    if (!threadId) return;
    const id = newId('msg');
    await this.scope.batch([
      this.scope.insertRows(messages, {
        id,
        threadId,
        senderType: 'agent',
        senderId: task.agentId,
        recipientType: 'humans',
        recipientId: null,
        type: 'direct',
        body: result,
        taskId: task.id,
      }),
      this.scope.updateRows(threads, { updatedAt: Date.now() }, eq(threads.id, threadId)),
      this.engine.record(
        'message.created',
        { type: 'agent', id: task.agentId },
        { type: 'message', id },
        { message_id: id, thread_id: threadId, sender_type: 'agent', sender_id: task.agentId, task_id: task.id },
      ),
    ]);
  }

  /** Ends a run whose execution crashed outside the model loop; the watchdog covers the rest. */
  async abandonRun(taskId: string, runId: string, error: unknown) {
    const agentId = this.runAgents.get(taskId);
    this.runs.delete(taskId);
    this.runAgents.delete(taskId);
    if (!agentId) return;
    await this.finishRun(taskId, runId, agentId, {
      outcome: 'failed',
      result: null,
      error: `The run stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
      turns: 0,
      inputTokens: 0,
      outputTokens: 0,
      agentMs: 0,
      provider: 'unknown',
      costMicroUsd: 0,
    });
  }

  /** Watchdog: runs orphaned by a restart are re-queued; queued tasks whose message got lost are re-sent. */
  async watchdog(orphanedTaskIds: string[]): Promise<{ requeued: number; resent: number }> {
    const scope = this.scope;
    let requeued = 0;
    const running = await scope.select(tasks, eq(tasks.status, 'running'));
    for (const task of running) {
      if (this.runs.has(task.id)) continue;
      if (!orphanedTaskIds.includes(task.id) && Date.now() - task.updatedAt < 30_000) continue;
      const [run] = await scope.select(agentRuns, eq(agentRuns.taskId, task.id), eq(agentRuns.attempt, task.attempts));
      await this.finishRun(task.id, run?.id ?? 'none', task.agentId, {
        outcome: 'failed',
        result: null,
        error: 'The run was interrupted (the org engine restarted); it will be retried.',
        turns: run?.turns ?? 0,
        inputTokens: 0,
        outputTokens: 0,
        agentMs: 0,
        provider: run?.provider ?? 'simulated',
        costMicroUsd: 0,
      });
      requeued += 1;
    }
    let resent = 0;
    const stale = await scope.select(
      tasks,
      eq(tasks.status, 'queued'),
      sql`${tasks.queuedAt} < ${Date.now() - QUEUED_RESEND_AFTER_MS}`,
    );
    for (const task of stale) {
      await this.engine.send({
        kind: 'run_task',
        orgId: this.host.orgId,
        taskId: task.id,
        attempt: task.attempts,
        enqueuedAt: Date.now(),
      });
      resent += 1;
    }
    return { requeued, resent };
  }

  /** A message that exhausted its deliveries: the task fails with the reason. */
  async deadLetter(message: RunTaskMessage, reason: string, change: 'dead_lettered' | 'run_refused' = 'dead_lettered') {
    const task = this.scope.statements.taskById.get({ id: message.taskId });
    if (!task || isFinal(task.status) || task.attempts !== message.attempt) return;
    const now = Date.now();
    await this.scope.batch([
      this.scope.updateRows(
        tasks,
        {
          status: 'failed',
          error: change === 'run_refused' ? reason : `The run could not be delivered: ${reason}.`,
          completedAt: now,
          updatedAt: now,
        },
        eq(tasks.id, task.id),
      ),
    ]);
    await this.engine.publishTask('task.updated', task.id, { type: 'system', id: null }, { change });
    await this.engine.blockDependents(task.id, 'failed', { type: 'system', id: null });
    await this.engine.admit();
  }

  agentBusy(agentId: string): boolean {
    return [...this.runs.keys()].some((taskId) => this.runAgents.get(taskId) === agentId);
  }
}

function chunk(content: string): string[] {
  if (content.length <= STEP_CHUNK_CHARS) return [content];
  const parts: string[] = [];
  for (let i = 0; i < content.length; i += STEP_CHUNK_CHARS) parts.push(content.slice(i, i + STEP_CHUNK_CHARS));
  return parts;
}

function filterTools(tools: ToolSet, allowed: string[]): ToolSet {
  // finish_task is always available: a run must be able to end.
  return Object.fromEntries(Object.entries(tools).filter(([name]) => name === 'finish_task' || allowed.includes(name)));
}
