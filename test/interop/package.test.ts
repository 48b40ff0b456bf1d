// The npm package as a user gets it: `npm pack`, installed from the tarball into an empty project (dependencies
// from the npm cache first), then used as ESM, as CommonJS, through its type declarations and via `npx quarkmq`.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsc = join(root, "node_modules/typescript/bin/tsc");
const work = mkdtempSync(join(tmpdir(), "quarkmq-package-"));
const project = join(work, "project");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string; scripts: Record<string, string> };
let packed: string[] = [];

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** Starts a broker on a free port through the installed package and closes it: proves the wasm loads. */
const probe = (load: string) => `
${load}
const broker = await createBroker({ tcp: { port: 0, host: "127.0.0.1" }, logLevel: "silent" });
const address = await broker.listen();
await broker.close();
console.log(JSON.stringify({ port: address.port }));
`;

beforeAll(() => {
  // dist/ is built here rather than by prepack so build/core.wasm (built by pretest) is not rewritten under
  // other test files; prepack is checked to run the same build below.
  run(process.execPath, [join(root, "scripts/build-dist.mjs")], root);
  const out = run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], root);
  const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  packed = info.files.map((f) => f.path);
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "probe", private: true }));
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, info.filename)], project);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm package", () => {
  it("builds dist/ before packing", () => {
    expect(pkg.scripts.prepack).toBe("npm run build");
    expect(pkg.scripts.build).toContain("build:dist");
  });

  it("ships dist, the wasm core and the binary, not the sources", () => {
    for (const path of ["dist/index.js", "dist/index.d.ts", "dist/cjs/index.js", "dist/cjs/index.d.ts",
      "dist/cjs/package.json", "dist/cli.js", "build/core.wasm", "bin/quarkmq.mjs", "quarkmq.example.yaml"]) {
      expect(packed).toContain(path);
    }
    expect(packed.filter((p) => p.startsWith("host/") || p.startsWith("assembly/") || p.startsWith("test/"))).toEqual([]);
  });

  it("imports as ESM and runs a broker", () => {
    writeFileSync(join(project, "esm.mjs"), probe('import { createBroker } from "quarkmq";'));
    const { port } = JSON.parse(run(process.execPath, ["esm.mjs"], project)) as { port: number };
    expect(port).toBeGreaterThan(0);
  });

  it("requires as CommonJS and runs a broker", () => {
    writeFileSync(join(project, "cjs.cjs"), `(async () => {${probe('const { createBroker } = require("quarkmq");')}})();`);
    const { port } = JSON.parse(run(process.execPath, ["cjs.cjs"], project)) as { port: number };
    expect(port).toBeGreaterThan(0);
  });

  it("type-checks from ESM and CommonJS TypeScript (module nodenext)", () => {
    const use = "export const start = (): Promise<unknown> => createBroker({ maxPacketSize: 1024 }).then((b) => b.listen());\n";
    writeFileSync(join(project, "a.mts"), `import { createBroker } from "quarkmq";\n${use}`);
    writeFileSync(join(project, "b.cts"), `import quarkmq = require("quarkmq");\nconst { createBroker } = quarkmq;\n${use}`);
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({
      compilerOptions: { module: "nodenext", moduleResolution: "nodenext", target: "es2022", strict: true, noEmit: true,
        skipLibCheck: true, lib: ["es2023", "dom"], types: ["node"], typeRoots: [join(root, "node_modules/@types")] },
      files: ["a.mts", "b.cts"],
    }));
    expect(existsSync(join(project, "node_modules/quarkmq/dist/index.d.ts"))).toBe(true);
    expect(run(process.execPath, [tsc, "-p", "tsconfig.json"], project)).toBe("");
  }, 90_000);

  it("runs `npx quarkmq --version`", () => {
    expect(execFileSync("npx", ["--offline", "quarkmq", "--version"], { cwd: project, encoding: "utf8" }).trim()).toBe(pkg.version);
  }, 60_000);
});
