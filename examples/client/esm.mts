import { spawnDaemon } from 'vm-system/client';
import { ExecutionsRepl, SessionsCreate, TemplatesList } from 'vm-system/protocol';

const client = await spawnDaemon({ dbPath: process.env.VM_SYSTEM_DB ?? '/tmp/demo.db', clientInfo: { name: 'my-tool' } });
client.onEvent(({ event }) => {
  if (event.type === 'console') console.log('console:', event.payload.text);
});
const [template] = (await client.request(TemplatesList, { name: 'default' })).templates;
const session = await client.request(SessionsCreate, { templateId: template.id, worktreePath: process.cwd() });
await client.request(ExecutionsRepl, { sessionId: session.id, input: 'var x = 41; console.log("hello")' });
const { result } = await client.request(ExecutionsRepl, { sessionId: session.id, input: 'x + 1' });
console.log(result?.preview); // 42
await client.close();
