/**
 * A local MCP server for the tests and the browser tests, built with the official SDK
 * (@modelcontextprotocol/sdk) and served over streamable HTTP (stateless: a fresh server per
 * request). `POST /mcp` needs `Authorization: Bearer mcp-test-token`; `/down/mcp` always answers
 * 500. Tools: `search_issues` and `get_issue` (read-only), `create_issue` (a write: not
 * read-only), `slow_report` (read-only, answers after `seconds`, default 5) and `flaky_check`
 * (read-only, always fails). Every call is recorded with its arguments and headers; `GET /calls`
 * returns them (tests look for their own markers).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export const FAKE_MCP_TOKEN = 'mcp-test-token';

export interface RecordedCall {
  tool: string;
  args: Record<string, unknown>;
  authorization: string | undefined;
  tenant: string | undefined;
  at: number;
}

function buildServer(calls: RecordedCall[], req: IncomingMessage): McpServer {
  const server = new McpServer({ name: 'fake-tracker', version: '1.0.0' });
  const record = (tool: string, args: Record<string, unknown>) =>
    calls.push({
      tool,
      args,
      authorization: req.headers.authorization,
      tenant: req.headers['x-tenant'] as string | undefined,
      at: Date.now(),
    });
  server.registerTool(
    'search_issues',
    {
      description: 'Search the issue tracker.',
      inputSchema: { query: z.string().describe('Words to look for.') },
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      record('search_issues', args);
      return {
        content: [
          {
            type: 'text',
            text: `Found 2 issues for "${args.query}":\n- #41 Flaky login test\n- #42 Review PR: add caching`,
          },
        ],
      };
    },
  );
  server.registerTool(
    'get_issue',
    {
      description: 'Read one issue by number.',
      inputSchema: { number: z.number().int() },
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      record('get_issue', args);
      return { content: [{ type: 'text', text: `Issue #${args.number}: Review PR: add caching (open)` }] };
    },
  );
  server.registerTool(
    'create_issue',
    {
      description: 'Open a new issue.',
      inputSchema: { title: z.string(), body: z.string().optional() },
      annotations: { readOnlyHint: false, destructiveHint: false },
    },
    async (args) => {
      record('create_issue', args);
      return { content: [{ type: 'text', text: `Created issue #101: ${args.title}` }] };
    },
  );
  server.registerTool(
    'slow_report',
    {
      description: 'A report that takes a while.',
      inputSchema: { seconds: z.number().optional() },
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      record('slow_report', args);
      await new Promise((resolve) => setTimeout(resolve, (args.seconds ?? 5) * 1000));
      return { content: [{ type: 'text', text: 'Report ready.' }] };
    },
  );
  server.registerTool(
    'flaky_check',
    { description: 'A check that always fails.', inputSchema: {}, annotations: { readOnlyHint: true } },
    async () => {
      record('flaky_check', {});
      throw new Error('The tracker database is unavailable.');
    },
  );
  return server;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export async function startFakeMcp(port = 0): Promise<{ url: string; calls: RecordedCall[]; close(): Promise<void> }> {
  const calls: RecordedCall[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method === 'GET' && path === '/calls') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(calls));
        return;
      }
      if (path === '/down/mcp') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('down for maintenance');
        return;
      }
      if (path !== '/mcp') {
        res.writeHead(404).end();
        return;
      }
      if (req.headers.authorization !== `Bearer ${FAKE_MCP_TOKEN}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'unauthorized' }));
        return;
      }
      if (req.method !== 'POST') {
        // Stateless: no standalone SSE stream, no sessions to end.
        res.writeHead(405, { allow: 'POST' }).end();
        return;
      }
      const body = await readBody(req);
      const mcp = buildServer(calls, req);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      await mcp.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
