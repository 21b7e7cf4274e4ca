/** The archive and the invoice PDF on AWS (api, mailer): S3 and PDFKit, apart from wiring.ts (see there). */
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Archive } from '#adapters/archive/s3-archive.ts';
import { PdfKitInvoiceDocuments } from '#adapters/pdf/invoice-pdf.ts';
import type { CaptureClient } from '#runtime/observability.ts';

/** The write-once archive on AWS (MONEY-IN A1): S3 with Object Lock, its index in the table; calls traced. */
export function awsArchive(bucket: string, db: DynamoDBDocumentClient, table: string, capture: CaptureClient): S3Archive {
  return new S3Archive(capture(new S3Client({})), bucket, db, table);
}

/** The invoice PDF renderer with the font the function ships next to its bundle (INVOICE_FONT_PATH). */
export function invoiceDocuments(fontPath: string): PdfKitInvoiceDocuments {
  return new PdfKitInvoiceDocuments(join(import.meta.dirname ?? '.', fontPath));
}
