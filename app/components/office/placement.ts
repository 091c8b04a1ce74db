/**
 * Keeps speech bubbles inside the canvas and off each other and off other agents' heads.
 * Works in place on a flat [x, y, w, h, …] array the renderer reuses every frame, so placing
 * bubbles allocates nothing.
 */

export const RECT_STRIDE = 4;
/** Rects moved at most this many times each: enough for a busy office, bounded per frame. */
const MAX_MOVES = 12;

function overlaps(rects: Float64Array, a: number, b: number, gap: number): boolean {
  const aw = rects[a + 2]!;
  const bw = rects[b + 2]!;
  if (aw <= 0 || bw <= 0) return false;
  const ax = rects[a]!;
  const ay = rects[a + 1]!;
  const bx = rects[b]!;
  const by = rects[b + 1]!;
  return ax < bx + bw + gap && bx < ax + aw + gap && ay < by + rects[b + 3]! + gap && by < ay + rects[a + 3]! + gap;
}

function clampInto(rects: Float64Array, i: number, width: number, height: number, margin: number) {
  const w = rects[i + 2]!;
  const h = rects[i + 3]!;
  rects[i] = Math.max(margin, Math.min(width - margin - w, rects[i]!));
  rects[i + 1] = Math.max(margin, Math.min(height - margin - h, rects[i + 1]!));
}

/**
 * Places rects `from` … `to - 1` (in that order: put the ones that matter most first). Rects
 * before `from` are obstacles that stay where they are. Each rect is clamped inside the canvas
 * with `margin` to spare, then moved the shortest way (left, right or up, else down) off
 * whatever it overlaps. When the canvas is too crowded for that, it stays inside the canvas and
 * may overlap; the caller can compare with where it wanted to be and leave it out. A rect of
 * zero width is ignored, as an obstacle too.
 */
export function placeBubbles(rects: Float64Array, from: number, to: number, width: number, height: number, margin = 6, gap = 4): void {
  for (let n = from; n < to; n++) {
    const i = n * RECT_STRIDE;
    if (rects[i + 2]! <= 0) continue;
    clampInto(rects, i, width, height, margin);
    for (let attempt = 0; attempt < MAX_MOVES; attempt++) {
      let other = -1;
      for (let m = 0; m < n; m++) {
        if (overlaps(rects, i, m * RECT_STRIDE, gap)) {
          other = m * RECT_STRIDE;
          break;
        }
      }
      if (other < 0) break;
      const x = rects[i]!;
      const y = rects[i + 1]!;
      const w = rects[i + 2]!;
      const h = rects[i + 3]!;
      const left = rects[other]! - gap - w;
      const right = rects[other]! + rects[other + 2]! + gap;
      const up = rects[other + 1]! - gap - h;
      let bestX = x;
      let bestY = y;
      let best = Infinity;
      if (left >= margin && x - left < best) {
        best = x - left;
        bestX = left;
        bestY = y;
      }
      if (right + w <= width - margin && right - x < best) {
        best = right - x;
        bestX = right;
        bestY = y;
      }
      if (up >= margin && y - up < best) {
        best = y - up;
        bestX = x;
        bestY = up;
      }
      if (best === Infinity) {
        const down = rects[other + 1]! + rects[other + 3]! + gap;
        if (down + h <= height - margin) {
          bestX = x;
          bestY = down;
        } else break;
      }
      rects[i] = bestX;
      rects[i + 1] = bestY;
    }
  }
}
