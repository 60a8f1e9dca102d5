// One OOM kill as Vigil records it, whoever killed and whatever it killed
// (a backend, a server Vigil only watches, any process): apart from
// state.ts, which re-exports it, so the watch types can name it too.
/**
 * Who killed: the kernel, a user-space killer, the backend itself for a GPU
 * out-of-memory death (it aborts when a GPU allocation fails), or 'vigil': a
 * backend the pressure guard stopped before any killer had to act (a shed, not a kill).
 */
export type OomKiller = 'kernel' | 'earlyoom' | 'systemd-oomd' | 'backend' | 'vigil';
export type KernelLogSourceKind = 'kmsg' | 'journal' | 'cgroup' | 'none';

export interface OomKill {
  /** Stable id: `${bootId}:${seq}` for kmsg, else a hash of the source line. */
  id: string;
  /** ms since epoch (best known), null when the log gave none. */
  time: number | null;
  /** Time exactly as the log gave it (e.g. '[  514.682838]', 'May 15 23:09:27'). */
  timeText: string | null;
  pid: number;
  comm: string;
  scope: 'global' | 'memcg';
  constraint: string | null;
  memcg: string | null;
  totalVmKb: number | null;
  anonRssKb: number | null;
  fileRssKb: number | null;
  shmemRssKb: number | null;
  /** Total RSS when the killer reports only that (earlyoom's VmRSS), kB. */
  rssKb?: number | null;
  uid: number | null;
  oomScoreAdj: number | null;
  killer: OomKiller;
  /** The task that invoked the OOM killer, when the log says. */
  trigger: { comm: string; pid: number | null; gfpMask: string | null; order: number | null } | null;
  /** Backend the victim was a process of (its leader or a process of its tree) at the time of the kill. */
  backend: string | null;
  /**
   * For a system-wide kill of another process: the backend with the most
   * resident memory at the last sample before the kill. Not a cause: the
   * kernel picks its victim by its own score. Null for a kill inside another
   * memory cgroup (that cgroup's own limit caused it) and when no sample was
   * close enough to the kill to say.
   */
  largestConsumer: { backend: string; rssBytes: number } | null;
  source: KernelLogSourceKind;
  /** For a backend's llama-server: why it did not fit and what would (the fit prediction's advice). */
  advice?: string | null;
  /**
   * The watched server it was attributed to, fixed when the kill arrived (later state never rewrites it):
   * the victim itself (`by: 'pid'`), or the watched manager it was a process of, with the words said.
   */
  watched?: { id: string; pid: number; label: string; by: string; text: string } | null;
  /**
   * 'gpu': the backend ran out of GPU memory (its log says an allocation
   * failed) and ended itself; no kernel kill, no RSS figures. Absent: a kill
   * of host memory by the kernel or a user-space killer.
   */
  kind?: 'gpu';
  /** For kind 'gpu': the device, the size asked for (null when the log does not say), the log line. */
  gpu?: { device: string | null; bytes: number | null; summary: string; line: string };
}
