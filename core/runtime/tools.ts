/**
 * The core agent tools. Each validates its input with zod (the loop turns a failure into an
 * error result the model can correct) and acts only inside the agent's own org: effects go
 * through callbacks the org's engine provides, never through ids the model could aim
 * elsewhere.
 */
import { z } from 'zod';
import type { agents, tasks } from '../db/schema';
import { TASK_PRIORITIES } from '../db/schema';
import type { ToolHandler, ToolOutcome } from './run-loop';

type AgentRow = typeof agents.$inferSelect;
type TaskRow = typeof tasks.$inferSelect;

export interface CoreToolContext {
  agent: AgentRow;
  task: TaskRow;
  roster: AgentRow[];
  progress(progress: number, note: string | undefined): Promise<void>;
  delegate(input: { agent: string; title?: string; description: string; priority?: TaskRow['priority'] }): Promise<ToolOutcome>;
}

function tool<S extends z.ZodType>(name: string, description: string, schema: S, run: (input: z.infer<S>) => Promise<ToolOutcome>): ToolHandler<z.infer<S>> {
  return { definition: { name, description, input_schema: z.toJSONSchema(schema) as Record<string, unknown> }, schema: schema as z.ZodType<z.infer<S>>, run };
}

const UpdateProgress = z.strictObject({
  progress: z.number().int().min(0).max(100).describe('Percent complete, 0-100.'),
  note: z.string().max(500).optional().describe('One line on what you are doing now.'),
});
const FinishTask = z.strictObject({
  status: z.enum(['completed', 'blocked', 'failed']).describe('completed: done; blocked: cannot continue without help; failed: cannot be done.'),
  result: z.string().min(1).max(20_000).describe('The result, or why it is blocked or failed.'),
});
const DelegateTask = z.strictObject({
  agent: z.string().min(1).max(64).describe('Slug of the teammate, e.g. "yuki".'),
  title: z.string().min(1).max(200).optional(),
  description: z.string().min(1).max(8_000).describe('What you need from them, with enough context to act alone.'),
  priority: z.enum(TASK_PRIORITIES).optional(),
});

export function coreTools(ctx: CoreToolContext): Record<string, ToolHandler<any>> {
  return {
    update_progress: tool('update_progress', 'Report progress on the current task to the humans watching.', UpdateProgress, async (input) => {
      await ctx.progress(input.progress, input.note);
      return { content: `Recorded progress ${input.progress}%.` };
    }),
    finish_task: tool('finish_task', 'End the current task: completed with a result, blocked, or failed, with the reason.', FinishTask, async (input) => ({
      content: `Task marked ${input.status}.`,
      finish: { status: input.status, result: input.result },
    })),
    delegate_task: tool(
      'delegate_task',
      'Give part of the work to a teammate as a new task. Your task waits for theirs and resumes with their result.',
      DelegateTask,
      (input) => ctx.delegate(input),
    ),
    list_agents: tool('list_agents', 'List your teammates: slug, name, role and status.', z.strictObject({}), async () => ({
      content: ctx.roster.map((a) => `${a.slug}: ${a.name}, ${a.role} (${a.status})`).join('\n'),
    })),
  };
}
