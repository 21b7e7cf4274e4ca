/**
 * Imported first by every local entry point (npm start, simulate, daily, the bench): process settings
 * that must be in place before any other module is evaluated (ESM evaluates imports in order).
 *  - AWS_XRAY_MANUAL_MODE: at import, aws-xray-sdk-core (under Powertools' Tracer) otherwise creates a
 *    cls-hooked namespace whose async hook (with a destroy callback) follows every promise of the
 *    process. Tracer is disabled off Lambda, so the hook only cost time: 6 % of the test clock's CPU plus
 *    garbage collection. On AWS nothing sets it (automatic mode, as the functions trace). Since the
 *    Tracer moved to shared/runtime/tracing.ts (composition roots only) no local path loads the SDK;
 *    kept as a guard.
 *  - the AWS SDK's warning about the Node version (local runs only).
 */
process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export {};
