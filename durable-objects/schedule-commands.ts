/**
 * Schedules: create, change and delete them within the plan's interval and count, and create
 * each due schedule's task once per tick when the OrgHub's alarm fires.
 */
import { eq, lte } from 'drizzle-orm';
import { requireAgent } from '../core/agents';
import { schedules } from '../core/db/org-schema';
import { ApiError } from '../core/errors';
import { newId } from '../core/ids';
import type { Actor } from '../core/tenant';
import {
  assertCronInterval,
  nextRun,
  type Schedule,
  type ScheduleInput,
  type SchedulePatch,
  scheduleViews,
} from '../core/schedules';
import { titleFrom } from '../core/tasks';
import type { EngineHost, PublishingStore } from './engine-host';
import type { TaskEngine } from './task-engine';

export class ScheduleCommands {
  constructor(private readonly engine: TaskEngine) {}

  private get scope(): PublishingStore {
    return this.engine.scope;
  }

  private get host(): EngineHost {
    return this.engine.host;
  }

  async createSchedule(actor: Actor, input: ScheduleInput) {
    const scope = this.scope;
    const plan = await this.engine.plan();
    assertCronInterval(input.cron, input.timezone, plan);
    if ((await scope.count(schedules)) >= plan.limits.maxSchedules)
      throw new ApiError(
        'payment_required',
        `Your ${plan.name} plan includes ${plan.limits.maxSchedules} schedules. Delete one, or upgrade.`,
        { limit: plan.limits.maxSchedules, upgrade_url: '/pricing' },
      );
    const agent = await requireAgent(scope, input.task.agent, 'task.agent');
    const id = newId('sch');
    const now = Date.now();
    await scope.batch([
      scope.insertRows(schedules, {
        id,
        name: input.name,
        cron: input.cron,
        timezone: input.timezone,
        enabled: input.enabled,
        taskTemplate: {
          agentId: agent.id,
          title: input.task.title ?? titleFrom(input.task.description),
          description: input.task.description,
          priority: input.task.priority,
        },
        nextRunAt: input.enabled ? nextRun(input.cron, input.timezone, now) : null,
        createdBy: actor.id,
      }),
      this.engine.record('schedule.created', actor, { type: 'schedule', id }, { schedule_id: id }),
    ]);
    this.engine.audit(
      actor,
      'schedule.created',
      { type: 'schedule', id },
      { name: input.name, cron: input.cron, agent: agent.slug },
    );
    await this.engine.scheduleNextAlarm();
    return (await scheduleViews(scope, [(await scope.first(schedules, eq(schedules.id, id)))!]))[0]!;
  }

  async updateSchedule(actor: Actor, id: string, patch: SchedulePatch) {
    const scope = this.scope;
    const current = await scope.first(schedules, eq(schedules.id, id));
    if (!current) throw new ApiError('not_found', 'No such schedule.');
    const agentId = patch.task?.agent
      ? (await requireAgent(scope, patch.task.agent, 'task.agent')).id
      : current.taskTemplate.agentId;
    const cron = patch.cron ?? current.cron;
    const timezone = patch.timezone ?? current.timezone;
    if (patch.cron !== undefined || patch.timezone !== undefined)
      assertCronInterval(cron, timezone, await this.engine.plan());
    const enabled = patch.enabled ?? current.enabled;
    await scope.batch([
      scope.updateRows(
        schedules,
        {
          name: patch.name ?? current.name,
          cron,
          timezone,
          enabled,
          taskTemplate: {
            agentId,
            title: patch.task?.title ?? current.taskTemplate.title,
            description: patch.task?.description ?? current.taskTemplate.description,
            priority: patch.task?.priority ?? current.taskTemplate.priority,
          },
          nextRunAt: enabled ? nextRun(cron, timezone, Date.now()) : null,
          ...(patch.enabled ? { failureCount: 0, lastError: null } : {}),
          updatedAt: Date.now(),
        },
        eq(schedules.id, id),
      ),
      this.engine.record('schedule.updated', actor, { type: 'schedule', id }, { schedule_id: id }),
    ]);
    this.engine.audit(
      actor,
      'schedule.updated',
      { type: 'schedule', id },
      { name: patch.name ?? current.name, fields: Object.keys(patch) },
    );
    await this.engine.scheduleNextAlarm();
    return (await scheduleViews(scope, [(await scope.first(schedules, eq(schedules.id, id)))!]))[0]!;
  }

  async deleteSchedule(actor: Actor, id: string) {
    const scope = this.scope;
    const current = await scope.first(schedules, eq(schedules.id, id));
    if (!current) throw new ApiError('not_found', 'No such schedule.');
    await scope.batch([
      scope.deleteRows(schedules, eq(schedules.id, id)),
      this.engine.record('schedule.deleted', actor, { type: 'schedule', id }, { schedule_id: id }),
    ]);
    this.engine.audit(actor, 'schedule.deleted', { type: 'schedule', id }, { name: current.name });
  }

  /** Creates the task of every due schedule, at most once per tick (idempotency key per tick). */
  async runDueSchedules(): Promise<number> {
    const scope = this.scope;
    const now = Date.now();
    const due = await scope.select(schedules, eq(schedules.enabled, true), lte(schedules.nextRunAt, now));
    let created = 0;
    for (const schedule of due) {
      const tick = schedule.nextRunAt!;
      try {
        await this.engine.createTask(
          { type: 'schedule', id: schedule.id },
          {
            agent: schedule.taskTemplate.agentId,
            title: schedule.taskTemplate.title,
            description: schedule.taskTemplate.description,
            priority: schedule.taskTemplate.priority,
            depends_on: [],
            max_attempts: 3,
          },
          { key: `schedule:${schedule.id}:${tick}`, hash: `schedule:${schedule.id}` },
          { metadata: { schedule_id: schedule.id }, skipAdmit: true },
        );
        await scope.updateRows(
          schedules,
          {
            lastRunAt: now,
            nextRunAt: nextRun(schedule.cron, schedule.timezone, Math.max(now, tick)),
            failureCount: 0,
            lastError: null,
            updatedAt: now,
          },
          eq(schedules.id, schedule.id),
        );
        created += 1;
      } catch (error) {
        await this.recordScheduleFailure(schedule, error, now);
      }
    }
    if (created) await this.engine.admit();
    return created;
  }

  private async recordScheduleFailure(schedule: Schedule, error: unknown, now: number) {
    const message = error instanceof Error ? error.message : String(error);
    const failures = schedule.failureCount + 1;
    // Ten failures in a row disable the schedule rather than fail forever.
    await this.scope.updateRows(
      schedules,
      {
        failureCount: failures,
        lastError: message,
        lastRunAt: now,
        nextRunAt: nextRun(schedule.cron, schedule.timezone, now),
        enabled: failures < 10,
        updatedAt: now,
      },
      eq(schedules.id, schedule.id),
    );
    this.host.emit('schedule.failed', { schedule_id: schedule.id, error: message, failure_count: failures });
  }
}
