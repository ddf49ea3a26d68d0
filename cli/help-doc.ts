/**
 * The command reference of docs/cli.md, generated from the commander tree so
 * it cannot drift from `--help`: a test compares the file with this output,
 * and `npx tsx cli/help-doc.ts` rewrites it. Not part of the bundle.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from './program';

export const BEGIN = '<!-- generated from cli/ by `npx tsx cli/help-doc.ts`: do not edit by hand -->';
export const END = '<!-- end of generated reference -->';

/** `--help` as a non-terminal prints it (80 columns). */
export function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({
    writeOut: (s) => { text += s; },
    getOutHelpWidth: () => 80, getErrHelpWidth: () => 80, getOutHasColors: () => false, getErrHasColors: () => false,
  });
  command.outputHelp();
  return text;
}

/** Every command with its full name, depth first, in registration order. */
export function allCommands(program: Command = buildProgram()): Array<{ name: string; command: Command }> {
  const out: Array<{ name: string; command: Command }> = [];
  const walk = (cmd: Command, prefix: string): void => {
    const name = prefix ? `${prefix} ${cmd.name()}` : cmd.name();
    out.push({ name, command: cmd });
    for (const sub of cmd.commands) walk(sub, name);
  };
  walk(program, '');
  return out;
}

export function renderReference(): string {
  const lines = [BEGIN, '', '## Command reference', '', 'The `--help` of every command, as printed on a non-terminal.', ''];
  for (const { name, command } of allCommands()) {
    lines.push(`### \`${name}\``, '', '```text', helpOf(command).trimEnd(), '```', '');
  }
  lines.push(END);
  return lines.join('\n');
}

export function updateDoc(file: string): void {
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  const head = start >= 0 ? doc.slice(0, start) : `${doc.trimEnd()}\n\n`;
  const tail = end >= 0 ? doc.slice(end + END.length) : '\n';
  writeFileSync(file, head + renderReference() + tail);
}

if (require.main === module) updateDoc(process.argv[2] ?? path.join(__dirname, '../docs/cli.md'));
