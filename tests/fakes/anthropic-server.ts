/**
 * A local fake of the Anthropic Messages API (HTTP + SSE streaming), scripted by a marker in
 * the task text: `[fake:loop]`, `[fake:malformed]`, `[fake:delegate]`, `[fake:ratelimit:ID]`,
 * `[fake:overloaded:ID]`, `[fake:cut:ID]`, `[fake:slow]`, `[fake:inject TASK=<id>]`,
 * `[fake:draft]`. Usage per turn is deterministic (input 1000 + 100·turn, output 50 + 10·turn)
 * so tests can check accounting to the token. Requests are recorded for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'server_tool_use'; id: string; name: string; input: unknown }
  | { type: 'web_search_tool_result'; tool_use_id: string; content: unknown };
interface Recorded {
  scenario: string;
  turn: number;
  apiKey: string | undefined;
  model: string;
  system: string;
  firstUserText: string;
  toolNames: string[];
  at: number;
}

export const usageFor = (turn: number) => ({ input_tokens: 1000 + 100 * turn, output_tokens: 50 + 10 * turn });

const firstShot = new Set<string>();

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((b: { text?: string; content?: string }) => b.text ?? b.content ?? '').join('\n');
  return '';
}

function script(
  scenario: string,
  turn: number,
  firstUserText: string,
  lastToolResults: Array<{ content: string; is_error?: boolean }>,
  allToolResults: Array<{ content: string; is_error?: boolean }>,
): Block[] | { error: number; retryAfter?: string } | { cut: true } {
  const tool = (name: string, input: unknown): Block => ({
    type: 'tool_use',
    id: `toolu_fake_${turn}_${name}`,
    name,
    input,
  });
  const [kind, id] = scenario.split(':');
  if ((kind === 'ratelimit' || kind === 'overloaded' || kind === 'cut') && !firstShot.has(scenario)) {
    firstShot.add(scenario);
    if (kind === 'ratelimit') return { error: 429, retryAfter: '0' };
    if (kind === 'overloaded') return { error: 529 };
    return { cut: true };
  }
  switch (kind) {
    case 'malformed':
      if (turn === 0) return [tool('update_progress', { progress: 'lots' })];
      if (turn === 1)
        return lastToolResults.some((r) => r.is_error)
          ? [{ type: 'text', text: 'Fixing my input.' }, tool('update_progress', { progress: 60 })]
          : [tool('finish_task', { status: 'failed', result: 'expected an error result' })];
      return [tool('finish_task', { status: 'completed', result: 'Corrected the malformed call and finished.' })];
    case 'delegate':
      if (firstUserText.includes('Results of the tasks this one depends on')) {
        const depLine = firstUserText.split('\n').find((line) => line.startsWith('- ')) ?? '';
        return [tool('finish_task', { status: 'completed', result: `Combined: ${depLine}` })];
      }
      return [
        { type: 'text', text: 'Yuki should check capacity.' },
        tool('delegate_task', { agent: 'yuki', description: 'Check the capacity of the cluster [fake:loop]' }),
      ];
    case 'inject': {
      const foreign = /TASK=(\S+)/.exec(firstUserText)?.[1]?.replace(/\]$/, '') ?? 'none';
      if (turn === 0) return [tool('get_task', { id: foreign })];
      if (turn === 1) return [tool('list_tasks', {})];
      return [
        tool('finish_task', {
          status: 'completed',
          result: `Observed: ${allToolResults.map((r) => r.content).join(' | ')}`,
        }),
      ];
    }
    case 'websearch':
      // Anthropic ran a web search itself (server tool), then the agent finishes.
      return [
        {
          type: 'server_tool_use',
          id: 'srvtoolu_fake_1',
          name: 'web_search',
          input: { query: 'generic corp caching' },
        },
        {
          type: 'web_search_tool_result',
          tool_use_id: 'srvtoolu_fake_1',
          content: [
            {
              type: 'web_search_result',
              title: 'Caching guide',
              url: 'https://example.com/caching',
              encrypted_content: 'e',
              page_age: null,
            },
          ],
        },
        tool('finish_task', { status: 'completed', result: 'Searched the web.' }),
      ];
    case 'draft':
      if (firstUserText.includes('Your external drafts for this task were decided'))
        return [tool('finish_task', { status: 'completed', result: 'Sent after approval.' })];
      return [
        tool('draft_external', {
          channel: 'email',
          to: 'cto@customer.example',
          subject: 'Launch date',
          body: 'We launch on Monday.',
        }),
      ];
    default:
      // loop, slow, ratelimit/overloaded/cut after their first failure
      void id;
      if (turn === 0)
        return [{ type: 'text', text: 'Looking into it.' }, tool('update_progress', { progress: 50, note: 'Halfway' })];
      return [
        { type: 'text', text: 'Done.' },
        tool('finish_task', { status: 'completed', result: 'Reviewed through the real model loop.' }),
      ];
  }
}

/** The SDK sends the key as a Bearer token; older clients use x-api-key. */
function presentedKey(req: IncomingMessage): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  return bearer ?? (req.headers['x-api-key'] as string | undefined);
}

function sse(res: ServerResponse, event: string, data: unknown) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

export interface FakeAnthropic {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function startFakeAnthropic(port = 0): Promise<FakeAnthropic> {
  const requests: Recorded[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/__requests') {
      const scenario = url.searchParams.get('scenario');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(requests.filter((r) => !scenario || r.scenario === scenario)));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/v1/models') {
      if (presentedKey(req) === 'sk-ant-invalid') {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }),
        );
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          data: [
            {
              id: 'claude-sonnet-5-5',
              type: 'model',
              display_name: 'Claude Sonnet 5.5',
              created_at: '2026-09-01T00:00:00Z',
            },
          ],
          has_more: false,
          first_id: null,
          last_id: null,
        }),
      );
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/v1/messages') {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const messages = body.messages as Array<{ role: string; content: unknown }>;
    const firstUserText = textOf(messages[0]?.content);
    const scenario = /\[fake:([a-z]+(?::[\w-]+)?)/.exec(firstUserText)?.[1] ?? 'loop';
    const turn = messages.filter((m) => m.role === 'assistant').length;
    const last = messages[messages.length - 1];
    const lastToolResults = Array.isArray(last?.content)
      ? (last!.content as Array<{ type: string; content: string; is_error?: boolean }>).filter(
          (b) => b.type === 'tool_result',
        )
      : [];
    requests.push({
      scenario,
      turn,
      apiKey: presentedKey(req),
      model: body.model,
      system: String(body.system ?? ''),
      firstUserText,
      toolNames: (body.tools ?? []).map((t: { name: string }) => t.name),
      at: Date.now(),
    });

    if (scenario === 'slow') await new Promise((r) => setTimeout(r, 3_000));
    const allToolResults = messages.flatMap((m) =>
      m.role === 'user' && Array.isArray(m.content)
        ? (m.content as Array<{ type: string; content: string; is_error?: boolean }>).filter(
            (b) => b.type === 'tool_result',
          )
        : [],
    );
    const plan = script(scenario, turn, firstUserText, lastToolResults, allToolResults);
    if ('error' in plan) {
      res.writeHead(plan.error, {
        'content-type': 'application/json',
        ...(plan.retryAfter ? { 'retry-after': plan.retryAfter } : {}),
      });
      res.end(
        JSON.stringify({
          type: 'error',
          error: { type: plan.error === 429 ? 'rate_limit_error' : 'overloaded_error', message: 'try again' },
        }),
      );
      return;
    }
    const usage = usageFor(turn);
    const message = {
      id: `msg_fake_${requests.length}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
    };
    if (!body.stream) {
      const blocks = 'cut' in plan ? [] : plan;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ...message,
          content: blocks,
          stop_reason: blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    sse(res, 'message_start', { type: 'message_start', message });
    if ('cut' in plan) {
      sse(res, 'content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      sse(res, 'content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Half a thou' },
      });
      res.socket?.destroy();
      return;
    }
    plan.forEach((block, index) => {
      if (block.type === 'text') {
        sse(res, 'content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'text', text: '' },
        });
        for (const piece of block.text.match(/.{1,6}/g) ?? [])
          sse(res, 'content_block_delta', {
            type: 'content_block_delta',
            index,
            delta: { type: 'text_delta', text: piece },
          });
      } else if (block.type === 'web_search_tool_result') {
        sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: block });
      } else {
        sse(res, 'content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: block.type, id: block.id, name: block.name, input: {} },
        });
        sse(res, 'content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        });
      }
      sse(res, 'content_block_stop', { type: 'content_block_stop', index });
    });
    sse(res, 'message_delta', {
      type: 'message_delta',
      delta: { stop_reason: plan.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: {
        output_tokens: usage.output_tokens,
        ...(plan.some((b) => b.type === 'server_tool_use')
          ? { server_tool_use: { web_search_requests: plan.filter((b) => b.type === 'server_tool_use').length } }
          : {}),
      },
    });
    sse(res, 'message_stop', { type: 'message_stop' });
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
