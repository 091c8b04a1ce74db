/**
 * Keeps speech bubbles inside the canvas, off each other and off other agents' heads. Works in
 * place on a flat [x, y, w, h, …] array the renderer reuses every frame, so placing bubbles
 * allocates nothing.
 */

export const RECT_STRIDE = 4;

export interface Reach {
  /** Furthest sideways, upwards and downwards (px) a rect may move from where it wants to be. */
  side: number;
  up: number;
  down?: number;
  /** Grid step of the search, px. */
  step: number;
}

/**
 * The moves a rect may try, [dx, dy, …] nearest first (sideways a little cheaper than up).
 * Build once and pass to `placeBubbles`.
 */
export function candidateOffsets(reach: Reach): Float64Array {
  const moves: Array<[number, number]> = [];
  for (let dx = -reach.side; dx <= reach.side; dx += reach.step) {
    for (let dy = -reach.up; dy <= (reach.down ?? 0); dy += reach.step) moves.push([dx, dy]);
  }
  moves.sort((a, b) => Math.abs(a[0]) + 1.4 * Math.abs(a[1]) - (Math.abs(b[0]) + 1.4 * Math.abs(b[1])));
  return new Float64Array(moves.flat());
}

function overlapsAny(
  rects: Float64Array,
  x: number,
  y: number,
  w: number,
  h: number,
  first: number,
  before: number,
  gap: number,
): boolean {
  for (let m = first; m < before; m++) {
    const j = m * RECT_STRIDE;
    const bw = rects[j + 2]!;
    if (bw <= 0) continue;
    const bx = rects[j]!;
    const by = rects[j + 1]!;
    if (x < bx + bw + gap && bx < x + w + gap && y < by + rects[j + 3]! + gap && by < y + h + gap) return true;
  }
  return false;
}

/**
 * Places rects `from` … `to - 1` in that order (put the ones that matter most first). Rects
 * before `from` are obstacles that stay put. Each rect goes to the nearest spot within `reach`
 * of where it wants to be that is inside the canvas (with `margin` to spare) and clear of every
 * rect before it (`moves` from `candidateOffsets`). The first `soft` rects are obstacles it
 * may overlap when nothing else works (heads: better a bubble over a head than no bubble). Where
 * there is no spot at all its width is set to 0, meaning "leave it out", unless `pinned[n]` is
 * set: then it stays where it wanted to be, inside the canvas.
 * Rects of width 0 are ignored, as obstacles too.
 */
export function placeBubbles(
  rects: Float64Array,
  from: number,
  to: number,
  width: number,
  height: number,
  moves: Float64Array,
  pinned: Uint8Array | null = null,
  soft = 0,
  margin = 6,
  gap = 4,
): void {
  const table = moves;
  for (let n = from; n < to; n++) {
    const i = n * RECT_STRIDE;
    const w = rects[i + 2]!;
    const h = rects[i + 3]!;
    if (w <= 0) continue;
    const x0 = rects[i]!;
    const y0 = rects[i + 1]!;
    const maxX = Math.max(margin, width - margin - w);
    const maxY = Math.max(margin, height - margin - h);
    let found = false;
    for (let pass = 0; pass < (soft > 0 ? 2 : 1) && !found; pass++) {
      const first = pass === 0 ? 0 : soft;
      for (let k = 0; k < table.length; k += 2) {
        const x = Math.max(margin, Math.min(maxX, x0 + table[k]!));
        const y = Math.max(margin, Math.min(maxY, y0 + table[k + 1]!));
        if (!overlapsAny(rects, x, y, w, h, first, n, gap)) {
          rects[i] = x;
          rects[i + 1] = y;
          found = true;
          break;
        }
      }
    }
    if (!found) {
      rects[i] = Math.max(margin, Math.min(maxX, x0));
      rects[i + 1] = Math.max(margin, Math.min(maxY, y0));
      if (!pinned?.[n]) rects[i + 2] = 0;
    }
  }
}
