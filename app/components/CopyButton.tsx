import { useEffect, useState } from 'react';

const tones = {
  // On the dark code surfaces of the marketing pages.
  dark: 'h-7 px-2 text-xs text-slate-400 hover:bg-white/10 hover:text-white',
  // On cards and page backgrounds in the app.
  light: 'h-10 border border-line-strong bg-card px-3 text-sm text-ink shadow-sm hover:bg-page-alt',
};

/** Copies `text` to the clipboard; says so for two seconds (also to screen readers). */
export function CopyButton({
  text,
  label = 'Copy',
  tone = 'dark',
  className = '',
}: {
  text: string;
  label?: string;
  tone?: keyof typeof tones;
  className?: string;
}) {
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  return (
    <button
      type="button"
      onClick={() => {
        navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
      className={`inline-flex shrink-0 items-center gap-1.5 rounded-md font-medium transition-colors ${tones[tone]} ${className}`}
    >
      <svg
        viewBox="0 0 24 24"
        className="size-3.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
      >
        {copied ? (
          <path d="M5 12.5l4.5 4.5L19 7.5" />
        ) : (
          <>
            <rect x="9" y="9" width="11" height="11" rx="2" />
            <path d="M5 15V6a2 2 0 0 1 2-2h9" />
          </>
        )}
      </svg>
      <span aria-live="polite">{copied ? 'Copied' : label}</span>
    </button>
  );
}
