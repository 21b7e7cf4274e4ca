import { Logger } from '@aws-lambda-powertools/logger';

/** Structured logger (Powertools). Customer names and e-mail addresses never go to logs. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'kokona-backoffice' });
