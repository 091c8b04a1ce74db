/**
 * The only way to reach an org's OrgHub: `orgHub(env, ctx)` from an authenticated org context,
 * so a caller can never address another org's object by accident. It fills in the org and the
 * acting party on every call and turns the hub's failures back into the same ApiError, so call
 * sites read like local calls: `await orgHub(env, ctx).createTask(input, null)`, or
 * `await orgHub(env, ctx).read.tasks({ status: 'running' })` for any read in
 * durable-objects/org-reads.ts (`readJson.…` answers the same as JSON text).
 */
import type { z } from 'zod';
import type { Caller, OrgHub } from '../durable-objects/org-hub';
import type { OrgReadName, OrgReads } from '../durable-objects/org-reads';
import { type RpcResult, unwrap } from './rpc-result';
import type { OrgContext } from './tenant';

type Unwrapped<R> = Awaited<R> extends RpcResult<infer T> ? T : Awaited<R>;
type DropCaller<F> = F extends (caller: Caller, ...rest: infer A) => infer R
  ? (...args: A) => Promise<Unwrapped<R>>
  : never;

/** The hub's commands that take a caller, as methods without it. */
const COMMANDS = [
  'syncOrg',
  'reportOverage',
  'credentialsChanged',
  'revokeKey',
  'disconnectUser',
  'createAgent',
  'updateAgent',
  'deleteAgent',
  'enforceAgentLimit',
  'createTask',
  'updateTask',
  'cancelTask',
  'retryTask',
  'postMessage',
  'decideApproval',
  'createSchedule',
  'updateSchedule',
  'deleteSchedule',
  'listConnections',
  'createConnection',
  'deleteConnection',
  'testConnection',
  'connectionTools',
  'toolCatalog',
] as const satisfies ReadonlyArray<keyof OrgHub>;
type CommandName = (typeof COMMANDS)[number];
const COMMAND_NAMES: ReadonlySet<string> = new Set(COMMANDS);

export type OrgHubClient = { [K in CommandName]: DropCaller<OrgHub[K]> } & {
  /** Reads of the org's data, by name, run in the hub. */
  read: {
    [K in OrgReadName]: (...args: z.input<OrgReads[K]['args']>) => Promise<Awaited<ReturnType<OrgReads[K]['run']>>>;
  };
  /** The same reads as JSON text, for a response body sent as it is (the public API). */
  readJson: {
    [K in OrgReadName]: (
      ...args: z.input<OrgReads[K]['args']>
    ) => Promise<JsonText<Awaited<ReturnType<OrgReads[K]['run']>>>>;
  };
};

/** JSON text of a value of type T (what the hub's `readJson` answers). */
export type JsonText<T> = string & { readonly __json?: T };

/** Ids by org, so a hot org's id is not derived again on every request (it is a hash of the name). */
const hubIds = new Map<string, DurableObjectId>();
const MAX_CACHED_IDS = 10_000;

export function getOrgHub(env: Pick<Env, 'ORG_HUB'>, ctx: Pick<OrgContext, 'orgId'>): DurableObjectStub<OrgHub> {
  let id = hubIds.get(ctx.orgId);
  if (!id) {
    id = env.ORG_HUB.idFromName(ctx.orgId);
    if (hubIds.size >= MAX_CACHED_IDS) hubIds.clear();
    hubIds.set(ctx.orgId, id);
  }
  return env.ORG_HUB.get(id);
}

/**
 * The typed client of one org's hub, acting as `ctx.actor`. `requestId`, when the call serves a
 * request, tags the hub's error events with it.
 */
export function orgHub(
  env: Pick<Env, 'ORG_HUB'>,
  ctx: Pick<OrgContext, 'orgId' | 'actor'> & { requestId?: string },
): OrgHubClient {
  const stub = getOrgHub(env, ctx) as unknown as Record<string, (...args: unknown[]) => Promise<RpcResult<unknown>>>;
  const caller: Caller = { orgId: ctx.orgId, actor: ctx.actor, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) };
  // Methods are made when a call site asks for one: a request uses one or two of them.
  const reads = (method: 'read' | 'readJson') =>
    new Proxy(
      {},
      {
        get:
          (_target, name) =>
          async (...args: unknown[]) =>
            unwrap(await stub[method]!(caller, String(name), args)),
      },
    );
  return new Proxy({} as OrgHubClient, {
    get: (_target, name) => {
      if (name === 'read' || name === 'readJson') return reads(name);
      if (typeof name !== 'string' || !COMMAND_NAMES.has(name)) return undefined;
      return async (...args: unknown[]) => unwrap(await stub[name]!(caller, ...args));
    },
  });
}

/** The health check's own object: a real round trip that touches no tenant. */
export function getHealthProbeHub(env: Pick<Env, 'ORG_HUB'>): DurableObjectStub<OrgHub> {
  return env.ORG_HUB.get(env.ORG_HUB.idFromName('__health__'));
}
