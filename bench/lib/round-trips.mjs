/**
 * Binding round trips from the bench build's counters (bench/counted/index.ts): deltas between
 * two readings of `GET /__bench/bindings`, split into what a request does and what a run does.
 *
 * Scopes: `worker:fetch` and the OrgHub methods a request calls (`hub:createTask`, `hub:ping`…)
 * are request work; `worker:queue`, `hub:deliverRun` and `hub:recordDeadLetter` are run work
 * (the Queue consumer hands the run to the org, which runs it and admits the next);
 * `hub:alarm` (the watchdog) and `worker:scheduled` (cron sweeps) are neither.
 */
import { readBindings } from './server.mjs';
import { formatNumber } from './stats.mjs';

export const RUN_SCOPES = new Set(['worker:queue', 'hub:deliverRun', 'hub:recordDeadLetter']);
const BACKGROUND_SCOPES = new Set(['hub:alarm', 'worker:scheduled']);
const FIELDS = ['d1', 'd1Writes', 'd1Statements', 'kv', 'do', 'queue', 'sql'];

/** @param {string} scope */
export function kindOf(scope) {
  if (RUN_SCOPES.has(scope)) return 'run';
  if (BACKGROUND_SCOPES.has(scope)) return 'background';
  return 'request';
}

const zero = () => Object.fromEntries(FIELDS.map((f) => [f, 0]));

/**
 * Per-unit counts of one kind of work between two readings.
 * @param {any} before readBindings()
 * @param {any} after readBindings()
 * @param {number} units requests or runs
 * @param {'request' | 'run' | 'all'} kind
 * @returns {{ d1: number, d1Writes: number, d1Statements: number, kv: number, do: number, queue: number, sql: number, hubD1: number, scopes: Record<string, any> }}
 */
export function perUnit(before, after, units, kind) {
  const out = { ...zero(), hubD1: 0, scopes: {} };
  for (const [scope, counts] of Object.entries(after.byScope)) {
    if (kind !== 'all' && kindOf(scope) !== kind) continue;
    const prior = before.byScope[scope] ?? zero();
    const delta = Object.fromEntries(FIELDS.map((f) => [f, (counts[f] - prior[f]) / units]));
    if (FIELDS.every((f) => delta[f] === 0)) continue;
    out.scopes[scope] = delta;
    for (const f of FIELDS) out[f] += delta[f];
    if (scope.startsWith('hub:')) out.hubD1 += delta.d1;
  }
  return out;
}

/** The sum of two perUnit results (same unit). */
export function addCounts(a, b) {
  const out = { ...a, scopes: { ...a.scopes } };
  for (const f of [...FIELDS, 'hubD1']) out[f] = a[f] + b[f];
  for (const [scope, counts] of Object.entries(b.scopes)) {
    const prior = out.scopes[scope] ?? zero();
    out.scopes[scope] = Object.fromEntries(FIELDS.map((f) => [f, prior[f] + counts[f]]));
  }
  return out;
}

/** Read the counters around `work()`, which does `units` requests (or runs) of one kind. */
export async function countAround(url, units, kind, work) {
  const before = await readBindings(url);
  await work();
  const after = await readBindings(url);
  return perUnit(before, after, units, kind);
}

/** Table cells: D1 (in the hub), D1 writes, KV, DO, Queue. */
export function countCells(c) {
  const n = (v) => formatNumber(v, 2);
  return [`${n(c.d1)} (${n(c.hubD1)})`, n(c.d1Writes), n(c.kv), n(c.do), n(c.queue), n(c.sql ?? 0)];
}
export const COUNT_HEADER = ['D1 (in hub)', 'D1 writes', 'KV', 'DO', 'Queue', 'hub SQL'];

/** One line: "D1 1.00 (hub 0.00, writes 0.00) · KV 0.00 · DO 1.00 · Queue 0.00". */
export function formatCounts(c) {
  const n = (v) => formatNumber(v, 2);
  return `D1 ${n(c.d1)} (hub ${n(c.hubD1)}, writes ${n(c.d1Writes)}) · KV ${n(c.kv)} · DO ${n(c.do)} · Queue ${n(c.queue)} · hub SQL ${n(c.sql ?? 0)}`;
}
