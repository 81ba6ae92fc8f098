/**
 * The stand-in's own HTTP routes under `/standin/` (docs/server.md#routes). They are
 * registered on the server's one router, so the gate (Host, Origin, rate limit) runs first.
 *
 * | route | what |
 * |---|---|
 * | `PUT /standin/upload/<key>` | bytes of an initiated upload (same-origin or configured origins) |
 * | `PUT /standin/multipart/<key>/<n>`, `POST …/complete` | a multipart upload's parts, then its end (multipart.ts) |
 * | `GET/HEAD /standin/files/<key>` | a stored file, readable from any origin like a CDN's |
 * | `GET/POST/DELETE /standin/faults` | arm, list, clear faults — test mode only, JSON only |
 * | `GET/DELETE /standin/stats` | call and job counts — test mode only |
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { answerBodyError, readBody, type BodyRules } from "../body.ts";
import { sendJson, sendJsonError } from "../http.ts";
import type { Router } from "../router.ts";
import {
  FAULTS_OFF,
  faultProblem,
  type Fault,
  type FaultController,
  type FaultOutcome,
  type StandinOp,
} from "./faults.ts";
import { KEY_PATTERN, type Storage } from "./storage.ts";
import type { Multipart } from "./multipart.ts";

export interface RouteDeps {
  testMode: boolean;
  faults: FaultController;
  injectFault(op: StandinOp, signal?: AbortSignal): Promise<FaultOutcome>;
  storage: Storage;
  multipart: Multipart;
  body: Omit<BodyRules, "maxBytes">;
  stats(): unknown;
  resetStats(): void;
}

/** A JSON fault or `{faults: […]}`; a message naming the first problems otherwise. */
function faultsFrom(body: unknown): Fault[] | string {
  const list = Array.isArray((body as { faults?: unknown })?.faults) ? (body as { faults: unknown[] }).faults : [body];
  const problems = list.map((f, i) => [i, faultProblem(f)] as const).filter(([, p]) => p !== null);
  if (problems.length > 0) return problems.map(([i, p]) => `faults[${i}]: ${p}`).join("; ");
  return list as Fault[];
}

export function registerStandinRoutes(router: Router, deps: RouteDeps): void {
  const offline = () => deps.faults.isOffline();

  /** Faults on the routes served directly (not via the proxy). Returns true if it answered. */
  async function directFault(op: StandinOp, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const ac = new AbortController();
    res.on("close", () => ac.abort());
    try {
      const r = await deps.injectFault(op, ac.signal);
      if (!(r instanceof Response)) return false;
      res.writeHead(r.status, Object.fromEntries(r.headers));
      res.end(Buffer.from(await r.arrayBuffer()));
      return true;
    } catch {
      req.socket.destroy();
      return true;
    }
  }

  /** The key of `/standin/<kind>/<key>`, or null after answering 404. */
  function keyOf(res: ServerResponse, path: string, prefix: string): string | null {
    const key = path.slice(prefix.length);
    if (KEY_PATTERN.test(key)) return key;
    sendJsonError(res, 404, "not_found", `No stand-in file ${JSON.stringify(key)}.`);
    return null;
  }

  router.add("PUT", "/standin/upload/*", async (req, res, ctx) => {
    // An injected outage looks like an unreachable network.
    if (offline()) return void req.socket.destroy();
    const key = keyOf(res, ctx.path, "/standin/upload/");
    if (key === null || (await directFault("uploadPut", req, res))) return;
    await deps.storage.receive(req, res, key, deps.body);
  });

  router.add(["PUT", "POST"], "/standin/multipart/*", async (req, res, ctx) => {
    if (offline()) return void req.socket.destroy();
    if (await directFault("uploadPut", req, res)) return;
    await deps.multipart.handle(req, res, ctx.path.slice("/standin/multipart/".length), deps.body);
  });

  router.add(
    ["GET", "HEAD"],
    "/standin/files/*",
    async (req, res, ctx) => {
      if (offline()) return void req.socket.destroy();
      const key = keyOf(res, ctx.path, "/standin/files/");
      if (key === null || (await directFault("file", req, res))) return;
      deps.storage.serve(req, res, key);
    },
    { publicReads: true },
  );

  const testOnly =
    (handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>) =>
    (req: IncomingMessage, res: ServerResponse) =>
      deps.testMode ? handle(req, res) : sendJsonError(res, 404, "test_mode_only", FAULTS_OFF);

  router.add(
    ["GET", "POST", "DELETE"],
    "/standin/faults",
    testOnly(async (req, res) => {
      if (req.method === "GET") return sendJson(res, 200, { faults: deps.faults.list() });
      if (req.method === "DELETE") {
        deps.faults.clear();
        return sendJson(res, 200, { faults: [] });
      }
      // JSON only: a cross-site form or text/plain POST cannot set this type without a preflight.
      const type = String(req.headers["content-type"] ?? "")
        .split(";")[0]
        .trim()
        .toLowerCase();
      if (type !== "application/json") {
        return sendJsonError(res, 415, "json_required", "Send the fault as application/json.", { connection: "close" });
      }
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req, res, { ...deps.body, maxBytes: 64 * 1024 })).toString("utf8"));
      } catch (e) {
        if (e instanceof SyntaxError) {
          return sendJsonError(res, 400, "bad_json", "Body must be a JSON fault or {faults:[…]}.");
        }
        return answerBodyError(res, e);
      }
      const faults = faultsFrom(body);
      if (typeof faults === "string") return sendJsonError(res, 400, "bad_fault", faults);
      for (const f of faults) deps.faults.add(f);
      sendJson(res, 200, { faults: deps.faults.list() });
    }),
  );

  router.add(
    ["GET", "DELETE"],
    "/standin/stats",
    testOnly((req, res) => {
      if (req.method === "DELETE") deps.resetStats();
      sendJson(res, 200, deps.stats());
    }),
  );

  router.add(["GET", "HEAD", "POST", "PUT", "DELETE"], "/standin/*", (_req, res, ctx) =>
    sendJsonError(res, 404, "not_found", `No stand-in route ${ctx.path}.`),
  );
}
