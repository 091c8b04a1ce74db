/**
 * Bench-only Worker for bench/run-overhead.mjs. Times are taken inside the Worker: Date.now()
 * advances when I/O completes, so a delta across one awaited call is that call's wall time.
 *
 * GET /d1?n=40: n sequential D1 round trips of each kind: a trivial read, a keyed read of a
 *   20-column row, a one-row insert and a 4-statement batch (like the engine's transitions).
 * GET /model?n=20&tag=x: n sequential model calls through the app's AnthropicProvider (the
 *   @anthropic-ai/sdk stream the runs use) to MODEL_BASE_URL, each with its own `Task <tag>-<i>:`
 *   prompt so the bench proxy can match its own timing of the same call.
 */
import { AnthropicProvider } from '../../core/runtime/anthropic-provider';

interface Env {
  DB: D1Database;
  MODEL_BASE_URL: string;
}

const TOOLS = [
  {
    name: 'update_progress',
    description: 'Report progress on the current task to the humans watching.',
    input_schema: {
      type: 'object',
      properties: { progress: { type: 'integer', minimum: 0, maximum: 100 }, note: { type: 'string', maxLength: 500 } },
      required: ['progress'],
      additionalProperties: false,
    },
  },
  {
    name: 'finish_task',
    description: 'End the current task: completed with a result, blocked, or failed, with the reason.',
    input_schema: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['completed', 'failed', 'blocked'] }, result: { type: 'string' } },
      required: ['status', 'result'],
      additionalProperties: false,
    },
  },
];

async function model(env: Env, n: number, tag: string) {
  const provider = new AnthropicProvider({
    apiKey: 'sk-ant-bench-key',
    model: 'claude-sonnet-4-5',
    baseURL: env.MODEL_BASE_URL,
    onTextDelta: () => {},
  });
  const calls: Array<{ task: string; startedAt: number; endedAt: number }> = [];
  for (let i = 0; i < n; i += 1) {
    const task = `${tag}-${i}`;
    const startedAt = Date.now();
    await provider.createMessage({
      system: 'You are a benchmark agent. '.repeat(40),
      messages: [
        { role: 'user', content: `Task ${task}: Overhead probe\nPriority: normal\n\nBench probe [fake:loop]` },
      ],
      tools: TOOLS,
      maxTokens: 4096,
      signal: new AbortController().signal,
    });
    calls.push({ task, startedAt, endedAt: Date.now() });
  }
  return { n, calls };
}

const COLUMNS = Array.from({ length: 20 }, (_, i) => `c${i} TEXT`).join(', ');

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    const n = Math.min(500, Math.max(1, Number(url.searchParams.get('n') ?? 40)));
    if (url.pathname === '/model') return Response.json(await model(env, n, url.searchParams.get('tag') ?? 'probe'));
    if (url.pathname !== '/d1') return new Response('not found', { status: 404 });
    await env.DB.batch([
      env.DB.prepare(
        `CREATE TABLE IF NOT EXISTS rows (id TEXT PRIMARY KEY, org TEXT, status TEXT, ${COLUMNS}, updated_at INTEGER)`,
      ),
      env.DB.prepare(`CREATE INDEX IF NOT EXISTS rows_org ON rows (org, status)`),
    ]);
    const filler = Array.from({ length: 20 }, () => 'x'.repeat(40));
    const insert = (id: string) =>
      env.DB.prepare(
        `INSERT INTO rows (id, org, status, ${filler.map((_, i) => `c${i}`).join(', ')}, updated_at) VALUES (?, ?, ?, ${filler.map(() => '?').join(', ')}, ?)`,
      ).bind(id, 'org_1', 'pending', ...filler, Date.now());
    const time = async (work: (i: number) => Promise<unknown>) => {
      const out: number[] = [];
      for (let i = 0; i < n; i += 1) {
        const start = Date.now();
        await work(i);
        out.push(Date.now() - start);
      }
      return out;
    };
    const tag = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    await insert(`seed-${tag}`).run();
    const result = {
      n,
      select1: await time(() => env.DB.prepare('SELECT 1').first()),
      selectByKey: await time(() =>
        env.DB.prepare('SELECT * FROM rows WHERE org = ? AND id = ?').bind('org_1', `seed-${tag}`).first(),
      ),
      insert: await time((i) => insert(`ins-${tag}-${i}`).run()),
      batch4: await time((i) =>
        env.DB.batch([
          env.DB.prepare('UPDATE rows SET status = ?, updated_at = ? WHERE id = ?').bind(
            'running',
            Date.now(),
            `seed-${tag}`,
          ),
          insert(`b1-${tag}-${i}`),
          insert(`b2-${tag}-${i}`),
          env.DB.prepare('UPDATE rows SET updated_at = ? WHERE org = ? AND status = ?').bind(
            Date.now(),
            'org_1',
            'nothing',
          ),
        ]),
      ),
    };
    return Response.json(result);
  },
};
