/**
 * Our SHA-256 (src/graph/sha256.ts, written for the first load's size) against the standard's
 * test vectors and against @noble/hashes on random input, every padding boundary included.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { sha256 } from "../../src/graph/sha256";
import { sha256Hex } from "../../src/graph/canonical";

const hex = (b: Uint8Array) => bytesToHex(b);
const ascii = (s: string) => new TextEncoder().encode(s);

describe("sha256", () => {
  it("gives FIPS 180-4's digests", () => {
    expect(hex(sha256(ascii("")))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(hex(sha256(ascii("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hex(sha256(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    expect(hex(sha256(new Uint8Array(1_000_000).fill(0x61)))).toBe(
      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
    );
  });

  it("agrees with @noble/hashes at every length around the block and padding boundaries", () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
      expect(hex(sha256(bytes)), `length ${n}`).toBe(hex(nobleSha256(bytes)));
    }
  });

  it("agrees with @noble/hashes on random bytes and on text with any characters", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => hex(sha256(bytes)) === hex(nobleSha256(bytes))),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        (text) => sha256Hex(text) === `sha256-${hex(nobleSha256(new TextEncoder().encode(text)))}`,
      ),
    );
  });
});
