/**
 * Where the hub's own files are (migrations, the Remix build, public assets), found from this
 * module's location rather than the working directory, so `node /app/dist/server.js` works
 * from anywhere. Development runs from server/, production from dist/.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export const APP_ROOT = findRoot();
export const PUBLIC_DIR = path.join(APP_ROOT, "public");
export const REMIX_BUILD = path.join(APP_ROOT, "build", "index.js");
