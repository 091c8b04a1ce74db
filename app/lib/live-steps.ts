/**
 * A run's trace while it runs: `run.step` events add steps to the runs a page loaded, so the
 * trace grows as the agent works instead of when the run ends. Streamed model text
 * (`text_delta`) builds up the step it will become, and the recorded step replaces it. Steps
 * the loader returns win over live copies (a live step's content is cut at 4,000 characters).
 */
import { useMemo, useState } from 'react';
import type { RunStepView, RunSummary } from '../components/RunTrace';
import { useLiveEvents } from './live';

const STEP_TYPES: ReadonlySet<string> = new Set<RunStepView['type']>(['thinking', 'text', 'tool_use', 'tool_result']);

/** Live steps per run id, each list in `seq` order. */
export type LiveSteps = Readonly<Record<string, readonly RunStepView[]>>;

const NONE: LiveSteps = {};

/** `steps` after one `run.step` event's data for `taskId`; the same object when nothing changed. */
export function addLiveSteps(steps: LiveSteps, taskId: string, data: unknown): LiveSteps {
  const event = data as { task_id?: unknown; run_id?: unknown; steps?: unknown } | null;
  if (event?.task_id !== taskId || typeof event.run_id !== 'string' || !Array.isArray(event.steps)) return steps;
  const bySeq = new Map((steps[event.run_id] ?? []).map((step) => [step.seq, step]));
  for (const raw of event.steps as Array<Record<string, unknown> | null>) {
    if (!raw || typeof raw.seq !== 'number' || typeof raw.content !== 'string') continue;
    if (raw.type === 'text_delta') {
      const draft = bySeq.get(raw.seq);
      // Only text still being streamed grows; a recorded step at this seq is final.
      if (draft && !draft.streaming) continue;
      bySeq.set(raw.seq, {
        seq: raw.seq,
        type: 'text',
        toolName: null,
        content: (draft?.content ?? '') + raw.content,
        streaming: true,
      });
    } else if (typeof raw.type === 'string' && STEP_TYPES.has(raw.type)) {
      bySeq.set(raw.seq, {
        seq: raw.seq,
        type: raw.type as RunStepView['type'],
        toolName: typeof raw.tool_name === 'string' ? raw.tool_name : null,
        content: raw.content,
      });
    }
  }
  return { ...steps, [event.run_id]: [...bySeq.values()].sort((a, b) => a.seq - b.seq) };
}

/** Each run's loaded steps, followed by the live steps it has not recorded yet. */
export function withLiveSteps(runs: readonly RunSummary[], live: LiveSteps): RunSummary[] {
  return runs.map((run) => {
    const extra = live[run.id];
    if (!extra?.length) return run;
    const recorded = new Set(run.steps.map((step) => step.seq));
    const fresh = extra.filter((step) => !recorded.has(step.seq));
    return fresh.length ? { ...run, steps: [...run.steps, ...fresh].sort((a, b) => a.seq - b.seq) } : run;
  });
}

/** The task's runs with the steps that arrived live since the page loaded. */
export function useLiveRunSteps(taskId: string, runs: readonly RunSummary[]): RunSummary[] {
  // Kept with the task they belong to: another task's page starts with none.
  const [live, setLive] = useState<{ taskId: string; steps: LiveSteps }>({ taskId, steps: NONE });
  useLiveEvents((frame) => {
    if (frame.type !== 'run.step') return;
    setLive((current) => {
      const base = current.taskId === taskId ? current.steps : NONE;
      const next = addLiveSteps(base, taskId, frame.data);
      return next === current.steps ? current : { taskId, steps: next };
    });
  });
  const steps = live.taskId === taskId ? live.steps : NONE;
  return useMemo(() => withLiveSteps(runs, steps), [runs, steps]);
}
