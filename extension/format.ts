/**
 * Pure formatting: contract events and executions → text lines, inline
 * annotations, stack frames, status texts. No `vscode` import here, so all of
 * it is unit-tested with node's test runner.
 */
import type {
  ConsolePayload, Event, ExceptionPayload, Execution, ExecutionKind,
  ExecutionStatus, InputEchoPayload, SourceLocation, SystemPayload, ValuePayload,
} from '../server/protocol';

export type LineLevel = 'log' | 'info' | 'warn' | 'error' | 'debug' | 'input' | 'value' | 'system';

export interface Line {
  text: string;
  level: LineLevel;
}

/** Text lines of one event, as the `VM System` output channel shows them. */
export function eventLines(event: Event, kind: ExecutionKind): Line[] {
  switch (event.type) {
    case 'input_echo': return inputLines(event.payload, kind);
    case 'console': return consoleLines(event.payload);
    case 'value': return valueLines(event.payload, kind);
    case 'exception': return [{ text: exceptionText(event.payload), level: 'error' }];
    case 'system': return [systemLine(event.payload)];
    default: return [];
  }
}

function inputLines(p: InputEchoPayload, kind: ExecutionKind): Line[] {
  if ('text' in p) {
    return p.text.split('\n').map((l, i) => ({ text: `${i === 0 ? '›' : '…'} ${l}`, level: 'input' as const }));
  }
  // run_file: the header line already names the file.
  return kind === 'run_file' ? [] : [{ text: `› ${p.path}`, level: 'input' }];
}

function consoleLines(p: ConsolePayload): Line[] {
  const prefix = p.level === 'log' ? '' : `[${p.level}] `;
  return [{ text: prefix + p.text, level: p.level }];
}

function valueLines(p: ValuePayload, kind: ExecutionKind): Line[] {
  // A file's completion value is rarely meaningful when it is `undefined`.
  if (kind !== 'repl' && p.type === 'undefined') return [];
  return [{ text: `⇒ ${p.preview}`, level: 'value' }];
}

function systemLine(p: SystemPayload): Line {
  return { text: `[system] ${p.message}`, level: p.level === 'info' ? 'system' : p.level };
}

/** `Name: message` followed by the stack frames (V8's stack already starts with the first line). */
export function exceptionText(p: ExceptionPayload): string {
  const head = `${p.name}: ${p.message}`;
  if (!p.stack) return head;
  return p.stack.startsWith(p.name) || p.stack.startsWith(head) ? p.stack : `${head}\n${p.stack}`;
}

const STATUS_MARK: Record<ExecutionStatus, string> = {
  running: '…', ok: '✓', error: '✗', timeout: '⏱', cancelled: '■', limit_exceeded: '⚠', interrupted: '⚠',
};

/** Closing line of an execution: `✓ ok · 12 ms`. */
export function footerLine(execution: Pick<Execution, 'status' | 'metrics'>): Line {
  const ms = Math.round(execution.metrics.wallMs);
  const level: LineLevel = execution.status === 'ok' ? 'system' : execution.status === 'cancelled' ? 'warn' : 'error';
  return { text: `${STATUS_MARK[execution.status]} ${execution.status.replace('_', ' ')} · ${ms} ms`, level };
}

/** Opening line of a run: `▶ src/main.js  (watch, default)`. */
export function headerLine(title: string, tags: ReadonlyArray<string | undefined> = []): Line {
  const t = tags.filter(Boolean);
  return { text: `▶ ${title}${t.length ? `  (${t.join(', ')})` : ''}`, level: 'system' };
}

/** One line of at most `max` characters: newlines folded, the rest elided with `…`. */
export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s*\n\s*/g, ' ⏎ ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** 1-based contract location → 0-based position. */
export function toPosition(loc: Pick<SourceLocation, 'line' | 'column'>): { line: number; character: number } {
  return { line: Math.max(0, loc.line - 1), character: Math.max(0, loc.column - 1) };
}

/** Worktree-relative path with forward slashes, or undefined when `file` is outside `root`. */
export function relativePath(root: string, file: string, sep = '/'): string | undefined {
  const norm = (p: string) => p.split(sep).join('/').replace(/\/+$/, '');
  const r = norm(root);
  const f = norm(file);
  if (!f.startsWith(`${r}/`)) return undefined;
  const rel = f.slice(r.length + 1);
  return rel.split('/').includes('..') ? undefined : rel;
}

export type AnnotationKind = 'value' | 'console' | 'error';

export interface Annotation {
  /** Worktree-relative path of the file the annotation belongs to. */
  path: string;
  /** 0-based line. */
  line: number;
  kind: AnnotationKind;
  text: string;
}

export interface AnnotationTarget {
  /** File that was run (or that holds the selection), worktree-relative. */
  path: string;
  /** 0-based line where the value goes: the last non-blank line of the file, or the selection's last line. */
  valueLine: number;
  /** 0-based first line of the run selection; exceptions without a location go there. */
  fallbackLine?: number;
}

/**
 * After-line annotations of one execution: the value at `valueLine`, each
 * console line that carries its call site at that line (same-line logs are
 * joined), and the exception at its location.
 */
export function inlineAnnotations(events: readonly Event[], target: AnnotationTarget, max = 100): Annotation[] {
  const byLine = new Map<string, Annotation>();
  const add = (a: Annotation) => {
    const key = `${a.path}\0${a.line}\0${a.kind}`;
    const prev = byLine.get(key);
    if (!prev) byLine.set(key, a);
    else if (!prev.text.endsWith('…')) prev.text = oneLine(`${prev.text} · ${a.text}`, max);
  };
  for (const e of events) {
    if (e.type === 'console' && e.payload.location) {
      add({ path: e.payload.location.path, line: toPosition(e.payload.location).line, kind: 'console', text: oneLine(e.payload.text, max) });
    } else if (e.type === 'value' && e.payload.type !== 'undefined') {
      add({ path: target.path, line: target.valueLine, kind: 'value', text: `⇒ ${oneLine(e.payload.preview, max)}` });
    } else if (e.type === 'exception') {
      const loc = e.payload.location;
      const line = loc ? toPosition(loc).line : target.fallbackLine;
      if (line !== undefined) add({ path: loc?.path ?? target.path, line, kind: 'error', text: `✗ ${oneLine(`${e.payload.name}: ${e.payload.message}`, max)}` });
    }
  }
  return [...byLine.values()];
}

/** 0-based index of the last line that is not blank (0 for an empty text). */
export function lastNonBlankLine(text: string): number {
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) if (lines[i].trim() !== '') return i;
  return 0;
}

export interface StackFrame {
  path: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface StackLine {
  text: string;
  frame?: StackFrame;
}

/**
 * Keeps the links of frames in the worktree (relative paths, or absolute ones
 * under `root`, made relative); other frames (the daemon's own code) stay text.
 */
export function worktreeFrames(lines: readonly StackLine[], root: string): StackLine[] {
  return lines.map((l) => {
    if (!l.frame) return l;
    if (!l.frame.path.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(l.frame.path)) return l;
    const rel = relativePath(root, l.frame.path);
    return rel ? { text: l.text, frame: { ...l.frame, path: rel } } : { text: l.text };
  });
}

/** `at fn (file:1:2)`, `at new X (file:1:2)`, `at async fn (file:1:2)`. */
const FRAME_PAREN = /^\s*at .*\(([^()]+):(\d+):(\d+)\)\s*$/;
/** `at file:1:2`, `at async file:1:2`. */
const FRAME_BARE = /^\s*at (?:async )?([^\s()]+):(\d+):(\d+)\s*$/;

/** Stack text → lines; frames that point at a file (not `<anonymous>`, `node:`…) carry a location. */
export function parseStack(stack: string): StackLine[] {
  return stack.split('\n').filter((l) => l.trim() !== '').map((text) => {
    const m = FRAME_PAREN.exec(text) ?? FRAME_BARE.exec(text);
    if (!m) return { text };
    const file = m[1].replace(/^file:\/\//, '');
    if (/^(<|node:|evalmachine|internal\/)/.test(file) || file.includes('<isolated-vm')) return { text };
    return { text, frame: { path: file, line: Number(m[2]), column: Number(m[3]) } };
  });
}

export type SessionState = 'idle' | 'starting' | 'ready' | 'running' | 'crashed' | 'closed' | 'stopped';

export interface StatusView {
  text: string;
  tooltip: string;
  error: boolean;
}

/** Text of the session status bar item. */
export function statusView(state: SessionState, template: string, detail?: string): StatusView {
  const icon: Record<SessionState, string> = {
    idle: '$(vm)', starting: '$(loading~spin)', ready: '$(vm-active)', running: '$(sync~spin)',
    crashed: '$(error)', closed: '$(vm-outline)', stopped: '$(debug-disconnect)',
  };
  const label = state === 'idle' ? 'no session' : state === 'stopped' ? 'daemon stopped' : state;
  const tip = [`VM System — session ${label}, template "${template}"`, detail, 'Click to open the REPL'].filter(Boolean).join('\n');
  return { text: `${icon[state]} VM: ${label} · ${template}`, tooltip: tip, error: state === 'crashed' || state === 'stopped' };
}

/** Status bar text for running watches, e.g. `watching main.js` or `watching main.js +1`. */
export function watchText(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined;
  const base = paths[0].split('/').pop() ?? paths[0];
  return `$(eye) watching ${base}${paths.length > 1 ? ` +${paths.length - 1}` : ''}`;
}

/**
 * The package a "Cannot find package" exception names, when adding it to the
 * template could help (not for a link out of the worktree, nor for a name
 * that is no package); undefined otherwise.
 */
export function missingPackageOf(exception: Pick<ExceptionPayload, 'message'>): string | undefined {
  const m = /^Cannot find package '([^']+)': looked in /.exec(exception.message);
  if (!m) return undefined;
  // `date-fns/format` → `date-fns`, `@scope/pkg/sub` → `@scope/pkg`.
  const parts = m[1].split('/');
  return parts.slice(0, m[1].startsWith('@') ? 2 : 1).join('/');
}
