/**
 * CLI-01: the input cap counts the bytes that arrive, not the size a stat reports. Pipes,
 * FIFOs and devices report 0, so a cap read from stat let `validate /dev/zero` grow without end.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeIO } from "../../src/cli/io";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));
const CAP = 256 * 1024;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "lora-graph-io-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A FIFO with a writer offering `total` bytes; resolves with how many the reader took. */
function fifoWriting(total: number): { path: string; written: Promise<number> } {
  const path = join(dir, "fifo");
  expect(spawnSync("mkfifo", [path]).status).toBe(0);
  const written = new Promise<number>((resolve) => {
    const out = createWriteStream(path);
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!out.write(chunk)) return void out.once("drain", pump);
      }
      out.end();
    };
    // The reader closing early ends the writer with EPIPE: what it had accepted is what was read.
    out.on("error", () => resolve(out.bytesWritten));
    out.on("close", () => resolve(out.bytesWritten));
    pump();
  });
  return { path, written };
}

describe("CLI-01: the size cap holds for every kind of input", () => {
  it("a FIFO (what <(command) gives) is cut off after the cap, not read to its end", async () => {
    const { path, written } = fifoWriting(CAP * 16);
    const outcome = await nodeIO.read(path, CAP).then(
      (bytes) => `read ${bytes.byteLength} bytes`,
      (err: Error) => err.message,
    );
    expect(outcome).toBe(`cannot read ${path}: it is larger than the 256 kB limit`);
    // The writer was stopped: at most the cap plus a pipe's buffer and a chunk or two crossed.
    expect(await written).toBeLessThan(CAP + 512 * 1024);
  });

  it("a FIFO under the cap is read whole", async () => {
    const { path, written } = fifoWriting(CAP - 16 * 1024);
    const bytes = await nodeIO.read(path, CAP);
    expect(bytes.byteLength).toBe(await written);
    expect(bytes.byteLength).toBe(CAP - 16 * 1024);
  });

  it("a device that never ends (/dev/zero) is refused at the cap", async () => {
    await expect(nodeIO.read("/dev/zero", CAP)).rejects.toThrow(
      "cannot read /dev/zero: it is larger than the 256 kB limit",
    );
  });

  it("a regular file over the cap is refused before it is read; one at the cap is read", async () => {
    const big = join(dir, "big.json");
    await writeFile(big, Buffer.alloc(CAP + 1));
    await expect(nodeIO.read(big, CAP)).rejects.toThrow(`cannot read ${big}: 256 kB is larger than the 256 kB limit`);
    await writeFile(big, Buffer.alloc(CAP));
    expect((await nodeIO.read(big, CAP)).byteLength).toBe(CAP);
  });

  // The executable end to end, with producers that never stop: `timeout` bounds the run should
  // the cap ever fail again, and the producer dies of SIGPIPE once the CLI lets go.
  it.each([
    ["a path to a pipe", "validate /dev/stdin"],
    ["standard input", "validate -"],
  ])("lora-graph validate on an endless %s exits 2 naming the limit", (_what, args) => {
    const r = spawnSync("sh", ["-c", `yes | timeout 60 "${process.execPath}" "${BIN}" ${args}`], {
      encoding: "utf8",
      timeout: 90_000,
    });
    expect(r.stderr).toMatch(
      /^lora-graph: cannot read (\/dev\/stdin|standard input): it is larger than the 20 MB limit\n$/,
    );
    expect(r.status).toBe(2);
  });
});
