/**
 * What every client command shares: global options, the daemon connection,
 * printing a result as JSON or for people, option parsers.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { TemplatesList } from '../server/protocol';
import { requireShared, type DaemonClient } from './connect';
import { resolveDbPath } from './daemon/paths';
import { CliExit, EXIT } from './exit-codes';
import { stdoutPaint, type Paint } from './format/color';
import { terminalOf, type Terminal } from './terminal';

export interface Globals {
  dbPath: string;
  json: boolean;
  /** Where the command writes, its environment and working directory. */
  term: Terminal;
}

export function globalsOf(cmd: Command): Globals {
  const o = cmd.optsWithGlobals<{ db?: string; json?: boolean }>();
  const term = terminalOf(cmd);
  return { dbPath: resolveDbPath(o.db, term.env, term.cwd), json: Boolean(o.json), term };
}

export interface Kit extends Globals {
  client: DaemonClient;
  call: DaemonClient['call'];
  paint: Paint;
  /** `--json`: the result as one JSON document; else the human rendering. */
  print<T>(result: T, human: (result: T, paint: Paint) => string): void;
}

export function makePrinter(json: boolean, paint: Paint, term: Terminal): Kit['print'] {
  return (result, human) => {
    term.stdout.write(json ? `${JSON.stringify(result)}\n` : human(result, paint));
  };
}

/** Runs `fn` against the shared daemon of the command's database (started when none runs). */
export async function withDaemon(cmd: Command, fn: (kit: Kit) => Promise<void>): Promise<void> {
  const globals = globalsOf(cmd);
  const client = await requireShared(globals.dbPath, globals.term);
  const paint = stdoutPaint(globals.term);
  try {
    await fn({ ...globals, client, call: client.call, paint, print: makePrinter(globals.json, paint, globals.term) });
  } finally {
    await client.close();
  }
}

/** Template ids are UUIDs; a name is accepted too and means the newest template of that name. */
export async function templateIdOf(call: DaemonClient['call'], idOrName: string): Promise<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(idOrName)) return idOrName;
  const template = (await call(TemplatesList, { name: idOrName })).templates.at(-1);
  if (!template) throw new CliExit(EXIT.USAGE, `vm-system: TEMPLATE_NOT_FOUND: no template with id or name "${idOrName}"`);
  return template.id;
}

export function intOption(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected an integer ≥ ${min}` : `expected an integer in ${min}..${max}`);
    }
    return n;
  };
}

/** Parses a JSON object flag (`--args`, `--config`); a usage error otherwise. */
export function jsonObject(flag: string, raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch { /* reported below */ }
  throw new CliExit(EXIT.USAGE, `vm-system: ${flag} must be a JSON object, e.g. ${flag} '{"n": 3}'`);
}
