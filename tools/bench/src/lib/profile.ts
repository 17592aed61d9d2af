import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: Array<{ id: number; children?: number[]; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  sampledMs: number;
  /** Share of the sampled time, by package (node_modules name, "parley" for the server's own code, node: internals, idle, GC). */
  byPackage: Array<[string, number]>;
  byFunction: Array<[string, number]>;
  /** Share of the sampled time spent in a function or anything it called (server code and frameworks). */
  inclusive: Array<[string, number]>;
}

function packageOf(url: string, fn: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes('/apps/api/') || url.includes('/libs/contracts/') || url.includes('/ceiling/')) return 'parley / ceiling code';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return fn ? `(${fn})` : '(native)';
}

/** Self time of a V8 .cpuprofile, grouped by package and by function, as shares of the sampled time. */
export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  for (const [id, t] of self) {
    const cf = byId.get(id)?.callFrame;
    if (!cf) continue;
    const short = cf.url.replace(/^.*node_modules\//, '').replace(/^.*\/(apps|libs|tools)\//, '$1/');
    const key = `${cf.functionName || '(anonymous)'} ${short}${short ? `:${cf.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + t);
    const pkg = packageOf(cf.url, cf.functionName);
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + t);
  }
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number) => {
    const cf = byId.get(id)?.callFrame;
    if (!cf) return '';
    const short = cf.url.replace(/^.*node_modules\//, '').replace(/^.*\/(apps|libs|tools)\//, '$1/');
    return `${cf.functionName || '(anonymous)'} ${short}${short ? `:${cf.lineNumber + 1}` : ''}`;
  };
  const inclusive = new Map<string, number>();
  for (const [id, t] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const l = label(at);
      if (!l.includes('/') || seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + t);
    }
  }
  const share = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, Math.round((v / total) * 1000) / 10] as [string, number]);
  return { sampledMs: Math.round(total / 1000), byPackage: share(pkgs), byFunction: share(fns), inclusive: share(inclusive) };
}
