/**
 * Prints `tests: N passed, N failed` as the last line of a run, for CI to read. A test file that
 * crashes before its tests run has no failed test, so it counts as one failure here.
 * Jest's own summary is printed by a reporter that runs after this one, and jest may warn after
 * that (open handles), so the line is printed when the process exits; in watch mode at once.
 */
class SummaryReporter {
  constructor(globalConfig) {
    this.watching = Boolean(globalConfig.watch || globalConfig.watchAll);
    this.line = undefined;
  }

  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `tests: ${results.numPassedTests} passed, ${failed} failed\n`;
    if (this.watching) {
      process.stdout.write(line);
      return;
    }
    if (this.line === undefined) process.once('exit', () => process.stdout.write(this.line));
    this.line = line;
  }
}

module.exports = SummaryReporter;
