// Builds dist/ for the npm package: ESM JavaScript and declarations by tsc (dist/), and a CommonJS
// bundle of the library by esbuild (dist/cjs/, marked "type": "commonjs", with its own declarations).
// build/core.wasm is found from both, because dist/core/ and dist/cjs/ both sit two levels below the root.
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));

function run(args) {
  const result = spawnSync(process.execPath, [tsc, ...args], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
run(["-p", "tsconfig.build.json"]);
// The same declarations serve CommonJS once they sit under dist/cjs/ (its package.json says "commonjs").
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
for (const file of readdirSync(dist, { recursive: true })) {
  if (file.endsWith(".d.ts")) cpSync(dist + file, `${dist}cjs/${file}`);
}
await build({
  absWorkingDir: root,
  entryPoints: ["host/index.ts"],
  outfile: "dist/cjs/index.js",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  logLevel: "warning",
  // import.meta.url does not exist in CommonJS: give the bundle its own file URL instead.
  define: { "import.meta.url": "__quarkmqFileUrl" },
  banner: { js: 'const __quarkmqFileUrl = require("node:url").pathToFileURL(__filename).href;' },
});
writeFileSync(new URL("../dist/cjs/package.json", import.meta.url), '{ "type": "commonjs" }\n');
