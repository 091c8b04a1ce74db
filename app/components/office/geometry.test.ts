import { describe, expect, it } from 'vitest';
import { DEFAULT_TEAM } from '../../../core/default-team';
import {
  clampCamera,
  fitCamera,
  fromIso,
  HALF_TILE_H,
  HALF_TILE_W,
  hitTestSeat,
  iso,
  layoutOffice,
  MAX_ZOOM,
  MIN_ZOOM,
  panIntoView,
  screenToWorld,
  worldToScreen,
  zoomAt,
} from './geometry';

const defaultTeam = DEFAULT_TEAM.map((agent) => ({ id: agent.slug, desk: agent.desk }));

describe('isometric projection', () => {
  it('maps grid axes to the two diagonals and height to up', () => {
    expect(iso(0, 0)).toEqual([0, 0]);
    expect(iso(1, 0)).toEqual([HALF_TILE_W, HALF_TILE_H]);
    expect(iso(0, 1)).toEqual([-HALF_TILE_W, HALF_TILE_H]);
    expect(iso(1, 1, 10)).toEqual([0, 2 * HALF_TILE_H - 10]);
  });

  it('inverts on the floor', () => {
    for (const [x, y] of [
      [0, 0],
      [2.5, 1.25],
      [-3, 7],
    ] as const) {
      const [sx, sy] = iso(x, y);
      const back = fromIso(sx, sy);
      expect(back.x).toBeCloseTo(x);
      expect(back.y).toBeCloseTo(y);
    }
  });
});

describe('layoutOffice', () => {
  it('gives the default team the landing page floor and draws back to front', () => {
    const layout = layoutOffice(defaultTeam);
    expect(layout.floor).toEqual({ x0: -0.45, x1: 5.5, y0: -0.6, y1: 3.3 });
    const depths = layout.order.map((i) => layout.seats[i]!.depth);
    expect(depths).toEqual([...depths].sort((a, b) => a - b));
    // Sable (0,2) and Marcus (2,0) are at the back; Yuki (3,2) in front.
    const ids = layout.order.map((i) => layout.seats[i]!.id);
    expect(ids).toEqual(['sable', 'marcus', 'devonte', 'graham', 'yuki']);
  });

  it('puts each seat behind and left of its desk, head above it, name tag in front', () => {
    const layout = layoutOffice([{ id: 'a', desk: { x: 1, y: 2 } }]);
    const seat = layout.byId.get('a')!;
    expect(seat.cx).toBe(1.5);
    expect(seat.cy).toBe(2.5);
    const [deskX, deskY] = iso(1.5, 2.5);
    expect(seat.seatY).toBeLessThan(deskY);
    expect(seat.headY).toBeLessThan(seat.seatY);
    expect(seat.labelY).toBeGreaterThan(deskY);
    expect(seat.labelX).toBe(deskX);
  });

  it('never seats two agents at one desk and gives agents without a desk a free one', () => {
    const layout = layoutOffice([
      { id: 'a', desk: { x: 0, y: 0 } },
      { id: 'b', desk: { x: 0, y: 0 } },
      { id: 'c', desk: { x: Number.NaN, y: 1 } },
      { id: 'd', desk: null },
    ]);
    const cells = layout.seats.map((seat) => `${seat.desk.x},${seat.desk.y}`);
    expect(new Set(cells).size).toBe(4);
    expect(cells[0]).toBe('0,0');
  });

  it('grows the floor for a large team and keeps everything inside the bounds', () => {
    const agents = Array.from({ length: 20 }, (_, i) => ({
      id: `a${i}`,
      desk: { x: i % 5, y: i < 5 ? 0 : 4 + Math.floor(i / 5) },
    }));
    const layout = layoutOffice(agents);
    expect(layout.floor.y1).toBeGreaterThan(7);
    for (const seat of layout.seats) {
      expect(seat.hit.minX).toBeGreaterThanOrEqual(layout.bounds.minX);
      expect(seat.hit.maxX).toBeLessThanOrEqual(layout.bounds.maxX);
      expect(seat.hit.maxY).toBeLessThanOrEqual(layout.bounds.maxY);
    }
  });

  it('hit-tests the front-most agent', () => {
    const layout = layoutOffice(defaultTeam);
    const yuki = layout.byId.get('yuki')!;
    expect(hitTestSeat(layout, yuki.headX, yuki.headY)).toBe('yuki');
    expect(hitTestSeat(layout, yuki.labelX, yuki.labelY)).toBe('yuki');
    expect(hitTestSeat(layout, layout.bounds.minX - 10, layout.bounds.minY - 10)).toBeNull();
    // Where two hit boxes overlap, the agent drawn in front wins.
    const sable = layout.byId.get('sable')!;
    const devonte = layout.byId.get('devonte')!;
    const overlapX = (Math.max(sable.hit.minX, devonte.hit.minX) + Math.min(sable.hit.maxX, devonte.hit.maxX)) / 2;
    const overlapY = (Math.max(sable.hit.minY, devonte.hit.minY) + Math.min(sable.hit.maxY, devonte.hit.maxY)) / 2;
    if (
      overlapX > Math.max(sable.hit.minX, devonte.hit.minX) &&
      overlapY > Math.max(sable.hit.minY, devonte.hit.minY)
    ) {
      expect(hitTestSeat(layout, overlapX, overlapY)).toBe('devonte');
    }
  });
});

describe('camera', () => {
  const bounds = { minX: -200, minY: -150, maxX: 300, maxY: 150 };

  it('fits the room centred in the viewport', () => {
    const camera = fitCamera(bounds, 800, 500, 0);
    const [left, top] = worldToScreen(camera, bounds.minX, bounds.minY);
    const [right, bottom] = worldToScreen(camera, bounds.maxX, bounds.maxY);
    expect(left + right).toBeCloseTo(800);
    expect(top + bottom).toBeCloseTo(500);
    expect(Math.max(right - left - 800, bottom - top - 500)).toBeLessThanOrEqual(1e-9);
    expect(camera.scale).toBeCloseTo(1.6);
    expect(fitCamera(bounds, 100, 100).scale).toBe(MIN_ZOOM);
  });

  it('round-trips screen and world coordinates', () => {
    const camera = { scale: 1.7, x: 33, y: -12 };
    const [wx, wy] = screenToWorld(camera, 250, 120);
    const [sx, sy] = worldToScreen(camera, wx, wy);
    expect(sx).toBeCloseTo(250);
    expect(sy).toBeCloseTo(120);
  });

  it('zooms about a point, within limits', () => {
    const camera = { scale: 1, x: 10, y: 20 };
    const zoomed = zoomAt(camera, 2, 300, 200);
    expect(zoomed.scale).toBe(2);
    const before = screenToWorld(camera, 300, 200);
    const after = screenToWorld(zoomed, 300, 200);
    expect(after[0]).toBeCloseTo(before[0]);
    expect(after[1]).toBeCloseTo(before[1]);
    expect(zoomAt(camera, 100, 0, 0).scale).toBe(MAX_ZOOM);
    expect(zoomAt(camera, 0.001, 0, 0).scale).toBe(MIN_ZOOM);
  });

  it('cannot be panned so far that the room leaves the screen', () => {
    const far = clampCamera({ scale: 1, x: 5000, y: -5000 }, bounds, 800, 500);
    const [left] = worldToScreen(far, bounds.minX, 0);
    const [, bottom] = worldToScreen(far, 0, bounds.maxY);
    expect(left).toBeLessThanOrEqual(800 - 80 + 1e-9);
    expect(bottom).toBeGreaterThanOrEqual(80 - 1e-9);
    const fine = { scale: 1, x: 400, y: 250 };
    expect(clampCamera(fine, bounds, 800, 500)).toBe(fine);
  });

  it('pans the least needed to show a rect', () => {
    const camera = { scale: 1, x: 0, y: 0 };
    const moved = panIntoView(camera, { minX: 900, minY: 10, maxX: 950, maxY: 60 }, 800, 500, 20);
    expect(moved.x).toBe(800 - 20 - 950);
    expect(moved.y).toBe(10);
    expect(panIntoView(camera, { minX: 100, minY: 100, maxX: 200, maxY: 200 }, 800, 500)).toBe(camera);
  });
});
