/**
 * Draws the office with the Canvas 2D API, back to front:
 *
 * 1. the room (walls, floor, grid): a cached viewport-sized canvas, one blit per frame;
 * 2. each workstation in painter's order: the seated figure and its status ring (live: they
 *    animate), then the desk and the monitor as pre-rendered sprites (one bitmap each, shared
 *    by every desk), with the working glow between them; plants in the same order;
 * 3. the name tags: a second cached canvas, on top so they stay readable;
 * 4. overlays in screen pixels: thought trails, speech bubbles, the tooltip.
 *
 * Cached bitmaps are redrawn only when the camera, size, palette or roster changes (name tags
 * also when an agent goes offline or is selected); a frame while agents work is three blits
 * plus 2 sprite blits and a few small paths per agent. The per-frame path reuses its buffers
 * and strings: it allocates nothing.
 */
import {
  type Camera,
  DESK,
  FLOOR_THICKNESS,
  HEAD_RADIUS,
  isoX,
  isoY,
  MONITOR,
  type OfficeLayout,
  RING_RADIUS,
  type Seat,
  WALL_HEIGHT,
} from './geometry';
import type { OfficePalette } from './palette';
import { candidateOffsets, placeBubbles, RECT_STRIDE } from './placement';
import { wrapText } from './text';
import type { LiveAgent, OfficeAgentStatus, RingKind } from './types';

export interface RenderUi {
  hoverId: string | null;
  focusId: string | null;
  selectedId: string | null;
  reducedMotion: boolean;
  /** Shown in the top-left corner when set (the dev frame meter). */
  debugText: string | null;
}

const FONT_FAMILY =
  'ui-sans-serif, system-ui, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const FONT_LABEL = `600 11px ${FONT_FAMILY}`;
const FONT_BUBBLE = `500 12px ${FONT_FAMILY}`;
const FONT_BUBBLE_HEAD = `600 11px ${FONT_FAMILY}`;
const FONT_THOUGHT = `500 10.5px ${FONT_FAMILY}`;
const FONT_THINKING = `italic 500 10.5px ${FONT_FAMILY}`;
const FONT_TIP_TITLE = `600 13px ${FONT_FAMILY}`;
const FONT_TIP = `400 12px ${FONT_FAMILY}`;
const FONT_TIP_SMALL = `500 11px ${FONT_FAMILY}`;
const FONT_BADGE = `700 9px ${FONT_FAMILY}`;
const FONT_DEBUG = `500 11px ui-monospace, SFMono-Regular, Menlo, monospace`;

const THOUGHT = { maxWidth: 168, line: 14 } as const;
const BUBBLE = { maxWidth: 184, maxLines: 2, padX: 10, padY: 7, line: 16, head: 15, tail: 7 } as const;
const TIP = { width: 228, pad: 12 } as const;
const EDGE = 6;
/** At most this many bubbles and thought trails at once; the newest win, the list has the rest. */
const MAX_BUBBLES = 6;
const MAX_THOUGHTS = 4;
/** How far a bubble or a thought trail may stray from its head to find a free spot (px). */
const BUBBLE_MOVES = candidateOffsets({ side: 132, up: 96, step: 12 });
const THOUGHT_MOVES = candidateOffsets({ side: 120, up: 40, down: 50, step: 10 });
const SKIN = '#f1d3b3';
const CHAIR = '#475569';
/** A plant's three leaf clusters: dx, dy, colour. */
const LEAVES: ReadonlyArray<number | string> = [-6, -26, '#34d399', 6, -28, '#10b981', 0, -38, '#059669'];
const STICKIES = ['#a5b4fc', '#fcd34d', '#6ee7b7', '#f9a8d4', '#7dd3fc', '#fcd34d', '#a5b4fc'];

const DASH_NONE: number[] = [];
const DASH_IDLE = [3, 3];
const DASH_STRIPE = [4, 3];
const DASH_OFFLINE = [1.5, 3];
const DASH_ARC = [4, 5];
const DASH_FOCUS = [5, 4];

const STATUS_WORDS: Record<OfficeAgentStatus, string> = {
  idle: 'Idle',
  working: 'Working',
  blocked: 'Blocked',
  offline: 'Offline',
  paused: 'Paused',
};

type Ctx = CanvasRenderingContext2D;

interface ThoughtCache {
  lines: string[];
  width: number;
  gradient: CanvasGradient;
}

function roundRect(ctx: Ctx, x: number, y: number, w: number, h: number, r: number) {
  const radius = Math.min(r, w / 2, h / 2);
  ctx.beginPath();
  ctx.moveTo(x + radius, y);
  ctx.arcTo(x + w, y, x + w, y + h, radius);
  ctx.arcTo(x + w, y + h, x, y + h, radius);
  ctx.arcTo(x, y + h, x, y, radius);
  ctx.arcTo(x, y, x + w, y, radius);
  ctx.closePath();
}

/** A quad given as four grid points (x, y, z) each. */
function quad(
  ctx: Ctx,
  ax: number,
  ay: number,
  az: number,
  bx: number,
  by: number,
  bz: number,
  cx: number,
  cy: number,
  cz: number,
  dx: number,
  dy: number,
  dz: number,
) {
  ctx.beginPath();
  ctx.moveTo(isoX(ax, ay), isoY(ax, ay, az));
  ctx.lineTo(isoX(bx, by), isoY(bx, by, bz));
  ctx.lineTo(isoX(cx, cy), isoY(cx, cy, cz));
  ctx.lineTo(isoX(dx, dy), isoY(dx, dy, dz));
  ctx.closePath();
}

function circle(ctx: Ctx, x: number, y: number, r: number) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
}

function createLayer(): { canvas: HTMLCanvasElement; ctx: Ctx } {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('Canvas 2D is not available');
  return { canvas, ctx };
}

export class OfficeRenderer {
  private readonly ctx: Ctx;
  private readonly room = createLayer();
  private readonly tags = createLayer();
  private readonly deskSprite = createLayer();
  private readonly monitorSprite = createLayer();
  private roomValid = false;
  private tagsValid = false;
  /** Device pixels per world unit the sprites were drawn at; 0 when they must be redrawn. */
  private spriteScale = 0;
  /** Seats and plants in painter's order: i ≥ 0 a seat, -1 and -2 the plants. */
  private drawOrder = new Int32Array(0);
  private plants: Array<{ x: number; y: number }> = [];
  private width = 0;
  private height = 0;
  private dpr = 1;
  private camera: Camera = { scale: 1, x: 0, y: 0 };
  private layout: OfficeLayout | null = null;
  private palette: OfficePalette;
  /** What the name-tag layer was drawn with, per seat: 1 offline, 2 selected. */
  private tagLook = new Uint8Array(0);
  // Per-frame scratch space for overlay placement, sized with the roster.
  private rects = new Float64Array(0);
  private pinned = new Uint8Array(0);
  private itemSeat = new Int32Array(0);
  private headX = new Float64Array(0);
  private ringTop = new Float64Array(0);
  private bubbleSlot = new Int32Array(0);
  private picked = new Int32Array(0);
  private pickedTime = new Float64Array(0);
  private labelWidths: number[] = [];
  // Tooltip text, rebuilt only when what it shows changes.
  private tipAgent: LiveAgent | null = null;
  private tipTitle: string | null = null;
  private tipStatus = '';
  private tipLines: string[] = [];
  private tipProgress = -1;
  private tipPercent = '';

  constructor(
    private readonly canvas: HTMLCanvasElement,
    palette: OfficePalette,
  ) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;
    this.palette = palette;
  }

  setSize(width: number, height: number, dpr: number) {
    if (width === this.width && height === this.height && dpr === this.dpr) return;
    this.width = width;
    this.height = height;
    this.dpr = dpr;
    const pw = Math.max(1, Math.round(width * dpr));
    const ph = Math.max(1, Math.round(height * dpr));
    for (const canvas of [this.canvas, this.room.canvas, this.tags.canvas]) {
      canvas.width = pw;
      canvas.height = ph;
    }
    this.invalidate();
  }

  setCamera(camera: Camera) {
    if (camera.scale === this.camera.scale && camera.x === this.camera.x && camera.y === this.camera.y) return;
    this.camera = camera;
    this.invalidate();
  }

  setLayout(layout: OfficeLayout) {
    this.layout = layout;
    this.tagLook = new Uint8Array(layout.seats.length);
    const n = layout.seats.length;
    const { x0, x1, y0, y1 } = layout.floor;
    // Plants in two corners, as on the landing page.
    this.plants = [
      { x: x0 + 0.45, y: y1 - 0.5 },
      { x: x1 - 0.4, y: y0 + 0.45 },
    ];
    const items = [
      ...layout.order.map((i) => ({ depth: layout.seats[i]!.cx + layout.seats[i]!.cy, id: i })),
      ...this.plants.map((plant, k) => ({ depth: plant.x + plant.y, id: -1 - k })),
    ].sort((a, b) => a.depth - b.depth);
    this.drawOrder = Int32Array.from(items.map((item) => item.id));
    const slots = n + MAX_THOUGHTS + MAX_BUBBLES;
    this.rects = new Float64Array(slots * RECT_STRIDE);
    this.pinned = new Uint8Array(slots);
    this.itemSeat = new Int32Array(slots);
    this.headX = new Float64Array(n);
    this.ringTop = new Float64Array(n);
    this.bubbleSlot = new Int32Array(n);
    this.picked = new Int32Array(Math.max(MAX_THOUGHTS, MAX_BUBBLES));
    this.pickedTime = new Float64Array(Math.max(MAX_THOUGHTS, MAX_BUBBLES));
    this.labelWidths = [];
    this.tipAgent = null;
    this.invalidate();
  }

  setPalette(palette: OfficePalette) {
    this.palette = palette;
    this.spriteScale = 0;
    this.invalidate();
  }

  invalidate() {
    this.roomValid = false;
    this.tagsValid = false;
  }

  /** One frame. `agents[i]` belongs to `layout.seats[i]` (both in the store's order). */
  draw(now: number, agents: readonly LiveAgent[], ui: RenderUi) {
    const { ctx, layout, dpr, camera } = this;
    if (!layout || this.width === 0 || this.height === 0) return;
    const count = Math.min(agents.length, layout.seats.length);

    // Does the name-tag layer still show each agent's offline/selected look?
    for (let i = 0; i < count; i++) {
      const look = (agents[i]!.status === 'offline' ? 1 : 0) | (agents[i]!.id === ui.selectedId ? 2 : 0);
      if (this.tagLook[i] !== look) {
        this.tagLook[i] = look;
        this.tagsValid = false;
      }
    }
    if (!this.roomValid) this.drawRoom();
    if (!this.tagsValid) this.drawTags(agents, count);
    if (this.spriteScale !== dpr * camera.scale) this.drawSprites();

    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.room.canvas, 0, 0);

    const s = camera.scale;
    ctx.setTransform(dpr * s, 0, 0, dpr * s, dpr * camera.x, dpr * camera.y);
    ctx.lineJoin = 'round';
    for (let i = 0; i < count; i++) {
      const id = agents[i]!.id;
      if (id === ui.selectedId || id === ui.hoverId || id === ui.focusId)
        this.drawTile(layout.seats[i]!, id === ui.selectedId, id === ui.focusId);
    }
    const animate = !ui.reducedMotion;
    for (let k = 0; k < this.drawOrder.length; k++) {
      const i = this.drawOrder[k]!;
      if (i < 0) {
        this.drawPlant(ctx, this.plants[-1 - i]!);
        continue;
      }
      if (i >= count) continue;
      const seat = layout.seats[i]!;
      const agent = agents[i]!;
      this.drawPerson(seat, agent, now, animate);
      this.blitSprite(this.deskSprite.canvas, seat);
      if (agent.status === 'working') this.drawGlow(seat, now, animate);
      this.blitSprite(this.monitorSprite.canvas, seat);
      if (agent.status === 'offline') this.drawScreenOff(seat);
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.tags.canvas, 0, 0);

    this.drawOverlays(agents, count, now, ui);
  }

  /** Sprites have the desk centre at this offset (world px) from their top-left corner. */
  private static readonly SPRITE_ORIGIN = { x: 32, y: 50, w: 64, h: 68 };

  /** Draws a desk sprite at a seat, snapped to device pixels, then restores the world transform. */
  private blitSprite(sprite: HTMLCanvasElement, seat: Seat) {
    const { ctx, dpr, camera } = this;
    const k = this.spriteScale;
    const origin = OfficeRenderer.SPRITE_ORIGIN;
    const x = Math.round((isoX(seat.cx, seat.cy) * camera.scale + camera.x) * dpr - origin.x * k);
    const y = Math.round((isoY(seat.cx, seat.cy) * camera.scale + camera.y) * dpr - origin.y * k);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(sprite, x, y);
    ctx.setTransform(dpr * camera.scale, 0, 0, dpr * camera.scale, dpr * camera.x, dpr * camera.y);
  }

  /** One desk and one monitor, at the current zoom: every workstation is the same picture. */
  private drawSprites() {
    const k = this.dpr * this.camera.scale;
    const origin = OfficeRenderer.SPRITE_ORIGIN;
    for (const { canvas, ctx } of [this.deskSprite, this.monitorSprite]) {
      canvas.width = Math.ceil(origin.w * k);
      canvas.height = Math.ceil(origin.h * k);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      // Desk centre at the origin, in grid units relative to it.
      ctx.setTransform(k, 0, 0, k, origin.x * k, origin.y * k);
      ctx.lineJoin = 'round';
    }
    this.drawDesk(this.deskSprite.ctx);
    this.drawMonitor(this.monitorSprite.ctx);
    this.spriteScale = k;
  }

  // ─── Cached layers ─────────────────────────────────────────────────────────────────────

  private worldTransform(ctx: Ctx) {
    const { dpr, camera } = this;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.setTransform(dpr * camera.scale, 0, 0, dpr * camera.scale, dpr * camera.x, dpr * camera.y);
    ctx.lineJoin = 'round';
    ctx.setLineDash(DASH_NONE);
  }

  private drawRoom() {
    const { ctx } = this.room;
    const p = this.palette;
    const { x0, x1, y0, y1 } = this.layout!.floor;
    this.worldTransform(ctx);
    ctx.lineWidth = 1;

    // Back walls, a window or two on the left, the team's board on the right.
    quad(ctx, x0, y0, 0, x0, y1, 0, x0, y1, WALL_HEIGHT, x0, y0, WALL_HEIGHT);
    ctx.fillStyle = p.wallLeft;
    ctx.fill();
    ctx.strokeStyle = p.wallLine;
    ctx.stroke();
    quad(ctx, x0, y0, 0, x1, y0, 0, x1, y0, WALL_HEIGHT, x0, y0, WALL_HEIGHT);
    ctx.fillStyle = p.wallRight;
    ctx.fill();
    ctx.stroke();

    ctx.lineWidth = 2;
    ctx.strokeStyle = p.frame;
    for (let from = y0 + 0.8; from + 2.2 <= y1 - 0.2; from += 4.6) {
      const to = from + 2.2;
      quad(ctx, x0, from, 38, x0, to, 38, x0, to, 80, x0, from, 80);
      ctx.fillStyle = p.window;
      ctx.fill();
      ctx.stroke();
      const mid = (from + to) / 2;
      ctx.beginPath();
      ctx.moveTo(isoX(x0, mid), isoY(x0, mid, 38));
      ctx.lineTo(isoX(x0, mid), isoY(x0, mid, 80));
      ctx.stroke();
    }
    const board = { from: x0 + 1.75, to: x0 + 4.15 };
    if (board.to < x1 - 0.2) {
      quad(ctx, board.from, y0, 34, board.to, y0, 34, board.to, y0, 78, board.from, y0, 78);
      ctx.fillStyle = p.board;
      ctx.fill();
      ctx.stroke();
      for (let n = 0; n < STICKIES.length; n++) {
        const x = board.from + 0.28 + (n % 3) * 0.75;
        const z = 78 - 14 - Math.floor(n / 3) * 14;
        quad(ctx, x, y0, z, x + 0.3, y0, z, x + 0.3, y0, z - 9, x, y0, z - 9);
        ctx.fillStyle = STICKIES[n]!;
        ctx.fill();
      }
    }

    // The floor slab: two edges, the top, the grid.
    quad(ctx, x0, y1, 0, x1, y1, 0, x1, y1, -FLOOR_THICKNESS, x0, y1, -FLOOR_THICKNESS);
    ctx.fillStyle = p.floorEdgeLeft;
    ctx.fill();
    quad(ctx, x1, y0, 0, x1, y1, 0, x1, y1, -FLOOR_THICKNESS, x1, y0, -FLOOR_THICKNESS);
    ctx.fillStyle = p.floorEdgeRight;
    ctx.fill();
    quad(ctx, x0, y0, 0, x1, y0, 0, x1, y1, 0, x0, y1, 0);
    ctx.fillStyle = p.floor;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = p.floorLine;
    ctx.beginPath();
    for (let x = Math.ceil(x0); x < x1; x++) {
      ctx.moveTo(isoX(x, y0), isoY(x, y0));
      ctx.lineTo(isoX(x, y1), isoY(x, y1));
    }
    for (let y = Math.ceil(y0); y < y1; y++) {
      ctx.moveTo(isoX(x0, y), isoY(x0, y));
      ctx.lineTo(isoX(x1, y), isoY(x1, y));
    }
    ctx.stroke();
    this.roomValid = true;
  }

  private drawTags(agents: readonly LiveAgent[], count: number) {
    const { ctx } = this.tags;
    const layout = this.layout!;
    this.worldTransform(ctx);
    // Name tags that would overlap one already placed are left out (the tooltip and the list
    // still name everyone): the selected agent's first, then in the page's order.
    ctx.font = FONT_LABEL;
    const placed: Array<[number, number, number, number]> = [];
    const selected = this.tagLook.findIndex((look) => (look & 2) !== 0);
    const queue = Array.from({ length: count }, (_, i) => i);
    if (selected >= 0 && selected < count) queue.unshift(...queue.splice(selected, 1));
    for (const i of queue) {
      const seat = layout.seats[i]!;
      const width = (this.labelWidths[i] ??= ctx.measureText(agents[i]!.name).width + 28);
      const box: [number, number, number, number] = [
        seat.labelX - width / 2 - 1,
        seat.labelY - 10,
        seat.labelX + width / 2 + 1,
        seat.labelY + 10,
      ];
      if (placed.some(([x0, y0, x1, y1]) => box[0] < x1 && x0 < box[2] && box[1] < y1 && y0 < box[3])) continue;
      placed.push(box);
      this.drawNameTag(ctx, seat, agents[i]!, i === selected);
    }
    this.tagsValid = true;
  }

  private drawPlant(ctx: Ctx, at: { x: number; y: number }) {
    const sx = isoX(at.x, at.y);
    const sy = isoY(at.x, at.y);
    ctx.beginPath();
    ctx.moveTo(sx - 9, sy - 16);
    ctx.lineTo(sx + 9, sy - 16);
    ctx.lineTo(sx + 7, sy);
    ctx.lineTo(sx - 7, sy);
    ctx.closePath();
    ctx.fillStyle = '#e2e8f0';
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#94a3b8';
    ctx.stroke();
    for (let n = 0; n < LEAVES.length; n += 3) {
      circle(ctx, sx + (LEAVES[n] as number), sy + (LEAVES[n + 1] as number), 9);
      ctx.fillStyle = LEAVES[n + 2] as string;
      ctx.fill();
    }
  }

  /** The desk box around grid point (0, 0) (the sprite's origin). */
  private drawDesk(ctx: Ctx) {
    const p = this.palette;
    const [ax, bx, ay, by, h] = [-DESK.width / 2, DESK.width / 2, -DESK.depth / 2, DESK.depth / 2, DESK.height];
    quad(ctx, ax, by, h, bx, by, h, bx, by, 0, ax, by, 0);
    ctx.fillStyle = p.deskLeft;
    ctx.fill();
    quad(ctx, bx, ay, h, bx, by, h, bx, by, 0, bx, ay, 0);
    ctx.fillStyle = p.deskRight;
    ctx.fill();
    quad(ctx, ax, ay, h, bx, ay, h, bx, by, h, ax, by, h);
    ctx.fillStyle = p.deskTop;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = p.deskRight;
    ctx.stroke();
  }

  /** The monitor on its short stand, seen from behind, relative to the desk centre (0, 0). */
  private drawMonitor(ctx: Ctx) {
    const p = this.palette;
    const h = DESK.height;
    const m0 = MONITOR.x0;
    const m1 = MONITOR.x1;
    const my = MONITOR.y;
    const stand = (m0 + m1) / 2;
    quad(
      ctx,
      stand - 0.03,
      my,
      h,
      stand + 0.03,
      my,
      h,
      stand + 0.03,
      my,
      MONITOR.bottom + 2,
      stand - 0.03,
      my,
      MONITOR.bottom + 2,
    );
    ctx.fillStyle = '#64748b';
    ctx.fill();
    quad(ctx, m1, my, MONITOR.bottom, m1, my + 0.05, MONITOR.bottom, m1, my + 0.05, MONITOR.top, m1, my, MONITOR.top);
    ctx.fillStyle = '#1e293b';
    ctx.fill();
    quad(
      ctx,
      m0,
      my + 0.05,
      MONITOR.bottom,
      m1,
      my + 0.05,
      MONITOR.bottom,
      m1,
      my + 0.05,
      MONITOR.top,
      m0,
      my + 0.05,
      MONITOR.top,
    );
    ctx.fillStyle = p.screen;
    ctx.fill();
  }

  /** An offline agent's monitor: switched off, darker. */
  private drawScreenOff(seat: Seat) {
    const { ctx } = this;
    const m0 = seat.cx + MONITOR.x0;
    const m1 = seat.cx + MONITOR.x1;
    const my = seat.cy + MONITOR.y + 0.05;
    quad(ctx, m0, my, MONITOR.bottom, m1, my, MONITOR.bottom, m1, my, MONITOR.top, m0, my, MONITOR.top);
    ctx.globalAlpha = 0.45;
    ctx.fillStyle = '#0f172a';
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  private drawNameTag(ctx: Ctx, seat: Seat, agent: LiveAgent, selected: boolean) {
    const p = this.palette;
    const width = this.labelWidths[seat.index]!;
    const x = seat.labelX - width / 2;
    const y = seat.labelY;
    ctx.globalAlpha = agent.status === 'offline' ? 0.6 : 1;
    roundRect(ctx, x, y - 10, width, 20, 10);
    ctx.fillStyle = selected ? p.brand : p.label;
    ctx.fill();
    ctx.lineWidth = 1;
    ctx.strokeStyle = selected ? p.brand : p.labelLine;
    ctx.stroke();
    circle(ctx, x + 11, y, 3.5);
    ctx.fillStyle = agent.color;
    ctx.fill();
    if (selected) {
      ctx.lineWidth = 1.2;
      ctx.strokeStyle = '#ffffff';
      ctx.stroke();
    }
    ctx.fillStyle = selected ? '#ffffff' : p.labelInk;
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    ctx.fillText(agent.name, x + 19, y + 4);
    ctx.globalAlpha = 1;
  }

  // ─── Live layer ────────────────────────────────────────────────────────────────────────

  /** The floor tile under a desk: selected, keyboard-focused or hovered. */
  private drawTile(seat: Seat, selected: boolean, focused: boolean) {
    const { ctx } = this;
    const p = this.palette;
    const x = seat.desk.x;
    const y = seat.desk.y;
    quad(ctx, x - 0.02, y - 0.02, 0, x + 1.02, y - 0.02, 0, x + 1.02, y + 1.02, 0, x - 0.02, y + 1.02, 0);
    ctx.fillStyle = p.brandSoft;
    ctx.globalAlpha = selected ? 1 : 0.7;
    ctx.fill();
    ctx.globalAlpha = 1;
    if (selected || focused) {
      ctx.setLineDash(focused && !selected ? DASH_FOCUS : DASH_NONE);
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = p.brand;
      ctx.stroke();
      ctx.setLineDash(DASH_NONE);
    }
  }

  private drawPerson(seat: Seat, agent: LiveAgent, now: number, animate: boolean) {
    const { ctx } = this;
    const working = agent.status === 'working';
    // Each agent gets its own phase, so a busy office does not bob in unison.
    const phase = seat.index * 1.7;
    const bob = animate && working ? Math.sin(now / 140 + phase) * 1.1 : 0;
    const bx = seat.seatX;
    const by = seat.seatY;
    const hy = seat.headY + bob;
    ctx.globalAlpha = agent.status === 'offline' ? 0.4 : agent.status === 'paused' ? 0.75 : 1;

    roundRect(ctx, bx - 13, by - 34, 26, 30, 8);
    ctx.fillStyle = CHAIR;
    ctx.globalAlpha *= 0.9;
    ctx.fill();
    ctx.globalAlpha /= 0.9;
    ctx.beginPath();
    ctx.moveTo(bx - 11, by - 8);
    ctx.lineTo(bx - 11, by - 22 + bob * 0.5);
    ctx.arc(bx, by - 22 + bob * 0.5, 11, Math.PI, 0);
    ctx.lineTo(bx + 11, by - 8);
    ctx.closePath();
    ctx.fillStyle = agent.color;
    ctx.fill();
    circle(ctx, bx, hy, HEAD_RADIUS);
    ctx.fillStyle = SKIN;
    ctx.fill();
    // Hair: the top of the head in the avatar colour.
    ctx.beginPath();
    ctx.arc(bx, hy - 1, HEAD_RADIUS, Math.PI, 0);
    ctx.quadraticCurveTo(bx, hy - 6, bx - HEAD_RADIUS, hy - 1);
    ctx.closePath();
    const alpha = ctx.globalAlpha;
    ctx.globalAlpha = alpha * 0.85;
    ctx.fillStyle = agent.color;
    ctx.fill();
    ctx.globalAlpha = alpha;

    this.drawRing(agent.ring, bx, hy, now, animate, seat.index);
    ctx.globalAlpha = 1;
  }

  /** The screen's light spilling around a working agent's monitor, pulsing like the ring. */
  private drawGlow(seat: Seat, now: number, animate: boolean) {
    const { ctx } = this;
    const p = this.palette;
    const phase = seat.index * 1.7;
    const pulse = animate ? 0.22 + 0.16 * (0.5 + 0.5 * Math.sin(now / 320 + phase)) : 0.32;
    const m0 = seat.cx + MONITOR.x0 - 0.09;
    const m1 = seat.cx + MONITOR.x1 + 0.09;
    const my = seat.cy + MONITOR.y;
    quad(ctx, m0, my, MONITOR.bottom - 5, m1, my, MONITOR.bottom - 5, m1, my, MONITOR.top + 6, m0, my, MONITOR.top + 6);
    ctx.globalAlpha = pulse;
    ctx.fillStyle = p.rings.working;
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  private drawRing(ring: RingKind, x: number, y: number, now: number, animate: boolean, index: number) {
    const { ctx } = this;
    const p = this.palette;
    const color = p.rings[ring];
    ctx.strokeStyle = color;
    switch (ring) {
      case 'working':
      case 'approval': {
        const pulse = animate && ring === 'working' ? 0.5 + 0.5 * Math.sin((now / 1000) * Math.PI + index) : 0.6;
        const base = ctx.globalAlpha;
        circle(ctx, x, y, RING_RADIUS + 3);
        ctx.lineWidth = 5;
        ctx.globalAlpha = base * (0.15 + 0.3 * pulse);
        ctx.stroke();
        ctx.globalAlpha = base;
        circle(ctx, x, y, RING_RADIUS);
        ctx.lineWidth = 2.5;
        ctx.stroke();
        if (ring === 'approval') this.drawBadge(x, y, color, '?');
        break;
      }
      case 'blocked':
        circle(ctx, x, y, RING_RADIUS);
        ctx.lineWidth = 2.5;
        ctx.stroke();
        this.drawBadge(x, y, color, '!');
        break;
      case 'paused':
        // Stripes: two dash patterns offset against each other.
        circle(ctx, x, y, RING_RADIUS);
        ctx.lineWidth = 2.5;
        ctx.setLineDash(DASH_STRIPE);
        ctx.stroke();
        ctx.lineDashOffset = 3.5;
        ctx.strokeStyle = '#e2e8f0';
        ctx.stroke();
        ctx.lineDashOffset = 0;
        ctx.setLineDash(DASH_NONE);
        this.drawBadge(x, y, color, '‖');
        break;
      case 'offline':
        circle(ctx, x, y, RING_RADIUS);
        ctx.lineWidth = 1.5;
        ctx.setLineDash(DASH_OFFLINE);
        ctx.stroke();
        ctx.setLineDash(DASH_NONE);
        break;
      default:
        circle(ctx, x, y, RING_RADIUS);
        ctx.lineWidth = 1.5;
        ctx.setLineDash(DASH_IDLE);
        ctx.stroke();
        ctx.setLineDash(DASH_NONE);
    }
  }

  /** A small round sign on the ring's upper right: ! blocked, ? needs approval, ‖ paused. */
  private drawBadge(x: number, y: number, color: string, glyph: string) {
    const { ctx } = this;
    const bx = x + 11;
    const by = y - 11;
    circle(ctx, bx, by, 6.5);
    ctx.fillStyle = color;
    ctx.fill();
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = '#ffffff';
    ctx.stroke();
    ctx.fillStyle = '#ffffff';
    ctx.font = FONT_BADGE;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(glyph, bx, by + 0.5);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
  }

  // ─── Overlays (screen pixels) ──────────────────────────────────────────────────────────

  private drawOverlays(agents: readonly LiveAgent[], count: number, now: number, ui: RenderUi) {
    const { ctx, dpr, camera, width, height, rects } = this;
    const layout = this.layout!;
    const p = this.palette;
    const s = camera.scale;
    // Overlays follow the zoom a little, staying readable when zoomed out.
    const o = Math.min(1.15, Math.max(width < 520 ? 0.75 : 0.85, s));
    const animate = !ui.reducedMotion;

    // Every head is an obstacle: a bubble may not hide another agent.
    const headBox = (RING_RADIUS + 2) * s;
    for (let i = 0; i < count; i++) {
      const seat = layout.seats[i]!;
      const agent = agents[i]!;
      const bob = animate && agent.status === 'working' ? Math.sin(now / 140 + seat.index * 1.7) * 1.1 : 0;
      const hx = seat.headX * s + camera.x;
      const hy = (seat.headY + bob) * s + camera.y;
      this.headX[i] = hx;
      this.ringTop[i] = hy - (RING_RADIUS + 3) * s;
      const r = i * RECT_STRIDE;
      rects[r] = hx - headBox;
      rects[r + 1] = hy - headBox;
      rects[r + 2] = headBox * 2;
      rects[r + 3] = headBox * 2;
      this.bubbleSlot[i] = -1;
    }

    // Speech bubbles first: the most recent few (alerts, and the hovered, focused or selected
    // agent's, ahead of the rest), each as close above its head as the others allow.
    const bubbleStart = count;
    let item = count;
    const bubbles = this.pickRecent(agents, count, ui, true, MAX_BUBBLES);
    for (let n = 0; n < bubbles; n++) {
      const i = this.picked[n]!;
      const agent = agents[i]!;
      const bubble = agent.bubble!;
      if (!bubble.lines) this.wrapBubble(agent);
      const w = (bubble.linesWidth + BUBBLE.padX * 2) * o;
      const h = (bubble.lines!.length * BUBBLE.line + (bubble.toName ? BUBBLE.head : 0) + BUBBLE.padY * 2) * o;
      const r = item * RECT_STRIDE;
      rects[r] = this.headX[i]! - w / 2;
      rects[r + 1] = this.ringTop[i]! - BUBBLE.tail * o - h - 2;
      rects[r + 2] = w;
      rects[r + 3] = h;
      this.itemSeat[item] = i;
      this.pinned[item] = agent.id === ui.hoverId || agent.id === ui.focusId || agent.id === ui.selectedId ? 1 : 0;
      this.bubbleSlot[i] = item;
      item++;
    }
    // Where there is no free spot near its head a bubble may cover another head, and failing
    // that it is left out (the list has it).
    placeBubbles(rects, bubbleStart, item, width, height, BUBBLE_MOVES, this.pinned, count, EDGE);

    // Then thought trails, for agents not already speaking: the freshest few.
    const thoughtStart = item;
    const thoughts = this.pickRecent(agents, count, ui, false, MAX_THOUGHTS);
    for (let n = 0; n < thoughts; n++) {
      const i = this.picked[n]!;
      const slot = this.bubbleSlot[i]!;
      if (slot >= 0 && rects[slot * RECT_STRIDE + 2]! > 0) continue;
      const agent = agents[i]!;
      const cache = this.thoughtCache(agent);
      const w = (cache.width + 20) * o;
      const h = (cache.lines.length * THOUGHT.line + 8) * o;
      const r = item * RECT_STRIDE;
      rects[r] = this.headX[i]! - 14 * o;
      rects[r + 1] = this.ringTop[i]! - 12 * o - h;
      rects[r + 2] = w;
      rects[r + 3] = h;
      this.itemSeat[item] = i;
      item++;
    }
    placeBubbles(rects, thoughtStart, item, width, height, THOUGHT_MOVES, null, 0, EDGE);

    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    for (let b = bubbleStart; b < thoughtStart; b++) {
      if (rects[b * RECT_STRIDE + 2]! <= 0) continue;
      const agent = agents[this.itemSeat[b]!]!;
      const target = agent.bubble!.toAgentId ? layout.byId.get(agent.bubble!.toAgentId) : undefined;
      if (target) this.drawArc(layout.seats[this.itemSeat[b]!]!, target, agent.bubbleAlpha);
    }
    for (let t = thoughtStart; t < item; t++) {
      if (rects[t * RECT_STRIDE + 2]! > 0)
        this.drawThought(
          agents[this.itemSeat[t]!]!,
          t * RECT_STRIDE,
          this.headX[this.itemSeat[t]!]!,
          this.ringTop[this.itemSeat[t]!]!,
          o,
        );
    }
    for (let pass = 0; pass < 2; pass++) {
      for (let b = bubbleStart; b < thoughtStart; b++) {
        if (rects[b * RECT_STRIDE + 2]! <= 0) continue;
        const i = this.itemSeat[b]!;
        this.drawBubble(agents[i]!, b * RECT_STRIDE, this.headX[i]!, this.ringTop[i]!, o, pass === 0);
      }
    }

    const tipId = ui.hoverId ?? ui.focusId;
    if (tipId) {
      const seat = layout.byId.get(tipId);
      if (seat && seat.index < count) this.drawTooltip(seat, agents[seat.index]!, o);
    }
    if (ui.debugText) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.font = FONT_DEBUG;
      ctx.fillStyle = p.inkMuted;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(ui.debugText, 8, 8);
      ctx.textBaseline = 'alphabetic';
    }
  }

  /**
   * Fills `picked` with up to `max` agents that have a visible bubble (or thought trail),
   * newest first, the hovered, focused and selected agents ahead of everyone. Insertion sort on a
   * reused array: no allocation.
   */
  private pickRecent(agents: readonly LiveAgent[], count: number, ui: RenderUi, bubbles: boolean, max: number): number {
    let picked = 0;
    for (let i = 0; i < count; i++) {
      const agent = agents[i]!;
      let time: number;
      if (bubbles) {
        if (!agent.bubble || agent.bubbleAlpha <= 0) continue;
        // Alerts (approval needed, failures) outrank chatter, whatever their age.
        time = agent.bubble.bornAt + (agent.bubble.kind === 'alert' ? 1e12 : 0);
      } else {
        if (!agent.thought || agent.thoughtAlpha <= 0) continue;
        time = agent.thought.expiresAt;
      }
      if (agent.id === ui.hoverId || agent.id === ui.focusId || agent.id === ui.selectedId) time = Infinity;
      let at = picked;
      while (at > 0 && this.pickedTime[at - 1]! < time) at--;
      if (at >= max) continue;
      for (let k = Math.min(picked, max - 1); k > at; k--) {
        this.picked[k] = this.picked[k - 1]!;
        this.pickedTime[k] = this.pickedTime[k - 1]!;
      }
      this.picked[at] = i;
      this.pickedTime[at] = time;
      if (picked < max) picked++;
    }
    return picked;
  }

  private thoughtCache(agent: LiveAgent): ThoughtCache {
    const thought = agent.thought!;
    let cache = thought.cache as ThoughtCache | null;
    if (!cache) {
      const { ctx } = this;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.font = thought.kind === 'thinking' ? FONT_THINKING : FONT_THOUGHT;
      const measure = (text: string) => ctx.measureText(text).width;
      // Two short lines read better than one long one; the cut keeps the newest words.
      const lines = wrapText(thought.text, THOUGHT.maxWidth, measure, 10);
      while (lines.length > 2) lines.shift();
      if (lines.length === 2 && !lines[0]!.startsWith('…')) lines[0] = `…${lines[0]}`;
      let width = 0;
      for (const line of lines) width = Math.max(width, measure(line));
      // Older words fade into the pill: the first line fades in from the left.
      const gradient = ctx.createLinearGradient(10, 0, 10 + Math.min(width, 90), 0);
      gradient.addColorStop(0, this.palette.bubble);
      gradient.addColorStop(1, this.palette.inkMuted);
      cache = { lines, width, gradient };
      thought.cache = cache;
    }
    return cache;
  }

  /** The streamed text's tail in a faint pill above the head, with two dots rising to it: a thought, not speech. */
  private drawThought(agent: LiveAgent, r: number, hx: number, ringTop: number, o: number) {
    const { ctx, dpr, rects } = this;
    const p = this.palette;
    const thought = agent.thought!;
    const cache = this.thoughtCache(agent);
    const x = rects[r]!;
    const y = rects[r + 1]!;
    const w = rects[r + 2]!;
    const h = rects[r + 3]!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = agent.thoughtAlpha;
    ctx.lineWidth = 1;
    ctx.fillStyle = p.bubble;
    ctx.strokeStyle = p.bubbleLine;
    if (y + h < ringTop - 2) {
      circle(ctx, hx + 4 * o, ringTop - 3 * o, 1.8 * o);
      ctx.fill();
      ctx.stroke();
      circle(ctx, hx + 7 * o, Math.max(y + h + 3 * o, ringTop - 8.5 * o), 2.5 * o);
      ctx.fill();
      ctx.stroke();
    }
    roundRect(ctx, x, y, w, h, 10 * o);
    ctx.globalAlpha = agent.thoughtAlpha * 0.94;
    ctx.fill();
    ctx.globalAlpha = agent.thoughtAlpha;
    ctx.stroke();
    ctx.setTransform(dpr * o, 0, 0, dpr * o, dpr * x, dpr * y);
    ctx.font = thought.kind === 'thinking' ? FONT_THINKING : FONT_THOUGHT;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    const lines = cache.lines;
    for (let n = 0; n < lines.length; n++) {
      ctx.fillStyle = n === 0 && lines[0]!.startsWith('…') ? cache.gradient : p.inkMuted;
      ctx.fillText(lines[n]!, 10, 4 + THOUGHT.line * (n + 1) - 3);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
  }

  private wrapBubble(agent: LiveAgent) {
    const { ctx } = this;
    const bubble = agent.bubble!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.font = FONT_BUBBLE;
    const measure = (text: string) => ctx.measureText(text).width;
    bubble.lines = wrapText(bubble.text, BUBBLE.maxWidth, measure, BUBBLE.maxLines);
    let widest = 0;
    for (const line of bubble.lines) widest = Math.max(widest, measure(line));
    if (bubble.toName) {
      ctx.font = FONT_BUBBLE_HEAD;
      widest = Math.max(widest, measure(bubble.toName) + 14);
    }
    bubble.linesWidth = Math.ceil(widest);
  }

  private drawArc(from: Seat, to: Seat, alpha: number) {
    const { ctx, camera } = this;
    const s = camera.scale;
    const ax = from.headX * s + camera.x;
    const ay = (from.headY - RING_RADIUS) * s + camera.y;
    const bx = to.headX * s + camera.x;
    const by = (to.headY - RING_RADIUS) * s + camera.y;
    const lift = Math.min(90, Math.hypot(bx - ax, by - ay) * 0.35 + 20);
    ctx.beginPath();
    ctx.moveTo(ax, ay);
    ctx.quadraticCurveTo((ax + bx) / 2, Math.min(ay, by) - lift, bx, by);
    ctx.globalAlpha = alpha * 0.7;
    ctx.setLineDash(DASH_ARC);
    ctx.lineWidth = 1.5;
    ctx.strokeStyle = this.palette.brand;
    ctx.stroke();
    ctx.setLineDash(DASH_NONE);
    circle(ctx, bx, by, 3);
    ctx.fillStyle = this.palette.brand;
    ctx.fill();
    ctx.globalAlpha = 1;
  }

  /** A bubble in two passes: every stem first (`stem`), then every bubble over them. */
  private drawBubble(agent: LiveAgent, r: number, hx: number, ringTop: number, o: number, stem: boolean) {
    const { ctx, dpr } = this;
    const p = this.palette;
    const bubble = agent.bubble!;
    const x = this.rects[r]!;
    const y = this.rects[r + 1]!;
    const w = this.rects[r + 2]!;
    const h = this.rects[r + 3]!;
    const bottom = y + h;
    const accent =
      bubble.kind === 'delegate'
        ? p.brand
        : bubble.kind === 'done'
          ? p.rings.working
          : bubble.kind === 'alert'
            ? agent.awaitingApproval
              ? p.rings.approval
              : p.rings.blocked
            : p.bubbleLine;
    ctx.globalAlpha = agent.bubbleAlpha;

    // A tail when the bubble sits just above the head; a thin stem when it had to move away.
    const tailX = Math.max(x + 12 * o, Math.min(x + w - 12 * o, hx));
    const gap = ringTop - bottom;
    const attached = gap >= 0 && gap <= BUBBLE.tail * o + 4 && hx >= x && hx <= x + w;
    if (stem) {
      if (!attached) {
        ctx.beginPath();
        ctx.moveTo(tailX, bottom > ringTop ? y : bottom);
        ctx.lineTo(hx, ringTop - 2);
        ctx.lineWidth = 1.2;
        ctx.strokeStyle = accent === p.bubbleLine ? p.frame : accent;
        ctx.stroke();
        circle(ctx, hx, ringTop - 2, 2);
        ctx.fillStyle = ctx.strokeStyle;
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      return;
    }
    ctx.shadowColor = p.shadow;
    ctx.shadowBlur = 8 * dpr;
    ctx.shadowOffsetY = 2 * dpr;
    roundRect(ctx, x, y, w, h, 9 * o);
    ctx.fillStyle = p.bubble;
    ctx.fill();
    ctx.shadowColor = 'transparent';
    ctx.shadowBlur = 0;
    ctx.shadowOffsetY = 0;
    ctx.lineWidth = accent === p.bubbleLine ? 1 : 1.5;
    ctx.strokeStyle = accent;
    ctx.stroke();
    if (attached) {
      ctx.beginPath();
      ctx.moveTo(tailX - 6 * o, bottom - 0.5);
      ctx.lineTo(tailX, bottom + BUBBLE.tail * o);
      ctx.lineTo(tailX + 6 * o, bottom - 0.5);
      ctx.fillStyle = p.bubble;
      ctx.fill();
      ctx.beginPath();
      ctx.moveTo(tailX - 6 * o, bottom);
      ctx.lineTo(tailX, bottom + BUBBLE.tail * o);
      ctx.lineTo(tailX + 6 * o, bottom);
      ctx.stroke();
    }

    ctx.setTransform(dpr * o, 0, 0, dpr * o, dpr * x, dpr * y);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    let top = BUBBLE.padY;
    if (bubble.toName) {
      ctx.font = FONT_BUBBLE_HEAD;
      ctx.fillStyle = p.brand;
      ctx.fillText('→', BUBBLE.padX, top + 10);
      ctx.fillText(bubble.toName, BUBBLE.padX + 14, top + 10);
      top += BUBBLE.head;
    }
    ctx.font = FONT_BUBBLE;
    ctx.fillStyle = p.bubbleInk;
    const lines = bubble.lines!;
    for (let n = 0; n < lines.length; n++) ctx.fillText(lines[n]!, BUBBLE.padX, top + 12 + n * BUBBLE.line);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
  }

  /** Name, role, status and the current task, next to the hovered or focused agent. */
  private drawTooltip(seat: Seat, agent: LiveAgent, o: number) {
    const { ctx, dpr, camera, width, height } = this;
    const p = this.palette;
    const statusWord = agent.awaitingApproval ? 'Awaiting approval' : STATUS_WORDS[agent.status];
    const title = agent.task?.title ?? null;
    if (this.tipAgent !== agent || this.tipTitle !== title || this.tipStatus !== statusWord) {
      this.tipAgent = agent;
      this.tipTitle = title;
      this.tipStatus = statusWord;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.font = FONT_TIP;
      this.tipLines = title ? wrapText(title, TIP.width - TIP.pad * 2, (text) => ctx.measureText(text).width, 2) : [];
    }
    const lines = this.tipLines;
    const hasTask = agent.task !== null;
    const innerH = 18 + 16 + 20 + (hasTask ? lines.length * 16 + 16 : 16);
    const w = TIP.width * o;
    const h = (innerH + TIP.pad) * o;
    const hx = seat.headX * camera.scale + camera.x;
    const hy = seat.headY * camera.scale + camera.y;
    let x = hx + 24 * o;
    if (x + w > width - EDGE) x = hx - 24 * o - w;
    x = Math.max(EDGE, Math.min(width - EDGE - w, x));
    const y = Math.max(EDGE, Math.min(height - EDGE - h, hy - 24 * o));

    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.shadowColor = p.shadow;
    ctx.shadowBlur = 14 * dpr;
    ctx.shadowOffsetY = 4 * dpr;
    roundRect(ctx, x, y, w, h, 10 * o);
    ctx.fillStyle = p.bubble;
    ctx.fill();
    ctx.shadowColor = 'transparent';
    ctx.shadowBlur = 0;
    ctx.shadowOffsetY = 0;
    ctx.lineWidth = 1;
    ctx.strokeStyle = p.bubbleLine;
    ctx.stroke();

    ctx.setTransform(dpr * o, 0, 0, dpr * o, dpr * x, dpr * y);
    const left = TIP.pad;
    let top = TIP.pad;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.font = FONT_TIP_TITLE;
    ctx.fillStyle = p.bubbleInk;
    ctx.fillText(agent.name, left, top + 12);
    top += 18;
    ctx.font = FONT_TIP_SMALL;
    ctx.fillStyle = p.inkMuted;
    ctx.fillText(agent.role, left, top + 10);
    top += 20;
    circle(ctx, left + 4, top + 6, 4);
    ctx.fillStyle = p.rings[agent.ring];
    ctx.fill();
    ctx.font = FONT_TIP_SMALL;
    ctx.fillStyle = p.bubbleInk;
    ctx.fillText(statusWord, left + 14, top + 10);
    top += 16;
    if (agent.task) {
      ctx.font = FONT_TIP;
      ctx.fillStyle = p.bubbleInk;
      for (let n = 0; n < lines.length; n++) ctx.fillText(lines[n]!, left, top + 14 + n * 16);
      top += lines.length * 16 + 8;
      const barW = TIP.width - TIP.pad * 2 - 36;
      roundRect(ctx, left, top, barW, 5, 2.5);
      ctx.fillStyle = p.bubbleLine;
      ctx.fill();
      if (agent.task.progress > 0) {
        roundRect(ctx, left, top, Math.max(5, (barW * agent.task.progress) / 100), 5, 2.5);
        ctx.fillStyle = p.brand;
        ctx.fill();
      }
      ctx.font = FONT_TIP_SMALL;
      ctx.fillStyle = p.inkMuted;
      ctx.textAlign = 'right';
      if (this.tipProgress !== agent.task.progress) {
        this.tipProgress = agent.task.progress;
        this.tipPercent = `${agent.task.progress}%`;
      }
      ctx.fillText(this.tipPercent, TIP.width - TIP.pad, top + 6);
      ctx.textAlign = 'left';
    } else {
      ctx.font = FONT_TIP;
      ctx.fillStyle = p.inkMuted;
      ctx.fillText('No current task', left, top + 14);
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  }
}
