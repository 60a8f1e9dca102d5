// Where Vigil may create per-backend memory cgroups: the cgroup v1 memory
// hierarchy, or (v2) the subtree delegated to the current process — on a
// desktop usually the user's systemd service, e.g.
// /sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice.
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { claimDelegatedCgroup } from './delegate.js';
import { DEFAULT_CGROUP_ROOT, parseMountinfo, type CgroupEnv } from './mountinfo.js';
import { ownMemoryLimit } from './own-limit.js';

export { DEFAULT_CGROUP_ROOT, parseMountinfo, type CgroupEnv, type MountEntry } from './mountinfo.js';

export type MemoryHierarchy =
  | { version: 1; /** The v1 memory controller mount. */ mount: string; /** Where backend cgroups go: <mount>/vigil, or <Vigil's cgroup>/vigil when that (or one above it) has a limit. */ base: string }
  | {
      version: 2;
      mount: string;
      /** The cgroup this process is in. */
      self: string;
      /** The delegated subtree where `vigil-<id>` cgroups go (parent of `self`, or the root). */
      base: string;
    };

export type Detection = { ok: true; hierarchy: MemoryHierarchy } | { ok: false; reason: string };

const writable = (p: string): boolean => {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

const readOr = (p: string, fallback: string | null): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return fallback;
  }
};

const uid = (): string => String(process.getuid?.() ?? '?');

/** Find the memory controller and a place this process may create cgroups in, or say what is missing and how to enable it. */
export function detectMemoryHierarchy(env: CgroupEnv = {}): Detection {
  const procRoot = env.procRoot ?? '/proc';
  const root = env.cgroupRoot ?? DEFAULT_CGROUP_ROOT;
  const rebase = (p: string): string => (root !== DEFAULT_CGROUP_ROOT && (p === DEFAULT_CGROUP_ROOT || p.startsWith(`${DEFAULT_CGROUP_ROOT}/`)) ? root + p.slice(DEFAULT_CGROUP_ROOT.length) : p);
  const mountinfoFile = path.join(procRoot, 'self/mountinfo');
  const mountinfo = readOr(mountinfoFile, null);
  if (mountinfo === null) return { ok: false, reason: `cannot read ${mountinfoFile}: per-backend memory limits need /proc` };
  const mounts = parseMountinfo(mountinfo);

  const v1 = mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes('memory'));
  if (v1) {
    const mount = rebase(v1.mountPoint);
    // Inside a limited memory cgroup, backends go beneath Vigil's own so the limit covers them.
    const own = ownMemoryLimit(env);
    const base = path.join(own?.version === 1 ? own.self : mount, 'vigil');
    if (writable(base) || writable(path.dirname(base))) return { ok: true, hierarchy: { version: 1, mount, base } };
    return {
      ok: false,
      reason: `cgroup v1 memory controller at ${mount} is not writable by uid ${uid()}: run Vigil as root, or create ${base} for your user once (sudo mkdir ${base} && sudo chown -R $USER ${base})`,
    };
  }

  const v2 = mounts.find((m) => m.fsType === 'cgroup2');
  if (!v2) return { ok: false, reason: `no cgroup filesystem with the memory controller in ${mountinfoFile}: mount cgroup2 at /sys/fs/cgroup (systemd does this by default)` };
  const mount = rebase(v2.mountPoint);
  const controllers = (readOr(path.join(mount, 'cgroup.controllers'), '') ?? '').split(/\s+/);
  if (!controllers.includes('memory')) {
    return { ok: false, reason: `cgroup v2 at ${mount} has no memory controller (cgroup.controllers: "${controllers.join(' ').trim()}"): boot with cgroup_enable=memory, or check it is not bound to a v1 hierarchy` };
  }
  const cgFile = path.join(procRoot, 'self/cgroup');
  const rel = (readOr(cgFile, '') ?? '').split('\n').find((l) => l.startsWith('0::'))?.slice(3).trim();
  if (!rel) return { ok: false, reason: `${cgFile} has no "0::" (cgroup v2) line` };
  const self = path.join(mount, rel);
  if ((env.delegated ?? process.env.VIGIL_CGROUP_DELEGATED === '1') && rel !== '/') {
    const claim = claimDelegatedCgroup(self);
    return claim.ok ? { ok: true, hierarchy: { version: 2, mount, self: claim.self, base: claim.base } } : claim;
  }
  // v2 forbids processes in a cgroup whose children use controllers, so
  // backends go beside our own cgroup, in its parent (the delegated subtree).
  const base = rel === '/' ? mount : path.dirname(self);
  const subtree = (readOr(path.join(base, 'cgroup.subtree_control'), '') ?? '').split(/\s+/);
  const delegateHint = 'enable delegation: `sudo systemctl edit user@.service` → [Service] Delegate=memory pids cpu, then log in again; or start Vigil with `systemd-run --user --scope -p Delegate=yes …`';
  if (!writable(base)) return { ok: false, reason: `cgroup v2 subtree ${base} is not writable by uid ${uid()} (not delegated to you): ${delegateHint}` };
  if (!subtree.includes('memory')) {
    return { ok: false, reason: `memory controller not enabled for children of ${base} (cgroup.subtree_control: "${subtree.join(' ').trim()}"): ${delegateHint}` };
  }
  return { ok: true, hierarchy: { version: 2, mount, self, base } };
}
