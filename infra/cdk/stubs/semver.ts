/**
 * Stands in for `semver` in every bundle (esbuild `alias`, infra/cdk/bundling.ts). aws-xray-sdk-core
 * (under Powertools' Tracer) requires it only in its AWS SDK v2 patcher (`captureAWS`, to check
 * `AWS.VERSION`); the functions capture SDK v3 clients (`captureAWSv3Client`) and never call it. The
 * real package is ~28 KB minified in every function. If the v2 patcher were ever called, this throws.
 */
export function gte(): never {
  throw new Error('semver is not bundled: only aws-xray-sdk-core captureAWS (AWS SDK v2) uses it (infra/cdk/bundling.ts)');
}
