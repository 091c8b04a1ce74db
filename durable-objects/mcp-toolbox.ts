/**
 * The org's MCP connections inside its OrgHub (decision 015): admins add, test, list and delete
 * them; a run gets their tools (listed at most every few minutes, cached in the connection's
 * row) as a ToolSet whose calls connect lazily, respect the connection's timeout and the run's
 * cancel signal, never throw into the run loop, and are audited (activity + D1 audit log) with
 * the agent, the tool and the task. Network I/O never happens inside an exclusive transition.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { type AppConfig, loadConfig } from '../core/config';
import { DecryptionError } from '../core/crypto';
import { type agents, mcpConnections, type McpToolInfo, type tasks } from '../core/db/org-schema';
import { ApiError } from '../core/errors';
import { newId } from '../core/ids';
import { log } from '../core/log';
import { callMcpTool, connectMcp, fetchMcpTools, type McpTarget } from '../core/mcp/client';
import { McpCallError } from '../core/mcp/errors';
import {
  ConnectionInput,
  type ConnectionSecrets,
  connectionSlugFrom,
  connectionView,
  defaultMcpPolicy,
  type McpConnection,
  openSecrets,
  sealSecrets,
  TOOL_NAME_SEPARATOR,
  TOOLS_CACHE_MS,
  toolView,
} from '../core/mcp/connections';
import { assertSafeMcpUrl, UnsafeUrlError } from '../core/mcp/url-guard';
import type { ToolSet } from '../core/runtime/run-loop';
import type { Actor } from '../core/tenant';
import type { ToolPolicy } from '../core/vocabulary';
import type { TaskEngine } from './task-engine';

const MAX_CONNECTIONS = 20;
const ToolArgs = z.record(z.string(), z.unknown());

export interface RunMcpTools {
  tools: ToolSet;
  /** The default policy of each MCP tool, from its annotations. */
  defaults: Map<string, ToolPolicy>;
  close(): Promise<void>;
}

export class McpToolbox {
  constructor(private readonly engine: TaskEngine) {}

  private get scope() {
    return this.engine.scope;
  }

  private get config(): AppConfig {
    return loadConfig(this.engine.host.env);
  }

  async list() {
    const rows = await this.scope.select(mcpConnections).orderBy(mcpConnections.createdAt);
    return rows.map(connectionView);
  }

  private async find(ref: string): Promise<McpConnection> {
    const row =
      (await this.scope.first(mcpConnections, eq(mcpConnections.id, ref))) ??
      (await this.scope.first(mcpConnections, eq(mcpConnections.slug, ref.toLowerCase())));
    if (!row) throw new ApiError('not_found', 'No such connection in this organization.');
    return row;
  }

  /** Adds a connection (admin); its secrets are sealed before they are stored. */
  async create(actor: Actor, raw: ConnectionInput) {
    const input = ConnectionInput.parse(raw);
    // A public sandbox must not make the platform call servers of a visitor's choosing.
    if ((await this.engine.plan()).id === 'demo')
      throw new ApiError('forbidden', 'MCP connections are not available in the demo. Sign up to connect your tools.', {
        demo: true,
      });
    const config = this.config;
    try {
      assertSafeMcpUrl(input.url, config.APP_ENV);
      if (input.auth.type === 'oauth_client_credentials') assertSafeMcpUrl(input.auth.issuer, config.APP_ENV);
    } catch (error) {
      if (error instanceof UnsafeUrlError)
        throw new ApiError('validation_failed', error.message, [{ field: 'url', message: error.message }]);
      throw error;
    }
    if ((await this.scope.count(mcpConnections)) >= MAX_CONNECTIONS)
      throw new ApiError('conflict', `An organization can have at most ${MAX_CONNECTIONS} connections.`);
    const slug = input.slug ?? connectionSlugFrom(input.name);
    if (await this.scope.first(mcpConnections, eq(mcpConnections.slug, slug)))
      throw new ApiError('conflict', `A connection named “${slug}” exists already; choose another slug.`, [
        { field: 'slug', message: 'Taken.' },
      ]);
    const id = newId('mcp');
    const secrets: ConnectionSecrets = {
      ...(input.auth.type === 'bearer' ? { token: input.auth.token } : {}),
      ...(input.auth.type === 'oauth_client_credentials' ? { clientSecret: input.auth.client_secret } : {}),
      ...(input.headers && Object.keys(input.headers).length ? { headers: input.headers } : {}),
    };
    const sealed = await sealSecrets(config, this.engine.host.orgId, id, secrets);
    const secret = secrets.token ?? secrets.clientSecret;
    await this.scope.batch([
      this.scope.insertRows(mcpConnections, {
        id,
        slug,
        name: input.name,
        url: input.url,
        authType: input.auth.type,
        oauthClientId: input.auth.type === 'oauth_client_credentials' ? input.auth.client_id : null,
        oauthIssuer: input.auth.type === 'oauth_client_credentials' ? input.auth.issuer : null,
        oauthScope: input.auth.type === 'oauth_client_credentials' ? (input.auth.scope ?? null) : null,
        headerNames: Object.keys(input.headers ?? {}),
        secretCiphertext: sealed?.ciphertext ?? null,
        secretIv: sealed?.iv ?? null,
        secretKeyVersion: sealed?.keyVersion ?? null,
        secretLast4: secret ? secret.slice(-4) : null,
        timeoutMs: input.timeout_ms ?? 20_000,
        createdBy: actor.id,
      }),
      this.engine.record(
        'connection.created',
        actor,
        { type: 'connection', id },
        { connection_id: id, slug, name: input.name },
      ),
    ]);
    this.engine.audit(
      actor,
      'connection.created',
      { type: 'mcp_connection', id },
      { slug, url: input.url, auth_type: input.auth.type },
    );
    return connectionView((await this.find(id))!);
  }

  async remove(actor: Actor, ref: string) {
    const row = await this.find(ref);
    await this.scope.batch([
      this.scope.deleteRows(mcpConnections, eq(mcpConnections.id, row.id)),
      this.engine.record(
        'connection.deleted',
        actor,
        { type: 'connection', id: row.id },
        { connection_id: row.id, slug: row.slug },
      ),
    ]);
    this.engine.audit(
      actor,
      'connection.deleted',
      { type: 'mcp_connection', id: row.id },
      { slug: row.slug, url: row.url },
    );
    return { deleted: true };
  }

  private async target(row: McpConnection): Promise<McpTarget> {
    let secrets: ConnectionSecrets;
    try {
      secrets = await openSecrets(this.config, this.engine.host.orgId, row);
    } catch (error) {
      if (error instanceof DecryptionError)
        throw new McpCallError(
          `The secrets of connection “${row.slug}” cannot be decrypted (key version ${error.keyVersion}); an admin must add it again.`,
        );
      throw error;
    }
    return { connection: row, secrets, appEnv: this.config.APP_ENV };
  }

  /** Lists the server's tools now (outside any transition) and caches them; errors are kept on the row. */
  private async refresh(row: McpConnection, signal?: AbortSignal): Promise<McpToolInfo[]> {
    try {
      const tools = await fetchMcpTools(await this.target(row), signal);
      await this.engine.host.exclusive(async () =>
        this.scope.batch([
          this.scope.updateRows(
            mcpConnections,
            { toolsCache: tools, toolsCachedAt: Date.now(), lastError: null, updatedAt: Date.now() },
            eq(mcpConnections.id, row.id),
          ),
        ]),
      );
      return tools;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.engine.host.exclusive(async () =>
        this.scope.batch([
          this.scope.updateRows(mcpConnections, { lastError: message.slice(0, 500) }, eq(mcpConnections.id, row.id)),
        ]),
      );
      throw error instanceof McpCallError || error instanceof UnsafeUrlError ? new McpCallError(message) : error;
    }
  }

  /** "Test": connect and list now. Always answers (a failure is `ok: false` with the reason). */
  async test(ref: string) {
    const row = await this.find(ref);
    try {
      const tools = await this.refresh(row);
      return { ok: true, message: `Connected: ${tools.length} tool(s).`, tools: tools.map((t) => toolView(row, t)) };
    } catch (error) {
      if (!(error instanceof McpCallError)) throw error;
      return { ok: false, message: error.message, tools: [] };
    }
  }

  /** The connection's tools: cached when fresh, else listed now; `refresh` forces a listing. */
  async tools(ref: string, refresh = false) {
    const row = await this.find(ref);
    let tools = row.toolsCache ?? [];
    if (refresh || !row.toolsCachedAt || Date.now() - row.toolsCachedAt > TOOLS_CACHE_MS) {
      try {
        tools = await this.refresh(row);
      } catch (error) {
        if (!(error instanceof McpCallError)) throw error;
        throw new ApiError('service_unavailable', error.message);
      }
    }
    return { data: tools.map((t) => toolView(row, t)), next_cursor: null };
  }

  /** Every connection's tools (cached) for the agent page: names and defaults, no I/O. */
  async cachedTools() {
    const rows = await this.scope.select(mcpConnections).orderBy(mcpConnections.createdAt);
    return rows.flatMap((row) =>
      (row.toolsCache ?? []).map((tool) => ({ connection: row.slug, ...toolView(row, tool) })),
    );
  }

  /**
   * The MCP tools of one run: every connection's tools (listed once per run at most, reusing a
   * fresh cache), each call on a client opened at first use and closed by `close()`.
   */
  async forRun(
    agent: typeof agents.$inferSelect,
    task: typeof tasks.$inferSelect,
    signal: AbortSignal,
  ): Promise<RunMcpTools> {
    const rows = this.scope.statements.mcpConnectionsInOrder.all();
    const tools: ToolSet = {};
    const defaults = new Map<string, ToolPolicy>();
    const clients = new Map<string, Promise<Client>>();
    for (const row of rows) {
      let listed = row.toolsCache;
      if (!listed || !row.toolsCachedAt || Date.now() - row.toolsCachedAt > TOOLS_CACHE_MS) {
        try {
          listed = await this.refresh(row, signal);
        } catch (error) {
          // A server that is down only takes its own tools away (the cache, if any, still names them).
          log.warn('mcp.list_failed', { connection_id: row.id, error: error instanceof Error ? error.message : '' });
          if (!listed) continue;
        }
      }
      for (const info of listed) {
        const name = `${row.slug}${TOOL_NAME_SEPARATOR}${info.name}`;
        if (name.length > 64) continue;
        defaults.set(name, defaultMcpPolicy(info));
        tools[name] = {
          definition: {
            name,
            description: `[${row.name}] ${info.description}`.slice(0, 1_000),
            input_schema: { type: 'object', ...info.inputSchema },
          },
          schema: ToolArgs,
          run: async (input: Record<string, unknown>) => {
            const started = Date.now();
            let outcome: { content: string; isError: boolean };
            try {
              let client = clients.get(row.id);
              if (!client) {
                client = this.target(row).then((target) => connectMcp(target, signal));
                clients.set(row.id, client);
                client.catch(() => clients.delete(row.id));
              }
              outcome = await callMcpTool(await client, info.name, input, {
                timeoutMs: row.timeoutMs,
                signal,
              });
            } catch (error) {
              outcome = {
                content:
                  error instanceof McpCallError || error instanceof UnsafeUrlError
                    ? error.message
                    : `${info.name} failed: ${error instanceof Error ? error.message : String(error)}`,
                isError: true,
              };
            }
            await this.recordCall(agent, task, row, info.name, name, outcome.isError, Date.now() - started);
            return outcome;
          },
        };
      }
    }
    return {
      tools,
      defaults,
      close: async () => {
        for (const client of clients.values()) await client.then((c) => c.close()).catch(() => undefined);
      },
    };
  }

  /** Activity for the org (live, the trace's neighbour) and the D1 audit log. */
  private async recordCall(
    agent: typeof agents.$inferSelect,
    task: typeof tasks.$inferSelect,
    row: McpConnection,
    tool: string,
    name: string,
    failed: boolean,
    ms: number,
  ) {
    const data = {
      agent_id: agent.id,
      agent_slug: agent.slug,
      task_id: task.id,
      connection_id: row.id,
      connection: row.slug,
      tool: name,
      ok: !failed,
      ms,
    };
    await this.engine.host
      .exclusive(async () =>
        this.scope.batch([
          this.engine.record('tool.called', { type: 'agent', id: agent.id }, { type: 'task', id: task.id }, data),
        ]),
      )
      .catch((error) => log.warn('mcp.activity_failed', { error: String(error) }));
    this.engine.audit(
      { type: 'system', id: null },
      'mcp.tool_called',
      { type: 'mcp_connection', id: row.id },
      { ...data, mcp_tool: tool },
    );
  }
}
