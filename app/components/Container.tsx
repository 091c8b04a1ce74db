import type { ReactNode } from 'react';

const widths = { default: 'max-w-6xl', narrow: 'max-w-3xl' } as const;

/** The page's content column: one max width and gutter for every section. */
export function Container({
  children,
  className = '',
  width = 'default',
}: {
  children: ReactNode;
  className?: string;
  width?: keyof typeof widths;
}) {
  return <div className={`mx-auto w-full ${widths[width]} px-5 sm:px-6 lg:px-8 ${className}`}>{children}</div>;
}
