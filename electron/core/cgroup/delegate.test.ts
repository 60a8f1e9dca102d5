// A `vigil serve` started by the shipped systemd unit (Delegate=yes) moves
// itself into a leaf of the cgroup it was given and puts backends beside it.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectMemoryHierarchy } from './detect.js';

const SERVICE = 'user.slice/user-1000.slice/user@1000.service/app.slice/vigil.service';

function delegatedTree(): { dir: string; service: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-cg-deleg-'));
  cpSync(path.join(import.meta.dirname, 'fixtures/v2'), dir, { recursive: true });
  writeFileSync(path.join(dir, 'proc/self/cgroup'), `0::/${SERVICE}\n`);
  const service = path.join(dir, 'cgroup', SERVICE);
  mkdirSync(service, { recursive: true });
  writeFileSync(path.join(service, 'cgroup.subtree_control'), '\n');
  return { dir, service };
}

describe('a delegated cgroup (systemd Delegate=yes)', () => {
  it('moves Vigil into <service>/supervisor, enables memory for the service cgroup, and puts backends beside the leaf', () => {
    const { dir, service } = delegatedTree();
    const d = detectMemoryHierarchy({ procRoot: path.join(dir, 'proc'), cgroupRoot: path.join(dir, 'cgroup'), delegated: true });
    expect(d).toEqual({ ok: true, hierarchy: { version: 2, mount: path.join(dir, 'cgroup'), self: path.join(service, 'supervisor'), base: service } });
    expect(readFileSync(path.join(service, 'supervisor/cgroup.procs'), 'utf8')).toBe(`${process.pid}\n`);
    expect(readFileSync(path.join(service, 'cgroup.subtree_control'), 'utf8')).toBe('+memory\n');
  });

  it('without the delegation flag, backends go beside our own cgroup as before', () => {
    const { dir, service } = delegatedTree();
    const d = detectMemoryHierarchy({ procRoot: path.join(dir, 'proc'), cgroupRoot: path.join(dir, 'cgroup'), delegated: false });
    expect(d.ok && d.hierarchy.version === 2 && d.hierarchy.base).toBe(path.dirname(service));
  });

  it('a cgroup that cannot be claimed is reported with the reason', () => {
    const { dir, service } = delegatedTree();
    // A file where the leaf directory must go: mkdir fails, and the reason names the cgroup.
    writeFileSync(path.join(service, 'supervisor'), '');
    const d = detectMemoryHierarchy({ procRoot: path.join(dir, 'proc'), cgroupRoot: path.join(dir, 'cgroup'), delegated: true });
    expect(d.ok).toBe(false);
    expect(!d.ok && d.reason).toContain(`cannot use the delegated cgroup ${service}`);
  });
});
