import { Fragment, type ReactNode, useId } from 'react';
import { CopyButton } from '../CopyButton';

type Language = 'sh' | 'js' | 'json' | 'http' | 'text';

/** Where a line's comment starts: the whole line, or after two or more spaces; -1 when there is none. */
function commentStart(line: string, marker: string): number {
  const trimmed = line.trimStart();
  if (trimmed.startsWith(marker)) return line.length - trimmed.length;
  const escaped = marker.replace(/[/]/g, '\\/');
  const at = line.search(new RegExp(`\\s{2,}${escaped}(\\s|$)`));
  return at < 0 ? -1 : line.indexOf(marker, at);
}

/** Comments dimmed (`# …` in shell, `// …` in JavaScript); nothing else is coloured. */
function highlight(code: string, language: Language): ReactNode {
  const marker = language === 'sh' ? '#' : language === 'js' ? '//' : null;
  if (!marker) return code;
  return code.split('\n').map((line, index) => {
    const at = commentStart(line, marker);
    return (
      <Fragment key={index}>
        {index > 0 ? '\n' : null}
        {at < 0 ? (
          line
        ) : (
          <>
            {line.slice(0, at)}
            <span className="text-slate-400">{line.slice(at)}</span>
          </>
        )}
      </Fragment>
    );
  });
}

/** A dark code block with a caption and a copy button; scrolls sideways on narrow screens. */
export function CodeBlock({
  code,
  language = 'sh',
  title,
  copy = true,
  className = '',
}: {
  code: string;
  language?: Language;
  title?: string;
  copy?: boolean;
  className?: string;
}) {
  const label = title ?? { sh: 'Shell', js: 'JavaScript', json: 'JSON', http: 'HTTP', text: 'Output' }[language];
  const captionId = useId();
  return (
    <figure
      aria-labelledby={captionId}
      className={`mt-5 overflow-hidden rounded-xl bg-code shadow-card ring-1 ring-slate-900/10 dark:ring-white/10 ${className}`}
    >
      <div className="flex min-h-10 items-center justify-between gap-3 border-b border-code-line px-4 py-1.5">
        <figcaption id={captionId} className="truncate text-xs font-medium text-slate-400">
          {label}
        </figcaption>
        {copy ? <CopyButton text={code} label="Copy" /> : null}
      </div>
      <pre
        role="region"
        tabIndex={0}
        aria-labelledby={captionId}
        className="overflow-x-auto px-4 py-3.5 font-mono text-[13px] leading-6 text-slate-200 sm:px-5"
      >
        <code>{highlight(code, language)}</code>
      </pre>
    </figure>
  );
}
