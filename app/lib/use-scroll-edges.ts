import { type RefObject, useEffect, useState } from 'react';

export interface ScrollEdges {
  /** Content is hidden past the start (left) edge. */
  start: boolean;
  /** Content is hidden past the end (right) edge. */
  end: boolean;
}

/** Which edges of a sideways-scrolling element hide content, kept current as it scrolls or resizes. */
export function useScrollEdges(ref: RefObject<HTMLElement | null>): ScrollEdges {
  const [edges, setEdges] = useState<ScrollEdges>({ start: false, end: false });
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const update = () => {
      // A pixel of slack: zoomed pages report fractional scroll positions.
      const start = element.scrollLeft > 1;
      const end = element.scrollLeft + element.clientWidth < element.scrollWidth - 1;
      setEdges((previous) => (previous.start === start && previous.end === end ? previous : { start, end }));
    };
    update();
    element.addEventListener('scroll', update, { passive: true });
    const observer = new ResizeObserver(update);
    observer.observe(element);
    return () => {
      element.removeEventListener('scroll', update);
      observer.disconnect();
    };
  }, [ref]);
  return edges;
}

const FADE = '4rem';

/** A mask that fades out the edges hiding content (none when nothing is hidden), so the user sees it scrolls. */
export function edgeFadeMask({ start, end }: ScrollEdges): string | undefined {
  if (!start && !end) return undefined;
  const from = start ? `transparent, black ${FADE}` : 'black';
  const to = end ? `black calc(100% - ${FADE}), transparent` : 'black';
  return `linear-gradient(to right, ${from}, ${to})`;
}
