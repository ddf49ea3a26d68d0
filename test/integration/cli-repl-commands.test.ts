/**
 * `vm-system repl` at a terminal (under a pseudo-terminal, real daemon, real
 * session): node's dot-commands (.editor, .save, .load, .clear, .help),
 * Ctrl-R reverse history search, and one line per cancel.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeWorktree, tempDir } from '../helpers/daemon';
import { BIN, cliDb, type CliDb } from '../helpers/cli';
import { spawnPty, type PtySession } from '../helpers/pty';
import { waitUntil } from '../helpers/processes';

let d: CliDb;
const made: string[] = [];
before(() => { d = cliDb(); made.push(d.dir); });
after(async () => {
  await d.stop();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const ESC = '\u001b';
const CTRL_C = '\x03';
const CTRL_D = '\x04';
const CTRL_G = '\x07';
const CTRL_R = '\x12';

/** A REPL on a new session in `cwd`, its banner shown. */
async function repl(cwd: string): Promise<PtySession & { type(input: string, expect: RegExp): Promise<string> }> {
  const p = spawnPty(BIN, ['repl'], { env: { ...process.env, ...d.env, NO_COLOR: '1', TERM: 'xterm' }, cwd });
  await p.waitFor(/vm-system repl — new session [^\n]*\n[^\n]*\n> $/);
  return Object.assign(p, {
    /** Types `input` and answers the visible text since, once it matches `expect`. */
    async type(input: string, expect: RegExp): Promise<string> {
      const from = p.text().length;
      p.write(input);
      await p.waitFor(expect, { from });
      return p.text().slice(from);
    },
  });
}

/** A worktree removed after the tests. */
function worktree(files: Record<string, string> = {}): string {
  const dir = makeWorktree(files);
  made.push(dir);
  return dir;
}

async function leave(p: PtySession): Promise<void> {
  p.write('.exit\r');
  assert.equal(await p.exited, 0);
}

test('.help lists every dot-command and the keys', async () => {
  const p = await repl(worktree());
  const help = await p.type('.help\r', /Tab[^\n]*\n> $/);
  for (const line of [/^\.break\s+discard/m, /^\.clear\s+a fresh runtime/m, /^\.editor\s+editor mode/m, /^\.exit\s+leave/m,
    /^\.help\s+this text/m, /^\.load FILE\s+run FILE/m, /^\.save FILE\s+write this REPL's inputs/m, /^Ctrl-R\s+search the history/m]) {
    assert.match(help, line);
  }
  assert.match(await p.type('.nope\r', /> $/), /unknown command \.nope \(\.help lists them\)/);
  assert.match(await p.type('.save\r', /> $/), /\.save needs a FILE/);
  assert.equal((await p.type('.5 + 1\r', /> $/)).includes('1.5'), true, 'a line starting with a dot and a digit is code');
  await leave(p);
});

test('.editor: lines gathered, Ctrl-D runs them as one input, Ctrl-C drops them', async () => {
  const p = await repl(worktree());
  await p.type('.editor\r', /\/\/ Entering editor mode \(Ctrl-D to run, Ctrl-C to cancel\)\n/);
  // Complete statements do not run line by line: nothing prints until Ctrl-D.
  await p.type('var early = 1\r', /early = 1\n/);
  await p.type('function answer() {\r', /\{\n/);
  await p.type('  return early + 40\r', /40\n/);
  await p.type('}\r', /\}\n/);
  const ran = await p.type(`answer() + 1${CTRL_D}`, /\n> $/);
  assert.match(ran, /^answer\(\) \+ 1\n42\n> $/, 'one input, one value: the last expression');

  await p.type('.editor\r', /editor mode[^\n]*\n/);
  await p.type('var dropped = 1\r', /dropped = 1\n/);
  await p.type(`early = 100${CTRL_C}`, /\n> $/);
  assert.match(await p.type('typeof dropped + " " + early\r', /\n> $/), /\nundefined 1\n/, 'Ctrl-C dropped the editor text: nothing of it ran');

  // An empty editor: Ctrl-D runs nothing and the prompt comes back.
  await p.type('.editor\r', /editor mode[^\n]*\n/);
  await p.type(CTRL_D, /\n> $/);
  assert.match(await p.type('1 + 1\r', /\n> $/), /^1 \+ 1\n2\n> $/);
  await leave(p);
});

test('.save writes this REPL\'s inputs to a worktree file; .load runs one as if typed; paths stay inside the worktree', async () => {
  const outside = tempDir('vmsys-outside-');
  made.push(outside);
  writeFileSync(path.join(outside, 'secret.js'), 'var leaked = 1\n');
  const wt = worktree({ 'lib/setup.js': 'var base = 40\n\nfunction more(n) {\n  return base + n\n}\nthrow new Error("in the file")\nmore(2)\n' });
  symlinkSync(outside, path.join(wt, 'out'));
  symlinkSync(path.join(outside, 'secret.js'), path.join(wt, 'secret-link.js'));
  symlinkSync(path.join(outside, 'missing.js'), path.join(wt, 'dangling.js'));
  mkdirSync(path.join(wt, 'sub'));

  const p = await repl(wt);
  await p.type('var a = 1\r', /\n> $/);
  await p.type('function next() {\r', /\.\.\. $/);
  await p.type('  return a + 1\r', /\.\.\. $/);
  await p.type('}\r', /\n> $/);
  await p.type('a++\r', /\n> $/);
  assert.match(await p.type('.save sub/saved.js\r', /\n> $/), /saved 3 inputs to sub\/saved\.js\n/);
  assert.equal(readFileSync(path.join(wt, 'sub/saved.js'), 'utf8'), 'var a = 1\nfunction next() {\n  return a + 1\n}\na++\n');

  for (const [command, refusal] of [
    [`.save ${path.join(wt, 'abs.js')}`, /\.save: path must be relative to the worktree: \//],
    ['.save ../up.js', /\.save: path must not contain "\.\.": \.\.\/up\.js/],
    ['.save out/x.js', /\.save: out\/x\.js resolves outside the worktree/],
    ['.save secret-link.js', /\.save: secret-link\.js resolves outside the worktree/],
    ['.save dangling.js', /\.save: dangling\.js is a link to a missing file/],
    ['.save nodir/x.js', /\.save: no such directory in the worktree: nodir/],
    ['.save sub', /\.save: not a file: sub/],
    ['.load /etc/hostname', /\.load: path must be relative to the worktree: \/etc\/hostname/],
    ['.load sub/../sub/saved.js', /\.load: path must not contain "\.\."/],
    ['.load out/secret.js', /\.load: out\/secret\.js resolves outside the worktree/],
    ['.load secret-link.js', /\.load: secret-link\.js resolves outside the worktree/],
    ['.load missing.js', /\.load: no such file in the worktree: missing\.js/],
  ] as const) {
    assert.match(await p.type(`${command}\r`, /\n> $/), refusal, command);
  }
  assert.equal(readFileSync(path.join(outside, 'secret.js'), 'utf8'), 'var leaked = 1\n', 'nothing written outside');
  assert.match(await p.type('typeof leaked\r', /\n> $/), /\nundefined\n/, 'nothing loaded from outside');

  // .load: each statement echoed and run as if typed; one that throws does not stop the rest.
  const loaded = await p.type('.load lib/setup.js\r', /more\(2\)\n42\n> $/);
  assert.match(loaded, /^> var base = 40\nundefined\n> function more\(n\) \{\n\.\.\.   return base \+ n\n\.\.\. \}\nundefined\n> throw new Error\("in the file"\)\nError: in the file\n/m);
  assert.match(await p.type('.save all.js\r', /\n> $/), /saved 8 inputs to all\.js/);
  assert.match(readFileSync(path.join(wt, 'all.js'), 'utf8'), /^a\+\+\ntypeof leaked\nvar base = 40\nfunction more\(n\) \{\n  return base \+ n\n\}\nthrow new Error\("in the file"\)\nmore\(2\)\n$/m,
    'loaded inputs are inputs of this REPL too; refused commands are none');
  await leave(p);
});

test('.clear asks first, then gives the session a fresh runtime (no replay); .save keeps only what came after', async () => {
  const wt = worktree();
  const p = await repl(wt);
  await p.type('var kept = 41\r', /\n> $/);
  assert.match(await p.type('.clear\r', /\[y\/N\] $/), /Clear the session: a fresh runtime, every variable gone\? \[y\/N\] $/);
  assert.match(await p.type('n\r', /\n> $/), /kept\n> $/);
  assert.match(await p.type('kept + 1\r', /\n> $/), /42/);
  await p.type('.clear\r', /\[y\/N\] $/);
  assert.match(await p.type(CTRL_C, /\n> $/), /kept\n> $/, 'Ctrl-C answers no');
  assert.match(await p.type('kept\r', /\n> $/), /41/);

  await p.type('.clear\r', /\[y\/N\] $/);
  assert.match(await p.type('y\r', /\n> $/), /a fresh runtime for session [0-9a-f-]{36}\n> $/);
  assert.match(await p.type('typeof kept\r', /\n> $/), /\nundefined\n/, 'the state is gone: no replay');
  await p.type('.save after.js\r', /\n> $/);
  assert.equal(readFileSync(path.join(wt, 'after.js'), 'utf8'), 'typeof kept\n');
  assert.doesNotMatch(readFileSync(`${d.db}.repl_history`, 'utf8'), /^[yn]$/m, 'answers stay out of the history');
  await leave(p);
});

test('Ctrl-R searches the persisted history backwards; Enter runs the match, Esc and Ctrl-G give the line back', async () => {
  const wt = worktree();
  const first = await repl(wt);
  await first.type('var searchMe = 7\r', /\n> $/);
  await first.type('1 + 1\r', /\n> $/);
  await leave(first);

  // A second REPL: the history it searches is the one the first one persisted.
  const p = await repl(wt);
  await p.type('var searchMe = 6\r', /\n> $/);
  await p.type(CTRL_R, /\(reverse-i-search\)'': $/);
  await p.type('search', /\(reverse-i-search\)'search': var searchMe = 6$/);
  await p.type(CTRL_R, /\(reverse-i-search\)'search': var searchMe = 7$/);
  await p.type(CTRL_R, /\(failed reverse-i-search\)'search': var searchMe = 7$/);
  const ran = await p.type('\r', /\n> $/);
  assert.match(ran, /> var searchMe = 7\nundefined\n> $/, 'Enter shows the accepted line at the prompt and runs it');
  assert.match(await p.type('searchMe * 6\r', /\n> $/), /42/);

  await p.type('half typed', /half typed$/);
  await p.type(CTRL_R, /\(reverse-i-search\)'': half typed$/);
  await p.type('Me *', /\(reverse-i-search\)'Me \*': searchMe \* 6$/);
  await p.type(ESC, /> half typed$/);
  await p.type(`${CTRL_R}1 +`, /\(reverse-i-search\)'1 \+': 1 \+ 1$/);
  await p.type(CTRL_G, /> half typed$/);
  await p.type(`${CTRL_C}${CTRL_R}#%`, /\(failed reverse-i-search\)'#%': $/);
  await p.type('\x7f\x7f', /\(reverse-i-search\)'': $/);
  // Ctrl-R on an empty search repeats the last one, and another key takes the match for editing.
  await p.type(CTRL_R, /\(reverse-i-search\)'1 \+': 1 \+ 1$/);
  await p.type(`${ESC}[F0`, /> 1 \+ 10$/);
  assert.match(await p.type('\r', /\n> $/), /\n11\n> $/);
  await leave(p);
});

test('Ctrl-C on a running loop prints one line', async () => {
  const p = await repl(worktree());
  // The line it prints first (streamed while it runs) says the loop has started.
  await p.type('console.log("spin" + "ning"); setTimeout(() => { while (true) {} }, 1)\r', /\nspinning\n$/);
  const from = p.text().length;
  p.write(CTRL_C);
  await p.waitFor(/\n> $/, { from });
  assert.equal(p.text().slice(from), '[vm-system] Execution cancelled\n> ', 'one message, the execution\'s own');
  assert.match(await p.type('1 + 1\r', /\n> $/), /2/, 'the session goes on');
  await leave(p);
});

test('the eager preview: the value dimmed below the input while typing; a side effect shows nothing and changes nothing', async () => {
  const p = await repl(worktree());
  await p.type('var seven = 7\r', /\n> $/);
  const from = p.raw().length;
  for (const key of 'seven * 6') { p.write(key); await new Promise((r) => setTimeout(r, 60)); }
  // 42 drawn on the row below the input (dimmed on a colour terminal; NO_COLOR here), before any Enter
  await waitUntil(() => p.raw().slice(from).includes('42'), 10000);
  assert.match(await p.type('\r', /\n> $/), /\n42\n> $/);
  for (const key of 'seven+') { p.write(key); await new Promise((r) => setTimeout(r, 60)); }
  await new Promise((r) => setTimeout(r, 300));
  const before = p.raw().length;
  p.write('+'); // `seven++`: complete, but it would write
  await new Promise((r) => setTimeout(r, 800));
  assert.doesNotMatch(p.raw().slice(before), /\n\d/, 'no value drawn below for code with a side effect');
  p.write('\x15'); // Ctrl-U: drop the line unrun
  assert.match(await p.type('seven\r', /\n> $/), /\n7\n> $/, 'the preview changed nothing');
  await leave(p);
});
