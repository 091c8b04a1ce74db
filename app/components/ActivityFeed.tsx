import { Link } from '@remix-run/react';
import type { FeedItem, FeedTone } from '../lib/activity';
import { formatDateTime, isoDateTime, relativeTime } from '../lib/format';

const TONE_RING: Record<FeedTone, string> = {
  neutral: 'ring-card',
  start: 'ring-sky-200 dark:ring-sky-900',
  success: 'ring-emerald-200 dark:ring-emerald-900',
  danger: 'ring-red-200 dark:ring-red-900',
  warning: 'ring-amber-200 dark:ring-amber-900',
};

/** The org's activity as sentences with links: "Sable started “Review PR #42” · 2 min ago". */
export function ActivityFeed({
  items,
  base,
  now,
  label = 'Recent activity',
}: {
  items: FeedItem[];
  base: string;
  now: number;
  label?: string;
}) {
  return (
    <ol aria-label={label} className="divide-y divide-line">
      {items.map((item) => (
        <li key={item.id} className="flex items-start gap-3 px-5 py-3 sm:px-6">
          <span
            aria-hidden="true"
            className={`mt-0.5 inline-flex size-7 shrink-0 items-center justify-center rounded-full text-xs font-semibold ring-2 ${TONE_RING[item.tone]} ${
              item.avatar.color ? 'text-white' : 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-100'
            }`}
            style={item.avatar.color ? { backgroundColor: item.avatar.color } : undefined}
          >
            {item.avatar.name.charAt(0).toUpperCase()}
          </span>
          <div className="min-w-0 flex-1">
            <p className="text-sm leading-snug text-ink-muted">
              {item.parts.map((part, index) => {
                switch (part.kind) {
                  case 'actor':
                    return (
                      <span key={index} className="font-medium text-ink">
                        {part.text}
                      </span>
                    );
                  case 'task':
                    return (
                      <Link
                        key={index}
                        to={`${base}/tasks/${part.id}`}
                        className="font-medium text-ink hover:text-accent-ink hover:underline"
                      >
                        “{part.title}”
                      </Link>
                    );
                  case 'thread':
                    return (
                      <Link
                        key={index}
                        to={`${base}/messages/${part.id}`}
                        className="text-ink hover:text-accent-ink hover:underline"
                      >
                        {part.text}
                      </Link>
                    );
                  case 'agent':
                    return (
                      <Link
                        key={index}
                        to={`${base}/agents/${part.slug}`}
                        className="font-medium text-ink hover:text-accent-ink hover:underline"
                      >
                        {part.name}
                      </Link>
                    );
                  default:
                    return <span key={index}>{part.text}</span>;
                }
              })}
            </p>
            {item.note ? <p className="mt-0.5 line-clamp-2 text-xs text-ink-faint">{item.note}</p> : null}
          </div>
          <time
            dateTime={isoDateTime(item.at)}
            title={formatDateTime(item.at)}
            className="shrink-0 pt-0.5 text-xs whitespace-nowrap text-ink-faint"
          >
            {relativeTime(item.at, now)}
          </time>
        </li>
      ))}
    </ol>
  );
}
