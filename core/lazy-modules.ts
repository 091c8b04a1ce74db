/**
 * Large modules, loaded on first use instead of when an isolate starts: the SDKs below, and the
 * front end's server build (worker/remix.ts). Most isolates never need them. An API isolate
 * serving reads, or an OrgHub running simulated agents, would otherwise evaluate them at
 * start-up and keep every object they create in a heap that each full garbage collection walks
 * (docs/decisions/023-lazy-modules.md). The bundle keeps them as lazily initialized modules.
 */

/** `load()` on the first call only; every call gets its result. A failed load is tried again next time. */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | null = null;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = null;
      throw error;
    });
    return loaded;
  };
}

export type AnthropicSdk = typeof import('@anthropic-ai/sdk');
/** `@anthropic-ai/sdk`: the agent runtime's model provider and the model-key test. */
export const loadAnthropicSdk = loadOnce((): Promise<AnthropicSdk> => import('@anthropic-ai/sdk'));

/** `html-to-text`: the plain-text part of each email (the email queue's consumer). */
export const loadHtmlToText = loadOnce(() => import('html-to-text'));

/** `stripe`: Checkout, the billing portal, webhooks and the usage meter (hosted edition only). */
export const loadStripeSdk = loadOnce(() => import('stripe'));

/** `@modelcontextprotocol/sdk`'s client, transport, OAuth provider and schema validator. */
export const loadMcpSdk = loadOnce(async () => {
  const [client, auth, transport, validation] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/auth-extensions.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/validation/cfworker'),
  ]);
  return {
    Client: client.Client,
    ClientCredentialsProvider: auth.ClientCredentialsProvider,
    StreamableHTTPClientTransport: transport.StreamableHTTPClientTransport,
    CfWorkerJsonSchemaValidator: validation.CfWorkerJsonSchemaValidator,
  };
});
