// `node -r @swc-node/register bench/lib/profile-top.ts <file.cpuprofile> [N]`: the N functions with the most self
// time in a V8 CPU profile (what BENCH_CPU_PROFILE writes), as a markdown table for bench/PROFILE.md.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export function topSelfTime(profile: Profile, n: number): { name: string; where: string; ms: number; share: number }[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, { name: string; where: string; us: number }>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    total += delta;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = self.get(key) ?? { name: functionName || '(anonymous)', where, us: 0 };
    entry.us += delta;
    self.set(key, entry);
  });
  return [...self.values()].sort((a, b) => b.us - a.us).slice(0, n)
    .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: e.us / total }));
}

/** Self time grouped by where the code lives: a package under node_modules, a project folder, or node itself. */
export function selfTimeByOwner(profile: Profile, n: number): { owner: string; ms: number; share: number }[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const owners = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += delta;
    const url = node.callFrame.url.replace(/^file:\/\//, '');
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const project = /\/(apps|libs)\/([^/]+\/(?:[^/]+\/)?)/.exec(url)?.[0];
    const owner = pkg ?? project ?? (url.startsWith('node:') ? 'node internals' : url ? relative(process.cwd(), url) : node.callFrame.functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + delta);
  });
  return [...owners].sort((a, b) => b[1] - a[1]).slice(0, n).map(([owner, us]) => ({ owner, ms: us / 1000, share: us / total }));
}

if (require.main === module) {
  const [file, count] = process.argv.slice(2);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  console.log('| self ms | share | function | where |\n|---:|---:|---|---|');
  for (const e of topSelfTime(profile, Number(count) || 20)) {
    console.log(`| ${e.ms.toFixed(0)} | ${(e.share * 100).toFixed(1)}% | ${e.name} | ${e.where} |`);
  }
  console.log('\n| self ms | share of busy | owner |\n|---:|---:|---|');
  for (const e of selfTimeByOwner(profile, Number(count) || 20)) console.log(`| ${e.ms.toFixed(0)} | ${(e.share * 100).toFixed(1)}% | ${e.owner} |`);
}
