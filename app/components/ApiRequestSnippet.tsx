import { CopyButton } from './CopyButton';

const COMMAND = `curl -X POST https://genericcorp.io/v1/tasks \\
  -H "Authorization: Bearer gc_sk_..." \\
  -d '{"agent":"sable","description":"Review PR #42"}'`;

/** The hero's terminal: one real API call and the start of its response, hand-highlighted. */
export function ApiRequestSnippet() {
  return (
    <figure className="overflow-hidden rounded-2xl bg-code shadow-lift ring-1 ring-slate-900/10 dark:ring-white/10">
      <div className="flex items-center justify-between border-b border-code-line px-4 py-2.5">
        <div className="flex items-center gap-3">
          <span className="flex gap-1.5" aria-hidden="true">
            <span className="size-2.5 rounded-full bg-slate-600" />
            <span className="size-2.5 rounded-full bg-slate-600" />
            <span className="size-2.5 rounded-full bg-slate-600" />
          </span>
          <figcaption className="text-xs font-medium text-slate-400">Give Sable a task</figcaption>
        </div>
        <CopyButton text={COMMAND} label="Copy" />
      </div>
      <pre
        role="region"
        tabIndex={0}
        aria-label="Example API request and response"
        className="overflow-x-auto px-4 py-4 font-mono text-[13px] leading-6 text-slate-200 sm:px-5"
      >
        <code>
          <span className="text-slate-400 select-none">$ </span>
          <span className="text-sky-300">curl</span> -X POST https://genericcorp.io/v1/tasks \{'\n'}
          {'    '}-H <span className="text-emerald-300">"Authorization: Bearer gc_sk_..."</span> \{'\n'}
          {'    '}-d <span className="text-amber-200">{`'{"agent":"sable","description":"Review PR #42"}'`}</span>
          {'\n\n'}
          <span className="text-slate-400">{'# 201 Created'}</span>
          {'\n'}
          {'{\n'}
          {'  '}
          <span className="text-sky-300">"id"</span>: <span className="text-amber-200">"tsk_8f2c1e"</span>,{'\n'}
          {'  '}
          <span className="text-sky-300">"agent"</span>: {'{ '}
          <span className="text-sky-300">"slug"</span>: <span className="text-amber-200">"sable"</span>,{' '}
          <span className="text-sky-300">"name"</span>: <span className="text-amber-200">"Sable"</span>
          {' }'},{'\n'}
          {'  '}
          <span className="text-sky-300">"status"</span>: <span className="text-amber-200">"queued"</span>
          {'\n'}
          {'}'}
        </code>
      </pre>
    </figure>
  );
}
