/**
 * Connected-component labelling of a binary image (8-connectivity), with per-component bounds.
 * @module
 */

/** One labelled component: its bounding rectangle and pixel count. */
export interface Component {
  /** Label value in the label image (1-based). */
  label: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  area: number;
}

/**
 * Label the non-zero pixels of a rows×cols binary image with 8-connectivity, using a stack flood fill
 * (no recursion, so large blobs cannot overflow the call stack).
 *
 * @example
 * ```ts
 * const { labels, components } = labelComponents(new Uint8Array([1, 0, 0, 1]), 2, 2);
 * components.length; // 1 (diagonal neighbours join)
 * labels[3]; // 1
 * ```
 */
export function labelComponents(
  binary: Uint8Array,
  rows: number,
  cols: number,
): { labels: Int32Array; components: Component[] } {
  const labels = new Int32Array(rows * cols);
  const components: Component[] = [];
  const stack = new Int32Array(rows * cols);
  let next = 0;
  for (let start = 0; start < binary.length; start++) {
    if (binary[start] === 0 || labels[start] !== 0) continue;
    const label = ++next;
    const component: Component = { label, x0: cols, y0: rows, x1: -1, y1: -1, area: 0 };
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const index = stack[--top];
      const y = (index / cols) | 0;
      const x = index - y * cols;
      component.area++;
      if (x < component.x0) component.x0 = x;
      if (x > component.x1) component.x1 = x;
      if (y < component.y0) component.y0 = y;
      if (y > component.y1) component.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= rows) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= cols) continue;
          const neighbour = ny * cols + nx;
          if (binary[neighbour] !== 0 && labels[neighbour] === 0) {
            labels[neighbour] = label;
            stack[top++] = neighbour;
          }
        }
      }
    }
    components.push(component);
  }
  return { labels, components };
}
