/**
 * Talking to a remote MCP server with the official SDK (@modelcontextprotocol/sdk): its Client
 * over the streamable HTTP transport, which is fetch-based and so runs in workerd. Every request
 * (the server's, and OAuth discovery and token requests) goes through `guardedFetch`: the URL
 * guard again, and no redirects, so a public server cannot bounce us to a private address.
 * Output schemas are checked with @cfworker/json-schema (Ajv's code generation is not allowed in
 * workerd). Failures are errors with a sentence for the trace; callers turn them into a failed
 * tool call, never a failed run.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { AppConfig } from '../config';
import type { McpToolInfo } from '../db/org-schema';
import type { ConnectionSecrets, McpConnection } from './connections';
import { loadMcpSdk } from '../lazy-modules';
import { McpCallError } from './errors';
import { assertSafeMcpUrl } from './url-guard';

/** At most this many tools of one server are offered (a listing is also bounded in pages). */
const MAX_TOOLS = 128;
const MAX_LIST_PAGES = 10;
/** Tool results longer than this are cut before they reach the trace or the model. */
export const MAX_MCP_RESULT_CHARS = 16_000;
const CONNECT_TIMEOUT_MS = 10_000;

export interface McpTarget {
  connection: Pick<McpConnection, 'url' | 'authType' | 'oauthClientId' | 'oauthIssuer' | 'oauthScope' | 'timeoutMs'>;
  secrets: ConnectionSecrets;
  appEnv: AppConfig['APP_ENV'];
}

export { McpCallError };

function guardedFetch(appEnv: AppConfig['APP_ENV']): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    assertSafeMcpUrl(url, appEnv);
    const response = await fetch(input, { ...init, redirect: 'manual' });
    if (response.status >= 300 && response.status < 400)
      throw new McpCallError(`The server answered with a redirect (${response.status}); redirects are not followed.`);
    return response;
  };
}

/** A connected client for one connection; `close()` ends its session. */
export async function connectMcp(target: McpTarget, signal?: AbortSignal): Promise<Client> {
  const { connection, secrets, appEnv } = target;
  const url = assertSafeMcpUrl(connection.url, appEnv);
  const { Client, ClientCredentialsProvider, StreamableHTTPClientTransport, CfWorkerJsonSchemaValidator } =
    await loadMcpSdk();
  const headers: Record<string, string> = { ...(secrets.headers ?? {}) };
  if (connection.authType === 'bearer' && secrets.token) headers.Authorization = `Bearer ${secrets.token}`;
  const authProvider =
    connection.authType === 'oauth_client_credentials' && connection.oauthClientId && secrets.clientSecret
      ? new ClientCredentialsProvider({
          clientId: connection.oauthClientId,
          clientSecret: secrets.clientSecret,
          scope: connection.oauthScope ?? undefined,
          expectedIssuer: connection.oauthIssuer ?? '',
        })
      : undefined;
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers },
    fetch: guardedFetch(appEnv),
    authProvider,
    // One attempt: a broken server fails the call at once, inside the run's budget.
    reconnectionOptions: {
      maxRetries: 0,
      initialReconnectionDelay: 1_000,
      maxReconnectionDelay: 1_000,
      reconnectionDelayGrowFactor: 1,
    },
  });
  const client = new Client(
    { name: 'generic-corp', version: '1.0.0' },
    { capabilities: {}, jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
  );
  try {
    await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS, signal });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new McpCallError(`Could not connect to the MCP server: ${reasonOf(error, url)}`);
  }
  return client;
}

/** The server's tools (paged, bounded), with the annotations that decide default policies. */
export async function listMcpTools(client: Client, signal?: AbortSignal): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES && tools.length < MAX_TOOLS; page++) {
    let result: Awaited<ReturnType<Client['listTools']>>;
    try {
      result = await client.listTools(cursor ? { cursor } : undefined, { timeout: CONNECT_TIMEOUT_MS, signal });
    } catch (error) {
      throw new McpCallError(`Could not list the server's tools: ${reasonOf(error)}`);
    }
    for (const tool of result.tools) {
      if (!/^[a-zA-Z0-9_-]{1,40}$/.test(tool.name)) continue; // unusable as a model tool name
      tools.push({
        name: tool.name,
        description: (tool.description ?? tool.title ?? tool.name).slice(0, 1_000),
        inputSchema: tool.inputSchema as Record<string, unknown>,
        readOnly: tool.annotations?.readOnlyHint === true,
        destructive: tool.annotations?.destructiveHint === true,
      });
    }
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return tools.slice(0, MAX_TOOLS);
}

/** Connects, lists the tools, and closes: for "test" and the tools cache. */
export async function fetchMcpTools(target: McpTarget, signal?: AbortSignal): Promise<McpToolInfo[]> {
  const client = await connectMcp(target, signal);
  try {
    return await listMcpTools(client, signal);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Calls one tool within the connection's timeout and the run's cancel signal; the result as text. */
export async function callMcpTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<{ content: string; isError: boolean }> {
  let result: Awaited<ReturnType<Client['callTool']>>;
  try {
    result = await client.callTool({ name, arguments: args }, undefined, {
      timeout: options.timeoutMs,
      maxTotalTimeout: options.timeoutMs,
      signal: options.signal,
    });
  } catch (error) {
    throw new McpCallError(`${name} failed: ${reasonOf(error)}`);
  }
  const parts: string[] = [];
  const content = Array.isArray(result.content) ? result.content : [];
  for (const block of content as Array<Record<string, unknown>>) {
    if (block.type === 'text') parts.push(String(block.text ?? ''));
    else if (block.type === 'resource_link') parts.push(`[resource ${String(block.uri ?? '')}]`);
    else if (block.type === 'resource') {
      const resource = (block.resource ?? {}) as { uri?: string; text?: string };
      parts.push(resource.text ?? `[resource ${resource.uri ?? ''}]`);
    } else parts.push(`[${String(block.type)} content${block.mimeType ? ` ${String(block.mimeType)}` : ''}]`);
  }
  if (parts.length === 0 && result.structuredContent) parts.push(JSON.stringify(result.structuredContent));
  let text = parts.join('\n') || '(no content)';
  if (text.length > MAX_MCP_RESULT_CHARS) text = `${text.slice(0, MAX_MCP_RESULT_CHARS)}… [truncated]`;
  return { content: text, isError: result.isError === true };
}

/** A short reason without the server's stack or our secrets. */
/**
 * Why an MCP request failed, in words a person can act on: the server's HTTP status (with a hint
 * when the URL is likely not the MCP endpoint) rather than its raw body, and an unreachable host
 * named rather than workerd's "internal error; reference = …". Tokens never appear.
 */
export function reasonOf(error: unknown, url?: URL): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300);
  if (error.name === 'AbortError') return 'cancelled.';
  const message = error.message.replace(/Bearer\s+\S+/gi, 'Bearer …');
  if (/internal error; reference =/i.test(message))
    return `could not reach ${url?.host ?? 'the server'}: the name does not resolve, or nothing answers there.`;
  // The SDK's StreamableHTTPError carries the HTTP status as `code`, and the body in its message.
  const status = (error as { code?: unknown }).code;
  if (typeof status === 'number' && status >= 400 && status < 600) {
    const body = message.replace(/^.*?Error (?:POSTing to|GETting from) endpoint:?\s*/i, '').replace(/\s+/g, ' ');
    const hint = status === 404 || status === 405 ? ' Is this the server’s MCP endpoint (often ending in /mcp)?' : '';
    return `the server answered HTTP ${status}${body ? ` (${body.slice(0, 120)})` : ''}.${hint}`;
  }
  return /timed? ?out/i.test(message) ? `timed out (${message.slice(0, 200)}).` : message.slice(0, 300);
}
