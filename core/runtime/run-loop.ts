/**
 * The agent runtime: a Messages-API tool-use loop over any ModelProvider. Each turn sends the
 * conversation, records every block as a step, runs the requested tools (input validated
 * with zod; a bad input becomes an error result the model can correct), and stops when a
 * tool finishes the task, a tool yields (delegation wait), a budget runs out, or the run is
 * cancelled. A run that ends without `finish_task` fails with a clear reason.
 */
import type { ZodType } from 'zod';
import { fieldIssues } from '../errors';
import type { ServerToolName } from '../vocabulary';
import {
  type ModelMessage,
  type ModelProvider,
  RetryableModelError,
  type ToolDefinition,
  type ToolResultBlock,
} from './types';

export interface RunStep {
  type: 'thinking' | 'text' | 'tool_use' | 'tool_result';
  toolName: string | null;
  content: string;
}

export interface ToolOutcome {
  content: string;
  isError?: boolean;
  /** The task ends with this status and result. */
  finish?: { status: 'completed' | 'failed' | 'blocked'; result: string };
  /** The run pauses: the task waits (for delegated work) and resumes in a later run. */
  yieldRun?: boolean;
  /** The run pauses until a human approves or rejects what the agent drafted. */
  awaitApproval?: boolean;
}

export interface ToolHandler<Input = unknown> {
  definition: ToolDefinition;
  schema: ZodType<Input>;
  run(input: Input): Promise<ToolOutcome>;
}

/** The tools of one run by name; each validates its own input, so the set is untyped. */
// biome-ignore lint/suspicious/noExplicitAny: handlers of different inputs live in one map.
export type ToolSet = Record<string, ToolHandler<any>>;

export interface RunBudgets {
  maxTurns: number;
  maxTotalTokens: number;
  maxWallMs: number;
  maxOutputTokensPerTurn: number;
  maxModelRetries: number;
}

export const DEFAULT_BUDGETS: RunBudgets = {
  maxTurns: 24,
  maxTotalTokens: 400_000,
  maxWallMs: 10 * 60_000,
  maxOutputTokensPerTurn: 4_096,
  maxModelRetries: 3,
};

/** Tool results longer than this are cut: they go back into the model's context. */
export const MAX_TOOL_RESULT_CHARS = 8_000;

export interface LoopResult {
  outcome: 'completed' | 'failed' | 'blocked' | 'waiting' | 'awaiting_approval' | 'cancelled' | 'timed_out';
  result: string | null;
  error: string | null;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  /** Uses of Anthropic's server tools (charged per request on top of tokens). */
  webSearchRequests: number;
  webFetchRequests: number;
}

export interface LoopOptions {
  provider: ModelProvider;
  system: string;
  prompt: string;
  tools: ToolSet;
  serverTools?: readonly ServerToolName[];
  budgets?: Partial<RunBudgets>;
  signal: AbortSignal;
  onStep: (step: RunStep) => void | Promise<void>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export async function runAgentLoop(options: LoopOptions): Promise<LoopResult> {
  const budgets = { ...DEFAULT_BUDGETS, ...options.budgets };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const started = now();
  const messages: ModelMessage[] = [{ role: 'user', content: options.prompt }];
  const definitions = Object.values(options.tools).map((tool) => tool.definition);
  const totals = { turns: 0, inputTokens: 0, outputTokens: 0, webSearchRequests: 0, webFetchRequests: 0 };
  const end = (outcome: LoopResult['outcome'], result: string | null, error: string | null): LoopResult => ({
    outcome,
    result,
    error,
    ...totals,
  });

  while (true) {
    if (options.signal.aborted) return end('cancelled', null, 'The run was cancelled.');
    if (totals.turns >= budgets.maxTurns)
      return end('failed', null, `The agent used its ${budgets.maxTurns} turns without finishing the task.`);
    if (totals.inputTokens + totals.outputTokens >= budgets.maxTotalTokens)
      return end(
        'failed',
        null,
        `The run reached its token budget (${budgets.maxTotalTokens.toLocaleString('en-US')}).`,
      );
    if (now() - started >= budgets.maxWallMs)
      return end('timed_out', null, `The run exceeded its ${Math.round(budgets.maxWallMs / 1000)} s time budget.`);

    let response: Awaited<ReturnType<ModelProvider['createMessage']>>;
    for (let retry = 0; ; retry++) {
      try {
        response = await options.provider.createMessage({
          system: options.system,
          messages,
          tools: definitions,
          serverTools: options.serverTools,
          maxTokens: budgets.maxOutputTokensPerTurn,
          signal: options.signal,
        });
        break;
      } catch (error) {
        if (options.signal.aborted) return end('cancelled', null, 'The run was cancelled.');
        if (
          error instanceof RetryableModelError &&
          retry < budgets.maxModelRetries &&
          now() - started + error.retryAfterMs < budgets.maxWallMs
        ) {
          await sleep(error.retryAfterMs * 2 ** retry);
          continue;
        }
        // Usage so far is kept: the tokens were spent even though the run failed.
        return end('failed', null, error instanceof Error ? error.message : String(error));
      }
    }
    totals.turns += 1;
    totals.inputTokens += response.usage.inputTokens;
    totals.outputTokens += response.usage.outputTokens;
    totals.webSearchRequests += response.usage.webSearchRequests ?? 0;
    totals.webFetchRequests += response.usage.webFetchRequests ?? 0;
    messages.push({ role: 'assistant', content: response.content });

    const results: ToolResultBlock[] = [];
    let finish: ToolOutcome['finish'];
    let yieldRun = false;
    let awaitApproval = false;
    for (const block of response.content) {
      if (block.type === 'thinking')
        await options.onStep({ type: 'thinking', toolName: null, content: block.thinking });
      else if (block.type === 'text') await options.onStep({ type: 'text', toolName: null, content: block.text });
      // The provider ran these itself: the trace shows them, the loop has nothing to run.
      else if (block.type === 'server_tool')
        await options.onStep({ type: 'tool_use', toolName: block.name, content: JSON.stringify(block.input) });
      else if (block.type === 'server_tool_result')
        await options.onStep({ type: 'tool_result', toolName: block.name, content: block.content });
      else {
        await options.onStep({ type: 'tool_use', toolName: block.name, content: JSON.stringify(block.input) });
        const outcome = await runTool(options.tools, block.name, block.input);
        const content =
          outcome.content.length > MAX_TOOL_RESULT_CHARS
            ? `${outcome.content.slice(0, MAX_TOOL_RESULT_CHARS)}… [truncated]`
            : outcome.content;
        await options.onStep({ type: 'tool_result', toolName: block.name, content });
        results.push({
          type: 'tool_result',
          tool_use_id: block.id,
          content,
          ...(outcome.isError ? { is_error: true } : {}),
        });
        if (outcome.finish) finish = outcome.finish;
        if (outcome.yieldRun) yieldRun = true;
        if (outcome.awaitApproval) awaitApproval = true;
      }
    }
    if (finish) return end(finish.status, finish.result, finish.status === 'failed' ? finish.result : null);
    if (awaitApproval) return end('awaiting_approval', null, null);
    if (yieldRun) return end('waiting', null, null);
    if (response.stopReason === 'refusal') return end('failed', null, 'The model declined this task.');
    if (results.length === 0) {
      // The model stopped talking without finishing: tell it once what is expected.
      if (response.stopReason === 'end_turn' && totals.turns < budgets.maxTurns) {
        messages.push({ role: 'user', content: 'Call finish_task to complete, block or fail the task with a result.' });
        continue;
      }
      return end('failed', null, 'The run ended without finish_task.');
    }
    messages.push({ role: 'user', content: results });
  }
}

async function runTool(tools: ToolSet, name: string, input: unknown): Promise<ToolOutcome> {
  const tool = tools[name];
  if (!tool) return { content: `Unknown tool "${name}". Available: ${Object.keys(tools).join(', ')}.`, isError: true };
  const parsed = tool.schema.safeParse(input);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error.issues)
      .map((issue) => `${issue.field}: ${issue.message}`)
      .join('; ');
    return { content: `Invalid input for ${name}: ${issues}. Fix the input and call the tool again.`, isError: true };
  }
  try {
    return await tool.run(parsed.data);
  } catch (error) {
    return { content: `${name} failed: ${error instanceof Error ? error.message : String(error)}`, isError: true };
  }
}
