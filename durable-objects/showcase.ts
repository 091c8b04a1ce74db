/**
 * The showcase org's upkeep inside its OrgHub (core/showcase.ts): the next task from the
 * rotating list when the team is idle, and pruning so the org stays small forever. Pure SQL
 * over the hub's storage; the hub calls these inside its exclusive section.
 */
import { SHOWCASE_TASKS } from '../core/showcase';

/** While viewers are connected, the hub's alarm looks at the showcase this often. */
export const SHOWCASE_TICK_MS = 10_000;
/** Finished top-level tasks kept (with their runs, steps and subtasks); older ones are deleted. */
export const SHOWCASE_KEEP_TASKS = 6;
/** Activity rows and replayable events kept. */
export const SHOWCASE_KEEP_ACTIVITY = 200;
export const SHOWCASE_KEEP_EVENTS = 1_000;
/** Threads (and their messages) kept. */
export const SHOWCASE_KEEP_THREADS = 10;

const FINAL = `('completed', 'failed', 'cancelled')`;

/** Whether any task is still in flight (then the showcase is not idle). */
export function showcaseBusy(sql: SqlStorage): boolean {
  return (
    sql.exec(`SELECT 1 FROM tasks WHERE status NOT IN ${FINAL} LIMIT 1`).toArray().length > 0 ||
    sql.exec(`SELECT 1 FROM active_runs LIMIT 1`).toArray().length > 0
  );
}

/** The next task of the rotation (its position is kept in `meta`). */
export function nextShowcaseTask(sql: SqlStorage): (typeof SHOWCASE_TASKS)[number] {
  const row = sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'showcase_next'`).toArray()[0];
  const index = Number(row?.value ?? 0) % SHOWCASE_TASKS.length;
  sql.exec(
    `INSERT INTO meta (key, value) VALUES ('showcase_next', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    String((index + 1) % SHOWCASE_TASKS.length),
  );
  return SHOWCASE_TASKS[index]!;
}

/**
 * Deletes finished work beyond the newest SHOWCASE_KEEP_TASKS top-level tasks (runs, steps,
 * dependencies and deliveries go with them), old activity, threads and events, and clears the
 * agent-minute meter: the showcase is simulated and paced by the platform (one task at a time,
 * only while it is watched or on the cron), so the meter would only stop the page from
 * showing work. The demo plan's other limits (tasks and runs in all, concurrency, queue
 * depth) keep holding, and stay far away because of this pruning.
 */
export function pruneShowcase(sql: SqlStorage): number {
  const old = sql
    .exec<{ id: string }>(
      `SELECT id FROM tasks WHERE parent_id IS NULL AND status IN ${FINAL}
       ORDER BY COALESCE(completed_at, updated_at) DESC LIMIT -1 OFFSET ?`,
      SHOWCASE_KEEP_TASKS,
    )
    .toArray()
    .map((row) => row.id);
  let deleted = 0;
  for (const id of old) {
    // A task and its finished subtasks (delegations), children first.
    const family = sql
      .exec<{ id: string }>(
        `WITH RECURSIVE family(id) AS (SELECT ? UNION SELECT t.id FROM tasks t JOIN family f ON t.parent_id = f.id)
         SELECT id FROM family`,
        id,
      )
      .toArray()
      .map((row) => row.id);
    const open = sql
      .exec(
        `SELECT 1 FROM tasks WHERE id IN (${family.map(() => '?').join(',')}) AND status NOT IN ${FINAL} LIMIT 1`,
        ...family,
      )
      .toArray();
    if (open.length > 0) continue;
    for (const taskId of family.reverse()) {
      sql.exec(`DELETE FROM run_deliveries WHERE task_id = ?`, taskId);
      sql.exec(`DELETE FROM task_dependencies WHERE task_id = ? OR depends_on_id = ?`, taskId, taskId);
      sql.exec(`UPDATE messages SET task_id = NULL WHERE task_id = ?`, taskId);
      sql.exec(`UPDATE tasks SET parent_id = NULL WHERE parent_id = ?`, taskId);
      sql.exec(`DELETE FROM run_steps WHERE run_id IN (SELECT id FROM agent_runs WHERE task_id = ?)`, taskId);
      sql.exec(`DELETE FROM agent_runs WHERE task_id = ?`, taskId);
      sql.exec(`DELETE FROM tasks WHERE id = ?`, taskId);
      deleted++;
    }
  }
  sql.exec(
    `DELETE FROM activity_log WHERE id IN (SELECT id FROM activity_log ORDER BY created_at DESC LIMIT -1 OFFSET ?)`,
    SHOWCASE_KEEP_ACTIVITY,
  );
  sql.exec(
    `DELETE FROM threads WHERE id IN (SELECT id FROM threads ORDER BY updated_at DESC LIMIT -1 OFFSET ?)`,
    SHOWCASE_KEEP_THREADS,
  );
  sql.exec(`DELETE FROM messages WHERE thread_id NOT IN (SELECT id FROM threads)`);
  const last = sql.exec<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM events`).toArray()[0]?.seq ?? 0;
  sql.exec(`DELETE FROM events WHERE seq <= ?`, last - SHOWCASE_KEEP_EVENTS);
  sql.exec(`UPDATE usage_periods SET agent_ms = 0`);
  return deleted;
}
