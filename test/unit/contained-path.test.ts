/**
 * ContainedPath: the one constructor decides what is inside a worktree, and
 * the anchored file-system helpers accept nothing else (the @ts-expect-error
 * lines fail `npm run typecheck` if a plain string is ever accepted).
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { inParent, openDirInside } from '../../server/files/anchored';
import { contain, rootPath, worktreeRoot, worktreeRootSync, type WorktreeRoot } from '../../server/files/contained-path';
import { tempDir } from '../helpers/temp';

test('contain: the root and paths below it; not siblings with the same prefix, not parents', () => {
  const root = '/work/wt' as WorktreeRoot;
  assert.equal(contain(root, '/work/wt'), '/work/wt');
  assert.equal(contain(root, '/work/wt/a/b.js'), '/work/wt/a/b.js');
  assert.equal(contain(root, '/work/wt-other/a.js'), undefined);
  assert.equal(contain(root, '/work'), undefined);
  assert.equal(contain(root, '/work/wt/../other'), undefined);
  assert.equal(contain('/' as WorktreeRoot, '/etc/passwd'), '/etc/passwd');
  assert.equal(rootPath(root), '/work/wt');
});

test('a worktree root is its real path (links resolved)', async () => {
  const dir = tempDir('vmsys-contained-');
  mkdirSync(path.join(dir, 'real'));
  symlinkSync(path.join(dir, 'real'), path.join(dir, 'link'));
  const real = worktreeRootSync(path.join(dir, 'real'));
  assert.equal(await worktreeRoot(path.join(dir, 'link')), real);
  assert.equal(worktreeRootSync(path.join(dir, 'link')), real);
});

test('file-system helpers take only checked paths', async () => {
  const root = worktreeRootSync(tempDir('vmsys-contained-'));
  const inside = contain(root, path.join(root, 'file.txt'))!;
  assert.equal(await inParent(root, inside, async (p) => p.endsWith('/file.txt')), true);
  // @ts-expect-error an unchecked string is not a ContainedPath
  await inParent(root, path.join(root, 'file.txt'), async () => true).catch(() => undefined);
  // @ts-expect-error nor is an unchecked root a WorktreeRoot
  await openDirInside(path.dirname(root), rootPath(root)).then((h) => h.close(), () => undefined);
});
