import { DEFAULT_TEAM } from '../../core/default-team';
import { AgentAvatar } from './AgentAvatar';

// Fixed sample events: the landing page illustrates the feed, it does not fetch one.
const SAMPLE_EVENTS = [
  { agent: 'sable', text: 'started “Review PR #42”', when: 'now' },
  { agent: 'marcus', text: 'delegated “Ship usage charts” to DeVonte', when: '1m' },
  { agent: 'yuki', text: 'is waiting for approval on a status email', when: '4m' },
  { agent: 'graham', text: 'completed “Weekly signups by plan”', when: '9m' },
] as const;

/** A small, static version of the dashboard's activity feed. */
export function ActivityFeedPreview() {
  return (
    <ol className="space-y-2.5 rounded-xl border border-line bg-page-alt p-3">
      {SAMPLE_EVENTS.map((event) => {
        const agent = DEFAULT_TEAM.find((member) => member.slug === event.agent);
        if (!agent) return null;
        return (
          <li key={event.text} className="flex items-center gap-3 rounded-lg bg-card px-3 py-2 text-sm shadow-card">
            <AgentAvatar name={agent.name} color={agent.avatarColor} size="sm" />
            <p className="min-w-0 flex-1 truncate text-ink-muted">
              <span className="font-medium text-ink">{agent.name}</span> {event.text}
            </p>
            <span className="shrink-0 text-xs text-ink-faint tabular-nums">{event.when}</span>
          </li>
        );
      })}
    </ol>
  );
}
