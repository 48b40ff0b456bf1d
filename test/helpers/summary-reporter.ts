// Prints the one closing line CI reads: "vitest: P passed, F failed, S skipped".
import type { Reporter, TestModule } from "vitest/node";

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0, failed = 0, skipped = 0;
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failedHere++;
        else skipped++;
      }
      // A file that failed with no failing test (an error at import, or in beforeAll, which leaves its
      // tests "skipped") still counts as one failure, so the closing line never reads 0 failed then.
      failed += failedHere > 0 || module.state() !== "failed" ? failedHere : 1;
    }
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
