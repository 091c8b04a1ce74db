/**
 * Prefixed, time-ordered ids (`tsk_01J…`): readable in logs, sortable by creation so
 * cursor pagination can order by id alone.
 */
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

export type IdPrefix =
  | 'usr'
  | 'org'
  | 'mem'
  | 'inv'
  | 'key'
  | 'aud'
  | 'agt'
  | 'tsk'
  | 'thr'
  | 'msg'
  | 'act'
  | 'run'
  | 'stp'
  | 'sch'
  | 'crd'
  | 'use'
  | 'req'
  | 'not'
  | 'idm'
  | 'eml'
  | 'mcp';

function encodeTime(ms: number): string {
  let out = '';
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function encodeRandom(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const byte of bytes) out += CROCKFORD[byte % 32];
  return out;
}

export function newId(prefix: IdPrefix, now = Date.now()): string {
  return `${prefix}_${encodeTime(now)}${encodeRandom(12)}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length === prefix.length + 23;
}
