import { readFileSync } from 'node:fs';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** Bytes allocated by function (self) in a V8 sampling heap profile, as shares of all sampled bytes. */
export function summarizeAllocations(file: string, top = 25): { sampledMb: number; byFunction: Array<[string, number]>; byPackage: Array<[string, number]> } {
  const root = (JSON.parse(readFileSync(file, 'utf8')) as { head: SamplingNode }).head;
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  let total = 0;
  const walk = (n: SamplingNode) => {
    const cf = n.callFrame;
    const short = cf.url.replace(/^.*node_modules\//, '').replace(/^.*\/(apps|libs|tools)\//, '$1/');
    if (n.selfSize > 0) {
      const key = `${cf.functionName || '(anonymous)'} ${short}${short ? `:${cf.lineNumber + 1}` : ''}`;
      fns.set(key, (fns.get(key) ?? 0) + n.selfSize);
      const nm = cf.url.lastIndexOf('node_modules/');
      const pkg = nm >= 0 ? cf.url.slice(nm + 13).split('/').slice(0, cf.url.slice(nm + 13).startsWith('@') ? 2 : 1).join('/') : short.split('/').slice(0, 3).join('/') || '(native)';
      pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c);
  };
  walk(root);
  const share = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => [k, Math.round((v / total) * 1000) / 10] as [string, number]);
  return { sampledMb: Math.round(total / 1e5) / 10, byFunction: share(fns), byPackage: share(pkgs) };
}
