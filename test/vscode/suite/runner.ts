/**
 * A tiny test runner for the extension host (no mocha needed): tests run in
 * order, each with a deadline; results go to the console (forwarded to the
 * browser) and to $VMS_E2E_RESULTS as JSON; a failure makes run() reject,
 * which VS Code turns into exit code 1 (`codeAutomationExit`).
 */
import { writeFileSync } from 'node:fs';

interface Case {
  name: string;
  fn: () => Promise<void>;
  timeoutMs: number;
}

const cases: Case[] = [];

export function test(name: string, fn: () => Promise<void>, timeoutMs = 30000): void {
  cases.push({ name, fn, timeoutMs });
}

export interface Result {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export async function runAll(): Promise<void> {
  const results: Result[] = [];
  for (const c of cases) {
    const start = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        c.fn(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs} ms`)), c.timeoutMs); }),
      ]);
      results.push({ name: c.name, ok: true, ms: Date.now() - start });
      console.log(`[vms-e2e] ok - ${c.name} (${Date.now() - start} ms)`);
    } catch (err) {
      const error = err instanceof Error ? err.stack ?? err.message : String(err);
      results.push({ name: c.name, ok: false, ms: Date.now() - start, error });
      console.log(`[vms-e2e] not ok - ${c.name}\n${error}`);
    } finally {
      clearTimeout(timer);
    }
  }
  if (process.env.VMS_E2E_RESULTS) writeFileSync(process.env.VMS_E2E_RESULTS, JSON.stringify(results, null, 2));
  const failed = results.filter((r) => !r.ok).length;
  if (failed) throw new Error(`${failed} of ${results.length} extension-host tests failed`);
}

/** Polls `check` until it returns a truthy value; no fixed sleeps. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
