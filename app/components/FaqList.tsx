import type { ReactNode } from 'react';

export interface FaqItem {
  question: string;
  answer: ReactNode;
}

/** Questions as <details>, so they open with a keyboard and without JavaScript. */
export function FaqList({ items }: { items: readonly FaqItem[] }) {
  return (
    <div className="divide-y divide-line rounded-2xl border border-line bg-card shadow-card">
      {items.map((item) => (
        <details key={item.question} className="group px-5 sm:px-6">
          <summary className="flex list-none items-start justify-between gap-6 py-5 text-left text-base font-medium text-ink">
            <span>{item.question}</span>
            <svg
              viewBox="0 0 20 20"
              className="mt-0.5 size-5 shrink-0 text-ink-faint transition-transform duration-200 group-open:rotate-45"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.75"
              strokeLinecap="round"
              aria-hidden="true"
            >
              <path d="M10 4v12M4 10h12" />
            </svg>
          </summary>
          <div className="-mt-1 pb-5 text-[15px] leading-relaxed text-ink-muted">{item.answer}</div>
        </details>
      ))}
    </div>
  );
}
