import { DEFAULT_RETENTION, type Retention } from './entities';

const KEYS = ['keepPerSession', 'olderThanDays', 'maxMb'] as const;

/**
 * `serve --retention keepPerSession=200,olderThanDays=7,maxMb=512` (any
 * subset; the rest keep DEFAULT_RETENTION; 0 means no limit). Throws a
 * message naming the bad part.
 */
export function parseRetentionSpec(spec: string): Retention {
  const policy: Retention = { ...DEFAULT_RETENTION };
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\w+)=(\d+)$/.exec(part);
    const key = m && KEYS.find((k) => k === m[1]);
    if (!m || !key) throw new Error(`--retention: expected ${KEYS.map((k) => `${k}=N`).join(',')} (any of them), got "${part}"`);
    policy[key] = Number(m[2]);
  }
  return policy;
}
