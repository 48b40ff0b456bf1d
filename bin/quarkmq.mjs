#!/usr/bin/env node
// The `quarkmq` binary: in a checkout it runs host/cli.ts through tsx (one process, so signals reach the
// broker); in an installed package, where only dist/ is shipped, it runs the compiled dist/cli.js.
import { existsSync } from "node:fs";

const source = new URL("../host/cli.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import("../dist/cli.js");
}
