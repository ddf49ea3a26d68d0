/** REPL history persisted beside the database: one entry per line, newest first (as readline keeps it). */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const HISTORY_SIZE = 1000;

export function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

export function saveHistory(file: string, history: readonly string[]): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${history.slice(0, HISTORY_SIZE).join('\n')}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience: a read-only directory must not end the REPL.
  }
}
