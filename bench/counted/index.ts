/**
 * Bench build of the app Worker: the same Worker and OrgHub, with every binding round trip
 * counted. Bundled by the benchmarks in place of worker/index.ts (`wrangler deploy
 * bench/counted/index.ts --dry-run`); never deployed.
 *
 * Counted, in isolate memory: D1 round trips (a statement run, a batch, an exec; "writes" are
 * those with an INSERT/UPDATE/DELETE/REPLACE), KV operations, Durable Object calls (an RPC
 * method or fetch on a stub) and Queue sends, by scope: the Worker's handler
 * (`worker:fetch`, `worker:queue`, `worker:scheduled`) or the OrgHub method that was called
 * (`hub:createTask`, `hub:deliverRun`, `hub:alarm`…), and the statements each OrgHub runs on its own
 * SQLite (in-thread, so not a round trip, but the CPU a transition costs). Internal calls stay in their caller's
 * scope. `GET /__bench/bindings` answers the totals since the isolate started (the Worker and
 * its Durable Objects share one isolate locally); it exists only in this build.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import app, { OrgHub as AppOrgHub } from '../../worker/index';

interface Counts {
  d1: number;
  d1Writes: number;
  d1Statements: number;
  kv: number;
  do: number;
  queue: number;
  /** Statements run on the OrgHub's own SQLite (not a round trip: in-thread, but CPU). */
  sql: number;
}
type Side = 'worker' | 'hub';
interface Scope {
  side: Side;
  name: string;
}

const scopes = new AsyncLocalStorage<Scope>();
const counters = new Map<string, Counts>();

/** Statements by scope and text (their first 90 characters): what a transition runs. */
const sqlTexts = new Map<string, number>();
function noteSql(side: Side, kind: 'd1' | 'sql', query: string) {
  const scope = scopes.getStore();
  const name = scope?.side === side ? scope.name : `${side}:other`;
  const key = `${kind} ${name} ${query.replace(/\s+/g, ' ').slice(0, 90)}`;
  sqlTexts.set(key, (sqlTexts.get(key) ?? 0) + 1);
}

function bump(side: Side, field: keyof Counts, by = 1) {
  const scope = scopes.getStore();
  const name = scope?.side === side ? scope.name : `${side}:other`;
  let counts = counters.get(name);
  if (!counts) {
    counts = { d1: 0, d1Writes: 0, d1Statements: 0, kv: 0, do: 0, queue: 0, sql: 0 };
    counters.set(name, counts);
  }
  counts[field] += by;
}

const WRITE = /^\s*(insert|update|delete|replace)\b/i;
const RUNS = new Set(['first', 'all', 'run', 'raw']);

// biome-ignore lint/suspicious/noExplicitAny: wraps untyped binding objects generically
type Any = any;

/** D1: prepare() → counted statements; batch and exec are one round trip each. */
function countD1(db: D1Database, side: Side): D1Database {
  const real = new WeakMap<object, { statement: Any; sql: string }>();
  const wrapStatement = (statement: Any, sql: string): Any => {
    const proxy = new Proxy(statement, {
      get(target, prop) {
        const value = target[prop];
        if (typeof value !== 'function') return value;
        if (prop === 'bind') return (...args: unknown[]) => wrapStatement(value.apply(target, args), sql);
        if (RUNS.has(prop as string))
          return (...args: unknown[]) => {
            bump(side, 'd1');
            bump(side, 'd1Statements');
            if (WRITE.test(sql)) bump(side, 'd1Writes');
            noteSql(side, 'd1', sql);
            return value.apply(target, args);
          };
        return value.bind(target);
      },
    });
    real.set(proxy, { statement, sql });
    return proxy;
  };
  const wrapDb = (target: Any): Any =>
    new Proxy(target, {
      get(t, prop) {
        const value = t[prop];
        if (typeof value !== 'function') return value;
        if (prop === 'prepare') return (sql: string) => wrapStatement(value.call(t, sql), sql);
        if (prop === 'batch')
          return (statements: Any[]) => {
            const unwrapped = statements.map((s) => real.get(s) ?? { statement: s, sql: '' });
            bump(side, 'd1');
            bump(side, 'd1Statements', unwrapped.length);
            if (unwrapped.some((s) => WRITE.test(s.sql))) bump(side, 'd1Writes');
            return value.call(
              t,
              unwrapped.map((s) => s.statement),
            );
          };
        if (prop === 'exec')
          return (sql: string) => {
            bump(side, 'd1');
            bump(side, 'd1Statements');
            if (WRITE.test(sql)) bump(side, 'd1Writes');
            return value.call(t, sql);
          };
        if (prop === 'withSession') return (...args: unknown[]) => wrapDb(value.apply(t, args));
        return value.bind(t);
      },
    });
  return wrapDb(db);
}

/** Every method call on the object is one counted operation. */
function countCalls<T extends object>(target: T, side: Side, field: keyof Counts, methods: Set<string>): T {
  return new Proxy(target as Any, {
    get(t, prop) {
      const value = t[prop];
      if (typeof value !== 'function') return value;
      if (methods.has(prop as string))
        return (...args: unknown[]) => {
          bump(side, field);
          return value.apply(t, args);
        };
      return value.bind(t);
    },
  });
}

/** A Durable Object namespace whose stubs count every RPC call and fetch. */
function countNamespace(namespace: DurableObjectNamespace, side: Side): DurableObjectNamespace {
  const wrapStub = (stub: Any): Any =>
    new Proxy(stub, {
      get(t, prop) {
        if (prop === 'then' || typeof prop === 'symbol') return t[prop];
        const value = t[prop];
        if (typeof value !== 'function') return value;
        // Reflect.apply: `.apply` on an RPC method would be an RPC call named "apply".
        return (...args: unknown[]) => {
          bump(side, 'do');
          return Reflect.apply(value, t, args);
        };
      },
    });
  return new Proxy(namespace as Any, {
    get(t, prop) {
      const value = t[prop];
      if (typeof value !== 'function') return value;
      if (prop === 'get' || prop === 'getByName' || prop === 'getExisting')
        return (...args: unknown[]) => wrapStub(value.apply(t, args));
      return value.bind(t);
    },
  });
}

/** Every `exec` on the object's SQLite (drizzle's durable-sqlite driver runs each statement through it). */
function countSql(sql: SqlStorage) {
  const exec = sql.exec.bind(sql);
  Object.defineProperty(sql, 'exec', {
    configurable: true,
    value: (query: string, ...bindings: unknown[]) => {
      bump('hub', 'sql');
      noteSql('hub', 'sql', query);
      return exec(query, ...bindings);
    },
  });
}

const KV_METHODS = new Set(['get', 'getWithMetadata', 'put', 'delete', 'list']);
const QUEUE_METHODS = new Set(['send', 'sendBatch']);

function countEnv(env: Env, side: Side): Env {
  return {
    ...env,
    DB: countD1(env.DB, side),
    KV: countCalls(env.KV, side, 'kv', KV_METHODS),
    ORG_HUB: countNamespace(env.ORG_HUB, side),
    // The hub's calls to the org's live room (admit, publish, closes) count as DO calls too.
    LIVE_ROOM: countNamespace(env.LIVE_ROOM, side),
    AGENT_RUNS: countCalls(env.AGENT_RUNS, side, 'queue', QUEUE_METHODS),
  };
}

// One wrapped env per real env (the app caches its config per env object).
const wrapped = new WeakMap<Env, Env>();
let envsWrapped = 0;
const workerEnv = (env: Env) => {
  let counted = wrapped.get(env);
  if (!counted) {
    envsWrapped += 1;
    counted = countEnv(env, 'worker');
    wrapped.set(env, counted);
  }
  return counted;
};

function snapshot() {
  const byScope = Object.fromEntries([...counters].sort(([a], [b]) => a.localeCompare(b)));
  const total: Counts = { d1: 0, d1Writes: 0, d1Statements: 0, kv: 0, do: 0, queue: 0, sql: 0 };
  for (const counts of counters.values())
    for (const key of Object.keys(total) as (keyof Counts)[]) total[key] += counts[key];
  const sql = Object.fromEntries([...sqlTexts].sort(([, a], [, b]) => b - a));
  return { envsWrapped, total, byScope, sql };
}

export class OrgHub extends AppOrgHub {
  constructor(ctx: DurableObjectState, env: Env) {
    countSql(ctx.storage.sql);
    super(ctx, countEnv(env, 'hub'));
  }
}
// Every OrgHub method (RPC, alarm, fetch, WebSocket handlers) runs in its own scope.
for (const name of Object.getOwnPropertyNames(AppOrgHub.prototype)) {
  const method = Object.getOwnPropertyDescriptor(AppOrgHub.prototype, name)?.value;
  if (name === 'constructor' || typeof method !== 'function') continue;
  Object.defineProperty(OrgHub.prototype, name, {
    configurable: true,
    writable: true,
    value(this: unknown, ...args: unknown[]) {
      if (scopes.getStore()?.side === 'hub') return method.apply(this, args);
      return scopes.run({ side: 'hub', name: `hub:${name}` }, () => method.apply(this, args));
    },
  });
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    if (new URL(request.url).pathname === '/__bench/bindings') return Response.json(snapshot());
    return scopes.run({ side: 'worker', name: 'worker:fetch' }, () => app.fetch(request, workerEnv(env), ctx));
  },
  queue(batch: MessageBatch, env: Env, ctx: ExecutionContext) {
    return scopes.run({ side: 'worker', name: 'worker:queue' }, () => app.queue(batch as Any, workerEnv(env), ctx));
  },
  scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    return scopes.run({ side: 'worker', name: 'worker:scheduled' }, () =>
      app.scheduled(controller, workerEnv(env), ctx),
    );
  },
} satisfies ExportedHandler<Env>;
