/**
 * Who a request comes from, for rate limits and connection caps (docs/server.md#clients).
 *
 * A client is not a socket address: one machine owns all of 127.0.0.0/8 and ::1, and an IPv6
 * host is handed a whole /64. Keys are therefore: `loopback`; an IPv4 address; the first four
 * groups of an IPv6 address (`2001:db8:0:1::/64`). IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is the
 * IPv4 address. A forwarded address (X-Forwarded-For) counts only when the socket peer is a
 * proxy named in TRUST_PROXY; then the rightmost address that is not itself a trusted proxy is
 * the client.
 */
import { BlockList, isIP } from "node:net";
import type { IncomingMessage } from "node:http";

export const LOOPBACK = "loopback";

/** Expand an IPv6 address into its 8 groups (numbers), or null if it is not one. */
export function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone !== -1) text = text.slice(0, zone);
  if (isIP(text) !== 6) return null;
  // A trailing dotted IPv4 part stands for the last two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...Array<string>(fill).fill("0"), ...right].map((g) => parseInt(g, 16));
  return groups.length === 8 ? groups : null;
}

/** The client key of one address (see the module comment). */
export function clientKeyOf(address: string | undefined): string {
  if (!address) return "unknown";
  const family = isIP(address);
  if (family === 4) return address.startsWith("127.") ? LOOPBACK : address;
  const g = ipv6Groups(address);
  if (!g) return "unknown";
  // ::ffff:a.b.c.d (IPv4-mapped) is an IPv4 client.
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return clientKeyOf(`${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`);
  }
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return LOOPBACK;
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(":")}::/64`;
}

/** Parses TRUST_PROXY: addresses, CIDR ranges or `loopback`, comma-separated. Throws naming a bad entry. */
export function parseTrustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === "") continue;
    if (entry === "loopback") {
      list.addSubnet("127.0.0.0", 8, "ipv4");
      list.addAddress("::1", "ipv6");
      continue;
    }
    const [addr, bits] = entry.split("/");
    const family = isIP(addr);
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new TypeError(`TRUST_PROXY: "${entry}" is not an IP address, a CIDR range or "loopback"`);
    }
    list.addSubnet(addr, prefix, family === 4 ? "ipv4" : "ipv6");
  }
  return list;
}

function trusted(list: BlockList, address: string): boolean {
  const g = ipv6Groups(address);
  const mapped = g && g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  if (mapped) address = `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
}

export type ClientOf = (req: IncomingMessage) => string;

/**
 * The client key of a request.
 * @example createClientOf(parseTrustedProxies(["10.0.0.2"]))(req) // "203.0.113.7" behind that proxy
 */
export function createClientOf(trustedProxies: BlockList | null): ClientOf {
  return (req) => {
    const peer = req.socket.remoteAddress;
    if (!trustedProxies || !peer || !trusted(trustedProxies, peer)) return clientKeyOf(peer);
    const forwarded = req.headers["x-forwarded-for"];
    const hops = (Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? ""))
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    // Walk from the proxy back towards the client: every trusted hop appended the address it
    // saw; the first untrusted one is the client (anything left of it is the client's own claim).
    for (let i = hops.length - 1; i >= 0; i--) {
      if (isIP(hops[i]) === 0) return clientKeyOf(peer);
      if (!trusted(trustedProxies, hops[i])) return clientKeyOf(hops[i]);
    }
    return clientKeyOf(hops[0] ?? peer);
  };
}

/** True when the socket peer is a trusted proxy (its connections are many clients, not one). */
export function isTrustedPeer(trustedProxies: BlockList | null, address: string | undefined): boolean {
  return trustedProxies !== null && address !== undefined && trusted(trustedProxies, address);
}
