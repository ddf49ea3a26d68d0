import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, tempDir } from './daemon';

export const BIN = path.join(ROOT, 'bin/vm-system.js');

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Runs the installed command (bin shim → dist/cli.js) as a user would. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', VM_SYSTEM_DB: path.join(tempDir(), 'cli.db'), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: vm-system ${args.join(' ')}\n${stderr}`)); }, options.timeoutMs ?? 20000);
    child.on('error', reject);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(options.input ?? '');
  });
}
