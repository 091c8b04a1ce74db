/**
 * Isometric projection, the office layout and the camera: pure math shared by the renderer,
 * the pointer handling and the tests. World units are the projected pixels of the landing
 * page's office (app/components/OfficePreview.tsx) at zoom 1, so both pictures agree.
 */

export const HALF_TILE_W = 44;
export const HALF_TILE_H = 22;
export const WALL_HEIGHT = 96;
export const FLOOR_THICKNESS = 10;
export const DESK = { width: 0.78, depth: 0.5, height: 17 } as const;
/** The monitor on each desk, relative to the desk centre (grid units) and the floor (z, px). */
export const MONITOR = { x0: 0.02, x1: 0.36, y: -0.06, bottom: DESK.height + 6, top: DESK.height + 25 } as const;
/** Where the agent sits, relative to the desk centre: behind and to the left of it. */
export const SEAT_OFFSET = { x: -0.42, y: -0.32 } as const;
/** The head is this far above the seat's floor point; the status ring has this radius. */
export const HEAD_LIFT = 44;
export const HEAD_RADIUS = 10;
export const RING_RADIUS = 14;
/** The name tag hangs this far below the desk's front corner. */
export const LABEL_DROP = 16;
export const LABEL_HEIGHT = 20;

export const MIN_ZOOM = 0.3;
export const MAX_ZOOM = 3;

/** Projected x of grid point (x, y). */
export function isoX(x: number, y: number): number {
  return (x - y) * HALF_TILE_W;
}

/** Projected y of grid point (x, y) at height z (z grows upwards, screen y downwards). */
export function isoY(x: number, y: number, z = 0): number {
  return (x + y) * HALF_TILE_H - z;
}

export function iso(x: number, y: number, z = 0): [number, number] {
  return [isoX(x, y), isoY(x, y, z)];
}

/** The grid point on the floor (z = 0) under a projected point: the inverse of `iso`. */
export function fromIso(sx: number, sy: number): { x: number; y: number } {
  const a = sx / HALF_TILE_W; // x - y
  const b = sy / HALF_TILE_H; // x + y
  return { x: (a + b) / 2, y: (b - a) / 2 };
}

export interface Rect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** One workstation, all in world coordinates (projected px) except `desk`, `cx`, `cy` (grid). */
export interface Seat {
  id: string;
  /** Index of the agent in the array given to `layoutOffice`. */
  index: number;
  /** The grid cell actually used (the agent's own, unless it was taken or invalid). */
  desk: { x: number; y: number };
  /** Grid centre of the desk. */
  cx: number;
  cy: number;
  /** Floor point under the seat, where the chair stands. */
  seatX: number;
  seatY: number;
  headX: number;
  headY: number;
  /** Centre of the name tag. */
  labelX: number;
  labelY: number;
  /** What a click on this agent hits: figure, desk and name tag. */
  hit: Rect;
  depth: number;
}

export interface OfficeLayout {
  seats: Seat[];
  /** Indexes into `seats`, back to front (painter's order). */
  order: number[];
  byId: Map<string, Seat>;
  /** Floor extent in grid units. */
  floor: { x0: number; x1: number; y0: number; y1: number };
  /** Everything drawn in the room, walls included, in world px. */
  bounds: Rect;
}

interface DeskOwner {
  id: string;
  desk?: { x: number; y: number } | null;
}

/** Cells of a w×h block, row by row, for agents whose desk is missing or taken. */
function* freeCells(taken: Set<string>, width: number): Generator<{ x: number; y: number }> {
  for (let y = 0; ; y++) {
    for (let x = 0; x < width; x++) {
      if (!taken.has(`${x},${y}`)) yield { x, y };
    }
  }
}

/**
 * Desks, seats, name tags and the room around them. Two agents never share a desk: the later
 * one (in array order) moves to the first free cell, as does an agent without a valid desk, so
 * the picture stays readable even when the data is not.
 */
export function layoutOffice(agents: readonly DeskOwner[]): OfficeLayout {
  const taken = new Set<string>();
  const cells: Array<{ x: number; y: number } | null> = agents.map((agent) => {
    const desk = agent.desk;
    if (!desk || !Number.isFinite(desk.x) || !Number.isFinite(desk.y)) return null;
    const cell = { x: Math.round(desk.x), y: Math.round(desk.y) };
    const key = `${cell.x},${cell.y}`;
    if (taken.has(key)) return null;
    taken.add(key);
    return cell;
  });
  const valid = cells.filter((cell): cell is { x: number; y: number } => cell !== null);
  const width = Math.max(5, ...valid.map((cell) => cell.x + 1));
  const free = freeCells(taken, width);
  const resolved = cells.map((cell) => {
    if (cell) return cell;
    const next = free.next().value as { x: number; y: number };
    taken.add(`${next.x},${next.y}`);
    return next;
  });

  const xs = resolved.map((cell) => cell.x);
  const ys = resolved.map((cell) => cell.y);
  // The default team's desks (x 0-4, y 0-2) give exactly the landing page's floor.
  const minX = Math.min(0, ...xs);
  const minY = Math.min(0, ...ys);
  const maxX = Math.max(4, ...xs);
  const maxY = Math.max(2, ...ys);
  const floor = { x0: minX - 0.45, x1: maxX + 1.5, y0: minY - 0.6, y1: maxY + 1.3 };

  const seats: Seat[] = agents.map((agent, index) => {
    const desk = resolved[index]!;
    const cx = desk.x + 0.5;
    const cy = desk.y + 0.5;
    const seatX = isoX(cx + SEAT_OFFSET.x, cy + SEAT_OFFSET.y);
    const seatY = isoY(cx + SEAT_OFFSET.x, cy + SEAT_OFFSET.y);
    const headX = seatX;
    const headY = seatY - HEAD_LIFT;
    const labelX = isoX(cx, cy);
    const labelY = isoY(cx + DESK.width / 2, cy + DESK.depth / 2) + LABEL_DROP;
    const deskLeft = isoX(cx - DESK.width / 2, cy + DESK.depth / 2);
    const deskRight = isoX(cx + DESK.width / 2, cy - DESK.depth / 2);
    const hit: Rect = {
      minX: Math.min(headX - RING_RADIUS - 4, deskLeft, labelX - 40),
      maxX: Math.max(deskRight, labelX + 40),
      minY: headY - RING_RADIUS - 4,
      maxY: labelY + LABEL_HEIGHT / 2,
    };
    return {
      id: agent.id,
      index,
      desk,
      cx,
      cy,
      seatX,
      seatY,
      headX,
      headY,
      labelX,
      labelY,
      hit,
      depth: desk.x + desk.y,
    };
  });

  const order = seats
    .map((seat) => seat.index)
    .sort((a, b) => seats[a]!.depth - seats[b]!.depth || seats[a]!.desk.x - seats[b]!.desk.x);

  const margin = 16;
  let bounds: Rect = {
    minX: isoX(floor.x0, floor.y1) - margin,
    maxX: isoX(floor.x1, floor.y0) + margin,
    minY: isoY(floor.x0, floor.y0, WALL_HEIGHT) - margin,
    maxY: isoY(floor.x1, floor.y1, -FLOOR_THICKNESS) + margin,
  };
  for (const seat of seats) bounds = unionRect(bounds, seat.hit);

  return { seats, order, byId: new Map(seats.map((seat) => [seat.id, seat])), floor, bounds };
}

function unionRect(a: Rect, b: Rect): Rect {
  return {
    minX: Math.min(a.minX, b.minX),
    minY: Math.min(a.minY, b.minY),
    maxX: Math.max(a.maxX, b.maxX),
    maxY: Math.max(a.maxY, b.maxY),
  };
}

/** The front-most agent under a world point, or null. */
export function hitTestSeat(layout: OfficeLayout, wx: number, wy: number): string | null {
  for (let i = layout.order.length - 1; i >= 0; i--) {
    const seat = layout.seats[layout.order[i]!]!;
    const { hit } = seat;
    if (wx >= hit.minX && wx <= hit.maxX && wy >= hit.minY && wy <= hit.maxY) return seat.id;
  }
  return null;
}

// ─── Camera ──────────────────────────────────────────────────────────────────────────────

/** screen = world × scale + (x, y), in CSS pixels of the canvas. */
export interface Camera {
  scale: number;
  x: number;
  y: number;
}

export function clampZoom(scale: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, scale));
}

/** The whole room centred in a viewport, as large as fits (never above 1.6×, so five desks do not look bloated). */
export function fitCamera(bounds: Rect, width: number, height: number, padding = 12): Camera {
  const w = bounds.maxX - bounds.minX;
  const h = bounds.maxY - bounds.minY;
  const scale = clampZoom(Math.min((width - padding * 2) / w, (height - padding * 2) / h, 1.6));
  return {
    scale,
    x: width / 2 - ((bounds.minX + bounds.maxX) / 2) * scale,
    y: height / 2 - ((bounds.minY + bounds.maxY) / 2) * scale,
  };
}

export function screenToWorld(camera: Camera, sx: number, sy: number): [number, number] {
  return [(sx - camera.x) / camera.scale, (sy - camera.y) / camera.scale];
}

export function worldToScreen(camera: Camera, wx: number, wy: number): [number, number] {
  return [wx * camera.scale + camera.x, wy * camera.scale + camera.y];
}

/** Zoom by `factor` keeping the world point under screen (sx, sy) where it is. */
export function zoomAt(camera: Camera, factor: number, sx: number, sy: number): Camera {
  const scale = clampZoom(camera.scale * factor);
  const k = scale / camera.scale;
  return { scale, x: sx - (sx - camera.x) * k, y: sy - (sy - camera.y) * k };
}

/** Keep at least `keep` px of the room on screen, so it cannot be panned out of sight. */
export function clampCamera(camera: Camera, bounds: Rect, width: number, height: number, keep = 80): Camera {
  const left = bounds.minX * camera.scale + camera.x;
  const right = bounds.maxX * camera.scale + camera.x;
  const top = bounds.minY * camera.scale + camera.y;
  const bottom = bounds.maxY * camera.scale + camera.y;
  const keepX = Math.min(keep, (right - left) / 2, width / 2);
  const keepY = Math.min(keep, (bottom - top) / 2, height / 2);
  let { x, y } = camera;
  if (right < keepX) x += keepX - right;
  if (left > width - keepX) x -= left - (width - keepX);
  if (bottom < keepY) y += keepY - bottom;
  if (top > height - keepY) y -= top - (height - keepY);
  return x === camera.x && y === camera.y ? camera : { scale: camera.scale, x, y };
}

/** The smallest pan that brings a world rect fully on screen (for keyboard focus on an agent). */
export function panIntoView(camera: Camera, rect: Rect, width: number, height: number, margin = 24): Camera {
  const left = rect.minX * camera.scale + camera.x;
  const right = rect.maxX * camera.scale + camera.x;
  const top = rect.minY * camera.scale + camera.y;
  const bottom = rect.maxY * camera.scale + camera.y;
  let dx = 0;
  let dy = 0;
  if (left < margin) dx = margin - left;
  else if (right > width - margin) dx = width - margin - right;
  if (top < margin) dy = margin - top;
  else if (bottom > height - margin) dy = height - margin - bottom;
  return dx === 0 && dy === 0 ? camera : { scale: camera.scale, x: camera.x + dx, y: camera.y + dy };
}
