import { describe, expect, it } from 'vitest';
import { parseKmsgRecord, unescapeKmsg } from './kmsg-record.js';
import { normaliseLine, parseDmesgJson } from './line-shapes.js';

describe('kmsg records', () => {
  it('parses prio, seq, usec, flags, text and KEY=value continuation lines', () => {
    const r = parseKmsgRecord('6,339,1217980,-,caller=T69;sd 0:0:0:0: [sda] attached\n SUBSYSTEM=scsi\n DEVICE=+scsi:0:0:0:0\n');
    expect(r).toEqual({ facility: 0, level: 6, seq: 339, usec: 1217980, flags: '-', text: 'sd 0:0:0:0: [sda] attached', meta: { SUBSYSTEM: 'scsi', DEVICE: '+scsi:0:0:0:0' } });
  });
  it('splits facility and level from prio (user space writes facility 1)', () => {
    expect(parseKmsgRecord('14,5,6,-;hello')).toMatchObject({ facility: 1, level: 6 });
  });
  it('unescapes \\xNN, including multi-byte UTF-8 and a literal backslash', () => {
    expect(unescapeKmsg('a\\x5cb\\x0ac')).toBe('a\\b\nc');
    expect(parseKmsgRecord('3,1,2,-;Killed process 7 (caf\\xc3\\xa9) total-vm:1kB')!.text).toBe('Killed process 7 (café) total-vm:1kB');
    expect(unescapeKmsg('bad \\xZZ stays')).toBe('bad \\xZZ stays');
  });
  it('rejects non-records without throwing', () => {
    for (const s of ['', ';', '1,2;x', 'a,b,c,-;x', '99999999999999999999,1,1,-;x']) expect(parseKmsgRecord(s)).toBeNull();
  });
});

describe('line shapes', () => {
  const NOW = new Date(2024, 11, 31).getTime();
  const T = 'Out of memory: Killed process 1 (x) total-vm:1kB';
  it('raw kmsg record → kernel, usec, seq, dmesg-style time text', () => {
    expect(normaliseLine(`3,42,514682838,-;${T}`, { bootId: 'b', bootTimeMs: 1000 })).toMatchObject({ text: T, kernelUsec: 514682838, seq: 42, bootId: 'b', timeText: '[  514.682838]', time: 1000 + 514683, source: 'kernel' });
  });
  it('dmesg, also with the leading [ lost and with a <prio> prefix', () => {
    expect(normaliseLine(`[  514.682838] ${T}`)).toMatchObject({ text: T, kernelUsec: 514682838, timeText: '[  514.682838]', source: 'kernel' });
    expect(normaliseLine(`41066.536886] ${T}`)).toMatchObject({ text: T, kernelUsec: 41066536886, source: 'kernel' });
    expect(normaliseLine(`<3>[    1.5] ${T}`)).toMatchObject({ text: T, kernelUsec: 1500000 });
  });
  it('a task-table row "[1055041] …" is not a kernel timestamp', () => {
    expect(normaliseLine('[1055041]     0 1055041  1280029 nix-env').kernelUsec).toBeUndefined();
  });
  it('dmesg -T (double space before a one-digit day)', () => {
    const l = normaliseLine(`[Thu Dec  7 00:05:14 2017] ${T}`);
    expect(l).toMatchObject({ text: T, timeText: '[Thu Dec  7 00:05:14 2017]', source: 'kernel' });
    expect(new Date(l.time!).getFullYear()).toBe(2017);
  });
  it('dmesg --time-format iso', () => {
    expect(normaliseLine(`2024-01-02T03:04:05,123456+00:00 ${T}`)).toMatchObject({ text: T, time: Date.UTC(2024, 0, 2, 3, 4, 5, 123), source: 'kernel' });
    expect(normaliseLine('2024-01-02T03:04:05,123456+00:00 oom_reaper: reaped process 1 (x), now anon-rss:0kB').text).toMatch(/^oom_reaper: /);
  });
  it('syslog with inner kernel stamp, host, ident[pid]; year guessed not in the future', () => {
    const l = normaliseLine(`May 15 23:09:27 box kernel: [  514.682838] ${T}`, { now: NOW });
    expect(l).toMatchObject({ text: T, host: 'box', kernelUsec: 514682838, timeText: 'May 15 23:09:27', source: 'kernel', time: new Date(2024, 4, 15, 23, 9, 27).getTime() });
    expect(normaliseLine('Oct 07 19:16:10 h earlyoom[26328]: sending SIGTERM', { now: NOW })).toMatchObject({ source: 'earlyoom', pid: 26328, text: 'sending SIGTERM' });
    expect(normaliseLine('Nov 12 17:08:27 earlyoom[1295]: kill_release: pid=1', { now: NOW })).toMatchObject({ source: 'earlyoom', text: 'kill_release: pid=1' });
    expect(normaliseLine('Dec 18 19:34:56 d systemd-oomd[840]: Killed /a.scope due to', { now: NOW })).toMatchObject({ source: 'systemd-oomd' });
    expect(normaliseLine('Jun 13 23:04:43 k dockerd[9931]: msg=x', { now: NOW }).source).toBe('other');
    expect(normaliseLine('апр 28 01:23:30 PC kernel: x', { now: NOW })).toMatchObject({ source: 'kernel', time: null, timeText: 'апр 28 01:23:30' });
    // December in a log read in January is last year's
    expect(new Date(normaliseLine('Dec 31 23:59:59 h kernel: x', { now: new Date(2025, 0, 1).getTime() }).time!).getFullYear()).toBe(2024);
  });
  it('journalctl -o short-iso and -o json', () => {
    expect(normaliseLine(`2024-05-15T23:09:27+0000 box kernel: ${T}`)).toMatchObject({ text: T, host: 'box', source: 'kernel', time: Date.UTC(2024, 4, 15, 23, 9, 27) });
    const j = normaliseLine(JSON.stringify({ MESSAGE: T, _TRANSPORT: 'kernel', __REALTIME_TIMESTAMP: '1715814567682838', _BOOT_ID: 'bb', _SOURCE_MONOTONIC_TIMESTAMP: '514682838' }));
    expect(j).toMatchObject({ text: T, source: 'kernel', time: 1715814567682, timeText: '1715814567682838', bootId: 'bb', kernelUsec: 514682838 });
    expect(normaliseLine(JSON.stringify({ MESSAGE: [104, 105], SYSLOG_IDENTIFIER: 'earlyoom', _PID: '12' }))).toMatchObject({ text: 'hi', source: 'earlyoom', pid: 12 });
  });
  it('anything else is "other" with the whole line as text', () => {
    expect(normaliseLine('    "message": "x",')).toEqual({ text: '    "message": "x",', timeText: null, time: null, source: 'other' });
  });
  it('dmesg --json document, with a clear error for a broken one', () => {
    const lines = parseDmesgJson(JSON.stringify({ dmesg: [{ pri: 3, time: 514.682838, msg: T }, { pri: 14, time: 1, msg: 'user' }, { nomsg: 1 }] }));
    expect(lines).toEqual([
      { text: T, timeText: '[  514.682838]', time: null, kernelUsec: 514682838, source: 'kernel' },
      { text: 'user', timeText: '[    1.000000]', time: null, kernelUsec: 1000000, source: 'other' },
    ]);
    expect(() => parseDmesgJson('{"dmesg": [', 'x.json')).toThrow(/x\.json: not valid dmesg --json/);
    expect(() => parseDmesgJson('{"other": []}', 'x.json')).toThrow(/no "dmesg" array/);
  });
});
