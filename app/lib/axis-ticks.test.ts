import { describe, expect, it } from 'vitest';
import { roundTicks } from './axis-ticks';

describe('roundTicks', () => {
  it('steps by round numbers up to at least the top, never an odd last tick', () => {
    expect(roundTicks(1_100)).toEqual([0, 500, 1_000, 1_500]);
    expect(roundTicks(1_000)).toEqual([0, 250, 500, 750, 1_000]);
    expect(roundTicks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(roundTicks(0.9)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('gives a usable axis with no data', () => {
    expect(roundTicks(0)).toEqual([0, 1]);
  });
});
