/**
 * Pure mapping of a cell's execution events to notebook outputs, and of the
 * notebook's metadata to what the kernel needs. No `vscode` import: the
 * controller turns these parts into NotebookCellOutput(Item)s, and the unit
 * tests check the mapping without an editor.
 */
import type { Event, Execution, ExceptionPayload } from '../../server/protocol';

export type OutputPart =
  /** Console and system lines: consecutive parts of the same stream join one output. */
  | { kind: 'stream'; stream: 'stdout' | 'stderr'; text: string }
  /** One output with several representations (VS Code picks the richest it can render). */
  | { kind: 'bundle'; items: Array<{ mime: string; data: string | Uint8Array }>; metadata?: Record<string, unknown> }
  | { kind: 'error'; name: string; message: string; stack: string };

/** Binary MIME types arrive base64-encoded in a display bundle. */
const BASE64_MIMES = /^(image\/(png|jpeg|gif|webp|bmp)|application\/octet-stream)$/;

/** The output part of one event; undefined for what a notebook does not show (input echo, `undefined` values). */
export function outputPart(event: Event, cellLabel: string): OutputPart | undefined {
  switch (event.type) {
    case 'console':
      return { kind: 'stream', stream: event.payload.level === 'warn' || event.payload.level === 'error' ? 'stderr' : 'stdout', text: `${event.payload.text}\n` };
    case 'system':
      return { kind: 'stream', stream: event.payload.level === 'info' ? 'stdout' : 'stderr', text: `${event.payload.message}\n` };
    case 'value': {
      if (event.payload.type === 'undefined') return undefined;
      const items: Array<{ mime: string; data: string }> = [{ mime: 'text/plain', data: event.payload.preview }];
      // Only structured values get the JSON view: for a string or a number VS Code would prefer
      // the JSON renderer over the text (`"abc"` instead of `'abc'`).
      if (event.payload.json !== undefined && (event.payload.type === 'object' || event.payload.type === 'array')) {
        items.unshift({ mime: 'application/json', data: JSON.stringify(event.payload.json) });
      }
      return { kind: 'bundle', items };
    }
    case 'display': {
      const items = Object.entries(event.payload.data).map(([mime, data]) => ({ mime, data: BASE64_MIMES.test(mime) ? base64Bytes(data) : data }));
      return { kind: 'bundle', items, metadata: event.payload.metadata };
    }
    case 'exception':
      return { kind: 'error', ...cellError(event.payload, cellLabel) };
    default:
      return undefined;
  }
}

/** Every output part of a finished execution's events, streams joined. */
export function outputParts(events: readonly Event[], cellLabel: string): OutputPart[] {
  const parts: OutputPart[] = [];
  for (const event of events) {
    const part = outputPart(event, cellLabel);
    if (!part) continue;
    const last = parts[parts.length - 1];
    if (part.kind === 'stream' && last?.kind === 'stream' && last.stream === part.stream) last.text += part.text;
    else parts.push(part);
  }
  return parts;
}

/**
 * The exception with its stack pointing at the cell: REPL input is compiled as
 * `<repl>`, which means nothing in a notebook. A frame in a function an earlier
 * cell defined also reads `<repl>`; the daemon does not tell the inputs apart,
 * so it is named after the running cell too (its line is that cell's own).
 */
export function cellError(p: ExceptionPayload, cellLabel: string): { name: string; message: string; stack: string } {
  const stack = p.stack.replace(/<repl>:(\d+):(\d+)/g, (_m, line: string, column: string) => `${cellLabel}, line ${line}:${column}`);
  return { name: p.name, message: p.message, stack };
}

/** What a cell shows when the run ended without an exception of its own (interrupt, limits). */
export function endNote(execution: Pick<Execution, 'status'> | undefined, hadError: boolean): OutputPart | undefined {
  switch (execution?.status) {
    case 'cancelled': return { kind: 'stream', stream: 'stderr', text: 'Interrupted — the session keeps its state.\n' };
    case 'timeout': return hadError ? undefined : { kind: 'stream', stream: 'stderr', text: 'Stopped: the cell ran longer than the template allows.\n' };
    case 'limit_exceeded': return hadError ? undefined : { kind: 'stream', stream: 'stderr', text: 'Stopped: the cell went over a limit of the template.\n' };
    default: return undefined;
  }
}

export function base64Bytes(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data, 'base64'));
}

// ---- the notebook's metadata (VS Code's ipynb support keeps the file's metadata in `metadata.metadata`) ----

export interface NotebookLink {
  sessionId?: string;
  template?: string;
}

type Metadata = Record<string, unknown> | undefined;

function ipynbMetadata(m: Metadata): Record<string, unknown> {
  const inner = m?.metadata;
  return inner && typeof inner === 'object' ? inner as Record<string, unknown> : {};
}

/** `metadata.vmSystem` of the .ipynb: the session the notebook runs in and its template. */
export function notebookLink(m: Metadata): NotebookLink {
  const v = ipynbMetadata(m).vmSystem as Record<string, unknown> | undefined;
  return {
    sessionId: typeof v?.sessionId === 'string' ? v.sessionId : undefined,
    template: typeof v?.template === 'string' && v.template.trim() ? v.template.trim() : undefined,
  };
}

/** The notebook metadata with `vmSystem` replaced (everything else kept). */
export function withLink(m: Metadata, link: NotebookLink): Record<string, unknown> {
  const inner = ipynbMetadata(m);
  const prev = inner.vmSystem && typeof inner.vmSystem === 'object' ? inner.vmSystem as Record<string, unknown> : {};
  return { ...(m ?? {}), metadata: { ...inner, vmSystem: { ...prev, ...link } } };
}

/** The notebook's language from its kernelspec or language_info (lower case), if any. */
export function notebookLanguage(m: Metadata): string | undefined {
  const inner = ipynbMetadata(m) as { kernelspec?: { language?: unknown }; language_info?: { name?: unknown } };
  const lang = inner.kernelspec?.language ?? inner.language_info?.name;
  return typeof lang === 'string' ? lang.toLowerCase() : undefined;
}

export const NOTEBOOK_LANGUAGES = ['javascript', 'typescript'];

/** Whether the VM System kernel should be the notebook's preferred one. */
export function prefersVmSystem(m: Metadata): boolean {
  const lang = notebookLanguage(m);
  return lang !== undefined && NOTEBOOK_LANGUAGES.includes(lang);
}
