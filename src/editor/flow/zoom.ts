/**
 * Below this zoom a node's widgets are unreadable (12 px type under ~7 px on screen): each node
 * shows its light form instead, a card with its title and key value (its definition's `glance`)
 * in type of a fixed screen size, and a Sampler's result preview over it (docs/canvas.md
 * "Readable at fit").
 */
export const LIGHT_ZOOM = 0.6;
/**
 * Below this zoom a big graph is drawn on one canvas (FarLayer), and the dot grid is left out; a fit
 * that would land below it gives up the runs drawer's room (flow/fit.ts).
 */
export const LOD_ZOOM = 0.4;
/** Below this zoom a node's 12.5 px title would be under 11.5 px on screen: it is enlarged to stay there. */
export const TITLE_READABLE_ZOOM = 0.92;
