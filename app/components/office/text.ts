/** Text helpers for the office's bubbles and thought trails; measuring is injected, so these run in Node. */

const ELLIPSIS = '…';

/** Collapses runs of whitespace (streamed model text is full of newlines) into single spaces. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The last `max` characters of `text`, starting at a word when one begins near the cut, with a
 * leading ellipsis when anything was dropped: the tail of a stream, as a thought trail shows it.
 */
export function tailText(text: string, max = 60): string {
  const flat = squash(text);
  if (flat.length <= max) return flat;
  let cut = flat.slice(flat.length - (max - 1));
  const space = cut.indexOf(' ');
  if (space > 0 && space < 16) cut = cut.slice(space + 1);
  return ELLIPSIS + cut;
}

/** At most `max` characters, ending with an ellipsis when cut (at a word when one ends near the cut). */
export function clipText(text: string, max: number): string {
  const flat = squash(text);
  if (flat.length <= max) return flat;
  let cut = flat.slice(0, max - 1);
  // Cut inside a word: end at the previous word when one ends near the cut.
  const space = cut.lastIndexOf(' ');
  if (flat[max - 1] !== ' ' && space > max - 16) cut = cut.slice(0, space);
  return cut.replace(/[\s,.;:]+$/, '') + ELLIPSIS;
}

/**
 * Greedy word wrap into at most `maxLines` lines no wider than `maxWidth` (as `measure` says).
 * Words wider than a line are broken; text that does not fit ends in an ellipsis.
 */
export function wrapText(text: string, maxWidth: number, measure: (text: string) => number, maxLines = 3): string[] {
  const words = squash(text).split(' ').filter(Boolean);
  const lines: string[] = [];
  let line = '';
  let overflow = false;
  for (let i = 0; i < words.length; i++) {
    let word = words[i]!;
    const candidate = line ? `${line} ${word}` : word;
    if (measure(candidate) <= maxWidth) {
      line = candidate;
      continue;
    }
    if (line) {
      lines.push(line);
      line = '';
      if (lines.length === maxLines) {
        overflow = true;
        break;
      }
    }
    // A word wider than the line is broken at the last character that fits.
    while (measure(word) > maxWidth && word.length > 1) {
      let end = word.length - 1;
      while (end > 1 && measure(word.slice(0, end)) > maxWidth) end--;
      lines.push(word.slice(0, end));
      word = word.slice(end);
      if (lines.length === maxLines) {
        overflow = true;
        break;
      }
    }
    if (overflow) break;
    line = word;
  }
  if (!overflow && line) {
    if (lines.length < maxLines) lines.push(line);
    else overflow = true;
  }
  if (overflow && lines.length) {
    let last = lines[lines.length - 1]!;
    while (last.length > 0 && measure(last + ELLIPSIS) > maxWidth) last = last.slice(0, -1).trimEnd();
    lines[lines.length - 1] = last + ELLIPSIS;
  }
  return lines;
}
