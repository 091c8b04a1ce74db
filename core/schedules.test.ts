import { describe, expect, it } from 'vitest';
import { ApiError } from './errors';
import { PLAN_IDS, PLANS } from './plans';
import {
  assertCronInterval,
  isFiveFieldCron,
  minimumIntervalMs,
  ScheduleInput,
  SchedulePatch,
  shortestCronGapMinutes,
} from './schedules';

const task = { agent: 'sable', description: 'Daily report' };

describe('schedule cron validation', () => {
  it('accepts five-field expressions only', () => {
    for (const cron of ['0 9 * * 1-5', '*/15 * * * *', '0 0 1 1 *', '30 2 L * *'])
      expect(isFiveFieldCron(cron)).toBe(true);
    for (const cron of ['* * * * * *', '*/1 * * * * *', '0 0 9 * * * 2030', '@hourly', '* * * *', 'every minute', ''])
      expect(isFiveFieldCron(cron)).toBe(false);
  });

  it('refuses a seconds-first six-field expression in the create and patch schemas', () => {
    expect(ScheduleInput.safeParse({ name: 'every second', cron: '* * * * * *', task }).success).toBe(false);
    expect(SchedulePatch.safeParse({ cron: '* * * * * *' }).success).toBe(false);
    expect(SchedulePatch.safeParse({ cron: '0 9 * * 1-5 2030' }).success).toBe(false);
    expect(ScheduleInput.safeParse({ name: 'weekdays', cron: '0 9 * * 1-5', task }).success).toBe(true);
    expect(SchedulePatch.safeParse({ cron: '  0 9 * * 1-5  ' }).success).toBe(true);
  });

  it('refuses an expression that never matches a date, with the reason', () => {
    const never = ScheduleInput.safeParse({ name: 'never', cron: '0 0 30 2 *', task });
    expect(never.success).toBe(false);
    expect(never.error?.issues.map((issue) => issue.message)).toEqual([
      'This expression never matches a date (e.g. February 30th), so the schedule would never run.',
    ]);
    expect(SchedulePatch.safeParse({ cron: '0 0 31 4 *' }).success).toBe(false);
    // Rare is not never: the 29th of February comes every four years.
    expect(ScheduleInput.safeParse({ name: 'leap', cron: '0 0 29 2 *', task }).success).toBe(true);
  });
});

describe('plan schedule limits', () => {
  it('are in core/plans for every plan', () => {
    expect(PLAN_IDS.map((id) => PLANS[id].limits.minScheduleIntervalMinutes)).toEqual([60, 15, 5, 1, 1, 60]);
    expect(PLAN_IDS.map((id) => PLANS[id].limits.maxSchedules)).toEqual([
      5,
      20,
      100,
      1000,
      Number.POSITIVE_INFINITY,
      2,
    ]);
    expect(minimumIntervalMs('free')).toBe(3_600_000);
    expect(minimumIntervalMs(PLANS.pro)).toBe(300_000);
    expect(minimumIntervalMs('self_hosted')).toBe(60_000);
  });
});

describe('shortestCronGapMinutes', () => {
  const cases: Array<[string, number]> = [
    ['* * * * *', 1],
    ['*/5 * * * *', 5],
    ['0 * * * *', 60],
    ['0,30 9 * * *', 30],
    ['0 9 * * *', 1440],
    ['0 9,17 * * *', 480],
    // 23:59 then 00:00 the next day: one minute apart across midnight.
    ['0,59 0,23 * * *', 1],
    ['59 23 * * *', 1440],
    // Only Mondays: the midnight pair never happens on consecutive days.
    ['0 0,23 * * 1', 60 * 23],
    ['0 9 * * 1', Number.POSITIVE_INFINITY],
  ];
  for (const [cron, minutes] of cases)
    it(`${cron} → ${minutes}`, () => expect(shortestCronGapMinutes(cron)).toBe(minutes));
});

describe('assertCronInterval', () => {
  const refused = (cron: string, tz: string, plan: Parameters<typeof assertCronInterval>[2]) => {
    try {
      assertCronInterval(cron, tz, plan);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      return error as ApiError;
    }
  };

  it('enforces each plan minimum', () => {
    expect(refused('* * * * *', 'UTC', 'free')?.status).toBe(400);
    expect(refused('*/30 * * * *', 'UTC', 'free')?.details).toEqual([
      { field: 'cron', message: expect.stringMatching(/1 hour/) },
    ]);
    expect(refused('0 * * * *', 'UTC', 'free')).toBeNull();
    expect(refused('0 9 * * 1-5', 'Europe/Paris', 'free')).toBeNull();
    expect(refused('*/10 * * * *', 'UTC', 'starter')).not.toBeNull();
    expect(refused('*/15 * * * *', 'UTC', 'starter')).toBeNull();
    expect(refused('*/4 * * * *', 'UTC', 'pro')).not.toBeNull();
    expect(refused('*/5 * * * *', 'UTC', 'pro')).toBeNull();
    expect(refused('* * * * *', 'UTC', 'enterprise')).toBeNull();
    expect(refused('* * * * *', 'America/New_York', 'self_hosted')).toBeNull();
    expect(refused('0,59 0,23 * * *', 'UTC', 'free')).not.toBeNull();
  });

  it('refuses six-field expressions and unknown time zones on every plan', () => {
    for (const plan of PLAN_IDS) {
      expect(refused('* * * * * *', 'UTC', plan)?.details).toEqual([{ field: 'cron', message: expect.any(String) }]);
      expect(refused('0 9 * * *', 'Mars/Olympus', plan)?.details).toEqual([
        { field: 'timezone', message: expect.any(String) },
      ]);
    }
  });
});
