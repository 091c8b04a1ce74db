/** Schedules: cron + time zone + task template; validation and the next run time (croner). */
import { Cron } from 'croner';
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { OrgStore } from './db/org-store';
import { schedules } from './db/org-schema';
import { TASK_PRIORITIES } from './vocabulary';
import { ApiError } from './errors';
import { MAX_DESCRIPTION } from './tasks';

export type Schedule = typeof schedules.$inferSelect;

/** The next run strictly after `after`, or null if the expression never fires again. */
export function nextRun(cron: string, timezone: string, after: number): number | null {
  const next = new Cron(cron, { timezone, paused: true }).nextRun(new Date(after));
  return next ? next.getTime() : null;
}

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const cronField = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .refine((value) => {
    try {
      new Cron(value, { paused: true });
      return value.split(/\s+/).length >= 5;
    } catch {
      return false;
    }
  }, 'Not a valid cron expression (five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5").');

const timezoneField = z
  .string()
  .trim()
  .max(64)
  .refine(validTimezone, 'Not a known IANA time zone (e.g. "Europe/Paris").');

export const ScheduleInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  cron: cronField,
  timezone: timezoneField.default('UTC'),
  enabled: z.boolean().default(true),
  task: z.strictObject({
    agent: z.string().trim().min(1).max(64),
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().min(1).max(MAX_DESCRIPTION),
    priority: z.enum(TASK_PRIORITIES).default('normal'),
  }),
});
export type ScheduleInput = z.infer<typeof ScheduleInput>;

export const SchedulePatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    cron: cronField.optional(),
    timezone: timezoneField.optional(),
    enabled: z.boolean().optional(),
    task: ScheduleInput.shape.task.partial().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'Send at least one field to change.' });
export type SchedulePatch = z.infer<typeof SchedulePatch>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function scheduleView(schedule: Schedule) {
  return {
    id: schedule.id,
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone,
    enabled: schedule.enabled,
    task: {
      agent_id: schedule.taskTemplate.agentId,
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

export async function listSchedules(scope: OrgStore) {
  return scope.select(schedules).orderBy(desc(schedules.id));
}

export async function getSchedule(scope: OrgStore, id: string): Promise<Schedule> {
  const row = await scope.first(schedules, eq(schedules.id, id));
  if (!row) throw new ApiError('not_found', 'No such schedule.');
  return row;
}
