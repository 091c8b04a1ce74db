import { describe, expect, it } from 'vitest';
import { candidateOffsets, placeBubbles } from './placement';

const moves = candidateOffsets({ side: 200, up: 120, step: 10 });
import { clipText, tailText, wrapText } from './text';

// A monospace "font": every character is 6 px wide.
const measure = (text: string) => text.length * 6;

describe('tailText', () => {
  it('keeps short text and flattens whitespace', () => {
    expect(tailText('  Reading\n\nthe diff  ')).toBe('Reading the diff');
  });

  it('keeps the last characters, from a word start, behind an ellipsis', () => {
    const tail = tailText('The session cookie is set without SameSite and the CSRF check is skipped on logout', 40);
    expect(tail.length).toBeLessThanOrEqual(40);
    expect(tail).toBe('…the CSRF check is skipped on logout');
  });
});

describe('clipText', () => {
  it('cuts at a word with an ellipsis', () => {
    expect(clipText('Deploy the billing service to production tonight', 30)).toBe('Deploy the billing service to…');
    expect(clipText('short', 30)).toBe('short');
  });
});

describe('wrapText', () => {
  it('wraps at words within the width', () => {
    expect(wrapText('one two three four five', 60, measure)).toEqual(['one two', 'three four', 'five']);
  });

  it('ends in an ellipsis when there are more lines than allowed', () => {
    const lines = wrapText('one two three four five six seven eight nine', 60, measure, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.endsWith('…')).toBe(true);
    expect(lines.every((line) => measure(line) <= 60)).toBe(true);
  });

  it('breaks words longer than a line', () => {
    const lines = wrapText('see https://example.com/a/very/long/path/indeed ok', 60, measure, 5);
    expect(lines.every((line) => measure(line) <= 60)).toBe(true);
    expect(lines.join('')).toContain('https://example.c');
  });

  it('returns nothing for empty text', () => {
    expect(wrapText('   ', 60, measure)).toEqual([]);
  });
});

describe('placeBubbles', () => {
  const overlap = (r: Float64Array, a: number, b: number) =>
    r[a * 4]! < r[b * 4]! + r[b * 4 + 2]! &&
    r[b * 4]! < r[a * 4]! + r[a * 4 + 2]! &&
    r[a * 4 + 1]! < r[b * 4 + 1]! + r[b * 4 + 3]! &&
    r[b * 4 + 1]! < r[a * 4 + 1]! + r[a * 4 + 3]!;

  it('keeps bubbles inside the canvas', () => {
    const rects = new Float64Array([-50, -20, 120, 40, 760, 480, 120, 40]);
    placeBubbles(rects, 0, 2, 800, 500, moves, null, 6);
    expect([rects[0], rects[1]]).toEqual([6, 6]);
    expect([rects[4], rects[5]]).toEqual([800 - 6 - 120, 500 - 6 - 40]);
  });

  it('moves overlapping bubbles apart when there is room', () => {
    const rects = new Float64Array([300, 200, 120, 40, 330, 210, 120, 40, 320, 205, 120, 40]);
    placeBubbles(rects, 0, 3, 800, 500, moves);
    expect(overlap(rects, 0, 1)).toBe(false);
    expect(overlap(rects, 0, 2)).toBe(false);
    expect(overlap(rects, 1, 2)).toBe(false);
    // The first keeps its place.
    expect([rects[0], rects[1]]).toEqual([300, 200]);
  });

  it('steers around obstacles it does not move, and ignores empty rects', () => {
    // A head at (300, 200) and a bubble that wants to sit on it.
    const rects = new Float64Array([300, 200, 36, 36, 0, 0, 0, 0, 280, 190, 120, 40]);
    placeBubbles(rects, 2, 3, 800, 500, moves);
    expect([rects[0], rects[1]]).toEqual([300, 200]);
    expect(overlap(rects, 0, 2)).toBe(false);
  });

  it('leaves out a rect with no free spot within reach, unless it is pinned', () => {
    const wall = new Float64Array([0, 0, 800, 500, 300, 200, 120, 40, 300, 200, 120, 40]);
    placeBubbles(wall, 1, 3, 800, 500, moves, new Uint8Array([0, 0, 1]));
    expect(wall[4 + 2]).toBe(0);
    expect(wall[8 + 2]).toBe(120);
  });
});
