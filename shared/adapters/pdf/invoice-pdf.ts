/**
 * The invoice document (MONEY-IN V1–V3): A4 portrait, 請求書（適格請求書）, with PDFKit and a Japanese
 * TrueType font embedded as a subset (Noto Sans JP, SIL OFL — the licence travels with the font).
 * Deterministic: fixed metadata dates (the issue date), so the same invoice gives the same bytes and
 * its SHA-256 identifies it. The layout is in invoice-pdf-render.ts.
 * The renderer (PDFKit, fontkit) is loaded on first use only: in a Lambda bundle it is a separate
 * file beside index.mjs (INVOICE_PDF_CHUNK, infra/cdk/bundling.ts), so a cold start never loads it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Invoice } from '#domain/invoices.ts';
import type { InvoiceDocuments } from '#use-cases/ports.ts';
import type * as RendererModule from './invoice-pdf-render.ts';

/** The font shipped with the project (npm @expo-google-fonts/noto-sans-jp); Lambda bundles it beside the code. */
export function defaultFontPath(): string {
  return createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf');
}

// A type-only import: erased from the bundle, so the renderer stays in its own file.
type Renderer = typeof RendererModule;
/**
 * Set by esbuild's `define` in a Lambda bundle to the renderer's file name, relative to index.mjs;
 * undeclared (typeof 'undefined') under tsx and vitest, where the TypeScript module is imported.
 */
declare const INVOICE_PDF_CHUNK: string | undefined;
const loadRenderer = (): Promise<Renderer> =>
  typeof INVOICE_PDF_CHUNK === 'string'
    ? (import(new URL(INVOICE_PDF_CHUNK, import.meta.url).href) as Promise<Renderer>)
    : import('./invoice-pdf-render.ts');

export class PdfKitInvoiceDocuments implements InvoiceDocuments {
  private font: Buffer | null = null;
  private renderer: Promise<Renderer> | null = null;
  constructor(private readonly fontPath: string = process.env.INVOICE_FONT_PATH ?? defaultFontPath()) {}

  async pdf(inv: Invoice): Promise<Uint8Array> {
    this.renderer ??= loadRenderer().catch((e: unknown) => {
      this.renderer = null; // a failed load is retried by the next call
      throw e;
    });
    const { renderInvoicePdf } = await this.renderer;
    this.font ??= readFileSync(this.fontPath);
    return renderInvoicePdf(inv, this.font);
  }
}
