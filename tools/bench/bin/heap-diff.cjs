#!/usr/bin/env node
// Compares two V8 heap snapshots (before/after) by constructor: what grew, in count and bytes.
//   node tools/bench/bin/heap-diff.cjs before.heapsnapshot after.heapsnapshot [connections] [rows]
// With `connections`, the growth is also shown per connection. Used to find what a connected
// visitor costs (see docs/benchmarks.md, "idle").
const fs = require('node:fs');

function load(file) {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  const { node_fields: fields, node_types: types } = snap.snapshot.meta;
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const typeNames = types[iType];
  const groups = new Map();
  const nodes = snap.nodes;
  let total = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = typeNames[nodes[i + iType]];
    const size = nodes[i + iSize];
    total += size;
    let name;
    if (type === 'object' || type === 'closure' || type === 'native' || type === 'hidden' || type === 'object shape') {
      name = `${type}:${snap.strings[nodes[i + iName]].slice(0, 60)}`;
    } else {
      name = type;
    }
    const g = groups.get(name) ?? { count: 0, bytes: 0 };
    g.count += 1;
    g.bytes += size;
    groups.set(name, g);
  }
  return { groups, total };
}

const [beforeFile, afterFile, connArg, rowsArg] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  process.stderr.write('usage: heap-diff.cjs before.heapsnapshot after.heapsnapshot [connections] [rows]\n');
  process.exit(2);
}
const before = load(beforeFile);
const after = load(afterFile);
const per = Number(connArg) || 1;
const rows = [];
for (const [name, a] of after.groups) {
  const b = before.groups.get(name) ?? { count: 0, bytes: 0 };
  rows.push({ name, count: a.count - b.count, bytes: a.bytes - b.bytes });
}
rows.sort((x, y) => y.bytes - x.bytes);
const fmt = (n) => (Math.round(n * 10) / 10).toString();
process.stdout.write(`total self size: ${fmt(before.total / 1048576)} MB -> ${fmt(after.total / 1048576)} MB; per connection ${fmt((after.total - before.total) / per)} B\n`);
process.stdout.write(`${'bytes/conn'.padStart(10)} ${'count/conn'.padStart(10)}  constructor\n`);
for (const r of rows.slice(0, Number(rowsArg) || 40)) {
  process.stdout.write(`${fmt(r.bytes / per).padStart(10)} ${fmt(r.count / per).padStart(10)}  ${r.name}\n`);
}
