import type { ReactNode } from 'react';

interface SectionHeadingProps {
  /** Small label above the title. */
  eyebrow?: string;
  title: ReactNode;
  description?: ReactNode;
  align?: 'left' | 'center';
  /** Lets the section reference its heading with aria-labelledby. */
  id?: string;
  /** The first heading of a page is an h1; section headings are h2. */
  level?: 'h1' | 'h2';
}

export function SectionHeading({
  eyebrow,
  title,
  description,
  align = 'center',
  id,
  level = 'h2',
}: SectionHeadingProps) {
  const Heading = level;
  const alignment = align === 'center' ? 'mx-auto text-center' : '';
  const size = level === 'h1' ? 'text-4xl sm:text-5xl' : 'text-3xl sm:text-4xl';
  return (
    <div className={`max-w-2xl ${alignment}`}>
      {eyebrow ? <p className="text-sm font-semibold text-accent-ink">{eyebrow}</p> : null}
      <Heading id={id} className={`mt-2 font-semibold tracking-tight text-balance text-ink ${size}`}>
        {title}
      </Heading>
      {description ? <p className="mt-4 text-lg leading-relaxed text-pretty text-ink-muted">{description}</p> : null}
    </div>
  );
}
