import type { ConsolePayload, Event, ExceptionPayload, SystemPayload, ValuePayload } from '../server/protocol';

export interface Out { stdout(text: string): void; stderr(text: string): void }

export const processOut: Out = {
  stdout: (t) => { process.stdout.write(t); },
  stderr: (t) => { process.stderr.write(t); },
};

/**
 * Prints an execution's events as a terminal user expects: console
 * log/info/debug on stdout, warn/error on stderr, the value's preview unless
 * undefined, exceptions as `Name: message` + `at FILE:LINE:COL`.
 */
export function renderEvent(event: Event, out: Out): void {
  switch (event.type) {
    case 'console': {
      const p = event.payload as ConsolePayload;
      (p.level === 'warn' || p.level === 'error' ? out.stderr : out.stdout)(`${p.text}\n`);
      return;
    }
    case 'value': {
      const p = event.payload as ValuePayload;
      if (p.type !== 'undefined') out.stdout(`${p.preview}\n`);
      return;
    }
    case 'exception': {
      const p = event.payload as ExceptionPayload;
      out.stderr(`${p.name}: ${p.message}\n`);
      if (p.location) out.stderr(`    at ${p.location.path}:${p.location.line}:${p.location.column}\n`);
      return;
    }
    case 'system': {
      const p = event.payload as SystemPayload;
      out.stderr(`[vm-system] ${p.message}\n`);
      return;
    }
    default:
      return; // input_echo: the user typed it
  }
}

/** Renders each event once, whether it came as a notification or in the final answer. */
export class EventPrinter {
  private lastSeq = new Map<string, number>();
  constructor(private readonly out: Out) {}

  print(event: Event): void {
    const last = this.lastSeq.get(event.executionId) ?? 0;
    if (event.seq <= last) return;
    this.lastSeq.set(event.executionId, event.seq);
    renderEvent(event, this.out);
  }
}
