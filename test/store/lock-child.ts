/**
 * Helper process for lock.test.ts: takes the lock on argv[2] with socket
 * argv[3], prints the result as one JSON line, then holds it until killed
 * (argv[4] === 'hold') or exits at once without releasing.
 */
import { acquireDatabaseLock } from '../../server/store';

const [dbPath, socketPath, mode] = process.argv.slice(2);
const result = acquireDatabaseLock(dbPath, { pid: process.pid, socketPath });
process.stdout.write(`${JSON.stringify(result.ok ? { ok: true, pid: process.pid } : { ok: false, holder: result.holder })}\n`);
if (mode === 'hold' && result.ok) setInterval(() => undefined, 1000);
