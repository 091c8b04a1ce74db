/**
 * One run of a task: its numbers (provider, outcome, turns, tokens, time) and its trace, the
 * steps the model took: thinking, text, tool calls with their JSON input, and tool results.
 */
import { Markdown } from './Markdown';
import { formatDateTime, formatDuration, formatNumber, isoDateTime } from '../lib/format';
import { SimulatedBadge } from './StatusBadge';

export interface RunStepView {
  seq: number;
  type: 'thinking' | 'text' | 'tool_use' | 'tool_result';
  toolName: string | null;
  content: string;
  /** Model text still arriving (live only). */
  streaming?: boolean;
}

export interface RunSummary {
  id: string;
  attempt: number;
  provider: string;
  simulated: boolean;
  model: string;
  outcome: string;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  durationMs: number | null;
  startedAt: number | null;
  error: string | null;
  steps: RunStepView[];
}

const OUTCOME: Record<string, { label: string; className: string }> = {
  running: { label: 'Running', className: 'text-emerald-700 dark:text-emerald-400' },
  completed: { label: 'Completed', className: 'text-emerald-800 dark:text-emerald-300' },
  failed: { label: 'Failed', className: 'text-red-700 dark:text-red-400' },
  blocked: { label: 'Paused for delegated work', className: 'text-amber-700 dark:text-amber-400' },
  awaiting_approval: { label: 'Awaiting approval', className: 'text-violet-700 dark:text-violet-400' },
  cancelled: { label: 'Cancelled', className: 'text-ink-faint' },
  timed_out: { label: 'Timed out', className: 'text-red-700 dark:text-red-400' },
};

/** JSON pretty-printed when it is JSON; the text as it is otherwise. */
function pretty(content: string): { text: string; json: boolean } {
  const trimmed = content.trim();
  if (!/^[[{]/.test(trimmed)) return { text: content, json: false };
  try {
    return { text: JSON.stringify(JSON.parse(trimmed), null, 2), json: true };
  } catch {
    return { text: content, json: false };
  }
}

const STEP_LABEL: Record<RunStepView['type'], string> = {
  thinking: 'Thinking',
  text: 'Text',
  tool_use: 'Tool call',
  tool_result: 'Tool result',
};
const STEP_DOT: Record<RunStepView['type'], string> = {
  thinking: 'bg-slate-300 dark:bg-slate-600',
  text: 'bg-brand-400',
  tool_use: 'bg-sky-500',
  tool_result: 'bg-emerald-500',
};

function Step({ step }: { step: RunStepView }) {
  const body = pretty(step.content);
  return (
    <li className="relative pl-6">
      <span
        aria-hidden="true"
        className={`absolute top-1.5 left-0 size-2.5 rounded-full ring-4 ring-card ${STEP_DOT[step.type]}`}
      />
      <p className="flex flex-wrap items-center gap-x-2 text-xs font-medium text-ink-faint">
        <span>{STEP_LABEL[step.type]}</span>
        {step.toolName ? (
          <code className="rounded bg-page-alt px-1.5 py-0.5 font-mono text-[11px] text-ink ring-1 ring-line ring-inset">
            {step.toolName}
          </code>
        ) : null}
      </p>
      {step.type === 'tool_result' && !body.json ? (
        <Markdown className="mt-1.5 max-h-80 overflow-auto rounded-lg bg-page-alt p-3 text-xs leading-relaxed text-ink ring-1 ring-line">
          {body.text}
        </Markdown>
      ) : body.json || step.type === 'tool_use' || step.type === 'tool_result' ? (
        <pre className="mt-1.5 max-h-80 overflow-auto rounded-lg bg-code p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap text-slate-100">
          {body.text}
        </pre>
      ) : (
        <Markdown
          className={`mt-1 text-sm leading-relaxed ${step.type === 'thinking' ? 'text-ink-muted italic' : 'text-ink'}`}
        >
          {body.text}
        </Markdown>
      )}
    </li>
  );
}

export function RunCard({ run, open }: { run: RunSummary; open: boolean }) {
  const outcome = OUTCOME[run.outcome] ?? { label: run.outcome, className: 'text-ink-muted' };
  return (
    <details open={open} className="group rounded-xl border border-line bg-card">
      <summary className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl px-4 py-3 hover:bg-page-alt">
        <span className="text-sm font-semibold text-ink">Attempt {run.attempt}</span>
        {run.simulated ? (
          <SimulatedBadge long />
        ) : (
          <span className="text-xs text-ink-muted">Anthropic · {run.model}</span>
        )}
        <span className={`text-xs font-medium ${outcome.className}`}>{outcome.label}</span>
        <span className="ml-auto text-xs text-ink-faint">
          {run.steps.length} {run.steps.length === 1 ? 'step' : 'steps'}
          <span aria-hidden="true" className="ml-2 inline-block transition-transform group-open:rotate-90">
            ›
          </span>
        </span>
      </summary>
      <div className="border-t border-line px-4 py-4">
        <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-xs sm:grid-cols-5">
          <div>
            <dt className="text-ink-faint">Provider</dt>
            <dd className="text-ink-muted">{run.simulated ? 'Simulated model' : 'Anthropic'}</dd>
          </div>
          <div>
            <dt className="text-ink-faint">Model</dt>
            <dd className="font-mono text-ink-muted">{run.model}</dd>
          </div>
          <div>
            <dt className="text-ink-faint">Turns</dt>
            <dd className="text-ink-muted tabular-nums">{run.turns}</dd>
          </div>
          <div>
            <dt className="text-ink-faint">Tokens in / out</dt>
            <dd className="text-ink-muted tabular-nums">
              {formatNumber(run.inputTokens)} / {formatNumber(run.outputTokens)}
            </dd>
          </div>
          <div>
            <dt className="text-ink-faint">Duration</dt>
            <dd className="text-ink-muted tabular-nums">
              {run.durationMs === null ? 'Running…' : formatDuration(run.durationMs)}
            </dd>
          </div>
        </dl>
        {run.startedAt ? (
          <p className="mt-2 text-xs text-ink-faint">
            Started <time dateTime={isoDateTime(run.startedAt)}>{formatDateTime(run.startedAt)}</time>
          </p>
        ) : null}
        {run.error ? (
          <p className="mt-3 rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950/60 dark:text-red-200">
            {run.error}
          </p>
        ) : null}
        <h3 className="mt-4 text-xs font-semibold tracking-wide text-ink-faint uppercase">Trace</h3>
        {run.steps.length === 0 ? (
          <p className="mt-2 text-sm text-ink-muted">
            {run.outcome === 'running'
              ? 'The agent is starting; steps appear here as it works.'
              : 'This run recorded no steps.'}
          </p>
        ) : (
          <ol
            aria-label={`Trace of attempt ${run.attempt}`}
            className="mt-3 space-y-4 border-l border-line pl-0 [&>li]:-ml-[5px]"
          >
            {run.steps.map((step) => (
              <Step key={step.seq} step={step} />
            ))}
          </ol>
        )}
      </div>
    </details>
  );
}
