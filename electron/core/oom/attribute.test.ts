import { describe, expect, it } from 'vitest';
import type { OomKill } from '../../common/state.js';
import { attributeKill } from './attribute.js';
import { parseLines } from './parser.js';

const kill = (text: string): OomKill => parseLines([{ text, timeText: null, source: 'kernel' }])[0]!;
const backends = [
  { id: 'llama', pids: [100, 101, 102], cgroupPath: '/sys/fs/cgroup/memory/vigil/llama', rssBytes: 8e9 },
  { id: 'whisper', pids: new Set([200]), cgroupPath: null, rssBytes: 1e9 },
];

describe('attributeKill', () => {
  it('by the backend pid and by a pid of its process tree', () => {
    expect(attributeKill(kill('Out of memory: Killed process 200 (whisper) total-vm:1kB'), backends)).toEqual({ backend: 'whisper', likelyCause: null });
    expect(attributeKill(kill('Out of memory: Killed process 102 (worker) total-vm:1kB'), backends)).toEqual({ backend: 'llama', likelyCause: null });
  });
  it('by cgroup: the kernel path is a suffix of the backend cgroup path, or below it', () => {
    const k = (memcg: string): OomKill => ({ ...kill('Memory cgroup out of memory: Killed process 999 (x) total-vm:1kB'), memcg });
    expect(attributeKill(k('/vigil/llama'), backends).backend).toBe('llama');
    expect(attributeKill(k('/vigil/llama/worker'), backends).backend).toBe('llama');
    expect(attributeKill(k('/vigil/llama2'), backends).backend).toBeNull();
    expect(attributeKill(k('/vigil/ll…'), backends).backend).toBeNull();
  });
  it('a kill of another process names the largest backend as likely cause', () => {
    expect(attributeKill(kill('Out of memory: Killed process 5 (firefox) total-vm:1kB'), backends)).toEqual({ backend: null, likelyCause: 'llama' });
    expect(attributeKill(kill('Out of memory: Killed process 5 (firefox) total-vm:1kB'), [])).toEqual({ backend: null, likelyCause: null });
  });
  it('a systemd-oomd cgroup kill (pid 0) is not attributed by pid', () => {
    const k = parseLines([{ text: 'Killed /user.slice/x.scope due to memory pressure for /user.slice being 60.00% > 50.00% for > 20s with reclaim activity', timeText: null, source: 'systemd-oomd' }])[0]!;
    expect(attributeKill(k, [{ id: 'zero', pids: [0], cgroupPath: null, rssBytes: 1 }])).toEqual({ backend: null, likelyCause: 'zero' });
  });
});
