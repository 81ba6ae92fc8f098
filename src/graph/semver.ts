/** Semantic versions of components, ordered (docs/components.md#versions). */

/** `1.10.0` after `1.9.3`; a pre-release or build suffix is ignored. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

export function versionParts(v: string): [number, number, number] {
  const p = v
    .split(/[-+]/)[0]
    .split(".")
    .map((n) => Number.parseInt(n, 10) || 0);
  return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
}
