import type { ReactNode } from 'react';

type BadgeTone = 'brand' | 'neutral' | 'success';

const tones: Record<BadgeTone, string> = {
  brand: 'bg-accent-soft text-accent-ink ring-brand-500/20',
  neutral: 'bg-page-alt text-ink-muted ring-line-strong/60',
  success: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-950 dark:text-emerald-300',
};

export function Badge({
  children,
  tone = 'brand',
  className = '',
}: {
  children: ReactNode;
  tone?: BadgeTone;
  className?: string;
}) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]} ${className}`}
    >
      {children}
    </span>
  );
}
