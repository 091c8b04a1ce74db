import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown';

const render = (text: string) => renderToString(createElement(Markdown, null, text));

describe('Markdown', () => {
  it('renders Markdown with highlighted code', () => {
    const html = render('# Review\n\n- **one**\n\n```ts\nconst a = 1;\n```');
    expect(html).toContain('<h1>Review</h1>');
    expect(html).toContain('<strong>one</strong>');
    expect(html).toContain('<span class="hljs-keyword">const</span>');
  });

  it('never renders raw HTML, unsafe links or remote images', () => {
    const html = render(
      '<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) ![p](https://t.example/p.png)',
    );
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('href="https://t.example/p.png" target="_blank" rel="noopener noreferrer nofollow ugc"');
  });
});
