// Bundles the Node server (server/index.ts) into dist/server.js. Dependencies stay external
// (node_modules is part of the image); the Lua scripts are copied next to the bundle.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist", { recursive: true });
await build({
  entryPoints: ["server/index.ts"],
  outfile: "dist/server.js",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
cpSync("server/store/scripts", "dist/store-scripts", { recursive: true });
console.log("built dist/server.js");
