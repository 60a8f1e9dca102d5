// The last pid the kernel handed out, from /proc/loadavg's 5th field
// ("0.00 0.01 0.05 1/234 5678"), parsed from the read buffer: when it has not
// moved, no process was created, and /proc need not be listed again.
export function lastPidOf(b: Uint8Array, n: number): number {
  let end = n;
  while (end > 0 && (b[end - 1] === 10 || b[end - 1] === 32)) end--;
  let start = end;
  while (start > 0 && b[start - 1]! >= 48 && b[start - 1]! <= 57) start--;
  if (start === end) return -1;
  let v = 0;
  for (let i = start; i < end; i++) v = v * 10 + b[i]! - 48;
  return v;
}
