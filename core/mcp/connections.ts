/**
 * MCP connections of an org (decision 015): the input an admin sends, the view the API and the
 * UI show (never a secret: only its last four characters and the names of extra headers), and
 * sealing. The secrets of one connection (bearer token or OAuth client secret, and the values
 * of extra headers) are one JSON object sealed with core/crypto.ts, bound to the org and the
 * connection's id: a row copied to another org or connection does not open.
 */
import { z } from 'zod';
import { credentialAad, decryptSecret, type EncryptionConfig, encryptSecret } from '../crypto';
import type { McpToolInfo, mcpConnections } from '../db/org-schema';
import type { RateLimitRule } from '../rate-limit';
import { nameField } from '../validation';

export type McpConnection = typeof mcpConnections.$inferSelect;

/** Tools of a connection are named `<slug>__<tool>`; the model API allows [a-zA-Z0-9_-]{1,64}. */
export const TOOL_NAME_SEPARATOR = '__';
const CONNECTION_SLUG = /^[a-z][a-z0-9_-]{0,23}$/;

/** How long a listing of a server's tools is reused before the server is asked again. */
export const TOOLS_CACHE_MS = 5 * 60_000;

/**
 * A test or a tools refresh opens a connection to the org's server from our network: bounded
 * per org (API and dashboard share the count) so it cannot be used to hammer a host.
 */
const MCP_CONNECT_RATE_LIMIT: RateLimitRule = { limit: 20, windowSeconds: 60 };
/** The org's count of those connections: the bucket and rule both faces enforce. */
export const mcpConnectLimit = (orgId: string) => ({
  bucket: `mcp-connect:org:${orgId}`,
  rule: MCP_CONNECT_RATE_LIMIT,
});

/** Header names we set ourselves, or that would change how the request travels. */
const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'content-type',
  'content-length',
  'accept',
  'connection',
  'cookie',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
  'transfer-encoding',
]);

const headerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,64}$/, 'Header names are letters, digits and dashes.')
  .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), 'That header is set by the client itself.');

export const ConnectionInput = z
  .strictObject({
    name: nameField('a name', 60),
    slug: z
      .string()
      .trim()
      .toLowerCase()
      .regex(CONNECTION_SLUG, 'Use 1–24 lowercase letters, digits, dashes or underscores, starting with a letter.')
      .optional()
      .describe('Prefix of its tools’ names; derived from the name when omitted.'),
    url: z.string().trim().min(1, 'Enter the MCP server’s URL.').max(2_000),
    auth: z
      .discriminatedUnion('type', [
        z.strictObject({ type: z.literal('none') }),
        z.strictObject({ type: z.literal('bearer'), token: z.string().trim().min(1, 'Paste the token.').max(4_000) }),
        z.strictObject({
          type: z.literal('oauth_client_credentials'),
          client_id: z.string().trim().min(1).max(400),
          client_secret: z.string().trim().min(1).max(4_000),
          issuer: z.string().trim().url('The issuer is the authorization server’s URL.').max(2_000),
          scope: z.string().trim().max(1_000).optional(),
        }),
      ])
      .default({ type: 'none' }),
    headers: z
      .record(
        headerName,
        z
          .string()
          .max(4_000)
          .regex(/^[^\r\n]*$/, 'Header values are one line.'),
      )
      .refine((headers) => Object.keys(headers).length <= 20, 'At most 20 headers.')
      .optional(),
    timeout_ms: z.number().int().min(1_000).max(120_000).optional().describe('Per tool call; default 20000.'),
  })
  .describe('A remote MCP server reached over streamable HTTP.');
export type ConnectionInput = z.infer<typeof ConnectionInput>;

/** What is sealed: the secrets of one connection. */
export interface ConnectionSecrets {
  token?: string;
  clientSecret?: string;
  headers?: Record<string, string>;
}

export function connectionSlugFrom(name: string): string {
  const slug = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, 24);
  return slug || 'mcp';
}

const aad = (orgId: string, connectionId: string) => credentialAad(orgId, `mcp:${connectionId}`);

export async function sealSecrets(
  config: EncryptionConfig,
  orgId: string,
  connectionId: string,
  secrets: ConnectionSecrets,
) {
  if (!secrets.token && !secrets.clientSecret && !Object.keys(secrets.headers ?? {}).length) return null;
  return encryptSecret(config, JSON.stringify(secrets), aad(orgId, connectionId));
}

export async function openSecrets(
  config: EncryptionConfig,
  orgId: string,
  row: McpConnection,
): Promise<ConnectionSecrets> {
  if (!row.secretCiphertext || !row.secretIv || row.secretKeyVersion === null) return {};
  const plain = await decryptSecret(
    config,
    { ciphertext: row.secretCiphertext, iv: row.secretIv, keyVersion: row.secretKeyVersion },
    aad(orgId, row.id),
  );
  return JSON.parse(plain) as ConnectionSecrets;
}

export function toolView(connection: McpConnection, tool: McpToolInfo) {
  return {
    name: `${connection.slug}${TOOL_NAME_SEPARATOR}${tool.name}`,
    tool: tool.name,
    description: tool.description,
    read_only: tool.readOnly,
    destructive: tool.destructive,
    default_policy: defaultMcpPolicy(tool),
    input_schema: tool.inputSchema,
  };
}

/** MCP tool annotations decide the default: read-only tools run on their own; anything else asks. */
export function defaultMcpPolicy(tool: Pick<McpToolInfo, 'readOnly' | 'destructive'>): 'auto' | 'ask' {
  return tool.readOnly && !tool.destructive ? 'auto' : 'ask';
}

export function connectionView(row: McpConnection) {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    url: row.url,
    auth_type: row.authType,
    oauth_client_id: row.oauthClientId,
    oauth_issuer: row.oauthIssuer,
    secret_last4: row.secretLast4,
    header_names: row.headerNames,
    timeout_ms: row.timeoutMs,
    tool_count: row.toolsCache?.length ?? null,
    tools_listed_at: row.toolsCachedAt ? new Date(row.toolsCachedAt).toISOString() : null,
    last_error: row.lastError,
    created_at: new Date(row.createdAt).toISOString(),
    updated_at: new Date(row.updatedAt).toISOString(),
  };
}
export type ConnectionView = ReturnType<typeof connectionView>;
