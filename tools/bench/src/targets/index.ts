import { CeilingTarget } from './ceiling';
import { ParleyTarget } from './parley';
import type { Target, TargetKind, TargetOptions } from './types';

export * from './types';

export function createTarget(kind: TargetKind, opts: TargetOptions): Target {
  if (kind === 'parley' || kind === 'parley-raw') return new ParleyTarget(opts, kind);
  return new CeilingTarget(kind, opts);
}
