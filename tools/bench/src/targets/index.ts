import { CeilingTarget } from './ceiling';
import { ParleyTarget } from './parley';
import type { Target, TargetKind, TargetOptions } from './types';

export * from './types';

export function createTarget(kind: TargetKind, opts: TargetOptions): Target {
  return kind === 'parley' ? new ParleyTarget(opts) : new CeilingTarget(kind, opts);
}
