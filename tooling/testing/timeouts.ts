/**
 * How long a test file's set-up may take when it compiles C plugins with gcc. Bun gives hooks the
 * 5 s test default, which a machine busy with other builds (two cores, the whole suite in one
 * process) can pass while gcc is still running; the tests themselves keep the default.
 */
export const BUILD_HOOK_TIMEOUT = 120_000;

/**
 * How long a test may take that starts several server processes and talks to a real database
 * and object store through them: each start is a Bun process, and the machine is shared.
 */
export const PROCESS_TEST_TIMEOUT = 60_000;

/**
 * How long a release test may take for one step that installs packages, publishes or builds a
 * whole workspace: minutes on a busy machine, and a first `bun add -g` downloads from npm.
 */
export const RELEASE_STEP_TIMEOUT = 300_000;
