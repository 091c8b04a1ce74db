import type { AgentTemplate } from '../../core/default-team';
import { AgentAvatar } from './AgentAvatar';
import { Card } from './Card';

/** The default roster as cards; generated from data so it always matches what a new org gets. */
export function TeamGrid({ team }: { team: readonly AgentTemplate[] }) {
  return (
    <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-5">
      {team.map((agent) => (
        <Card as="li" key={agent.slug} className="flex min-w-0 flex-col p-5">
          {/* Avatar beside the name on phones, above it in the five-column desktop row. */}
          <div className="flex items-center gap-3 lg:flex-col lg:items-start lg:gap-4">
            <AgentAvatar name={agent.name} color={agent.avatarColor} />
            <div>
              <h3 className="text-base font-semibold text-ink">{agent.name}</h3>
              <p className="text-sm text-ink-faint">{agent.role}</p>
            </div>
          </div>
          <p className="mt-3 flex-1 text-sm leading-relaxed text-ink-muted">{agent.summary}</p>
          {/* The slug is how the API addresses the agent. */}
          <p className="mt-4 border-t border-line pt-3 font-mono text-xs text-ink-faint">
            "agent": <span className="text-accent-ink">"{agent.slug}"</span>
          </p>
        </Card>
      ))}
    </ul>
  );
}
