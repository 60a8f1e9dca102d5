// Memory-limit cgroups for the supervisors: a factory when this machine lets
// Vigil make them, else the reason it cannot (each backend with a
// memoryLimit then says so once, in an event, and runs without one).
import { cgroupInstance, createBackendCgroup, detectMemoryHierarchy } from '../cgroup/index.js';
import type { CgroupFactory } from '../supervisor/types.js';

export function cgroupSupport(stateDir: string, procRoot?: string): { factory: CgroupFactory | null; why: string } {
  const env = procRoot ? { procRoot } : {};
  const instance = cgroupInstance(stateDir);
  const det = detectMemoryHierarchy(env);
  if (!det.ok) return { factory: null, why: det.reason };
  const factory: CgroupFactory = (id, limitBytes) => {
    const r = createBackendCgroup({ id, limitBytes, instance, ...env });
    // The supervisor turns a throw into its one 'system' event with this reason.
    if (!r.ok) throw new Error(r.reason);
    const cg = r.cg;
    return {
      path: cg.path,
      version: cg.version,
      addProcess: (pid) => cg.addProcess(pid),
      oomKillCount: () => cg.oomKillCount(),
      usage: () => {
        try {
          return cg.usage();
        } catch {
          return null; // cgroup gone or file unreadable: the alert falls back to RSS
        }
      },
      peak: () => {
        try {
          return cg.peak();
        } catch {
          return null;
        }
      },
      resetPeak: () => cg.resetPeak(),
      remove: () => cg.remove(),
    };
  };
  return { factory, why: '' };
}
