// One-line structured logging: `level message key=value ...`, so a bad payload or a failure is
// one grep-able line. Tests pass a capturing logger; the CLI uses the console one.

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type LogLevel = keyof Logger;

const maxFieldChars = 300;

export function formatLogLine(level: LogLevel, message: string, fields: LogFields = {}): string {
  const parts = [level, message];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    // JSON-quote values so newlines or spaces in user input cannot break the one-line format.
    // Values often carry client input: a line echoes at most 300 characters of each.
    const capped =
      typeof value === 'string' && value.length > maxFieldChars
        ? `${value.slice(0, maxFieldChars)}… (${value.length} chars)`
        : value;
    const text =
      typeof capped === 'string' && /^[\w.:@/+-]+$/.test(capped) ? capped : JSON.stringify(capped);
    parts.push(`${key}=${text}`);
  }
  return parts.join(' ');
}

/** A logger that hands each formatted line, with its level, to one sink. */
export function createLineLogger(write: (line: string, level: LogLevel) => void): Logger {
  return {
    info: (message, fields) => write(formatLogLine('info', message, fields), 'info'),
    warn: (message, fields) => write(formatLogLine('warn', message, fields), 'warn'),
    error: (message, fields) => write(formatLogLine('error', message, fields), 'error'),
  };
}

export function createConsoleLogger(): Logger {
  return createLineLogger((line, level) => {
    if (level === 'info') console.log(line);
    else if (level === 'warn') console.warn(line);
    else console.error(line);
  });
}

/** Collects the lines in an array (tests, and e2e logs kept on failure). */
export function createCapturingLogger(lines: string[]): Logger {
  return createLineLogger((line) => lines.push(line));
}

export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
