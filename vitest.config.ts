import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'cdktf.out/**'],
    // Lab, SNMP and database tests start real processes and namespaces: give them room, and run
    // files that share host resources (namespaces, ports) one at a time via `fileParallelism`.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // generated code (OpenStack bindings) is made before the first test file loads
    globalSetup: ['./scripts/vitest-global-setup.mjs'],
  },
});
