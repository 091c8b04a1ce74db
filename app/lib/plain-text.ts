/**
 * Markdown as the plain text a reader sees, for places that show a line rather than render
 * Markdown: thread subjects, message previews, the page title. By pattern, as `remove-markdown`
 * does (react-markdown keeps its parser to itself): a subject is one line cut from a message, so
 * inline syntax and a line's leading marker are all there is to remove.
 */

// Held aside while emphasis is removed, so code and escaped characters stay as written.
const HOLD = '\uE000';
const HELD = new RegExp(`${HOLD}(\\d+)${HOLD}`, 'g');

const LINE_MARKER = /^ {0,3}(?:#{1,6}(?=\s|$)|>|[-*+](?=\s)|\d{1,9}[.)](?=\s)|`{3,}.*$|~{3,}.*$)\s*/;
const EMPHASIS: ReadonlyArray<[RegExp, string]> = [
  [/!\[([^\]]*)\]\([^)]*\)/g, '$1'], // image: its alt text
  [/\[([^\]]+)\]\([^)]*\)/g, '$1'], // link: its text
  [/\[([^\]]+)\]\[[^\]]*\]/g, '$1'], // reference link
  [/<((?:https?|mailto):[^>\s]+)>/g, '$1'], // autolink
  [/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, '$2'],
  [/~~(?=\S)(.+?)(?<=\S)~~/g, '$1'],
  [/\*(?=\S)(.+?)(?<=\S)\*/g, '$1'],
  // Underscores inside a word (snake_case) are not emphasis.
  [/(?<![\p{L}\p{N}_])_(?=\S)(.+?)(?<=\S)_(?![\p{L}\p{N}_])/gu, '$1'],
];

export function markdownToPlainText(markdown: string): string {
  const held: string[] = [];
  const hold = (text: string) => `${HOLD}${held.push(text) - 1}${HOLD}`;
  const lines = markdown.split(/\r?\n/).map((line) => {
    let rest = line;
    // Repeatedly: a quoted list item has two markers ("> - item").
    for (let marker = LINE_MARKER.exec(rest); marker?.[0]; marker = LINE_MARKER.exec(rest))
      rest = rest.slice(marker[0].length);
    return rest;
  });
  let text = lines
    .join(' ')
    .replace(/\\([!-/:-@[-`{-~])/g, (_, char: string) => hold(char))
    .replace(/(`+)(.+?)\1/g, (_, _ticks: string, code: string) => hold(code.trim()));
  for (const [pattern, replacement] of EMPHASIS) text = text.replace(pattern, replacement);
  return text
    .replace(HELD, (_, index: string) => held[Number(index)]!)
    .replace(/\s+/g, ' ')
    .trim();
}
