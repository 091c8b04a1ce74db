/**
 * The model side of bench/run-overhead.mjs:
 *
 * - `startFakeAnthropicProcess(port)`: tests/fakes/anthropic-server.ts in a child process
 *   (`npx tsx bench/lib/fake-anthropic-entry.ts`), in its own process group, stopped with it.
 * - `startModelProxy({ port, upstream })`: a bench-only HTTP proxy in this process that the
 *   Worker calls as ANTHROPIC_BASE_URL. It waits `delayMs` (a fixed, known model latency,
 *   changeable between phases), forwards to the fake, streams the answer back, and records every
 *   call: task id (from the prompt's `Task <id>:` line), turn, and when the request arrived and
 *   the response ended (Date.now(), same clock as the Worker's timestamps).
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { REPO_ROOT, toolEnv } from './server.mjs';

const HOST = '127.0.0.1';
const groups = new Set();
let exitHandler = false;

function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {}
}

function installExitHandler() {
  if (exitHandler) return;
  exitHandler = true;
  process.on('exit', () => {
    for (const pgid of groups) killGroup(pgid, 'SIGKILL');
  });
}

/**
 * @param {number} port
 * @returns {Promise<{ url: string, requests: () => Promise<any[]>, stop: () => Promise<void> }>}
 */
export async function startFakeAnthropicProcess(port) {
  installExitHandler();
  const child = spawn('npx', ['tsx', 'bench/lib/fake-anthropic-entry.ts', String(port)], {
    cwd: REPO_ROOT,
    env: toolEnv(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = /** @type {number} */ (child.pid);
  groups.add(pgid);
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`fake Anthropic server did not start in 30 s:\n${output}`)),
      30_000,
    );
    const onData = (chunk) => {
      output += chunk.toString();
      const match = /FAKE_ANTHROPIC_URL=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake Anthropic server exited (${code}):\n${output}`));
    });
  });
  // Keep draining its output so a full pipe never blocks it.
  child.stdout.resume();
  child.stderr.resume();
  return {
    url,
    requests: async () => (await fetch(`${url}/__requests`)).json(),
    stop: async () => {
      if (!groups.has(pgid)) return;
      killGroup(pgid, 'SIGTERM');
      for (let i = 0; i < 30; i += 1) {
        try {
          process.kill(-pgid, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      killGroup(pgid, 'SIGKILL');
      groups.delete(pgid);
    },
  };
}

/**
 * @typedef {object} ModelCall
 * @property {string | null} taskId
 * @property {number} turn assistant messages already in the conversation (0 = first call)
 * @property {number} delayMs the artificial latency applied
 * @property {number} receivedAt request headers arrived (ms epoch)
 * @property {number} forwardedAt sent on to the fake, after the delay
 * @property {number} endedAt last byte of the response written back
 * @property {number} status upstream status (0: the upstream failed)
 */

/**
 * @param {{ port: number, upstream: string, delayMs?: number }} options
 */
export async function startModelProxy({ port, upstream, delayMs = 0 }) {
  const target = new URL(upstream);
  /** @type {ModelCall[]} */
  const calls = [];
  const listeners = new Set();
  let delay = delayMs;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  const server = http.createServer((req, res) => {
    const receivedAt = Date.now();
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      let taskId = null;
      let turn = -1;
      if (req.method === 'POST' && req.url?.startsWith('/v1/messages')) {
        try {
          const json = JSON.parse(body.toString('utf8'));
          const first = json.messages?.[0]?.content;
          const text =
            typeof first === 'string' ? first : Array.isArray(first) ? first.map((b) => b.text ?? '').join('\n') : '';
          taskId = /Task (\S+?):/.exec(text)?.[1] ?? null;
          turn = (json.messages ?? []).filter((m) => m.role === 'assistant').length;
        } catch {}
      }
      const record = taskId
        ? { taskId, turn, delayMs: delay, receivedAt, forwardedAt: 0, endedAt: 0, status: 0 }
        : null;
      if (record && delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (record) record.forwardedAt = Date.now();
      const headers = { ...req.headers, host: target.host };
      const upstreamReq = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          res.on('finish', () => {
            if (!record) return;
            record.endedAt = Date.now();
            record.status = upstreamRes.statusCode ?? 0;
            calls.push(record);
            for (const listener of listeners) listener(record);
          });
        },
      );
      upstreamReq.on('error', (error) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ type: 'error', error: { type: 'api_error', message: `bench proxy: ${error.message}` } }),
        );
      });
      upstreamReq.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, resolve);
  });
  return {
    url: `http://${HOST}:${port}`,
    calls,
    /** @param {number} ms */
    setDelay: (ms) => {
      delay = ms;
    },
    /** @param {(call: ModelCall) => void} listener */
    onCall: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () =>
      new Promise((resolve) => {
        agent.destroy();
        server.closeAllConnections?.();
        server.close(() => resolve(undefined));
      }),
  };
}
