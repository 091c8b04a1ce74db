import { forwardRef, type ReactNode } from 'react';

/**
 * A bordered surface. `as` lets lists render cards as <li> or <article>; a landmark card is named
 * with `aria-labelledby` or `aria-label`, and a ref reaches its element (to scroll it into view).
 */
export const Card = forwardRef<
  HTMLElement,
  {
    children: ReactNode;
    className?: string;
    as?: 'div' | 'li' | 'article' | 'section';
    'aria-label'?: string;
    'aria-labelledby'?: string;
  }
>(function Card({ children, className = '', as: Element = 'div', ...aria }, ref) {
  return (
    <Element
      // One ref type for every `as`: each of them is an HTMLElement.
      ref={ref as never}
      {...aria}
      className={`rounded-2xl border border-line bg-card shadow-card ${className}`}
    >
      {children}
    </Element>
  );
});
