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

const RANDOM_DIGITS = 12;

function randomDigits(): number[] {
  return Array.from(crypto.getRandomValues(new Uint8Array(RANDOM_DIGITS)), (byte) => byte % 32);
}

/** The last id's time and random part: ids made in the same millisecond count up from it. */
let lastMs = 0;
let lastDigits: number[] = [];

/**
 * Ids made one after another sort in that order, within a millisecond too (the random part
 * counts up, as monotonic ULIDs do). A Worker's clock stands still until its next I/O, so a
 * transition's rows, or a run's progress, share one millisecond; a random part alone would
 * order them by chance.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    lastDigits = randomDigits();
  } else {
    let i = RANDOM_DIGITS - 1;
    while (i >= 0 && lastDigits[i] === 31) lastDigits[i--] = 0;
    if (i >= 0) lastDigits[i]! += 1;
    else lastMs += 1; // 32^12 ids in one millisecond: borrow the next one
  }
  return `${prefix}_${encodeTime(lastMs)}${lastDigits.map((digit) => CROCKFORD[digit]).join('')}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length === prefix.length + 23;
}
