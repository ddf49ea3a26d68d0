/**
 * Value previews follow the `util.inspect` of the Node that runs this host
 * (docs/runtime.md): probed here rather than keyed on version numbers, so a
 * Node that changes its output again is followed by the tests that compare
 * against it, not by a table.
 */
import { inspect } from 'node:util';
import type { InspectStyle } from '../isolate/bridge';

export const INSPECT_STYLE: InspectStyle = {
  symbolKeysInBrackets: inspect({ [Symbol('k')]: 1 }).startsWith('{ ['),
  bufferPropsInBrackets: inspect(new ArrayBuffer(0)).includes('[byteLength]'),
};
