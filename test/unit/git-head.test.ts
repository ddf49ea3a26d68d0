/**
 * GitHead reads a worktree's commit from `.git` itself (no git process), on
 * real folders laid out as git lays them out: a branch ref, a detached HEAD,
 * a packed ref, a linked worktree (`.git` file + commondir), a subfolder.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { GitHead } from '../../server/git/head';
import { tempDir } from '../helpers/temp';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const git = new GitHead();

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

test('a branch ref, from the worktree or any folder below it', () => {
  const repo = tempDir('vmsys-git-');
  write(path.join(repo, '.git/HEAD'), 'ref: refs/heads/main\n');
  write(path.join(repo, '.git/refs/heads/main'), `${A}\n`);
  mkdirSync(path.join(repo, 'src/deep'), { recursive: true });
  assert.equal(git.head(repo), A);
  assert.equal(git.head(path.join(repo, 'src/deep')), A);
});

test('a detached HEAD and a packed ref', () => {
  const detached = tempDir('vmsys-git-');
  write(path.join(detached, '.git/HEAD'), `${B}\n`);
  assert.equal(git.head(detached), B);
  const packed = tempDir('vmsys-git-');
  write(path.join(packed, '.git/HEAD'), 'ref: refs/heads/release/1.0\n');
  write(path.join(packed, '.git/packed-refs'), `# pack-refs with: peeled fully-peeled sorted\n${A} refs/heads/main\n${C} refs/heads/release/1.0\n`);
  assert.equal(git.head(packed), C);
});

test('a linked worktree finds its branch in the common git dir', () => {
  const root = tempDir('vmsys-git-');
  write(path.join(root, 'main/.git/refs/heads/feature'), `${C}\n`);
  write(path.join(root, 'main/.git/worktrees/wt/HEAD'), 'ref: refs/heads/feature\n');
  write(path.join(root, 'main/.git/worktrees/wt/commondir'), '../..\n');
  write(path.join(root, 'wt/.git'), `gitdir: ${path.join(root, 'main/.git/worktrees/wt')}\n`);
  assert.equal(git.head(path.join(root, 'wt')), C);
});

test('not a checkout, or a HEAD that names nothing: ""', () => {
  const plain = tempDir('vmsys-git-');
  // tmpdir is not inside a git checkout on any machine the tests run on; the walk stops at "/".
  assert.equal(git.head(plain), '');
  const broken = tempDir('vmsys-git-');
  write(path.join(broken, '.git/HEAD'), 'ref: refs/heads/missing\n');
  assert.equal(git.head(broken), '');
});
