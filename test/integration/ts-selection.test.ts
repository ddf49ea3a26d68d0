/**
 * Run Selection in a TypeScript file: the extension strips the types
 * (extension/selection-input.ts, real esbuild) and the real daemon runs what
 * it sends as REPL input.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as P from '../../server/protocol';
import { selectionInput } from '../../extension/selection-input';
import { openSession, startDaemon, type TestDaemon } from '../helpers/daemon';

let d: TestDaemon;
let sessionId: string;
before(async () => {
  d = await startDaemon();
  sessionId = (await openSession(d)).session.id;
});
after(async () => { await d.stop(); });

const run = async (text: string, languageId = 'typescript') =>
  d.call(P.ExecutionsRepl, { sessionId, input: await selectionInput(text, languageId) });

test('a TypeScript selection runs with its types stripped; its declarations stay in the session', async () => {
  assert.equal((await run('const n: number = await Promise.resolve(20) as number;\ninterface Box<T> { v: T }\nconst box: Box<number> = { v: n + 1 }\nbox.v')).result?.preview, '21');
  assert.equal((await run('function twice<T extends number>(x: T): number { return x * 2 }\ntwice(box.v)')).result?.preview, '42');
  assert.equal((await run('enum Color { Red, Green }\nColor.Green')).result?.preview, '1');
});

test('`{ a: 1 }` alone is still an object literal; JavaScript goes as written; unreadable TypeScript reaches the daemon as written', async () => {
  assert.equal((await run('{ a: 1 as number }')).result?.type, 'object');
  assert.equal(await selectionInput('{ a: 1 }', 'javascript'), '{ a: 1 }');
  const broken = await run('const x: = 1');
  assert.equal(broken.status, 'error');
  assert.equal(broken.error?.name, 'SyntaxError');
});
