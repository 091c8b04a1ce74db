/**
 * The core agent tools. Each validates its input with zod (the loop turns a failure into an
 * error result the model can correct) and acts only inside the agent's own org: effects go
 * through callbacks the org's engine provides, never through ids the model could aim
 * elsewhere.
 */
import { z } from 'zod';
import type { agents, tasks } from '../db/org-schema';
import { TASK_PRIORITIES } from '../vocabulary';
import type { ToolHandler, ToolOutcome, ToolSet } from './run-loop';

type AgentRow = typeof agents.$inferSelect;
type TaskRow = typeof tasks.$inferSelect;

export interface CoreToolContext {
  agent: AgentRow;
  task: TaskRow;
  roster: AgentRow[];
  progress(progress: number, note: string | undefined): Promise<void>;
  delegate(input: {
    agent: string;
    title?: string;
    description: string;
    priority?: TaskRow['priority'];
  }): Promise<ToolOutcome>;
  sendMessage(input: { to: string; body: string }): Promise<ToolOutcome>;
  readMessages(): Promise<ToolOutcome>;
  listTasks(input: { status?: TaskRow['status']; agent?: string }): Promise<ToolOutcome>;
  getTask(input: { id: string }): Promise<ToolOutcome>;
  remember(input: { key: string; content: string }): Promise<ToolOutcome>;
  recall(input: { key?: string }): Promise<ToolOutcome>;
  draftExternal(input: { channel: 'email' | 'post'; to: string; subject?: string; body: string }): Promise<ToolOutcome>;
}

/** Tool input schemas as JSON Schema, converted once per isolate (every run builds its tool set). */
const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  let converted = jsonSchemas.get(schema);
  if (!converted) jsonSchemas.set(schema, (converted = z.toJSONSchema(schema) as Record<string, unknown>));
  return converted;
}

function tool<S extends z.ZodType>(
  name: string,
  description: string,
  schema: S,
  run: (input: z.infer<S>) => Promise<ToolOutcome>,
): ToolHandler<z.infer<S>> {
  return {
    definition: { name, description, input_schema: jsonSchemaOf(schema) },
    schema: schema as z.ZodType<z.infer<S>>,
    run,
  };
}

const UpdateProgress = z.strictObject({
  progress: z.number().int().min(0).max(100).describe('Percent complete, 0-100.'),
  note: z.string().max(500).optional().describe('One line on what you are doing now.'),
});
const FinishTask = z.strictObject({
  status: z
    .enum(['completed', 'blocked', 'failed'])
    .describe('completed: done; blocked: cannot continue without help; failed: cannot be done.'),
  result: z.string().min(1).max(20_000).describe('The result, or why it is blocked or failed.'),
});
const SendMessage = z.strictObject({
  to: z.string().min(1).max(64).describe('A teammate\'s slug, or "humans" for the people of your organization.'),
  body: z.string().min(1).max(4_000),
});
const ListTasks = z.strictObject({
  status: z
    .enum(['pending', 'queued', 'running', 'awaiting_approval', 'blocked', 'completed', 'failed', 'cancelled'])
    .optional(),
  agent: z.string().min(1).max(64).optional().describe("A teammate's slug."),
});
const GetTask = z.strictObject({ id: z.string().min(1).max(64) });
const Remember = z.strictObject({
  key: z.string().min(1).max(64).describe('A short name for the note.'),
  content: z.string().min(1).max(4_000),
});
const Recall = z.strictObject({ key: z.string().min(1).max(64).optional().describe('Omit to list your notes.') });
const DraftExternal = z.strictObject({
  channel: z.enum(['email', 'post']),
  to: z.string().min(1).max(320).describe('Recipient address, or where the post goes.'),
  subject: z.string().max(200).optional(),
  body: z.string().min(1).max(10_000),
});
const DelegateTask = z.strictObject({
  agent: z.string().min(1).max(64).describe('Slug of the teammate, e.g. "yuki".'),
  title: z.string().min(1).max(200).optional(),
  description: z.string().min(1).max(8_000).describe('What you need from them, with enough context to act alone.'),
  priority: z.enum(TASK_PRIORITIES).optional(),
});

export function coreTools(ctx: CoreToolContext): ToolSet {
  return {
    update_progress: tool(
      'update_progress',
      'Report progress on the current task to the humans watching.',
      UpdateProgress,
      async (input) => {
        await ctx.progress(input.progress, input.note);
        return { content: `Recorded progress ${input.progress}%.` };
      },
    ),
    finish_task: tool(
      'finish_task',
      'End the current task: completed with a result, blocked, or failed, with the reason.',
      FinishTask,
      async (input) => ({
        content: `Task marked ${input.status}.`,
        finish: { status: input.status, result: input.result },
      }),
    ),
    delegate_task: tool(
      'delegate_task',
      'Give part of the work to a teammate as a new task. Your task waits for theirs and resumes with their result.',
      DelegateTask,
      (input) => ctx.delegate(input),
    ),
    send_message: tool(
      'send_message',
      'Send a message to a teammate or to the humans of your organization.',
      SendMessage,
      (input) => ctx.sendMessage(input),
    ),
    read_messages: tool('read_messages', 'Read your unread messages (they are marked read).', z.strictObject({}), () =>
      ctx.readMessages(),
    ),
    list_tasks: tool(
      'list_tasks',
      'List recent tasks of your organization, optionally by status or teammate.',
      ListTasks,
      (input) => ctx.listTasks(input),
    ),
    get_task: tool('get_task', 'Read one task of your organization by id, with its result.', GetTask, (input) =>
      ctx.getTask(input),
    ),
    remember: tool(
      'remember',
      'Save a note for your future runs (replaces a note with the same key).',
      Remember,
      (input) => ctx.remember(input),
    ),
    recall: tool('recall', 'Read one of your notes by key, or list them all.', Recall, (input) => ctx.recall(input)),
    draft_external: tool(
      'draft_external',
      'Draft an email or post addressed outside the organization. A human must approve it; your task waits and resumes with their decision.',
      DraftExternal,
      (input) => ctx.draftExternal(input),
    ),
    list_agents: tool(
      'list_agents',
      'List your teammates: slug, name, role and status.',
      z.strictObject({}),
      async () => ({
        content: ctx.roster.map((a) => `${a.slug}: ${a.name}, ${a.role} (${a.status})`).join('\n'),
      }),
    ),
  };
}
