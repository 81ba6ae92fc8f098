/**
 * Which `Host` header values name this server (docs/server.md#the-gate).
 *
 * A DNS-rebinding page on attacker.test resolves its own name to 127.0.0.1: the browser then
 * sends `Host: attacker.test:8787` and `Origin: http://attacker.test:8787`, which agree with each
 * other. Only the Host check tells that request apart, so every route checks it first.
 */
import { isIP } from "node:net";

export interface HostConfig {
  /** The address the server listens on (`127.0.0.1`, `::`, `0.0.0.0`, a name…). */
  listenHost: string;
  port: number;
  /** Extra names, from ALLOWED_HOSTS: `name` or `name:port`. */
  allowedHosts?: readonly string[];
  /** The public base URL (PUBLIC_URL), whose host is one of our names too. */
  publicUrl?: string;
}

export type HostCheck = (host: string | undefined) => boolean;

const WILDCARDS = new Set(["0.0.0.0", "::", "[::]", ""]);

/** `name` or `name:port`, lower case; IPv6 in brackets. Returns a message for anything else. */
export function hostEntryProblem(entry: string): string | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(entry);
  if (!m) return `"${entry}" is not a host name, optionally with :port`;
  if (m[1].startsWith("[") && isIP(m[1].slice(1, -1)) !== 6) return `"${entry}" is not a valid IPv6 address`;
  if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return `"${entry}" has a port out of range`;
  return null;
}

function bracket(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/** Splits `host[:port]` (IPv6 in brackets). */
function splitHost(value: string): { name: string; port: string | undefined } | null {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(value);
  return m ? { name: m[1], port: m[2] } : null;
}

/**
 * Build the Host check for a server listening on `listenHost:port`.
 * @example createHostCheck({ listenHost: "127.0.0.1", port: 8787 })("localhost:8787") // true
 */
export function createHostCheck(config: HostConfig): HostCheck {
  const port = String(config.port);
  const exact = new Set<string>();
  const addName = (name: string, withPort = true) => {
    const n = name.toLowerCase();
    exact.add(withPort ? `${n}:${port}` : n);
    // Port 80 is implied when a browser omits it.
    if (port === "80") exact.add(n);
  };
  for (const name of ["localhost", "127.0.0.1", "[::1]"]) addName(name);
  const wildcard = WILDCARDS.has(config.listenHost);
  if (!wildcard) addName(bracket(config.listenHost));
  for (const entry of config.allowedHosts ?? []) {
    const problem = hostEntryProblem(entry);
    if (problem) throw new TypeError(`ALLOWED_HOSTS: ${problem}`);
    const e = entry.toLowerCase();
    if (splitHost(e)?.port !== undefined) exact.add(e);
    else {
      // A bare name is what a reverse proxy in front sends (its port implied by the scheme), or
      // the name with our own port when nothing is in front.
      exact.add(e);
      addName(e);
    }
  }
  if (config.publicUrl) {
    const u = new URL(config.publicUrl);
    exact.add(u.host.toLowerCase());
  }
  return (host) => {
    if (host === undefined) return false;
    if (exact.has(host) || exact.has(host.toLowerCase())) return true;
    if (!wildcard) return false;
    // Listening on every interface: any IP literal of ours is a fair way to reach us, and an IP
    // literal cannot be rebound (rebinding needs a name the attacker controls).
    const parts = splitHost(host);
    if (!parts || parts.port !== port) return false;
    const ip = parts.name.startsWith("[") ? parts.name.slice(1, -1) : parts.name;
    return isIP(ip) !== 0;
  };
}
