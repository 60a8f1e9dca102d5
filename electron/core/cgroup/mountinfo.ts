// Where cgroup filesystems are mounted (/proc/self/mountinfo) and the
// environment the cgroup readers take (roots rebased onto fixtures).

export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';

export interface CgroupEnv {
  /** Where /proc/self/{mountinfo,cgroup} are read; default '/proc'. */
  procRoot?: string;
  /** Mount points under /sys/fs/cgroup are rebased onto this (fixtures); default '/sys/fs/cgroup'. */
  cgroupRoot?: string;
  /** Our own cgroup was delegated to us (systemd `Delegate=yes`); default: $VIGIL_CGROUP_DELEGATED === '1'. */
  delegated?: boolean;
}

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

/** Parse /proc/self/mountinfo (fields before " - " are variable in number). Unparsable lines are skipped. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const mountPoint = left[4];
    if (!mountPoint || right.length < 3) continue;
    // Octal escapes (\040 for space) as the kernel writes them.
    const unescaped = mountPoint.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    out.push({ mountPoint: unescaped, fsType: right[0]!, superOptions: right[2]!.split(',') });
  }
  return out;
}

