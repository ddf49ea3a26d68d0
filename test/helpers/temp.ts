/**
 * Temporary folders of a test file, removed when its process exits (node
 * --test runs each file in a process of its own): `npm test` leaves nothing
 * behind in TMPDIR, whichever way a test ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
});

export function tempDir(prefix = 'vmsys-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
