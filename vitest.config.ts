import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources; no build step needed for them.
export default defineConfig({
  resolve: {
    alias: [
      { find: '@metron/core/node', replacement: fileURLToPath(new URL('./packages/core/src/node.ts', import.meta.url)) },
      ...['core', 'stellar', 'parsers', 'enrichment', 'pipeline', 'storage', 'server', 'cli'].map((name) => ({ find: new RegExp(`^@metron/${name}$`), replacement: pkg(name) })),
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A state directory for the run's shared Kafka broker, started lazily and stopped after the run.
    globalSetup: [
      'packages/pipeline/src/bus/kafka/test-support/global-setup.ts',
      // One OpenSearch node per run, shared by the test files (started early when the run may need it).
      'packages/storage/src/opensearch/test-support/global-setup.ts',
    ],
  },
});
