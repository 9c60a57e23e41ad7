import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout. Tokens must never reach a log line: we never log URLs with query strings, and the
 * redaction below is the safety net for anything that slips through.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'tandem' },
      redact: {
        paths: ['token', '*.token', 'editToken', 'viewToken', 'authorization', '*.authorization', 'headers.authorization'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
