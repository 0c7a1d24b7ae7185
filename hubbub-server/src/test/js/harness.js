// The shared frame of our Node test scripts: a watchdog, the sockets to close at the end, and the
// "OK <details>" / "FAIL <reason>" protocol the Java tests read (exit 0 or 1).
"use strict";

module.exports = function harness(timeoutMs) {
  const opened = [];
  function fail(error) {
    console.log("FAIL " + (error && error.stack ? error.stack : error));
    process.exit(1);
  }
  const watchdog = setTimeout(() => fail(new Error("timeout")), timeoutMs);
  /** Runs one async check; prints OK with what it returned. */
  function finish(check) {
    (async () => {
      const details = await check();
      clearTimeout(watchdog);
      opened.forEach((s) => s.close());
      console.log("OK " + details);
      process.exit(0);
    })().catch(fail);
  }
  /** Runs the named scenario of a table of scenarios. */
  function runScenario(scenarios, name) {
    const run = scenarios[name];
    if (!run) fail(new Error("unknown scenario " + name));
    finish(run);
  }
  return { opened, fail, finish, runScenario };
};
