import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { Box, measureElement, type DOMElement } from 'ink';

export interface Viewport {
  /** Rows visible. */
  height: number;
  /** Rows of content. */
  contentHeight: number;
}

/**
 * Shows `children` from row `offset` on, in whatever height the layout gives it; reports the visible and
 * the content height after each layout so the owner can clamp the offset and page by the real height.
 */
export function ScrollView({ offset, onViewport, children }: { offset: number; onViewport: (v: Viewport) => void; children: ReactNode }) {
  const outer = useRef<DOMElement>(null);
  const inner = useRef<DOMElement>(null);
  // A layout effect: Ink has laid out the tree by then, and the owner hears of a new size before the next key.
  useLayoutEffect(() => {
    if (!outer.current || !inner.current) return;
    onViewport({ height: measureElement(outer.current).height, contentHeight: measureElement(inner.current).height });
  });
  return (
    <Box ref={outer} flexGrow={1} flexBasis={0} flexDirection="column" overflow="hidden">
      <Box ref={inner} flexDirection="column" flexShrink={0} marginTop={-offset}>
        {children}
      </Box>
    </Box>
  );
}
