// One-line structured logging: `level message key=value ...`, so a bad payload or a failure is
// one grep-able line. Tests pass a capturing logger; the CLI uses the console one.

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type LogLevel = keyof Logger;

export function formatLogLine(level: LogLevel, message: string, fields: LogFields = {}): string {
  const parts = [level, message];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    // JSON-quote values so newlines or spaces in user input cannot break the one-line format.
    const text =
      typeof value === 'string' && /^[\w.:@/+-]+$/.test(value) ? value : JSON.stringify(value);
    parts.push(`${key}=${text}`);
  }
  return parts.join(' ');
}

export function createConsoleLogger(): Logger {
  return {
    info: (message, fields) => console.log(formatLogLine('info', message, fields)),
    warn: (message, fields) => console.warn(formatLogLine('warn', message, fields)),
    error: (message, fields) => console.error(formatLogLine('error', message, fields)),
  };
}

export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
