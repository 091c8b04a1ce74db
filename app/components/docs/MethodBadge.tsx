const tones: Record<string, string> = {
  get: 'bg-sky-50 text-sky-800 ring-sky-600/25 dark:bg-sky-950 dark:text-sky-300 dark:ring-sky-400/30',
  post: 'bg-emerald-50 text-emerald-800 ring-emerald-600/25 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-400/30',
  put: 'bg-amber-50 text-amber-800 ring-amber-600/25 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-400/30',
  patch: 'bg-amber-50 text-amber-800 ring-amber-600/25 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-400/30',
  delete: 'bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-950 dark:text-red-300 dark:ring-red-400/30',
};

/** An HTTP method as a coloured pill: GET sky, POST green, PUT/PATCH amber, DELETE red. */
export function MethodBadge({ method, size = 'md' }: { method: string; size?: 'sm' | 'md' }) {
  const tone = tones[method.toLowerCase()] ?? 'bg-page-alt text-ink-muted ring-line-strong';
  const sizing = size === 'sm' ? 'min-w-[3.25rem] px-1.5 py-px text-[10px]' : 'min-w-[3.75rem] px-2 py-0.5 text-xs';
  return (
    <span
      className={`inline-flex shrink-0 justify-center rounded-md font-mono font-semibold tracking-wide uppercase ring-1 ring-inset ${tone} ${sizing}`}
    >
      {method.toUpperCase()}
    </span>
  );
}

/** The open/closed arrow of a <details> summary; the <details> needs the `group` class. */
export function Chevron() {
  return (
    <svg
      viewBox="0 0 20 20"
      className="size-4 shrink-0 text-ink-faint transition-transform group-open:rotate-180"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.75"
      aria-hidden="true"
    >
      <path d="M5 8l5 5 5-5" />
    </svg>
  );
}
