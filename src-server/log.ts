/** Structured logs: one JSON object per line on stderr, so that tools and people can both read them. */
import { formatWithOptions } from 'node:util';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

export function isLogLevel(s: string): s is LogLevel {
  return s in RANK;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = RANK[level];
  const emit = (lvl: LogLevel) => (event: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < min) return;
    write(JSON.stringify({ t: new Date().toISOString(), level: lvl, event, ...fields }) + '\n');
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** The logger of this process, set once the command line has chosen a level; until then, warnings and up go out. */
let processLogger: Logger = createLogger('warn');

export function setProcessLogger(log: Logger): void {
  processLogger = log;
}

/**
 * A warning from a part of the server that has no logger of its own (a decoder, a library), as one JSON line:
 * `{"level":"warn","event":"module-message","module":...,"message":...}`, the message's lines joined.
 */
export function warnFromModule(module: string, message: string): void {
  processLogger.warn('module-message', { module, message: oneLine(message) });
}

type ConsoleMethod = 'error' | 'warn' | 'info' | 'log' | 'debug';
const CONSOLE_LEVELS: Record<ConsoleMethod, LogLevel> = { error: 'warn', warn: 'warn', info: 'info', log: 'info', debug: 'debug' };
/** "@scope/package: text" or "some-package: text", the way libraries sign what they print. */
const SIGNED = /^\s*(@[\w.-]+\/[\w.-]+|[a-z0-9][\w.]*-[\w.-]+):\s*/i;

/**
 * Sends what libraries print with console.* (the WebAssembly decoders print their errors so) into `log` as JSON
 * lines, so that stderr stays one JSON object per line and stdout holds only the server's own announcements.
 */
export function routeConsoleToLog(log: Logger): void {
  for (const method of Object.keys(CONSOLE_LEVELS) as ConsoleMethod[]) {
    const level = CONSOLE_LEVELS[method];
    console[method] = (...args: unknown[]) => {
      const text = formatWithOptions({ colors: false }, ...args);
      const signed = SIGNED.exec(text);
      const module = signed ? signed[1]! : 'console';
      log[level]('module-message', { module, message: oneLine(signed ? text.slice(signed[0].length) : text) });
    };
  }
}

function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join('; ');
}

/** `log` with `fields` on every line: a cluster worker's lines say which worker wrote them. */
export function withFields(log: Logger, fields: Record<string, unknown>): Logger {
  const wrap = (emit: Logger['info']) => (event: string, more?: Record<string, unknown>) => emit(event, { ...fields, ...more });
  return { debug: wrap(log.debug), info: wrap(log.info), warn: wrap(log.warn), error: wrap(log.error) };
}
