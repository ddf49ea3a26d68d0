/**
 * An execution's events as a terminal user expects them. Zod-free: the fast
 * path (cli/fast) imports this.
 */
import type { Event, ValuePayload } from '../server/protocol';
import { paintFor, type Paint } from './format/color';
import { processTerminal, type Terminal } from './terminal';

export interface Out { stdout(text: string): void; stderr(text: string): void }

/** A terminal's two streams as an Out. */
export function outOf(term: Terminal): Out {
  return { stdout: (t) => term.stdout.write(t), stderr: (t) => term.stderr.write(t) };
}

export const processOut: Out = outOf(processTerminal);

export interface RenderOptions {
  /** Print `undefined` values too (the interactive REPL does, dimmed). */
  showUndefined?: boolean;
  /** Colours for what goes to stdout / stderr. */
  outPaint?: Paint;
  errPaint?: Paint;
}

const plain = paintFor(false);

/**
 * console log/info/debug on stdout, warn/error on stderr, the value's preview
 * unless undefined, exceptions as `Name: message` + `    at FILE:LINE:COL`,
 * system messages (limits, timeouts, cancellation) as `[vm-system] …` on stderr,
 * `display` bundles as their `text/plain` part on stdout (a terminal shows no HTML).
 */
export function renderEvent(event: Event, out: Out, options: RenderOptions = {}): void {
  const o = options.outPaint ?? plain;
  const e = options.errPaint ?? plain;
  switch (event.type) {
    case 'console': {
      const p = event.payload;
      if (p.level === 'warn') out.stderr(`${e.yellow(p.text)}\n`);
      else if (p.level === 'error') out.stderr(`${e.red(p.text)}\n`);
      else out.stdout(`${p.level === 'debug' ? o.dim(p.text) : p.text}\n`);
      return;
    }
    case 'value': {
      const p = event.payload;
      if (p.type !== 'undefined') out.stdout(`${colorValue(o, p)}\n`);
      else if (options.showUndefined) out.stdout(`${o.dim('undefined')}\n`);
      return;
    }
    case 'exception': {
      const p = event.payload;
      out.stderr(`${e.red(`${p.name}: ${p.message}`)}\n`);
      if (p.location) out.stderr(`${e.dim(`    at ${p.location.path}:${p.location.line}:${p.location.column}`)}\n`);
      return;
    }
    case 'system': {
      const p = event.payload;
      out.stderr(`${e.yellow(`[vm-system] ${p.message}`)}\n`);
      return;
    }
    case 'display': {
      const p = event.payload;
      out.stdout(`${p.data['text/plain'] ?? ''}\n`);
      return;
    }
    default:
      return; // input_echo: the user typed it
  }
}

function colorValue(paint: Paint, p: ValuePayload): string {
  switch (p.type) {
    case 'number': case 'bigint': case 'boolean': return paint.yellow(p.preview);
    case 'string': return paint.green(p.preview);
    case 'null': return paint.bold(p.preview);
    case 'function': case 'symbol': return paint.cyan(p.preview);
    case 'regexp': case 'date': return paint.magenta(p.preview);
    default: return p.preview;
  }
}

/** Renders each event once, whether it came as a notification or in the final answer. */
export class EventPrinter {
  private readonly last = new Map<string, Event>();
  constructor(private readonly out: Out, private readonly options: RenderOptions = {}) {}

  print(event: Event): void {
    if (event.seq <= (this.last.get(event.executionId)?.seq ?? 0)) return;
    this.last.set(event.executionId, event);
    renderEvent(event, this.out, this.options);
  }

  /** The last event printed of an execution. */
  lastPrinted(executionId: string): Event | undefined {
    return this.last.get(executionId);
  }
}
