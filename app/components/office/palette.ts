/**
 * Colours for the canvas office. The room's colours are the landing page's `--office-*`
 * variables (app/tailwind.css, `.office-scene`), read from the DOM so dark mode and any
 * future retheme apply to both pictures; status colours follow StatusBadge.
 */
import type { RingKind } from './types';

export interface OfficePalette {
  floor: string;
  floorLine: string;
  floorEdgeLeft: string;
  floorEdgeRight: string;
  wallLeft: string;
  wallRight: string;
  wallLine: string;
  deskTop: string;
  deskLeft: string;
  deskRight: string;
  screen: string;
  window: string;
  board: string;
  frame: string;
  label: string;
  labelInk: string;
  labelLine: string;
  bubble: string;
  bubbleInk: string;
  bubbleLine: string;
  inkMuted: string;
  brand: string;
  brandSoft: string;
  shadow: string;
  rings: Record<RingKind, string>;
}

/** The light theme, identical to `.office-scene` in app/tailwind.css: used when the variables are not there. */
export const LIGHT_PALETTE: OfficePalette = {
  floor: '#eef2ff',
  floorLine: '#dfe4f5',
  floorEdgeLeft: '#d6dcf0',
  floorEdgeRight: '#c5cce6',
  wallLeft: '#f8fafc',
  wallRight: '#eef1f7',
  wallLine: '#dfe4ee',
  deskTop: '#ffffff',
  deskLeft: '#e2e8f0',
  deskRight: '#cbd5e1',
  screen: '#3b4a63',
  window: '#bae6fd',
  board: '#ffffff',
  frame: '#94a3b8',
  label: '#ffffff',
  labelInk: '#0f172a',
  labelLine: '#e2e8f0',
  bubble: '#ffffff',
  bubbleInk: '#0f172a',
  bubbleLine: '#e2e8f0',
  inkMuted: '#475569',
  brand: '#6248e3',
  brandSoft: 'rgba(120, 98, 240, 0.16)',
  shadow: 'rgba(15, 23, 42, 0.14)',
  rings: {
    idle: '#8aa399',
    working: '#22c55e',
    blocked: '#f59e0b',
    approval: '#8b5cf6',
    paused: '#94a3b8',
    offline: '#cbd5e1',
  },
};

const VARIABLES: Partial<Record<keyof OfficePalette, string>> = {
  floor: '--office-floor',
  floorLine: '--office-floor-line',
  floorEdgeLeft: '--office-floor-edge-left',
  floorEdgeRight: '--office-floor-edge-right',
  wallLeft: '--office-wall-left',
  wallRight: '--office-wall-right',
  wallLine: '--office-wall-line',
  deskTop: '--office-desk-top',
  deskLeft: '--office-desk-left',
  deskRight: '--office-desk-right',
  screen: '--office-screen',
  window: '--office-window',
  board: '--office-board',
  frame: '--office-frame',
  label: '--office-label',
  labelInk: '--office-label-ink',
  labelLine: '--office-label-line',
  bubble: '--office-bubble',
  bubbleInk: '--office-bubble-ink',
  bubbleLine: '--office-bubble-line',
  inkMuted: '--color-ink-muted',
  brand: '--color-brand-600',
};

/** The palette as the element's styles define it (call after mount; it reads computed styles). */
export function readPalette(element: Element): OfficePalette {
  const style = getComputedStyle(element);
  const palette: OfficePalette = { ...LIGHT_PALETTE, rings: { ...LIGHT_PALETTE.rings } };
  for (const [key, variable] of Object.entries(VARIABLES) as Array<[keyof OfficePalette, string]>) {
    const value = style.getPropertyValue(variable).trim();
    if (value) (palette as unknown as Record<string, string>)[key] = value;
  }
  const working = style.getPropertyValue('--office-working-ring').trim();
  if (working) palette.rings.working = working;
  const dark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
  if (dark) {
    palette.rings.offline = '#475569';
    palette.rings.paused = '#64748b';
    palette.inkMuted = style.getPropertyValue('--color-ink-muted').trim() || '#cbd5e1';
    palette.brand = style.getPropertyValue('--color-brand-400').trim() || '#9484f8';
    palette.brandSoft = 'rgba(148, 132, 248, 0.2)';
    palette.shadow = 'rgba(0, 0, 0, 0.45)';
  }
  return palette;
}
