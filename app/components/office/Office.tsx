import { type ReactNode, useEffect, useId, useRef, useState, useSyncExternalStore } from 'react';
import { useHydrated } from '../../lib/use-hydrated';
import { OfficeAgentList } from './OfficeAgentList';
import { OfficeView } from './office-view';
import { createOfficeState } from './state';
import type { OfficeAgent, OfficeEvent, OfficeSubscribe } from './types';

export interface OfficeProps {
  /** The roster with each agent's status, desk and current task (the overview loader's data). */
  agents: readonly OfficeAgent[];
  /**
   * The org's live events, oldest first, as an array that grows. Only events with a seq above
   * the last one applied are read. Events already in the array when the office mounts are
   * history: they update statuses and tasks but raise no bubbles.
   */
  events?: readonly OfficeEvent[];
  /** Or: a function the office calls with a listener for live events; it returns an unsubscribe. */
  subscribe?: OfficeSubscribe;
  /** Clicking an agent (or Enter/Space on it in the list). */
  onSelectAgent?: (agentId: string) => void;
  /** Highlights that agent's desk (e.g. while its detail panel is open). */
  selectedAgentId?: string | null;
  defaultView?: 'office' | 'list';
  className?: string;
  /** Dev only: draw-time numbers on the canvas and `window.__officeFrameMeter`. */
  debug?: boolean;
  /** A view for outsiders (the landing page's showcase): no toolbar, no legend, nothing to select. */
  readOnly?: boolean;
}

function ToolButton({
  label,
  onClick,
  disabled,
  children,
}: {
  label: string;
  onClick(): void;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      onClick={onClick}
      disabled={disabled}
      className="inline-flex size-8 items-center justify-center rounded-lg text-ink-muted transition-colors hover:bg-page-alt hover:text-ink disabled:opacity-40"
    >
      <svg
        viewBox="0 0 24 24"
        className="size-4"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
        aria-hidden="true"
      >
        {children}
      </svg>
    </button>
  );
}

function ViewToggle({ view, onChange }: { view: 'office' | 'list'; onChange(view: 'office' | 'list'): void }) {
  const option = (value: 'office' | 'list', label: string) => (
    <button
      type="button"
      aria-pressed={view === value}
      onClick={() => onChange(value)}
      className={`rounded-md px-3 py-1 text-sm font-medium transition-colors ${view === value ? 'bg-card text-ink shadow-sm ring-1 ring-line' : 'text-ink-muted hover:text-ink'}`}
    >
      {label}
    </button>
  );
  return (
    <div
      role="group"
      aria-label="Show the team as"
      className="inline-flex rounded-lg bg-page-alt p-0.5 ring-1 ring-line ring-inset"
    >
      {option('office', 'Office')}
      {option('list', 'List')}
    </div>
  );
}

const LEGEND: Array<{ label: string; swatch: string }> = [
  { label: 'Working', swatch: 'border-2 border-green-500' },
  { label: 'Idle', swatch: 'border-[1.5px] border-dashed border-[#8aa399]' },
  { label: 'Blocked', swatch: 'border-2 border-amber-500' },
  { label: 'Needs approval', swatch: 'border-2 border-violet-500' },
  { label: 'Paused', swatch: 'border-2 border-dashed border-slate-400' },
  { label: 'Offline', swatch: 'border-[1.5px] border-dotted border-slate-300 dark:border-slate-600' },
];

/**
 * The live isometric office (docs/decisions/006-office-rendering.md): each agent at its desk with a status ring, speech
 * bubbles for messages, delegations and progress notes, and a trail of its streamed thoughts.
 * Drawn on a canvas after hydration (the server renders a placeholder and the list); the
 * same state is always available as an accessible list, which a toggle can show instead.
 */
export function Office({
  agents,
  events,
  subscribe,
  onSelectAgent,
  selectedAgentId = null,
  defaultView = 'office',
  className = '',
  debug = false,
  readOnly = false,
}: OfficeProps) {
  const [store] = useState(() => createOfficeState(agents));
  const snapshot = useSyncExternalStore(store.subscribe, store.snapshot, store.snapshot);
  const hydrated = useHydrated();
  const [view, setView] = useState<'office' | 'list'>(defaultView);
  const stageRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const officeRef = useRef<OfficeView | null>(null);
  const onSelectRef = useRef(onSelectAgent);
  const primed = useRef(false);
  const headingId = useId();
  const hintId = useId();

  useEffect(() => {
    onSelectRef.current = onSelectAgent;
  }, [onSelectAgent]);

  useEffect(() => {
    store.setAgents(agents);
  }, [store, agents]);

  useEffect(() => {
    if (events) store.ingest(events, { history: !primed.current });
    primed.current = true;
  }, [store, events]);

  useEffect(() => (subscribe ? subscribe((event) => store.apply(event)) : undefined), [store, subscribe]);

  useEffect(() => {
    if (!hydrated || !stageRef.current || !canvasRef.current) return;
    const office = new OfficeView(stageRef.current, canvasRef.current, store, {
      onSelect: (id) => onSelectRef.current?.(id),
      debug,
    });
    officeRef.current = office;
    return () => {
      office.destroy();
      officeRef.current = null;
    };
  }, [hydrated, store, debug]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-applies the selection after the office is rebuilt.
  useEffect(() => {
    officeRef.current?.setSelected(selectedAgentId);
  }, [selectedAgentId, hydrated, debug]);

  const select = (agentId: string) => onSelectRef.current?.(agentId);
  const ready = hydrated && view === 'office';

  return (
    <div className={`office-scene flex min-w-0 flex-col ${className}`}>
      <div
        className={`${readOnly ? 'hidden' : 'flex'} flex-wrap items-center justify-between gap-2 border-b border-line px-3 py-2 sm:px-4`}
      >
        <ViewToggle view={view} onChange={setView} />
        <h3 id={headingId} className="sr-only">
          Agents in the office
        </h3>
        {view === 'office' ? (
          <div className="flex items-center gap-0.5">
            <ToolButton label="Zoom out" disabled={!ready} onClick={() => officeRef.current?.zoomBy(1 / 1.25)}>
              <path d="M5 12h14" />
            </ToolButton>
            <ToolButton label="Zoom in" disabled={!ready} onClick={() => officeRef.current?.zoomBy(1.25)}>
              <path d="M12 5v14M5 12h14" />
            </ToolButton>
            <ToolButton label="Reset view" disabled={!ready} onClick={() => officeRef.current?.resetView()}>
              <path d="M4 9V5a1 1 0 0 1 1-1h4M15 4h4a1 1 0 0 1 1 1v4M20 15v4a1 1 0 0 1-1 1h-4M9 20H5a1 1 0 0 1-1-1v-4" />
            </ToolButton>
          </div>
        ) : null}
      </div>

      <div
        ref={stageRef}
        hidden={view !== 'office'}
        tabIndex={hydrated ? 0 : undefined}
        role="group"
        aria-roledescription="office map"
        aria-label="Office"
        aria-describedby={hintId}
        onKeyDown={(event) => {
          if (
            event.target === event.currentTarget &&
            !event.altKey &&
            !event.metaKey &&
            !event.ctrlKey &&
            officeRef.current?.handleKey(event.key)
          )
            event.preventDefault();
        }}
        className="relative aspect-[16/10] max-h-[70vh] min-h-[300px] w-full touch-none overflow-hidden bg-[radial-gradient(circle_at_50%_40%,var(--color-accent-soft),transparent_70%)] outline-none select-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-inset"
      >
        <p id={hintId} className="sr-only">
          Drag or use the arrow keys to pan, the wheel or plus and minus to zoom, 0 to reset. The list after the map has
          every agent.
        </p>
        {hydrated ? (
          <canvas
            ref={canvasRef}
            role="img"
            aria-label={readOnly ? `Live office. ${snapshot.summary}` : snapshot.summary}
            className="absolute inset-0 size-full cursor-grab touch-none"
          />
        ) : (
          <div className="absolute inset-0 flex items-center justify-center">
            <p className="text-sm text-ink-faint">Opening the office…</p>
          </div>
        )}
      </div>

      <OfficeAgentList
        agents={snapshot.agents}
        visuallyHidden={view === 'office'}
        selectedId={selectedAgentId}
        onSelect={select}
        onFocusAgent={(agentId) => officeRef.current?.setFocused(view === 'office' ? agentId : null)}
        labelledBy={headingId}
        readOnly={readOnly}
      />

      {view === 'office' && !readOnly ? (
        <ul
          className="flex flex-wrap items-center gap-x-4 gap-y-1.5 border-t border-line px-3 py-2.5 text-xs text-ink-muted sm:px-4"
          aria-label="Legend"
        >
          {LEGEND.map((item) => (
            <li key={item.label} className="inline-flex items-center gap-1.5">
              <span className={`size-2.5 rounded-full ${item.swatch}`} aria-hidden="true" />
              {item.label}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
