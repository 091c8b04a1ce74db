/** Schedules: cron + time zone + task template; validation and the next run time (croner). */
import { Cron } from 'croner';
import { desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { OrgStore } from './db/org-store';
import { agents, schedules } from './db/org-schema';
import { TASK_PRIORITIES } from './vocabulary';
import { ApiError, whenFieldsValid } from './errors';
import { FIELD_LIMITS } from './field-limits';
import { getPlan, type Plan, type PlanId } from './plans';
import { type AgentRef, MAX_DESCRIPTION, unknownAgent } from './tasks';

export type Schedule = typeof schedules.$inferSelect;

/** The next run strictly after `after`, or null if the expression never fires again. */
export function nextRun(cron: string, timezone: string, after: number): number | null {
  try {
    const next = new Cron(cron, { timezone, paused: true, mode: '5-part' }).nextRun(new Date(after));
    return next ? next.getTime() : null;
  } catch {
    // An expression stored before five fields were required (e.g. with seconds) never fires again.
    return null;
  }
}

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const CRON_MESSAGE =
  'Not a valid cron expression (five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5").';

/**
 * A classic five-field expression (minute hour day-of-month month day-of-week). Croner would
 * also take six or seven fields (seconds first, years last): `* * * * * *` fires every second.
 */
export function isFiveFieldCron(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed.split(/\s+/).length !== 5) return false;
  try {
    new Cron(trimmed, { paused: true, mode: '5-part' });
    return true;
  } catch {
    return false;
  }
}

const cronField = z
  .string({ error: 'Enter a cron expression, e.g. "0 9 * * 1-5".' })
  .trim()
  .min(1, 'Enter a cron expression, e.g. "0 9 * * 1-5".')
  .max(FIELD_LIMITS.schedule.cron, `Cron expressions are at most ${FIELD_LIMITS.schedule.cron} characters.`)
  .refine(isFiveFieldCron, CRON_MESSAGE)
  // Valid but impossible (February 30th): a schedule that would never run.
  .refine((cron) => !isFiveFieldCron(cron) || nextRun(cron, 'UTC', Date.now()) !== null, {
    message: 'This expression never matches a date (e.g. February 30th), so the schedule would never run.',
  });

/** The shortest interval a plan allows between two runs of one schedule. */
export function minimumIntervalMs(plan: PlanId | Plan): number {
  const { limits } = typeof plan === 'string' ? getPlan(plan) : plan;
  return limits.minScheduleIntervalMinutes * 60_000;
}

const MINUTES_PER_DAY = 1_440;
// Any fixed UTC day works for the time-of-day analysis (no DST in UTC).
const REFERENCE_DAY = Date.UTC(2001, 0, 1);
const DAY_HORIZON_MS = 4 * 366 * 86_400_000; // covers leap years and every month/weekday pairing

/**
 * The shortest wall-clock gap, in minutes, between two runs of a five-field expression
 * (Infinity when it never fires twice). Times of day come from the minute and hour fields; the
 * gap across midnight counts when two consecutive days can both fire. With `stopBelow`, it stops
 * at the first gap shorter than that, and an answer ≥ `stopBelow` only means "not shorter".
 * A daylight-saving change may shorten one interval by up to an hour on the day it happens.
 */
export function shortestCronGapMinutes(cron: string, stopBelow?: number): number {
  if (!isFiveFieldCron(cron))
    throw new ApiError('validation_failed', CRON_MESSAGE, [{ field: 'cron', message: CRON_MESSAGE }]);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = cron.trim().split(/\s+/) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const timesOfDay = new Cron(`${minute} ${hour} * * *`, { paused: true, mode: '5-part', timezone: 'UTC' });
  let shortest = Number.POSITIVE_INFINITY;
  let first: number | null = null;
  let previous: number | null = null;
  let cursor = new Date(REFERENCE_DAY - 1);
  for (;;) {
    const next = timesOfDay.nextRun(cursor);
    if (!next || next.getTime() >= REFERENCE_DAY + MINUTES_PER_DAY * 60_000) break;
    const minuteOfDay = (next.getTime() - REFERENCE_DAY) / 60_000;
    if (previous !== null) shortest = Math.min(shortest, minuteOfDay - previous);
    if (stopBelow !== undefined && shortest < stopBelow) return shortest;
    first ??= minuteOfDay;
    previous = minuteOfDay;
    cursor = next;
  }
  if (first === null || previous === null) return shortest;
  const acrossMidnight = MINUTES_PER_DAY - previous + first;
  if (acrossMidnight >= shortest || (stopBelow !== undefined && acrossMidnight >= stopBelow)) return shortest;
  // Does any day fire whose next day fires too?
  const days = new Cron(`0 0 ${dayOfMonth} ${month} ${dayOfWeek}`, { paused: true, mode: '5-part', timezone: 'UTC' });
  let day = days.nextRun(new Date(REFERENCE_DAY - 1));
  while (day && day.getTime() < REFERENCE_DAY + DAY_HORIZON_MS) {
    const following = days.nextRun(day);
    if (following && following.getTime() - day.getTime() === 86_400_000) return Math.min(shortest, acrossMidnight);
    day = following;
  }
  return shortest;
}

/**
 * Refuses (400 `validation_failed` on `cron`) an expression that is not five-field, a time zone
 * that is not IANA, or runs closer together than the plan allows (free: hourly at most).
 *
 * @example assertCronInterval('*\/5 * * * *', 'Europe/Paris', 'pro')
 */
export function assertCronInterval(cron: string, timezone: string, plan: PlanId | Plan): void {
  if (!validTimezone(timezone))
    throw new ApiError('validation_failed', 'The request is not valid.', [
      { field: 'timezone', message: 'Not a known IANA time zone (e.g. "Europe/Paris").' },
    ]);
  const resolved = typeof plan === 'string' ? getPlan(plan) : plan;
  const minimumMinutes = minimumIntervalMs(resolved) / 60_000;
  if (!isFiveFieldCron(cron))
    throw new ApiError('validation_failed', CRON_MESSAGE, [{ field: 'cron', message: CRON_MESSAGE }]);
  // Five fields cannot fire more than once a minute.
  if (minimumMinutes <= 1) return;
  const shortest = shortestCronGapMinutes(cron, minimumMinutes);
  if (shortest < minimumMinutes) {
    const message = `The ${resolved.name} plan runs a schedule at most every ${formatMinutes(minimumMinutes)}; this expression runs ${formatMinutes(shortest)} apart.`;
    throw new ApiError('validation_failed', message, [{ field: 'cron', message }]);
  }
}

function formatMinutes(minutes: number): string {
  return minutes === 1
    ? '1 minute'
    : minutes % 60 === 0 && minutes >= 60
      ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}`
      : `${minutes} minutes`;
}

const timezoneField = z
  .string({ error: 'Enter an IANA time zone (e.g. "Europe/Paris").' })
  .trim()
  .max(64, 'Time zones are at most 64 characters.')
  .refine(validTimezone, 'Not a known IANA time zone (e.g. "Europe/Paris").');

/** What each run's task is made from; no defaults here, so a patch changes only what it sends. */
const TaskTemplateFields = z.strictObject({
  agent: z
    .string({ error: 'Name the agent (slug or id), e.g. "sable".' })
    .trim()
    .min(1, 'Name the agent (slug or id), e.g. "sable".')
    .max(64, 'Agent slugs and ids are at most 64 characters.'),
  title: z
    .string({ error: 'Give the task a title, or leave it out.' })
    .trim()
    .min(1, 'Give the task a title, or leave it out.')
    .max(200, 'Titles are at most 200 characters.'),
  description: z
    .string({ error: 'Describe the task.' })
    .trim()
    .min(1, 'Describe the task.')
    .max(MAX_DESCRIPTION, `Descriptions are at most ${MAX_DESCRIPTION.toLocaleString('en-US')} characters.`),
  priority: z.enum(TASK_PRIORITIES, { error: `Priority is one of: ${TASK_PRIORITIES.join(', ')}.` }),
});

const scheduleNameField = z
  .string({ error: 'Name the schedule.' })
  .trim()
  .min(1, 'Name the schedule.')
  .max(FIELD_LIMITS.schedule.name, `Names are at most ${FIELD_LIMITS.schedule.name} characters.`);

export const ScheduleInput = z.strictObject({
  name: scheduleNameField,
  cron: cronField,
  timezone: timezoneField.default('UTC'),
  enabled: z.boolean().default(true),
  task: z.strictObject({
    ...TaskTemplateFields.shape,
    title: TaskTemplateFields.shape.title.optional(),
    priority: TaskTemplateFields.shape.priority.default('normal'),
  }),
});
export type ScheduleInput = z.infer<typeof ScheduleInput>;

export const SchedulePatch = z
  .strictObject({
    name: scheduleNameField.optional(),
    cron: cronField.optional(),
    timezone: timezoneField.optional(),
    enabled: z.boolean().optional(),
    task: TaskTemplateFields.partial().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    message: 'Send at least one field to change.',
    when: whenFieldsValid,
  });
export type SchedulePatch = z.infer<typeof SchedulePatch>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function scheduleView(schedule: Schedule, agent: AgentRef) {
  return {
    id: schedule.id,
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone,
    enabled: schedule.enabled,
    task: {
      agent_id: schedule.taskTemplate.agentId,
      /** The agent as tasks name theirs: `task.agent` in a request takes its slug or id. */
      agent,
      title: schedule.taskTemplate.title,
      description: schedule.taskTemplate.description,
      priority: schedule.taskTemplate.priority,
    },
    next_run_at: iso(schedule.nextRunAt),
    last_run_at: iso(schedule.lastRunAt),
    failure_count: schedule.failureCount,
    last_error: schedule.lastError,
    created_at: iso(schedule.createdAt),
  };
}

/** Schedules in API shape, each with the agent its tasks go to. */
export async function scheduleViews(scope: OrgStore, rows: Schedule[]) {
  const ids = [...new Set(rows.map((row) => row.taskTemplate.agentId))];
  const refs = ids.length
    ? await scope.selectFields({ id: agents.id, slug: agents.slug, name: agents.name }, agents, inArray(agents.id, ids))
    : [];
  const byId = new Map(refs.map((ref) => [ref.id, ref]));
  return rows.map((row) =>
    scheduleView(row, byId.get(row.taskTemplate.agentId) ?? unknownAgent(row.taskTemplate.agentId)),
  );
}

export async function listSchedules(scope: OrgStore) {
  return scope.select(schedules).orderBy(desc(schedules.id));
}

export async function getSchedule(scope: OrgStore, id: string): Promise<Schedule> {
  const row = await scope.first(schedules, eq(schedules.id, id));
  if (!row) throw new ApiError('not_found', 'No such schedule.');
  return row;
}
