/**
 * The simulated model: a deterministic local provider that drives the same tool-use loop as
 * Claude, so the local start, the demo and the tests show real behaviour with no key. It
 * plans, reports progress, delegates when the task names a teammate (`@slug` or "ask
 * <Name>"), calls each connected MCP tool the task names (`github__search_issues`, optionally
 * followed by its JSON arguments), drafts an email for approval when the task asks to email an
 * address ("email jane@example.com …"), and finishes with a result built from the task, its
 * tool results and its dependencies' results.
 *
 * Directives in a task description make failure paths reproducible (documented in the API
 * docs): `[simulate:fail]` fails every attempt, `[simulate:fail-once]` fails the first,
 * `[simulate:think=MS]` waits MS before each turn (≤ 5000).
 */
import type { AssistantBlock, ModelProvider, ModelRequest, ModelResponse, ToolResultBlock } from './types';

export interface SimulatedTeammate {
  slug: string;
  name: string;
}

export interface SimulatedContext {
  agentName: string;
  taskTitle: string;
  description: string;
  attempt: number;
  teammates: SimulatedTeammate[];
  /** Results of completed dependencies (delegated work comes back here). */
  dependencyResults: Array<{ agentName: string; title: string; result: string }>;
  canDelegate: boolean;
  /** Tools (MCP or other) whose earlier calls for this task a person already decided. */
  decidedToolCalls?: string[];
}

export const SIMULATED_MODEL_ID = 'simulated-1';

const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export class SimulatedModel implements ModelProvider {
  readonly kind = 'simulated' as const;
  readonly model = SIMULATED_MODEL_ID;

  constructor(private readonly context: SimulatedContext) {}

  async createMessage(request: ModelRequest): Promise<ModelResponse> {
    const think = /\[simulate:think=(\d+)\]/.exec(this.context.description);
    if (think) await sleep(Math.min(5_000, Number(think[1])), request.signal);
    if (request.signal.aborted) throw new DOMException('The run was cancelled.', 'AbortError');
    if (
      /\[simulate:fail\]/.test(this.context.description) ||
      (/\[simulate:fail-once\]/.test(this.context.description) && this.context.attempt === 1)
    ) {
      throw new Error('Simulated model failure (requested by [simulate:fail] in the task).');
    }
    const turn = request.messages.filter((m) => m.role === 'assistant').length;
    const lastResults = lastToolResults(request);
    const content = this.respondWithTools(turn, lastResults, request);
    const input = estimateTokens(request.system) + estimateTokens(JSON.stringify(request.messages));
    const output = estimateTokens(JSON.stringify(content));
    return {
      content,
      stopReason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
      usage: { inputTokens: input, outputTokens: output },
    };
  }

  /** Named MCP tools first (one per turn, after planning), then the usual plan. */
  private respondWithTools(turn: number, lastResults: ToolResultBlock[], request: ModelRequest): AssistantBlock[] {
    const called = calledTools(request);
    if (turn > 0) {
      const next = this.namedTools(request).find((tool) => !called.some((name) => name === tool.name));
      if (next) {
        return [{ type: 'text', text: `Calling ${next.name}.` }, toolUse(turn, next.name, this.argumentsFor(next))];
      }
      const draft = this.draftToSend(request, called);
      if (draft)
        return [
          { type: 'text', text: `Drafting the email to ${draft.to} for approval.` },
          toolUse(turn, 'draft_external', draft),
        ];
    }
    const blocks = this.respond(turn - called.length, lastResults);
    const finish = blocks.find((b) => b.type === 'tool_use' && b.name === 'finish_task') as
      | { type: 'tool_use'; input: { result: string } }
      | undefined;
    if (finish) {
      const results = toolResultsOf(request);
      const lines = [...results.map((r) => `- ${r.name}: ${r.content.replace(/\s+/g, ' ').slice(0, 300)}`)];
      for (const name of this.context.decidedToolCalls ?? [])
        lines.push(`- ${name}: decided by a human (see the task).`);
      if (lines.length) finish.input.result = `${finish.input.result}\n\nTool results:\n${lines.join('\n')}`;
    }
    return blocks;
  }

  /**
   * An email the task asks for ("email jane@example.com …", "write to …", "draft … to …"),
   * drafted once for a person to approve; none once a person decided a draft of this task.
   */
  private draftToSend(request: ModelRequest, called: string[]) {
    if (!request.tools.some((tool) => tool.name === 'draft_external') || called.includes('draft_external')) return null;
    if ((this.context.decidedToolCalls ?? []).includes('draft_external')) return null;
    const text = this.context.description;
    const to = /\b(?:e-?mail|write to|draft)\b[^@]*?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/i.exec(text)?.[1];
    if (!to) return null;
    return {
      channel: 'email' as const,
      to,
      subject: this.context.taskTitle.slice(0, 200),
      body: `Hello,\n\n${text.replace(/\[simulate:[^\]]*\]/g, '').trim()}\n\nBest regards,\n${this.context.agentName}`,
    };
  }

  /** MCP tools (named `connection__tool`) the task mentions, in the order it mentions them. */
  private namedTools(request: ModelRequest) {
    const text = this.context.description.toLowerCase();
    const decided = this.context.decidedToolCalls ?? [];
    return request.tools
      .filter(
        (tool) => tool.name.includes('__') && text.includes(tool.name.toLowerCase()) && !decided.includes(tool.name),
      )
      .sort((a, b) => text.indexOf(a.name.toLowerCase()) - text.indexOf(b.name.toLowerCase()));
  }

  /** The JSON object written right after the tool's name, else its required fields filled in. */
  private argumentsFor(tool: ModelRequest['tools'][number]): Record<string, unknown> {
    const at = this.context.description.toLowerCase().indexOf(tool.name.toLowerCase());
    const after = this.context.description.slice(at + tool.name.length);
    const json = /^\s*(\{[^{}]*\})/.exec(after);
    if (json) {
      try {
        return JSON.parse(json[1]!) as Record<string, unknown>;
      } catch {
        // Not JSON: fall back to the schema.
      }
    }
    const schema = tool.input_schema as { properties?: Record<string, { type?: string }>; required?: string[] };
    const args: Record<string, unknown> = {};
    for (const key of schema.required ?? []) {
      const type = schema.properties?.[key]?.type;
      args[key] = type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? false : this.context.taskTitle;
    }
    return args;
  }

  private respond(turn: number, lastResults: ToolResultBlock[]): AssistantBlock[] {
    const { agentName, taskTitle, dependencyResults } = this.context;
    if (turn === 0) {
      return [
        {
          type: 'thinking',
          thinking: `Reading "${taskTitle}". ${dependencyResults.length ? `${dependencyResults.length} result(s) from teammates to build on.` : 'Working out the steps.'}`,
        },
        { type: 'text', text: `On it. Plan: understand the ask, do the work, report back.` },
        toolUse(turn, 'update_progress', { progress: 25, note: 'Planned the work.' }),
      ];
    }
    const delegateTo = this.delegationTarget();
    if (turn === 1 && delegateTo && dependencyResults.length === 0) {
      return [
        { type: 'text', text: `${delegateTo.name} is best placed for part of this; handing it over.` },
        toolUse(turn, 'delegate_task', {
          agent: delegateTo.slug,
          title: `Help ${agentName}: ${taskTitle}`.slice(0, 200),
          description:
            `${agentName} asked for your part of: ${this.context.description.replace(/\[simulate:[^\]]*\]/g, '').trim()}`.slice(
              0,
              4_000,
            ),
        }),
      ];
    }
    // A tool error (bad input) is answered by finishing plainly rather than repeating it.
    if (turn === 1 && !lastResults.some((r) => r.is_error))
      return [toolUse(turn, 'update_progress', { progress: 75, note: 'Drafting the result.' })];
    return [
      { type: 'text', text: 'Done. Writing up the result.' },
      toolUse(turn, 'finish_task', { status: 'completed', result: this.result() }),
    ];
  }

  private delegationTarget(): SimulatedTeammate | undefined {
    if (!this.context.canDelegate) return undefined;
    const text = this.context.description.toLowerCase();
    return this.context.teammates.find(
      (mate) => text.includes(`@${mate.slug}`) || text.includes(`ask ${mate.name.toLowerCase()}`),
    );
  }

  private result(): string {
    const { agentName, taskTitle, dependencyResults } = this.context;
    const lines = [`${agentName} completed "${taskTitle}" (simulated model).`];
    for (const dep of dependencyResults)
      lines.push(`Built on ${dep.agentName}'s result for "${dep.title}": ${dep.result.slice(0, 300)}`);
    return lines.join('\n');
  }
}

function toolUse(turn: number, name: string, input: unknown): AssistantBlock {
  return { type: 'tool_use', id: `toolu_sim_${turn}_${name}`, name, input };
}

/** Names of the MCP tools this run has called so far (the simulated ids carry the name). */
function calledTools(request: ModelRequest): string[] {
  return request.messages.flatMap((m) =>
    m.role === 'assistant'
      ? m.content.flatMap((b) => (b.type === 'tool_use' && b.name.includes('__') ? [b.name] : []))
      : [],
  );
}

/** Results of this run's MCP tool calls, with the tool's name. */
function toolResultsOf(request: ModelRequest): Array<{ name: string; content: string }> {
  return request.messages.flatMap((m) =>
    m.role === 'user' && typeof m.content !== 'string'
      ? m.content.flatMap((b) => {
          if (b.type !== 'tool_result') return [];
          const name = /^toolu_sim_\d+_(.+)$/.exec(b.tool_use_id)?.[1] ?? '';
          return name.includes('__') ? [{ name, content: b.content }] : [];
        })
      : [],
  );
}

function lastToolResults(request: ModelRequest): ToolResultBlock[] {
  const last = request.messages[request.messages.length - 1];
  if (last?.role !== 'user' || typeof last.content === 'string') return [];
  return last.content.filter((block): block is ToolResultBlock => block.type === 'tool_result');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
