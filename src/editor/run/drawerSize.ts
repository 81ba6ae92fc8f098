/**
 * The runs drawer's height when open (px) in a window `windowHeight` tall. It is fixed, not sized to
 * its rows, so the room it takes from the canvas is known before it opens: a fit leaves that room
 * free (flow/fit.ts), and opening or closing the drawer then covers no node and moves no node.
 */
export function drawerOpenHeight(windowHeight: number): number {
  return Math.round(Math.min(200, windowHeight * 0.25));
}
