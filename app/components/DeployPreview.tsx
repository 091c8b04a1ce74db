/** The self-hosted edition's deploy, as a terminal: one command into your own account. */
export function DeployPreview() {
  return (
    <pre className="overflow-x-auto rounded-xl bg-code p-4 font-mono text-[12.5px] leading-6 text-slate-300 sm:p-5">
      <code>
        <span className="text-slate-400">$ </span>
        <span className="text-sky-300">npm</span> run deploy{'\n'}
        <span className="text-emerald-300">✓</span> built the app and the Worker{'\n'}
        <span className="text-emerald-300">✓</span> applied D1 migrations{'\n'}
        <span className="text-emerald-300">✓</span> deployed to your account{'\n'}
        <span className="text-slate-400">{'  '}billing off · unlimited agent-minutes</span>
      </code>
    </pre>
  );
}
