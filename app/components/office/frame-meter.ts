/**
 * A development aid: how long the office takes to draw a frame and how far apart frames are.
 * Turned on with `<Office debug />`; it then prints its numbers on the canvas and exposes
 * itself as `window.__officeFrameMeter` for a browser console or a Playwright check.
 * A fixed ring buffer: recording allocates nothing.
 */
export interface FrameStats {
  frames: number;
  /** Draw time in ms. */
  drawMean: number;
  drawP95: number;
  drawMax: number;
  /** Milliseconds between consecutive animation frames (16.7 at 60 Hz). */
  intervalP95: number;
}

export interface FrameMeter {
  record(drawMs: number, frameAt: number): void;
  stats(): FrameStats;
  reset(): void;
}

function percentile(sorted: Float64Array, count: number, p: number): number {
  if (count === 0) return 0;
  return sorted[Math.min(count - 1, Math.floor((count - 1) * p + 0.5))]!;
}

export function createFrameMeter(size = 240): FrameMeter {
  const draws = new Float64Array(size);
  const intervals = new Float64Array(size);
  let frames = 0;
  let intervalCount = 0;
  let lastAt = -1;
  return {
    record(drawMs, frameAt) {
      draws[frames % size] = drawMs;
      // A gap of more than a quarter second means the loop was asleep, not slow.
      if (lastAt >= 0 && frameAt - lastAt < 250) intervals[intervalCount++ % size] = frameAt - lastAt;
      lastAt = frameAt;
      frames++;
    },
    stats() {
      const n = Math.min(frames, size);
      const m = Math.min(intervalCount, size);
      const sortedDraws = draws.slice(0, n).sort();
      const sortedIntervals = intervals.slice(0, m).sort();
      let sum = 0;
      for (let i = 0; i < n; i++) sum += sortedDraws[i]!;
      return {
        frames,
        drawMean: n ? sum / n : 0,
        drawP95: percentile(sortedDraws, n, 0.95),
        drawMax: n ? sortedDraws[n - 1]! : 0,
        intervalP95: percentile(sortedIntervals, m, 0.95),
      };
    },
    reset() {
      frames = 0;
      intervalCount = 0;
      lastAt = -1;
    },
  };
}
