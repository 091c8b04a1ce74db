import { describe, expect, it } from 'vitest';
import { markdownToPlainText } from './plain-text';

describe('markdownToPlainText', () => {
  it('keeps the words of emphasis, code, links and images, without their syntax', () => {
    expect(markdownToPlainText('Hi Sable, can you review the **caching layer** and the _retry_ path?')).toBe(
      'Hi Sable, can you review the caching layer and the retry path?',
    );
    expect(markdownToPlainText('Run `npm test` on ~~main~~ *dev* and __stage__')).toBe(
      'Run npm test on main dev and stage',
    );
    expect(markdownToPlainText('See [the runbook](https://example.com/rb) and ![graph](https://x.test/g.png)')).toBe(
      'See the runbook and graph',
    );
    expect(markdownToPlainText('Mail <mailto:ops@example.com> or <https://example.com>')).toBe(
      'Mail mailto:ops@example.com or https://example.com',
    );
  });

  it('drops a line’s heading, quote or list marker and joins lines', () => {
    expect(markdownToPlainText('## Weekly report')).toBe('Weekly report');
    expect(markdownToPlainText('> - quoted item\n1. first\n* second')).toBe('quoted item first second');
    expect(markdownToPlainText('```ts\nconst x = 1;\n```')).toBe('const x = 1;');
  });

  it('leaves what only looks like syntax as written', () => {
    expect(markdownToPlainText('Rename user_id to account_id')).toBe('Rename user_id to account_id');
    expect(markdownToPlainText('2 * 3 * 4 = 24, #42 and 3.5 hours')).toBe('2 * 3 * 4 = 24, #42 and 3.5 hours');
    expect(markdownToPlainText('Escaped \\*stars\\* and `**bold** in code`')).toBe(
      'Escaped *stars* and **bold** in code',
    );
    expect(markdownToPlainText('An unclosed **bold')).toBe('An unclosed **bold');
  });
});
