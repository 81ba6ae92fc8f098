/**
 * `npm start` entry: reads the environment (env.ts; the variables are listed in docs/server.md)
 * and starts the app.
 */
import { parseArgs } from "node:util";
import { createApp } from "./app.ts";
import { EnvError, optionsFromEnv } from "./env.ts";
import { consoleLogger } from "./http.ts";
import { createWorkspace } from "./workspace/index.ts";

let options;
try {
  options = optionsFromEnv(process.env);
} catch (e) {
  if (!(e instanceof EnvError)) throw e;
  console.error(e.message);
  process.exit(2);
}
let workspaceDir: string;
try {
  const { values } = parseArgs({ options: { workspace: { type: "string" } }, strict: true });
  workspaceDir = values.workspace || process.env.LORA_GRAPH_WORKSPACE || "workspace";
} catch (e) {
  console.error(`lora-graph: ${(e as Error).message.split(/\.\s/)[0]}; the only option is --workspace DIR`);
  process.exit(2);
}
let workspace;
try {
  workspace = await createWorkspace({ dir: workspaceDir, token: process.env.LORA_GRAPH_TOKEN, logger: consoleLogger });
} catch (e) {
  console.error(`lora-graph: cannot open the workspace ${workspaceDir}: ${(e as Error).message}`);
  process.exit(2);
}
const app = createApp({ ...options, workspace });

const port = process.env.PORT ? Number(process.env.PORT) : 8787;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be 0..65535 (got ${JSON.stringify(process.env.PORT)}).`);
  process.exit(2);
}
const host = process.env.HOST || "127.0.0.1";
try {
  const url = await app.listen(port, host);
  console.log(`lora-graph: editor and proxy on ${url} (proxy at ${url}/api/fal/proxy)`);
  console.log(
    app.backend === "standin"
      ? `lora-graph: backend = offline STAND-IN (${process.env.FAL_STANDIN === "1" ? "FAL_STANDIN=1" : "FAL_KEY is not set"}); images are placeholders`
      : "lora-graph: backend = real fal (FAL_KEY is set)",
  );
  console.log(`lora-graph: workspace ${workspace.dir} (pipelines/, components/, wildcards/)`);
} catch (e) {
  console.error(`lora-graph: could not listen on ${host}:${port}: ${(e as Error).message}`);
  process.exit(1);
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    void app.close().then(() => process.exit(0));
  });
}
