import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../components/RunTrace';
import { addLiveSteps, type LiveSteps, withLiveSteps } from './live-steps';

const run = (id: string, steps: RunSummary['steps'] = []): RunSummary => ({
  id,
  attempt: 1,
  provider: 'simulated',
  simulated: true,
  model: 'sim',
  outcome: 'running',
  turns: 0,
  inputTokens: 0,
  outputTokens: 0,
  durationMs: null,
  startedAt: 1,
  error: null,
  steps,
});
const event = (steps: unknown[], taskId = 'tsk_1', runId = 'run_1') => ({ task_id: taskId, run_id: runId, steps });

describe('addLiveSteps', () => {
  it('keeps the steps of this task’s runs, in seq order', () => {
    let steps: LiveSteps = {};
    steps = addLiveSteps(steps, 'tsk_1', event([{ seq: 2, type: 'tool_use', tool_name: 'search', content: '{}' }]));
    steps = addLiveSteps(steps, 'tsk_1', event([{ seq: 1, type: 'thinking', tool_name: null, content: 'Plan' }]));
    expect(steps.run_1).toEqual([
      { seq: 1, type: 'thinking', toolName: null, content: 'Plan' },
      { seq: 2, type: 'tool_use', toolName: 'search', content: '{}' },
    ]);
  });

  it('ignores other tasks, unknown step types and malformed events', () => {
    const steps: LiveSteps = {};
    expect(addLiveSteps(steps, 'tsk_1', event([{ seq: 1, type: 'text', content: 'x' }], 'tsk_2'))).toBe(steps);
    expect(addLiveSteps(steps, 'tsk_1', null)).toBe(steps);
    expect(addLiveSteps(steps, 'tsk_1', { task_id: 'tsk_1', run_id: 'run_1', steps: 'no' })).toBe(steps);
    expect(addLiveSteps(steps, 'tsk_1', event([{ seq: 1, type: 'secret', content: 'x' }, null])).run_1).toEqual([]);
  });

  it('streams model text into the step it becomes, then takes the recorded step', () => {
    let steps: LiveSteps = {};
    steps = addLiveSteps(steps, 'tsk_1', event([{ seq: 3, type: 'text_delta', content: 'Hel' }]));
    steps = addLiveSteps(steps, 'tsk_1', event([{ seq: 3, type: 'text_delta', content: 'lo' }]));
    expect(steps.run_1).toEqual([{ seq: 3, type: 'text', toolName: null, content: 'Hello', streaming: true }]);
    steps = addLiveSteps(steps, 'tsk_1', event([{ seq: 3, type: 'text', content: 'Hello.' }]));
    // A late delta does not reopen a recorded step.
    steps = addLiveSteps(steps, 'tsk_1', event([{ seq: 3, type: 'text_delta', content: '!' }]));
    expect(steps.run_1).toEqual([{ seq: 3, type: 'text', toolName: null, content: 'Hello.' }]);
  });
});

describe('withLiveSteps', () => {
  it('adds live steps a run has not recorded; recorded ones win', () => {
    const recorded = { seq: 1, type: 'text' as const, toolName: null, content: 'the whole text' };
    const runs = [run('run_1', [recorded]), run('run_2')];
    const live: LiveSteps = {
      run_1: [
        { seq: 1, type: 'text', toolName: null, content: 'the whole' },
        { seq: 2, type: 'tool_use', toolName: 'search', content: '{}' },
      ],
    };
    const merged = withLiveSteps(runs, live);
    expect(merged[0]!.steps).toEqual([recorded, live.run_1![1]]);
    expect(merged[1]).toBe(runs[1]);
  });

  it('returns the loaded runs untouched when nothing arrived', () => {
    const runs = [run('run_1')];
    expect(withLiveSteps(runs, {})[0]).toBe(runs[0]);
  });
});
