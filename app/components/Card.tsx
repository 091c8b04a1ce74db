import type { ReactNode } from 'react';

/**
 * A bordered surface. `as` lets lists render cards as <li> or <article>; a landmark card is named
 * with `aria-labelledby` or `aria-label`.
 */
export function Card({
  children,
  className = '',
  as: Element = 'div',
  ...aria
}: {
  children: ReactNode;
  className?: string;
  as?: 'div' | 'li' | 'article' | 'section';
  'aria-label'?: string;
  'aria-labelledby'?: string;
}) {
  return (
    <Element {...aria} className={`rounded-2xl border border-line bg-card shadow-card ${className}`}>
      {children}
    </Element>
  );
}
