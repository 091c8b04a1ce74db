/**
 * The task forms of the dashboard (new task, quick "give a task", edit) turned into the
 * same inputs `POST /v1/tasks` and `PATCH /v1/tasks/:id` take, validated by the core schemas.
 */
import { TaskInput, TaskPatch } from '../../core/tasks';
import { optionalText, parseForm, text } from './forms.server';

/**
 * `<input type="datetime-local">` has no zone: the browser adds its UTC offset in minutes
 * (`Date#getTimezoneOffset`, so UTC+2 is -120) as `tz_offset`; without it the time is UTC.
 */
export function zonedDateTime(local: string | undefined, offsetMinutes: string | undefined): string | undefined {
  if (!local) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match) return local; // the schema explains what it wants
  const [, y, mo, d, h, mi, s] = match;
  const offset = Number(offsetMinutes);
  const utc =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0)) +
    (Number.isFinite(offset) ? offset * 60_000 : 0);
  return new Date(utc).toISOString();
}

export function parseNewTask(form: FormData, intent: string) {
  const scheduled = zonedDateTime(optionalText(form, 'scheduled_for'), optionalText(form, 'tz_offset'));
  const input = {
    agent: text(form, 'agent'),
    description: text(form, 'description'),
    ...(optionalText(form, 'title') ? { title: text(form, 'title') } : {}),
    ...(optionalText(form, 'priority') ? { priority: text(form, 'priority') } : {}),
    depends_on: form.getAll('depends_on').map(String).filter(Boolean),
    ...(scheduled ? { scheduled_for: scheduled } : {}),
  };
  return parseForm(TaskInput, input, intent);
}

export function parseTaskPatch(
  form: FormData,
  intent: string,
  fields: Array<'title' | 'description' | 'priority' | 'depends_on'>,
) {
  const patch: Record<string, string | string[]> = {};
  for (const field of fields) {
    if (field === 'depends_on') {
      // Checkboxes send nothing when none is ticked: the marker says the list was on the form.
      if (form.has('depends_on_shown')) patch.depends_on = form.getAll('depends_on').map(String).filter(Boolean);
      continue;
    }
    // A field on the form is sent even when emptied, so the schema says it is required; dropping
    // it would answer "Saved." with the old text kept.
    if (form.has(field)) patch[field] = text(form, field);
  }
  return parseForm(TaskPatch, patch, intent);
}
