import { useEffect, useRef, useState } from 'react';
import { useDialogFetcher } from '../lib/use-dialog-fetcher';
import { FIELD_LIMITS } from '../../core/field-limits';
import { TASK_PRIORITIES } from '../../core/vocabulary';
import { Dialog } from './Dialog';
import { FormAlert, SelectField, SubmitButton, TextAreaField, TextField, focusFirstProblem } from './Form';
import { taskStatusLabel } from './StatusBadge';
import type { TaskStatus } from '../../core/vocabulary';

export interface AgentOption {
  slug: string;
  name: string;
  role: string;
  paused: boolean;
}

export interface OpenTaskOption {
  id: string;
  title: string;
  status: TaskStatus;
  agentName: string;
}

export interface NewTaskResult {
  ok: boolean;
  intent?: string | null;
  formError?: string | null;
  fieldErrors?: Record<string, string>;
  task?: { id: string; title: string };
}

/**
 * "New task": agent, description, optional title, priority, dependencies and a start time,
 * created through the OrgHub by the tasks route's action. Field errors stay in the dialog;
 * on success it closes and `onCreated` hears of the task.
 */
export function NewTaskDialog({
  open,
  onClose,
  agents,
  openTasks,
  defaultAgent,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  agents: AgentOption[];
  openTasks: OpenTaskOption[];
  defaultAgent?: string;
  onCreated: (task: { id: string; title: string }) => void;
}) {
  const formRef = useRef<HTMLFormElement>(null);
  const { fetcher, result, close } = useDialogFetcher<NewTaskResult>('new-task', formRef, onClose);
  const [offset, setOffset] = useState('');
  const failure = result && !result.ok && result.intent === 'create' ? result : null;
  const handled = useRef<unknown>(null);

  // The browser's UTC offset for "scheduled for"; set after hydration so both renders agree.
  useEffect(() => setOffset(String(new Date().getTimezoneOffset())), []);

  useEffect(() => {
    if (!result || handled.current === result) return;
    handled.current = result;
    if (result.ok && result.task) {
      formRef.current?.reset();
      onCreated(result.task);
      onClose();
    } else if (!result.ok) {
      focusFirstProblem(formRef.current);
    }
  }, [result, onCreated, onClose]);

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New task"
      description="Hand work to an agent. It is queued at once unless it waits for other tasks or a start time."
      size="lg"
    >
      <fetcher.Form ref={formRef} method="post" noValidate className="space-y-5">
        <input type="hidden" name="intent" value="create" />
        <input type="hidden" name="tz_offset" value={offset} />
        <FormAlert message={failure?.formError} />
        <div className="grid gap-5 sm:grid-cols-2">
          <SelectField
            label="Agent"
            name="agent"
            defaultValue={defaultAgent ?? agents.find((agent) => !agent.paused)?.slug}
            error={failure?.fieldErrors?.agent}
            required
          >
            {agents.map((agent) => (
              <option key={agent.slug} value={agent.slug}>
                {agent.name} · {agent.role}
                {agent.paused ? ' (paused)' : ''}
              </option>
            ))}
          </SelectField>
          <SelectField label="Priority" name="priority" defaultValue="normal" error={failure?.fieldErrors?.priority}>
            {[...TASK_PRIORITIES].reverse().map((priority) => (
              <option key={priority} value={priority} className="capitalize">
                {priority.charAt(0).toUpperCase() + priority.slice(1)}
              </option>
            ))}
          </SelectField>
        </div>
        <TextAreaField
          label="Description"
          name="description"
          rows={5}
          required
          placeholder="Review PR #42 and summarise the risks. Ask Yuki about the deploy."
          hint="What to do and what “done” looks like. Mention a teammate (@yuki or “ask Yuki”) to have the agent delegate."
          error={failure?.fieldErrors?.description}
        />
        <TextField
          label={
            <>
              Title <span className="font-normal text-ink-faint">(optional)</span>
            </>
          }
          name="title"
          maxLength={FIELD_LIMITS.task.title}
          autoComplete="off"
          hint="Defaults to the first line of the description."
          error={failure?.fieldErrors?.title}
        />
        <fieldset aria-describedby={failure?.fieldErrors?.depends_on ? 'new-task-deps-error' : 'new-task-deps-hint'}>
          <legend className="text-sm font-medium text-ink">
            Depends on <span className="font-normal text-ink-faint">(optional)</span>
          </legend>
          <p id="new-task-deps-hint" className="mt-1 text-xs text-ink-faint">
            The task starts only when all of these have completed.
          </p>
          {openTasks.length === 0 ? (
            <p className="mt-2 rounded-lg border border-dashed border-line-strong px-3 py-3 text-sm text-ink-faint">
              No open tasks to depend on.
            </p>
          ) : (
            <ul className="mt-2 max-h-44 space-y-1 overflow-y-auto rounded-lg border border-line-strong p-2">
              {openTasks.map((task) => (
                <li key={task.id}>
                  <label className="flex cursor-pointer items-start gap-2.5 rounded-md px-2 py-1.5 text-sm hover:bg-page-alt">
                    <input
                      type="checkbox"
                      name="depends_on"
                      value={task.id}
                      className="mt-0.5 size-4 shrink-0 rounded border-line-strong accent-brand-600"
                    />
                    <span className="min-w-0">
                      <span className="block truncate text-ink">{task.title}</span>
                      <span className="block text-xs text-ink-faint">
                        {task.agentName} · {taskStatusLabel(task.status)}
                      </span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
          {failure?.fieldErrors?.depends_on ? (
            <p id="new-task-deps-error" className="mt-1.5 text-sm text-red-600 dark:text-red-400">
              {failure.fieldErrors.depends_on}
            </p>
          ) : null}
        </fieldset>
        <TextField
          label={
            <>
              Start at <span className="font-normal text-ink-faint">(optional)</span>
            </>
          }
          name="scheduled_for"
          type="datetime-local"
          hint="Your local time. Leave empty to start as soon as an agent is free."
          error={failure?.fieldErrors?.scheduled_for}
          className="sm:max-w-xs"
        />
        <div className="flex flex-col-reverse gap-2 border-t border-line pt-4 sm:flex-row sm:justify-end">
          <button
            type="button"
            onClick={close}
            className="h-10 rounded-lg px-4 text-sm font-medium text-ink-muted hover:bg-page-alt hover:text-ink"
          >
            Cancel
          </button>
          <SubmitButton pending={fetcher.state !== 'idle'} pendingLabel="Creating…">
            Create task
          </SubmitButton>
        </div>
      </fetcher.Form>
    </Dialog>
  );
}
