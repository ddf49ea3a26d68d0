/**
 * Runs a command under a pseudo-terminal (python3's pty module relays between
 * our pipes and the terminal), so tests can drive the interactive REPL as a
 * person would: type, press Tab / Ctrl-C / Ctrl-D, wait for output.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

const RELAY = String.raw`
import os, pty, sys, select, fcntl, termios, struct
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])
stdin_open = True
while True:
    r, _, _ = select.select([fd] + ([0] if stdin_open else []), [], [])
    if fd in r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            break
        os.write(1, data)
    if 0 in r:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
        else:
            stdin_open = False
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Z0-9]|\r/g;

export const stripAnsi = (s: string): string => s.replace(ANSI, '');

export interface PtySession {
  proc: ChildProcessWithoutNullStreams;
  /** Everything the terminal showed so far, raw (escape sequences included). */
  raw(): string;
  /** Same, without escape sequences and carriage returns. */
  text(): string;
  write(data: string): void;
  /** Resolves once the visible text after `from` (an index into text()) matches. */
  waitFor(pattern: RegExp, options?: { from?: number; timeoutMs?: number }): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function spawnPty(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): PtySession {
  const proc = spawn('python3', ['-c', RELAY, command, ...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<() => void>();
  proc.stdout.on('data', (d: Buffer) => { output += d.toString('utf8'); for (const w of waiters) w(); });
  proc.stderr.on('data', (d: Buffer) => { output += d.toString('utf8'); for (const w of waiters) w(); });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => { for (const w of waiters) w(); resolve(code); }));
  return {
    proc,
    raw: () => output,
    text: () => stripAnsi(output),
    write: (data) => { proc.stdin.write(data); },
    exited,
    waitFor(pattern, { from = 0, timeoutMs = 15000 } = {}) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = stripAnsi(output).slice(from).match(pattern);
          if (match) { done(); resolve(match); } else if (proc.exitCode !== null) { done(); reject(new Error(`exited before ${pattern}:\n${stripAnsi(output)}`)); }
        };
        const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${pattern}:\n${stripAnsi(output)}`)); }, timeoutMs);
        const done = (): void => { clearTimeout(timer); waiters.delete(check); };
        waiters.add(check);
        check();
      });
    },
  };
}
