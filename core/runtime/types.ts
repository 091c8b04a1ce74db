/**
 * The model-provider interface the agent runtime loops over. Shapes follow the Anthropic
 * Messages API (content blocks, tool_use / tool_result), so the real provider is a thin
 * adapter and the simulated one exercises the same loop.
 */
import type { ServerToolName } from '../vocabulary';

export type TextBlock = { type: 'text'; text: string };
export type ThinkingBlock = { type: 'thinking'; thinking: string };
export type ToolUseBlock = { type: 'tool_use'; id: string; name: string; input: unknown };
export type ToolResultBlock = { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };
/** A provider-run tool (web search, web fetch): recorded in the trace, never run by the loop. */
export type ServerToolBlock = { type: 'server_tool'; name: string; input: unknown; raw: unknown };
export type ServerToolResultBlock = { type: 'server_tool_result'; name: string; content: string; raw: unknown };
export type AssistantBlock = TextBlock | ThinkingBlock | ToolUseBlock | ServerToolBlock | ServerToolResultBlock;

export type ModelMessage =
  | { role: 'user'; content: string | Array<TextBlock | ToolResultBlock> }
  | { role: 'assistant'; content: AssistantBlock[] };

export interface ToolDefinition {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

export interface ModelRequest {
  system: string;
  messages: ModelMessage[];
  tools: ToolDefinition[];
  /** Anthropic's server tools the agent may use (ignored by providers without them). */
  serverTools?: readonly ServerToolName[];
  maxTokens: number;
  signal: AbortSignal;
}

export interface ModelResponse {
  content: AssistantBlock[];
  stopReason: 'end_turn' | 'tool_use' | 'max_tokens' | 'refusal' | 'stop_sequence';
  usage: { inputTokens: number; outputTokens: number; webSearchRequests?: number; webFetchRequests?: number };
}

export interface ModelProvider {
  readonly kind: 'simulated' | 'anthropic';
  readonly model: string;
  createMessage(request: ModelRequest): Promise<ModelResponse>;
}

/** A failure the loop may retry inside the run's budget (rate limit, overload). */
export class RetryableModelError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs = 1_000,
  ) {
    super(message);
    this.name = 'RetryableModelError';
  }
}
