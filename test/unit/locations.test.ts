/** Where the daemon's socket is, as the daemon, the CLI and the client derive it (one function for all three). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonSocketPath, privateRunDir, socketPathFor } from '../../server/protocol/locations';

test('POSIX: beside the database when it fits, else in the private run folder', () => {
  assert.equal(daemonSocketPath('/home/u/.local/share/vm-system/vm-system.db', {}, '/tmp', 1000, 'linux'), '/home/u/.local/share/vm-system/vm-system.db.sock');
  const long = `/home/u/${'x'.repeat(120)}/v.db`;
  assert.equal(daemonSocketPath(long, {}, '/tmp', 1000, 'darwin'), socketPathFor(long, '/tmp/vm-system-1000'));
  assert.match(daemonSocketPath(long, { XDG_RUNTIME_DIR: '/run/user/1000' }, '/tmp', 1000, 'linux'), /^\/run\/user\/1000\/vm-system\/[0-9a-f]{16}\.sock$/);
  assert.equal(privateRunDir({}, '/tmp/', 7), '/tmp/vm-system-7');
});

test('Windows: a named pipe per database (case-insensitive paths name the same pipe)', () => {
  const pipe = daemonSocketPath('C:\\Users\\u\\vm.db', {}, 'C:\\Temp', 0, 'win32');
  assert.match(pipe, /^\\\\\.\\pipe\\vm-system-[0-9a-f]{16}$/);
  assert.equal(daemonSocketPath('c:\\users\\U\\VM.db', {}, 'C:\\Temp', 0, 'win32'), pipe);
  assert.notEqual(daemonSocketPath('C:\\Users\\u\\other.db', {}, 'C:\\Temp', 0, 'win32'), pipe);
});
