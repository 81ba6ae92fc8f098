/**
 * Below this zoom widgets are unreadable anyway: a node shows its title and key value (its
 * definition's `glance`) in type of a fixed screen size instead, at the same size (far fewer DOM
 * nodes to lay out); a big graph is drawn on one canvas instead (FarLayer).
 */
export const LOD_ZOOM = 0.4;
/** Below this zoom a node's 12.5 px title would be under 11.5 px on screen: it is enlarged to stay there. */
export const TITLE_READABLE_ZOOM = 0.92;
