import type { AgentTemplate } from '../../core/default-team';
import { DEFAULT_TEAM } from '../../core/default-team';

/**
 * A static picture of the live office: the default team at their desks, drawn in isometric
 * projection from each agent's desk position. The dashboard's live office uses the same
 * coordinates; this one only illustrates it, so everything here is fixed at build time.
 */

type AgentStatus = 'working' | 'idle';

interface SceneAgent {
  status: AgentStatus;
  says?: string;
  /** Nudges the bubble sideways so neighbouring bubbles do not collide. */
  bubbleShift?: number;
}

const SCENE: Record<string, SceneAgent> = {
  marcus: { status: 'idle', says: 'Sable, can you take PR #42?', bubbleShift: 55 },
  sable: { status: 'working', says: 'On it. Reading the diff…', bubbleShift: 34 },
};

const HALF_TILE_W = 44;
const HALF_TILE_H = 22;
const WALL_HEIGHT = 96;
const FLOOR_THICKNESS = 10;
/** Floor extent in grid units; desks sit at (x + 0.5, y + 0.5). */
const FLOOR = { x0: -0.45, x1: 5.5, y0: -0.6, y1: 3.3 };
const DESK = { width: 0.78, depth: 0.5, height: 17 };

type Point = readonly [number, number];

/** Grid (x, y) and height z to screen coordinates. */
function iso(x: number, y: number, z = 0): Point {
  return [(x - y) * HALF_TILE_W, (x + y) * HALF_TILE_H - z];
}

function points(...corners: Point[]): string {
  return corners.map(([sx, sy]) => `${round(sx)},${round(sy)}`).join(' ');
}

// Fixed precision keeps server and client markup identical.
function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A box standing on the floor; only the three faces the viewer sees are drawn. */
function IsoBox({
  x,
  y,
  w,
  d,
  h,
  top,
  left,
  right,
}: {
  x: number;
  y: number;
  w: number;
  d: number;
  h: number;
  top: string;
  left: string;
  right: string;
}) {
  const [x0, x1, y0, y1] = [x - w / 2, x + w / 2, y - d / 2, y + d / 2];
  return (
    <g>
      <polygon points={points(iso(x0, y1, h), iso(x1, y1, h), iso(x1, y1, 0), iso(x0, y1, 0))} className={left} />
      <polygon points={points(iso(x1, y0, h), iso(x1, y1, h), iso(x1, y1, 0), iso(x1, y0, 0))} className={right} />
      <polygon points={points(iso(x0, y0, h), iso(x1, y0, h), iso(x1, y1, h), iso(x0, y1, h))} className={top} />
    </g>
  );
}

function Floor() {
  const { x0, x1, y0, y1 } = FLOOR;
  const gridLines: Array<[Point, Point]> = [];
  for (let x = Math.ceil(x0); x < x1; x++) gridLines.push([iso(x, y0), iso(x, y1)]);
  for (let y = Math.ceil(y0); y < y1; y++) gridLines.push([iso(x0, y), iso(x1, y)]);
  return (
    <g>
      <polygon
        points={points(iso(x0, y1), iso(x1, y1), iso(x1, y1, -FLOOR_THICKNESS), iso(x0, y1, -FLOOR_THICKNESS))}
        className="fill-(--office-floor-edge-left)"
      />
      <polygon
        points={points(iso(x1, y0), iso(x1, y1), iso(x1, y1, -FLOOR_THICKNESS), iso(x1, y0, -FLOOR_THICKNESS))}
        className="fill-(--office-floor-edge-right)"
      />
      <polygon points={points(iso(x0, y0), iso(x1, y0), iso(x1, y1), iso(x0, y1))} className="fill-(--office-floor)" />
      {gridLines.map(([from, to], index) => (
        <line
          key={index}
          x1={round(from[0])}
          y1={round(from[1])}
          x2={round(to[0])}
          y2={round(to[1])}
          className="stroke-(--office-floor-line)"
          strokeWidth="1"
        />
      ))}
    </g>
  );
}

/** The two back walls, a window on the left and the team's task board on the right. */
function Walls() {
  const { x0, x1, y0, y1 } = FLOOR;
  const board = { from: 1.3, to: 3.7, bottom: 34, top: 78 };
  const stickyColors = ['#a5b4fc', '#fcd34d', '#6ee7b7', '#f9a8d4', '#7dd3fc', '#fcd34d', '#a5b4fc'];
  const stickies = stickyColors.map((color, index) => {
    const column = index % 3;
    const row = Math.floor(index / 3);
    const x = board.from + 0.28 + column * 0.75;
    const z = board.top - 14 - row * 14;
    return {
      color,
      corners: [iso(x, y0, z), iso(x + 0.3, y0, z), iso(x + 0.3, y0, z - 9), iso(x, y0, z - 9)] as Point[],
    };
  });
  const pane = { from: 0.2, to: 2.4, bottom: 38, top: 80 };
  return (
    <g>
      <polygon
        points={points(iso(x0, y0), iso(x0, y1), iso(x0, y1, WALL_HEIGHT), iso(x0, y0, WALL_HEIGHT))}
        className="fill-(--office-wall-left) stroke-(--office-wall-line)"
      />
      <polygon
        points={points(iso(x0, y0), iso(x1, y0), iso(x1, y0, WALL_HEIGHT), iso(x0, y0, WALL_HEIGHT))}
        className="fill-(--office-wall-right) stroke-(--office-wall-line)"
      />
      {/* Window on the left wall. */}
      <polygon
        points={points(
          iso(x0, pane.from, pane.bottom),
          iso(x0, pane.to, pane.bottom),
          iso(x0, pane.to, pane.top),
          iso(x0, pane.from, pane.top),
        )}
        className="fill-(--office-window) stroke-(--office-frame)"
        strokeWidth="2"
      />
      <line
        x1={round(iso(x0, (pane.from + pane.to) / 2, pane.bottom)[0])}
        y1={round(iso(x0, (pane.from + pane.to) / 2, pane.bottom)[1])}
        x2={round(iso(x0, (pane.from + pane.to) / 2, pane.top)[0])}
        y2={round(iso(x0, (pane.from + pane.to) / 2, pane.top)[1])}
        className="stroke-(--office-frame)"
        strokeWidth="2"
      />
      {/* Task board on the right wall. */}
      <polygon
        points={points(
          iso(board.from, y0, board.bottom),
          iso(board.to, y0, board.bottom),
          iso(board.to, y0, board.top),
          iso(board.from, y0, board.top),
        )}
        className="fill-(--office-board) stroke-(--office-frame)"
        strokeWidth="2"
      />
      {stickies.map((sticky, index) => (
        <polygon key={index} points={points(...sticky.corners)} fill={sticky.color} />
      ))}
    </g>
  );
}

function Plant({ x, y }: { x: number; y: number }) {
  const [sx, sy] = iso(x, y);
  return (
    <g>
      <path
        d={`M${sx - 9} ${sy - 16} L${sx + 9} ${sy - 16} L${sx + 7} ${sy} L${sx - 7} ${sy} Z`}
        fill="#e2e8f0"
        stroke="#94a3b8"
      />
      <circle cx={sx - 6} cy={sy - 26} r="9" fill="#34d399" />
      <circle cx={sx + 6} cy={sy - 28} r="9" fill="#10b981" />
      <circle cx={sx} cy={sy - 38} r="9" fill="#059669" />
    </g>
  );
}

/** Where an agent's head is drawn, for the status ring and the speech bubble. */
function headPosition(agent: AgentTemplate): Point {
  const [sx, sy] = iso(agent.desk.x + 0.5 - 0.42, agent.desk.y + 0.5 - 0.32);
  return [round(sx), round(sy - 44)];
}

function Workstation({ agent }: { agent: AgentTemplate }) {
  const status = SCENE[agent.slug]?.status ?? 'idle';
  const cx = agent.desk.x + 0.5;
  const cy = agent.desk.y + 0.5;
  const [bodyX, bodyY] = iso(cx - 0.42, cy - 0.32).map(round) as [number, number];
  const [headX, headY] = headPosition(agent);
  const monitor = { x0: cx + 0.02, x1: cx + 0.36, y: cy - 0.06, bottom: DESK.height + 6, top: DESK.height + 25 };
  const stand = { x: (monitor.x0 + monitor.x1) / 2 };
  const frontY = iso(cx + DESK.width / 2, cy + DESK.depth / 2)[1];
  const [centerX] = iso(cx, cy);
  const labelWidth = agent.name.length * 7 + 28;
  return (
    <g>
      {/* Chair back, body and head, seated behind the desk. */}
      <rect x={bodyX - 13} y={bodyY - 34} width="26" height="30" rx="8" fill="#475569" opacity="0.9" />
      <path d={`M${bodyX - 11} ${bodyY - 8} v-14 a11 11 0 0 1 22 0 v14 z`} fill={agent.avatarColor} />
      <circle cx={headX} cy={headY} r="10" fill="#f1d3b3" />
      <path
        d={`M${headX - 10} ${headY - 1} a10 10 0 0 1 20 0 q-10 -5 -20 0z`}
        fill={agent.avatarColor}
        opacity="0.85"
      />
      {status === 'working' ? (
        <>
          <circle
            cx={headX}
            cy={headY}
            r="17"
            fill="none"
            className="office-working-pulse stroke-(--office-working-ring)"
            strokeWidth="5"
            opacity="0.35"
          />
          <circle
            cx={headX}
            cy={headY}
            r="14"
            fill="none"
            className="stroke-(--office-working-ring)"
            strokeWidth="2.5"
          />
        </>
      ) : (
        <circle
          cx={headX}
          cy={headY}
          r="14"
          fill="none"
          className="stroke-(--office-idle-ring)"
          strokeWidth="1.5"
          strokeDasharray="3 3"
        />
      )}

      <IsoBox
        x={cx}
        y={cy}
        w={DESK.width}
        d={DESK.depth}
        h={DESK.height}
        top="fill-(--office-desk-top) stroke-(--office-desk-right)"
        left="fill-(--office-desk-left)"
        right="fill-(--office-desk-right)"
      />
      {/* Monitor, seen from behind, on a short stand; a working agent's screen glows. */}
      <polygon
        points={points(
          iso(stand.x - 0.03, monitor.y, DESK.height),
          iso(stand.x + 0.03, monitor.y, DESK.height),
          iso(stand.x + 0.03, monitor.y, monitor.bottom + 2),
          iso(stand.x - 0.03, monitor.y, monitor.bottom + 2),
        )}
        fill="#64748b"
      />
      {status === 'working' ? (
        <polygon
          points={points(
            iso(monitor.x0 - 0.05, monitor.y, monitor.bottom - 3),
            iso(monitor.x1 + 0.05, monitor.y, monitor.bottom - 3),
            iso(monitor.x1 + 0.05, monitor.y, monitor.top + 4),
            iso(monitor.x0 - 0.05, monitor.y, monitor.top + 4),
          )}
          className="office-working-pulse fill-(--office-working-ring)"
          opacity="0.35"
        />
      ) : null}
      <polygon
        points={points(
          iso(monitor.x1, monitor.y, monitor.bottom),
          iso(monitor.x1, monitor.y + 0.05, monitor.bottom),
          iso(monitor.x1, monitor.y + 0.05, monitor.top),
          iso(monitor.x1, monitor.y, monitor.top),
        )}
        fill="#1e293b"
      />
      <polygon
        points={points(
          iso(monitor.x0, monitor.y + 0.05, monitor.bottom),
          iso(monitor.x1, monitor.y + 0.05, monitor.bottom),
          iso(monitor.x1, monitor.y + 0.05, monitor.top),
          iso(monitor.x0, monitor.y + 0.05, monitor.top),
        )}
        className="fill-(--office-screen)"
      />

      {/* Name tag in front of the desk. */}
      <g transform={`translate(${round(centerX - labelWidth / 2)} ${round(frontY + 16)})`}>
        <rect
          x="0"
          y="-10"
          width={round(labelWidth)}
          height="20"
          rx="10"
          className="fill-(--office-label) stroke-(--office-label-line)"
        />
        <circle cx="11" cy="0" r="3" fill={agent.avatarColor} />
        <text x="19" y="4" fontSize="11" fontWeight="600" className="fill-(--office-label-ink)">
          {agent.name}
        </text>
      </g>
    </g>
  );
}

function SpeechBubble({ agent, text, shift = 0 }: { agent: AgentTemplate; text: string; shift?: number }) {
  const [headX, headY] = headPosition(agent);
  const width = Math.round(text.length * 6.5 + 22);
  const height = 28;
  const left = headX - width / 2 + shift;
  const bottom = headY - 24;
  return (
    <g>
      <rect
        x={round(left)}
        y={round(bottom - height)}
        width={width}
        height={height}
        rx="9"
        className="fill-(--office-bubble) stroke-(--office-bubble-line)"
        filter="url(#office-shadow)"
      />
      <path d={`M${round(headX - 6)} ${round(bottom - 0.5)} l6 7 l6 -7 z`} className="fill-(--office-bubble)" />
      <text
        x={round(left + width / 2)}
        y={round(bottom - 10)}
        textAnchor="middle"
        fontSize="11.5"
        fontWeight="500"
        className="fill-(--office-bubble-ink)"
      >
        {text}
      </text>
    </g>
  );
}

const VIEW = (() => {
  const { x0, x1, y0, y1 } = FLOOR;
  const margin = 16;
  const minX = iso(x0, y1)[0] - margin;
  const maxX = iso(x1, y0)[0] + margin;
  const minY = iso(x0, y0, WALL_HEIGHT)[1] - margin;
  const maxY = iso(x1, y1, -FLOOR_THICKNESS)[1] + margin;
  return `${round(minX)} ${round(minY)} ${round(maxX - minX)} ${round(maxY - minY)}`;
})();

function describeScene(team: readonly AgentTemplate[]): string {
  const names = team.map((agent) => `${agent.name} (${agent.role})`);
  const working = team.filter((agent) => SCENE[agent.slug]?.status === 'working').map((agent) => agent.name);
  const speech = team
    .filter((agent) => SCENE[agent.slug]?.says)
    .map((agent) => `${agent.name} says “${SCENE[agent.slug]?.says}”`);
  return [
    `Isometric office with ${team.length} desks: ${names.join(', ')}.`,
    working.length
      ? `${working.join(' and ')} ${working.length === 1 ? 'is' : 'are'} working; the others are idle.`
      : '',
    speech.length ? `${speech.join('; ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

export function OfficePreview({
  team = DEFAULT_TEAM,
  className = '',
}: {
  team?: readonly AgentTemplate[];
  className?: string;
}) {
  // Painter's order: desks further back (smaller x + y) first.
  const byDepth = [...team].sort((a, b) => a.desk.x + a.desk.y - (b.desk.x + b.desk.y) || a.desk.x - b.desk.x);
  return (
    <svg
      viewBox={VIEW}
      role="img"
      aria-label={describeScene(team)}
      className={`office-scene h-auto w-full ${className}`}
    >
      <defs>
        <filter id="office-shadow" x="-10%" y="-20%" width="120%" height="160%">
          <feDropShadow dx="0" dy="2" stdDeviation="2.5" floodColor="#0f172a" floodOpacity="0.12" />
        </filter>
      </defs>
      <Walls />
      <Floor />
      <Plant x={FLOOR.x0 + 0.45} y={FLOOR.y1 - 0.5} />
      <Plant x={FLOOR.x1 - 0.4} y={FLOOR.y0 + 0.45} />
      {byDepth.map((agent) => (
        <Workstation key={agent.slug} agent={agent} />
      ))}
      {team.map((agent) => {
        const scene = SCENE[agent.slug];
        return scene?.says ? (
          <SpeechBubble key={agent.slug} agent={agent} text={scene.says} shift={scene.bubbleShift} />
        ) : null;
      })}
    </svg>
  );
}
