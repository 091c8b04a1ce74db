/**
 * Claude through @anthropic-ai/sdk: the Messages API with tools, streamed. Rate limits and
 * overloads become RetryableModelError (the loop retries within the run's budget; the SDK's
 * own retries are off so budgets stay ours); a cut stream is retried the same way; a
 * cancelled run aborts the request.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { loadAnthropicSdk } from '../lazy-modules';
import type { AssistantBlock, ModelMessage, ModelProvider, ModelRequest, ModelResponse } from './types';
import { RetryableModelError } from './types';

export interface AnthropicProviderOptions {
  apiKey: string;
  model: string;
  baseURL?: string;
  /** Streamed text as it arrives (for the live view). */
  onTextDelta?: (delta: string) => void;
  timeoutMs?: number;
}

function toApiMessages(messages: ModelMessage[]): Anthropic.MessageParam[] {
  return messages.map((message) => {
    if (message.role === 'user') {
      if (typeof message.content === 'string') return { role: 'user', content: message.content };
      return {
        role: 'user',
        content: message.content.map((block) =>
          block.type === 'text'
            ? { type: 'text' as const, text: block.text }
            : {
                type: 'tool_result' as const,
                tool_use_id: block.tool_use_id,
                content: block.content,
                is_error: block.is_error,
              },
        ),
      };
    }
    // Thinking blocks without their signature cannot be sent back; text and tool use can.
    const content = message.content.flatMap((block): Anthropic.ContentBlockParam[] => {
      if (block.type === 'text') return block.text ? [{ type: 'text', text: block.text }] : [];
      if (block.type === 'tool_use')
        return [{ type: 'tool_use', id: block.id, name: block.name, input: block.input as Record<string, unknown> }];
      // Server tool blocks go back exactly as the API sent them.
      if (block.type === 'server_tool' || block.type === 'server_tool_result')
        return [block.raw as Anthropic.ContentBlockParam];
      return [];
    });
    return { role: 'assistant', content };
  });
}

function fromApiContent(content: Anthropic.ContentBlock[]): AssistantBlock[] {
  return content.flatMap((block): AssistantBlock[] => {
    if (block.type === 'text') return [{ type: 'text', text: block.text }];
    if (block.type === 'thinking') return [{ type: 'thinking', thinking: block.thinking }];
    if (block.type === 'tool_use') return [{ type: 'tool_use', id: block.id, name: block.name, input: block.input }];
    if (block.type === 'server_tool_use')
      return [{ type: 'server_tool', name: block.name, input: block.input, raw: block }];
    if (block.type === 'web_search_tool_result' || block.type === 'web_fetch_tool_result')
      return [
        {
          type: 'server_tool_result',
          name: block.type.replace('_tool_result', ''),
          content: summarizeServerResult(block),
          raw: block,
        },
      ];
    return [];
  });
}

/** What a server tool found, short, for the trace (the model gets the full block). */
function summarizeServerResult(block: Anthropic.WebSearchToolResultBlock | Anthropic.WebFetchToolResultBlock): string {
  const content = block.content as unknown;
  if (Array.isArray(content))
    return content
      .map((hit: { title?: string; url?: string }) => `${hit.title ?? ''} ${hit.url ?? ''}`.trim())
      .join('\n')
      .slice(0, 4_000);
  const fetched = content as { url?: string; error_code?: string; type?: string };
  return fetched.error_code ? `Failed: ${fetched.error_code}` : `Fetched ${fetched.url ?? ''}`.trim();
}

/** Anthropic's server tools, with the provider's own per-turn limits. */
const SERVER_TOOL_DEFINITIONS = {
  web_search: { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
  web_fetch: { type: 'web_fetch_20250910', name: 'web_fetch', max_uses: 5, max_content_tokens: 50_000 },
} as const;

function retryAfterMs(error: InstanceType<typeof Anthropic.APIError>): number {
  const header = error.headers?.get?.('retry-after');
  const seconds = header ? Number(header) : NaN;
  return Number.isFinite(seconds) ? Math.min(60_000, Math.max(0, seconds * 1000)) : 1_000;
}

export class AnthropicProvider implements ModelProvider {
  readonly kind = 'anthropic' as const;
  readonly model: string;
  private client: Anthropic | null = null;

  constructor(private readonly options: AnthropicProviderOptions) {
    this.model = options.model;
  }

  async createMessage(request: ModelRequest): Promise<ModelResponse> {
    const { default: Anthropic } = await loadAnthropicSdk();
    this.client ??= new Anthropic({
      apiKey: this.options.apiKey,
      baseURL: this.options.baseURL,
      maxRetries: 0,
      timeout: this.options.timeoutMs ?? 120_000,
    });
    try {
      const stream = this.client.messages.stream(
        {
          model: this.model,
          max_tokens: request.maxTokens,
          system: request.system,
          messages: toApiMessages(request.messages),
          tools: [
            ...request.tools.map(
              (tool): Anthropic.ToolUnion => ({
                name: tool.name,
                description: tool.description,
                input_schema: tool.input_schema as Anthropic.Tool.InputSchema,
              }),
            ),
            ...(request.serverTools ?? []).map(
              (name) => SERVER_TOOL_DEFINITIONS[name] as unknown as Anthropic.ToolUnion,
            ),
          ],
        },
        { signal: request.signal },
      );
      if (this.options.onTextDelta) stream.on('text', (delta) => this.options.onTextDelta!(delta));
      const message = await stream.finalMessage();
      const stop = message.stop_reason;
      return {
        content: fromApiContent(message.content),
        stopReason:
          stop === 'tool_use' || stop === 'max_tokens' || stop === 'refusal' || stop === 'stop_sequence'
            ? stop
            : 'end_turn',
        usage: {
          inputTokens: message.usage.input_tokens,
          outputTokens: message.usage.output_tokens,
          webSearchRequests: message.usage.server_tool_use?.web_search_requests ?? 0,
          webFetchRequests: message.usage.server_tool_use?.web_fetch_requests ?? 0,
        },
      };
    } catch (error) {
      if (request.signal.aborted || error instanceof Anthropic.APIUserAbortError)
        throw new DOMException('The run was cancelled.', 'AbortError');
      if (error instanceof Anthropic.RateLimitError)
        throw new RetryableModelError('The model is rate-limited (429).', retryAfterMs(error));
      if (
        error instanceof Anthropic.APIError &&
        (error.status === 529 || error.status === 503 || error.status === 500)
      ) {
        throw new RetryableModelError(`The model is overloaded (${error.status}).`, retryAfterMs(error));
      }
      if (
        error instanceof Anthropic.APIConnectionError ||
        (error instanceof Anthropic.AnthropicError && !(error instanceof Anthropic.APIError))
      ) {
        // A dropped connection or a stream cut mid-way: the turn is sent again.
        throw new RetryableModelError('The connection to the model was interrupted.', 500);
      }
      if (error instanceof Anthropic.AuthenticationError || error instanceof Anthropic.PermissionDeniedError) {
        throw new Error('The model key was rejected. Check the organization’s model key in Settings → Model key.');
      }
      if (
        error instanceof Anthropic.BadRequestError &&
        /prompt is too long|context|too many tokens/i.test(error.message)
      ) {
        throw new Error('The conversation grew past the model’s context window.');
      }
      throw error;
    }
  }
}
