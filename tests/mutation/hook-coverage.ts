/**
 * Under Stryker only (a no-op in any other run): credits the code a test file runs in its hooks to
 * that file's tests, so that Stryker runs those tests, not the whole selection, against its mutants.
 *
 * Stryker's vitest runner records which mutants each test reaches, keyed by the test running at the
 * time; code that runs between tests (a `beforeAll` that starts a test server, an `afterAll` that
 * closes it) runs under no test, so its mutants count as "static" and each runs every related test
 * file, about 50 s here. Yet a `beforeAll` runs again, with the mutant already active, whenever one
 * of its file's tests runs (Stryker turns a runtime mutant on in a `beforeAll` of its own setup
 * file, which comes before this one and the test file's). Code a module runs when it is imported
 * is left as it is: it runs before any hook, with no mutant active unless Stryker reloads it as a
 * static mutant, which it still does for a mutant reached there. See docs/mutation.md.
 */
import { afterAll, beforeAll, inject, type RunnerTestSuite } from 'vitest';

// What Stryker's runner provides to its own setup file (stryker-setup.js), read the same way.
const namespace = inject('globalNamespace' as never) as string | undefined;
const mode = inject('mode' as never) as string | undefined;

interface Coverage {
  static: Record<string, number>;
  perTest: Record<string, Record<string, number>>;
}
interface StrykerGlobal {
  currentTestId?: string;
  mutantCoverage?: Coverage;
}

// Stryker's test id: the file's path, '#', the describe names and the test name joined by spaces.
function testIds(suite: RunnerTestSuite, file: string, names: string[] = []): string[] {
  return suite.tasks.flatMap((task) => {
    const path = [...names, task.name];
    if (task.type === 'suite') return testIds(task, file, path);
    return task.mode === 'skip' || task.mode === 'todo' ? [] : [`${file}#${path.join(' ').trim()}`];
  });
}

if (namespace !== undefined && mode === 'dry-run') {
  // Stryker's setup file, which runs before this one, has made the namespace object.
  const stryker = (globalThis as Record<string, unknown>)[namespace] as StrykerGlobal;
  const hooksId = `hooks of this file#${Math.random()}`;
  let testId: string | undefined;
  let inHooks = false;
  // Stryker's setup file sets currentTestId before each test and clears it after; between tests
  // of this file, it reads as hooksId instead of undefined.
  Object.defineProperty(stryker, 'currentTestId', {
    configurable: true,
    get: () => testId ?? (inHooks ? hooksId : undefined),
    set: (value: string | undefined) => {
      testId = value;
    },
  });
  beforeAll(() => {
    inHooks = true;
  });
  // Runs after the test file's own afterAll hooks (vitest runs them last registered, first run) and
  // before Stryker's, which reports the coverage. Vitest reads the first parameter as a fixture
  // list and refuses anything but a destructuring pattern (stryker-setup.js has the same `{}`).
  // biome-ignore lint/correctness/noEmptyPattern: see above
  afterAll(({}, suite) => {
    inHooks = false;
    const perTest = stryker.mutantCoverage?.perTest;
    const reached = perTest?.[hooksId];
    if (perTest === undefined || reached === undefined) return;
    delete perTest[hooksId];
    for (const id of testIds(suite, suite.file.filepath)) {
      const covered = perTest[id] ?? {};
      for (const [mutant, hits] of Object.entries(reached)) covered[mutant] = (covered[mutant] ?? 0) + hits;
      perTest[id] = covered;
    }
  });
}
