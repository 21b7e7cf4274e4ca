import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The api function logs one line per request at INFO: tests keep WARN and up (the request-id test raises it).
    // AWS_XRAY_MANUAL_MODE: as every local entry point sets it (infra/local/local-env.ts).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'WARN', AWS_XRAY_MANUAL_MODE: 'true' },
  },
});
