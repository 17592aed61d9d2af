/** `--rate 500 --rates 1000,2000 --quick` → { rate: '500', rates: '1000,2000', quick: true }. */
export type Args = Record<string, string | boolean>;

export function parseArgs(argv: readonly string[]): { positional: string[]; args: Args } {
  const positional: string[] = [];
  const args: Args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) {
      args[a.slice(2, eq)] = a.slice(eq + 1);
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      args[a.slice(2)] = argv[++i];
    } else {
      args[a.slice(2)] = true;
    }
  }
  return { positional, args };
}

export function num(args: Args, key: string, fallback: number): number {
  const v = args[key];
  if (v === undefined || v === true) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${key}: not a number: ${String(v)}`);
  return n;
}

export function str(args: Args, key: string, fallback: string): string {
  const v = args[key];
  return typeof v === 'string' ? v : fallback;
}

export function list(args: Args, key: string, fallback: readonly string[]): string[] {
  const v = args[key];
  return typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : [...fallback];
}

export function numList(args: Args, key: string, fallback: readonly number[]): number[] {
  return list(args, key, fallback.map(String)).map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n)) throw new Error(`--${key}: not a number: ${s}`);
    return n;
  });
}

export function flag(args: Args, key: string): boolean {
  return args[key] === true || args[key] === 'true';
}
