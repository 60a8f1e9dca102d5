// A small real file system for fault tests: a tmpfs of a few hundred KiB that
// can be filled to ENOSPC and made read-only (chmod does not stop root; a
// read-only mount does). Linux refuses to remount a file system read-only
// while a file on it is open for writing (EBUSY), and a running Vigil and its
// backends always hold some, so read-only is a read-only bind mount stacked on
// the directory: every open, create and rename through the path fails with
// EROFS; descriptors opened before keep writing to the same files. Needs root
// and mount(2); `mountCapability` says why not where either is missing.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CapabilityCheck } from './capabilities.js';

const run = (args: string[]): void => void execFileSync('mount', args, { stdio: ['ignore', 'ignore', 'pipe'] });

let probed: string | null | undefined;
/** Root and a working `mount -t tmpfs` (tried once on a scratch directory). */
export const mountCapability: CapabilityCheck = () => {
  if (probed !== undefined) return probed;
  if (process.getuid?.() !== 0) return (probed = `not root (uid ${process.getuid?.()}): mounting a tmpfs needs CAP_SYS_ADMIN`);
  const d = mkdtempSync(path.join(tmpdir(), 'vigil-mount-probe-'));
  try {
    run(['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', d]);
    execFileSync('umount', [d]);
    probed = null;
  } catch (e) {
    probed = `cannot mount a tmpfs here (${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()})`;
  }
  rmdirSync(d);
  return probed;
};

export interface SmallMount {
  readonly dir: string;
  /** Writes a filler file until the file system says ENOSPC; returns the bytes it took. */
  fill(): number;
  /** Removes the filler: the space is free again. */
  free(): void;
  /** Stacks a read-only bind mount on the directory. */
  readOnly(): void;
  /** Removes the read-only bind mount. */
  readWrite(): void;
  /** Unmounts (lazily, so open descriptors do not block it) and removes the mount point. */
  dispose(): void;
}

export function smallMount(sizeKiB: number, prefix = 'vigil-small-'): SmallMount {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  run(['-t', 'tmpfs', '-o', `size=${sizeKiB}k,mode=0755`, 'tmpfs', dir]);
  const filler = path.join(dir, 'filler');
  let binds = 0;
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(4096, 0x78);
      let total = 0;
      try {
        for (;;) total += writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      } finally {
        closeSync(fd);
      }
      return total;
    },
    free() {
      rmSync(filler, { force: true });
    },
    readOnly() {
      run(['--bind', dir, dir]);
      run(['-o', 'remount,bind,ro', dir]);
      binds++;
    },
    readWrite() {
      if (binds === 0) return;
      execFileSync('umount', [dir]);
      binds--;
    },
    dispose() {
      // The binds, then the tmpfs; lazily, so open descriptors do not block it.
      for (let i = binds + 1; i > 0; i--) {
        try {
          execFileSync('umount', ['-l', dir]);
        } catch {
          break;
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
