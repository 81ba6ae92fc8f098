import { loadExplainers } from "../../graph";
import { registry as catalogue } from "../../../nodes";

/**
 * `part` once the catalogue's teaching texts have arrived too (they are not in the first load:
 * docs/codebase.md#the-first-load), so the parts that show them (the node inspector, the add-node
 * search) never draw a node without its text and then with it. Texts that fail to arrive leave
 * the node's description in their place.
 */
export function withExplainers<M>(part: Promise<M>): Promise<M> {
  const texts = loadExplainers(catalogue.list()).catch((e: unknown) => console.error(e));
  return Promise.all([part, texts]).then(([m]) => m);
}
