/**
 * The session's `console`. Every call becomes one `console` event (level,
 * text formatted like `util.format`, call-site location when it is in a
 * worktree file) sent to the host through `emit`. The host counts events and
 * bytes against the execution's limits; once it answers false the execution
 * is being stopped and further calls are dropped here.
 */
import * as P from './primordials';
import { formatWithOptions } from './format';
import { inspect, type InspectOptions } from './inspect';
import { renderTable } from './console-table';
import { stackText, worktreeCallSite } from './stack';
import type { HostBridge } from './bridge';

type Level = 'log' | 'info' | 'warn' | 'error' | 'debug';

export function createConsole(bridge: HostBridge, enabled: boolean): Record<string, Function> {
  const counts = new P.MapCtor<string, number>();
  const timers = new P.MapCtor<string, number>();
  let indent = '';

  function emit(level: Level, text: string, entry: Function): void {
    if (!enabled) return;
    if (indent !== '') text = indent + P.StringPrototypeReplace(text, /\n/g, `\n${indent}`);
    const loc = worktreeCallSite(entry);
    bridge.emit(level, text, loc ? loc.path : '', loc ? loc.line : 0, loc ? loc.column : 0);
  }

  function method(level: Level) {
    const fn = function (...args: unknown[]) {
      emit(level, formatWithOptions(undefined, args), fn);
    };
    return fn;
  }

  function elapsed(label: string): string | undefined {
    const start = P.MapPrototypeGet(timers, label);
    if (start === undefined) return undefined;
    const ms = P.DateNow() - start;
    return ms >= 1000 ? `${(ms / 1000).toFixed(3)}s` : `${ms.toFixed(3)}ms`;
  }

  const console: Record<string, Function> = {
    log: method('log'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    debug: method('debug'),
    trace: function trace(...args: unknown[]) {
      emit('error', `Trace${args.length ? `: ${formatWithOptions(undefined, args)}` : ''}${stackText(trace)}`, trace);
    },
    dir: function dir(value: unknown, options?: InspectOptions) {
      emit('log', inspect(value, { customInspect: false, ...(typeof options === 'object' ? options : {}) }), dir);
    },
    dirxml: method('log'),
    table: function table(data: unknown, properties?: string[]) {
      const text = renderTable(data, P.ArrayIsArray(properties) ? properties : undefined);
      emit('log', text ?? formatWithOptions(undefined, [data]), table);
    },
    assert: function assert(condition: unknown, ...args: unknown[]) {
      if (condition) return;
      const first = args[0];
      if (typeof first === 'string') args[0] = `Assertion failed: ${first}`;
      else P.ArrayPrototypeUnshift(args, 'Assertion failed');
      emit('error', formatWithOptions(undefined, args), assert);
    },
    count: function count(label: unknown = 'default') {
      const key = `${label}`;
      const n = (P.MapPrototypeGet(counts, key) ?? 0) + 1;
      P.MapPrototypeSet(counts, key, n);
      emit('log', `${key}: ${n}`, count);
    },
    countReset(label: unknown = 'default') {
      P.MapPrototypeDelete(counts, `${label}`);
    },
    time(label: unknown = 'default') {
      P.MapPrototypeSet(timers, `${label}`, P.DateNow());
    },
    timeLog: function timeLog(label: unknown = 'default', ...data: unknown[]) {
      const t = elapsed(`${label}`);
      if (t !== undefined) emit('log', formatWithOptions(undefined, [`${label}: ${t}`, ...data]), timeLog);
    },
    timeEnd: function timeEnd(label: unknown = 'default') {
      const t = elapsed(`${label}`);
      if (t === undefined) return;
      P.MapPrototypeDelete(timers, `${label}`);
      emit('log', `${label}: ${t}`, timeEnd);
    },
    group: function group(...labels: unknown[]) {
      if (labels.length) emit('log', formatWithOptions(undefined, labels), group);
      indent += '  ';
    },
    groupCollapsed(...labels: unknown[]) {
      console.group(...labels);
    },
    groupEnd() {
      indent = P.StringPrototypeSlice(indent, 0, P.MathMax(0, indent.length - 2));
    },
  };
  return console;
}
