// A service started by systemd with `Delegate=yes` owns its own cgroup but not
// the one above it. cgroup v2 forbids processes in a cgroup whose children use
// controllers, so the service moves itself into a leaf and enables the memory
// controller for the cgroup it owns; backends then go beside that leaf. The
// shipped unit says it is delegated (VIGIL_CGROUP_DELEGATED=1) rather than
// Vigil guessing from which files happen to be writable.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const SUPERVISOR_LEAF = 'supervisor';

export type Claim = { ok: true; self: string; base: string } | { ok: false; reason: string };

/** Move `pid` into `<self>/supervisor` and enable memory for `self`'s children (idempotent). */
export function claimDelegatedCgroup(self: string, pid: number = process.pid): Claim {
  if (path.basename(self) === SUPERVISOR_LEAF) return { ok: true, self, base: path.dirname(self) };
  const leaf = path.join(self, SUPERVISOR_LEAF);
  try {
    if (!existsSync(leaf)) mkdirSync(leaf);
    writeFileSync(path.join(leaf, 'cgroup.procs'), `${pid}\n`);
    const enabled = readFileSync(path.join(self, 'cgroup.subtree_control'), 'utf8').split(/\s+/);
    if (!enabled.includes('memory')) writeFileSync(path.join(self, 'cgroup.subtree_control'), '+memory\n');
  } catch (e) {
    return { ok: false, reason: `cannot use the delegated cgroup ${self}: ${(e as Error).message} (is the unit started with Delegate=yes?)` };
  }
  return { ok: true, self: leaf, base: self };
}
