/**
 * Markdown as agents write it (results, messages, trace text), rendered with react-markdown:
 * no raw HTML (it is shown as text, never parsed), links limited to safe protocols by its
 * default URL transform and opened in a new tab without referrer or opener, images shown as
 * their link (no tracking pixels from model output), and fenced code highlighted by
 * rehype-highlight. Works the same on the server render and in the browser.
 */
import type { ComponentProps } from 'react';
import ReactMarkdown, { defaultUrlTransform } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';

const components: ComponentProps<typeof ReactMarkdown>['components'] = {
  // An unsafe URL (javascript:, data:…) comes out empty from the transform: plain text then.
  a: ({ node: _node, href, children, ...props }) =>
    href ? (
      <a {...props} href={href} target="_blank" rel="noopener noreferrer nofollow ugc">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ src, alt }) =>
    typeof src === 'string' && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer nofollow ugc">
        {alt || src}
      </a>
    ) : (
      <span>{alt}</span>
    ),
};

const rehypePlugins: ComponentProps<typeof ReactMarkdown>['rehypePlugins'] = [
  [rehypeHighlight, { detect: false, ignoreMissing: true }],
];

/**
 * `lineBreaks`: a line break typed inside a paragraph stays a line break, as in a chat; plain
 * Markdown would join the lines.
 */
export function Markdown({
  children,
  className = '',
  lineBreaks = false,
}: {
  children: string;
  className?: string;
  lineBreaks?: boolean;
}) {
  return (
    <div className={`markdown ${lineBreaks ? 'markdown-line-breaks' : ''} ${className}`}>
      <ReactMarkdown
        rehypePlugins={rehypePlugins}
        components={components}
        urlTransform={(url) => defaultUrlTransform(url)}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}
