/**
 * The API and the dashboard's forms show these schemas' messages as they are: each says what to
 * enter (never zod's "Too small: expected string…"), and each length rule is the one the forms'
 * maxLength uses (core/field-limits.ts).
 */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AgentInput, AgentPatch } from './agents';
import { FIELD_LIMITS } from './field-limits';
import { ScheduleInput, SchedulePatch } from './schedules';
import { TaskInput, TaskPatch } from './tasks';

/** The message of each failing field, keyed by its path. */
function messages(schema: z.ZodType, input: unknown): Record<string, string> {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  const out: Record<string, string> = {};
  for (const issue of result.error!.issues) out[issue.path.join('.')] ??= issue.message;
  return out;
}

const long = (length: number) => 'x'.repeat(length);

describe('agent fields', () => {
  it('say what to enter when blank or missing', () => {
    const blank = { name: ' ', role: '', department: '', level: '', personality: '' };
    for (const input of [blank, {}])
      expect(messages(AgentInput, input)).toMatchObject({
        name: 'Give the agent a name.',
        role: 'Give the agent a role, e.g. "Security Engineer".',
        personality: 'Describe the agent’s personality.',
      });
    expect(messages(AgentInput, blank)).toMatchObject({
      department: 'Enter a department, e.g. "Engineering".',
      level: 'Enter a level, e.g. "Senior".',
    });
    expect(messages(AgentPatch, { name: '' })).toEqual({ name: 'Give the agent a name.' });
  });

  it('give their limit when too long, the same one the forms use', () => {
    const { name, role, department, level, personality } = FIELD_LIMITS.agent;
    const ok = { name: long(name), role: long(role), department: long(department), level: long(level) };
    expect(AgentInput.safeParse({ ...ok, personality: long(personality) }).success).toBe(true);
    const tooLong = {
      name: long(name + 1),
      role: long(role + 1),
      department: long(department + 1),
      level: long(level + 1),
      personality: long(personality + 1),
    };
    const expected = {
      name: `Names are at most ${name} characters.`,
      role: `Roles are at most ${role} characters.`,
      department: `Departments are at most ${department} characters.`,
      level: `Levels are at most ${level} characters.`,
      personality: 'Personalities are at most 4,000 characters.',
    };
    expect(messages(AgentInput, tooLong)).toEqual(expected);
    expect(messages(AgentPatch, tooLong)).toEqual(expected);
  });
});

describe('task fields', () => {
  it('give the title limit, the same one the forms use', () => {
    const max = FIELD_LIMITS.task.title;
    expect(TaskPatch.safeParse({ title: long(max) }).success).toBe(true);
    expect(messages(TaskPatch, { title: long(max + 1) })).toEqual({ title: `Titles are at most ${max} characters.` });
    expect(messages(TaskInput, { agent: 'sable', description: 'x', title: long(max + 1) })).toEqual({
      title: `Titles are at most ${max} characters.`,
    });
  });

  it('say what to enter when blank', () => {
    expect(messages(TaskPatch, { title: ' ', description: '', priority: 'soon' })).toEqual({
      title: 'Give the task a title, or leave it out.',
      description: 'Describe the task.',
      priority: 'Priority is one of: low, normal, high, urgent.',
    });
  });
});

describe('schedule fields', () => {
  it('say what to enter when blank, on the schedule and its task', () => {
    expect(
      messages(ScheduleInput, {
        name: '',
        cron: '',
        task: { agent: '', description: '', title: '', priority: 'soon' },
      }),
    ).toEqual({
      name: 'Name the schedule.',
      cron: 'Enter a cron expression, e.g. "0 9 * * 1-5".',
      'task.agent': 'Name the agent (slug or id), e.g. "sable".',
      'task.description': 'Describe the task.',
      'task.title': 'Give the task a title, or leave it out.',
      'task.priority': 'Priority is one of: low, normal, high, urgent.',
    });
    expect(messages(SchedulePatch, { name: ' ' })).toEqual({ name: 'Name the schedule.' });
  });

  it('give their limits when too long, the same ones the forms use', () => {
    const { name, cron } = FIELD_LIMITS.schedule;
    const title = FIELD_LIMITS.task.title;
    expect(
      messages(ScheduleInput, {
        name: long(name + 1),
        cron: long(cron + 1),
        task: { agent: 'sable', description: 'x', title: long(title + 1) },
      }),
    ).toMatchObject({
      name: `Names are at most ${name} characters.`,
      cron: `Cron expressions are at most ${cron} characters.`,
      'task.title': `Titles are at most ${title} characters.`,
    });
    expect(messages(SchedulePatch, { task: { title: long(title + 1) } })).toEqual({
      'task.title': `Titles are at most ${title} characters.`,
    });
  });
});
