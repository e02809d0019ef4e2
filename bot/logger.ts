import pino from 'pino';

export function createLogger(level: string): pino.Logger {
  return pino({
    level,
    base: { service: 'crisis-contact-bot' },
    // Message texts can carry personal data: never log them whole.
    redact: { paths: ['text', '*.text', 'activity.text'], censor: '[redacted]' },
  });
}
