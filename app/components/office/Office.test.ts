import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Office } from './Office';
import type { OfficeAgent } from './types';

const agents: OfficeAgent[] = [
  {
    id: 'agt_sable',
    slug: 'sable',
    name: 'Sable',
    role: 'Principal Engineer',
    status: 'working',
    avatar_color: '#0ea5e9',
    desk: { x: 0, y: 2 },
    current_task: { id: 'tsk_1', title: 'Review PR #42', progress: 40 },
  },
  {
    id: 'agt_yuki',
    slug: 'yuki',
    name: 'Yuki',
    role: 'SRE',
    status: 'idle',
    avatar_color: '#10b981',
    desk: { x: 3, y: 2 },
    awaiting_approval: true,
  },
];

describe('<Office> on the server', () => {
  it('renders without a DOM: a placeholder instead of the canvas, and the full agent list', () => {
    expect(typeof window).toBe('undefined');
    const html = renderToString(
      createElement(Office, {
        agents,
        events: [{ seq: 1, type: 'agent.status', data: { agent_id: 'agt_yuki', status: 'blocked' } }],
      }),
    );
    expect(html).not.toContain('<canvas');
    expect(html).toContain('Opening the office');
    expect(html).toContain('Sable');
    expect(html).toContain('Review PR #42');
    expect(html).toContain('40%');
    expect(html).toContain('Awaiting approval');
    // Events are applied after mount, so the server and the first client render agree.
    const yuki = html.slice(html.indexOf('>Yuki<'), html.indexOf('aria-label="Legend"'));
    expect(yuki).toContain('Idle');
    expect(yuki).not.toContain('Blocked');
  });
});
