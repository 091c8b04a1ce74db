import { describe, expect, it } from 'vitest';
import { createFrameMeter } from './frame-meter';

describe('createFrameMeter', () => {
  it('reports draw times and frame intervals from a ring buffer', () => {
    const meter = createFrameMeter(100);
    for (let i = 0; i < 300; i++) meter.record(i % 10 === 0 ? 2 : 0.5, i * 16);
    const stats = meter.stats();
    expect(stats.frames).toBe(300);
    expect(stats.drawMax).toBe(2);
    expect(stats.drawMean).toBeCloseTo(0.65);
    expect(stats.intervalP95).toBe(16);
    meter.record(1, 100_000); // after a long sleep: not counted as a slow frame
    expect(meter.stats().intervalP95).toBe(16);
  });
});
