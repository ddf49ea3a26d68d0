import assert from 'node:assert/strict';
import { test } from 'node:test';
import { missingPackageOf } from '../../extension/format';

test('a "Cannot find package" exception names the package to offer; other failures offer nothing', () => {
  const looked = " looked in the template's libraries (it has none) and in node_modules from the worktree root up to the worktree root";
  assert.equal(missingPackageOf({ message: `Cannot find package 'ms':${looked}` }), 'ms');
  assert.equal(missingPackageOf({ message: `Cannot find package 'date-fns/format':${looked}` }), 'date-fns');
  assert.equal(missingPackageOf({ message: `Cannot find package '@scope/pkg/sub':${looked}` }), '@scope/pkg');
  assert.equal(missingPackageOf({ message: "Cannot find package 'secret': node_modules/secret links to a folder outside the worktree, which sessions never read" }), undefined);
  assert.equal(missingPackageOf({ message: "'graceful-fs' needs the Node built-in 'fs', which sessions do not have" }), undefined);
  assert.equal(missingPackageOf({ message: "Invalid module 'fs': no modules are enabled for this session" }), undefined);
});
