import { type KeyboardEvent, useRef, useState } from 'react';
import { AgentAvatar } from '../AgentAvatar';
import { StatusBadge } from '../StatusBadge';
import type { OfficeSnapshotAgent } from './types';

/**
 * The office as a list: the same agents, statuses, tasks and latest words as the canvas, for
 * screen readers, keyboards and anyone who prefers text. One tab stop; arrow keys, Home and End
 * move between agents (roving tabindex); Enter or Space selects. While the canvas is showing,
 * the list is visually hidden but stays in the page, and the focused agent is outlined on the
 * canvas instead, so keyboard focus is always visible.
 */
export function OfficeAgentList({
  agents,
  visuallyHidden,
  selectedId,
  onSelect,
  onFocusAgent,
  labelledBy,
  readOnly = false,
}: {
  agents: readonly OfficeSnapshotAgent[];
  visuallyHidden: boolean;
  selectedId: string | null;
  onSelect(agentId: string): void;
  onFocusAgent(agentId: string | null): void;
  labelledBy?: string;
  /** The landing page's live picture: the agents are listed, not selectable. */
  readOnly?: boolean;
}) {
  const [activeId, setActiveId] = useState<string | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const active = agents.some((agent) => agent.id === activeId) ? activeId : (agents[0]?.id ?? null);

  function move(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const last = agents.length - 1;
    const target = {
      ArrowDown: index + 1,
      ArrowRight: index + 1,
      ArrowUp: index - 1,
      ArrowLeft: index - 1,
      Home: 0,
      End: last,
    }[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const agent = agents[Math.max(0, Math.min(last, target))];
    if (!agent) return;
    setActiveId(agent.id);
    buttons.current.get(agent.id)?.focus();
  }

  if (agents.length === 0) {
    return (
      <p className={visuallyHidden ? 'sr-only' : 'px-6 py-10 text-center text-sm text-ink-muted'}>
        No agents in this office yet.
      </p>
    );
  }

  return (
    <ul
      aria-labelledby={labelledBy}
      className={visuallyHidden ? 'sr-only' : 'grid grid-cols-1 gap-1 p-2 lg:grid-cols-2'}
    >
      {agents.map((agent, index) => {
        const selected = agent.id === selectedId;
        const details = (
          <>
            <AgentAvatar name={agent.name} color={agent.color} size="sm" />
            <span className="block min-w-0 flex-1">
              <span className="flex flex-wrap items-baseline gap-x-2">
                <span className="text-sm font-semibold text-ink">{agent.name}</span>
                <span className="truncate text-xs text-ink-faint">{agent.role}</span>
              </span>
              <span className="mt-1 flex flex-wrap items-center gap-2">
                <StatusBadge status={agent.status} />
                {agent.awaitingApproval ? (
                  <span className="inline-flex items-center gap-1.5 text-xs font-medium text-violet-700 dark:text-violet-400">
                    <span className="size-2 rounded-full bg-violet-500" aria-hidden="true" />
                    Awaiting approval
                  </span>
                ) : null}
              </span>
              {agent.task ? (
                <span className="mt-2 block">
                  <span className="block truncate text-sm text-ink">
                    <span className="sr-only">Current task: </span>
                    {agent.task.title}
                  </span>
                  <span className="mt-1.5 flex items-center gap-2">
                    <span
                      className="block h-1.5 flex-1 overflow-hidden rounded-full bg-page-alt ring-1 ring-line ring-inset"
                      aria-hidden="true"
                    >
                      <span
                        className="block h-full rounded-full bg-brand-500 transition-[width] duration-500 motion-reduce:transition-none"
                        style={{ width: `${agent.task.progress}%` }}
                      />
                    </span>
                    <span className="text-xs text-ink-muted tabular-nums">
                      {agent.task.progress}%<span className="sr-only"> done</span>
                    </span>
                  </span>
                </span>
              ) : (
                <span className="mt-1.5 block text-sm text-ink-faint">No current task</span>
              )}
              {agent.latest ? (
                <span className="mt-1.5 block truncate text-sm text-ink-muted">
                  <span className="sr-only">Latest: </span>
                  {agent.latest.toName ? (
                    <span className="font-medium text-accent-ink">→ {agent.latest.toName}: </span>
                  ) : null}
                  “{agent.latest.text}”
                </span>
              ) : null}
            </span>
          </>
        );
        return (
          <li key={agent.id} className="min-w-0">
            {readOnly ? (
              // A picture of the office with nothing to select: plain text, not buttons that do nothing.
              <div className="flex w-full items-start gap-3 rounded-xl px-3 py-3 text-left">{details}</div>
            ) : (
              <button
                type="button"
                ref={(element) => {
                  if (element) buttons.current.set(agent.id, element);
                  else buttons.current.delete(agent.id);
                }}
                tabIndex={agent.id === active ? 0 : -1}
                aria-current={selected ? 'true' : undefined}
                onClick={() => onSelect(agent.id)}
                onKeyDown={(event) => move(event, index)}
                onFocus={() => {
                  setActiveId(agent.id);
                  onFocusAgent(agent.id);
                }}
                onBlur={() => onFocusAgent(null)}
                className={`flex w-full items-start gap-3 rounded-xl px-3 py-3 text-left transition-colors hover:bg-page-alt ${selected ? 'bg-accent-soft ring-1 ring-brand-500/30 ring-inset' : ''}`}
              >
                {details}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
