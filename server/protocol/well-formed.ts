/**
 * Strings in params must be well-formed UTF-16: a lone surrogate cannot be
 * stored as UTF-8 exactly (SQLite replaces it, and can swallow the character
 * after it), so what `sessions/restart {replay: true}` would run could differ
 * from what ran. Such input is refused (VALIDATION_ERROR) before anything
 * runs or is stored — every method, every string, keys included.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Step { key: string; up: Step | undefined }

const dotted = (step: Step | undefined): string => {
  const keys: string[] = [];
  for (let s = step; s; s = s.up) keys.unshift(s.key);
  return keys.join('.') || 'params';
};

/** The dotted path of the first string (or key) holding a lone surrogate; undefined when all are well-formed. */
export function illFormedField(params: unknown): string | undefined {
  // Iterative, paths as links to their parent: params nested deeper than the stack must not throw here.
  const todo: Array<[unknown, Step | undefined]> = [[params, undefined]];
  for (let next = todo.pop(); next; next = todo.pop()) {
    const [value, at] = next;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return dotted(at);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, item] = entries[i];
      const step = { key, up: at };
      if (LONE_SURROGATE.test(key)) return dotted(step);
      todo.push([item, step]);
    }
  }
  return undefined;
}
