// The floor for an org read: a Worker that checks a bearer token and makes one RPC call to a
// SQLite-backed Durable Object, which runs three indexed statements and answers a JSON string.
// No framework, no validation: what workerd itself costs for the shape of `GET /v1/tasks/:id`.
import { DurableObject } from 'cloudflare:workers';

interface Env {
  FLOOR: DurableObjectNamespace<FloorHub>;
}

export class FloorHub extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(
      'CREATE TABLE IF NOT EXISTS tasks (id TEXT PRIMARY KEY, agent_id TEXT, status TEXT, description TEXT, created_at INTEGER)',
    );
    sql.exec('CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, task_id TEXT, status TEXT, started_at INTEGER)');
    sql.exec('CREATE INDEX IF NOT EXISTS runs_task ON runs (task_id)');
    sql.exec('CREATE TABLE IF NOT EXISTS deps (task_id TEXT, depends_on TEXT, PRIMARY KEY (task_id, depends_on))');
    sql.exec("INSERT OR IGNORE INTO tasks VALUES ('t1', 'a1', 'completed', 'Read me', 1)");
    sql.exec("INSERT OR IGNORE INTO runs VALUES ('r1', 't1', 'completed', 1)");
  }

  readTask(id: string): string | null {
    const sql = this.ctx.storage.sql;
    const task = sql.exec('SELECT * FROM tasks WHERE id = ?', id).toArray()[0];
    if (!task) return null;
    const deps = sql.exec('SELECT depends_on FROM deps WHERE task_id = ?', id).toArray();
    const runs = sql.exec('SELECT * FROM runs WHERE task_id = ?', id).toArray();
    return JSON.stringify({ ...task, depends_on: deps.map((d) => d.depends_on), runs });
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === '/') return new Response('ok'); // readiness
    if (request.headers.get('authorization') !== 'Bearer floor') return new Response('{}', { status: 401 });
    const id = pathname.split('/').pop() ?? '';
    const hub = env.FLOOR.get(env.FLOOR.idFromName('org'));
    const body = await hub.readTask(id);
    return new Response(body, { headers: { 'content-type': 'application/json' } });
  },
};
