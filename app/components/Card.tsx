import type { ReactNode } from 'react';

/** A bordered surface. `as` lets lists render cards as <li> or <article>. */
export function Card({
  children,
  className = '',
  as: Element = 'div',
}: {
  children: ReactNode;
  className?: string;
  as?: 'div' | 'li' | 'article' | 'section';
}) {
  return <Element className={`rounded-2xl border border-line bg-card shadow-card ${className}`}>{children}</Element>;
}
