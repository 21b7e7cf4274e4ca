/**
 * Stands in for `brotli/decompress.js` in the invoice renderer's bundle (esbuild `alias`,
 * infra/cdk/bundling.ts). fontkit imports it only to decode WOFF2 fonts; the invoice font is a
 * TrueType file, so it is never called — the real one is ~475 KB of minified code and dictionary.
 * If a WOFF2 font were ever registered, this throws instead of rendering wrongly.
 */
export default function decompress(): never {
  throw new Error('brotli (WOFF2 fonts) is not bundled: the invoice renderer ships a TrueType font (infra/cdk/bundling.ts)');
}
