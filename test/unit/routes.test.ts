import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_METHODS } from '../../server/protocol';
import { createRoutes } from '../../server/transport/routes';
import type { Core } from '../../server/core/create-core';

test('every client → server request of the contract has a route', () => {
  // The routing table only reads the service objects when a request comes in.
  const routes = createRoutes(new Proxy({}, { get: () => ({}) }) as unknown as Core);
  const lifecycle = new Set(['initialize', 'shutdown']);
  const expected = ALL_METHODS.filter((d) => d.kind === 'request' && d.direction === 'clientToServer' && !lifecycle.has(d.method)).map((d) => d.method);
  assert.deepEqual([...routes.keys()].sort(), expected.sort());
});
