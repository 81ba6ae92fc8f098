/**
 * Makes src/editor/flow/node-shadow.png, the nodes' drop shadow drawn once (styles.css
 * `.gnode::before` cuts it in nine round each node). Chromium draws the CSS box-shadow it stands for
 * around a transparent box, so the image is that shadow to the pixel, and the screenshot keeps the
 * box and the shadow's reach around it. Run it again after changing the shadow or the node's corner:
 *
 *   npx tsx test/tools/nodeShadow.ts
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { chromium } from "playwright-core";
import { PNG } from "pngjs";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../harness/browser";

/** The shadow and corner of `.gnode` before it became an image. */
const NODE_SHADOW = { shadow: "0 6px 18px rgba(0, 0, 0, 0.35)", radius: 10 };
/**
 * How far the image reaches outside the node (a blur of 18 px fades out within three standard
 * deviations, 27 px, and the shadow is 6 px low) and inside it: a point beside an edge is
 * lit only by that edge once it is this far from the corner (radius 10 + 27 + 6), so the image's
 * middle rows and columns can be stretched along the node.
 */
const SHADOW_IMAGE = { outside: 34, inside: 44 };

async function main() {
  const { outside, inside } = SHADOW_IMAGE;
  const box = 2 * inside + 2;
  const size = box + 2 * outside;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: size + 40, height: size + 40 }, deviceScaleFactor: 1 });
    await page.setContent(
      `<div style="position:absolute;left:${outside}px;top:${outside}px;width:${box}px;height:${box}px;` +
        `border-radius:${NODE_SHADOW.radius}px;box-shadow:${NODE_SHADOW.shadow}"></div>`,
    );
    const shot = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    const png = PNG.sync.read(shot);
    const out = resolve("src/editor/flow/node-shadow.png");
    writeFileSync(out, PNG.sync.write(png, { colorType: 6, deflateLevel: 9 }));
    console.log(`${out}: ${size}×${size} px, slice ${outside + inside}`);
  } finally {
    await browser.close();
  }
}

await main();
