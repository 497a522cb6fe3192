/**
 * Where a CPU profile (`node --cpu-prof`, bench `--profile`) spent its time, grouped so it
 * reads as evidence: by package (node_modules/<name>), project folder (src/ingest,
 * connectors/verra…), the WASM of PGlite, garbage collection and idle (waiting on I/O, e.g.
 * on the PostgreSQL server).
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  share: number;
}

export interface ProfileSummary {
  totalSeconds: number;
  groups: ProfileShare[];
  functions: ProfileShare[];
}

function groupOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return 'idle (waiting on I/O)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)' || functionName === '(root)') return 'V8/native (program)';
  if (url.startsWith('wasm://')) return 'WASM (PGlite\'s PostgreSQL)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  const project = /\/(src\/[^/]+|connectors\/[^/]+|bench\/[^/]+|test\/support)\//.exec(url);
  if (project) return project[1]!;
  if (url.startsWith('node:') || url === '') return 'node core';
  return url;
}

export async function summarizeProfile(path: string, top = 12): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    total += delta;
    const group = groupOf(node.callFrame);
    groups.set(group, (groups.get(group) ?? 0) + delta);
    const file = node.callFrame.url.replace(/^.*\/(node_modules|src|connectors|bench)\//, '$1/');
    const name = `${node.callFrame.functionName || '(anonymous)'} ${file ? `${file}:${node.callFrame.lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + delta);
  });
  const ranked = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, share: total === 0 ? 0 : time / total }));
  return { totalSeconds: total / 1e6, groups: ranked(groups), functions: ranked(functions) };
}
