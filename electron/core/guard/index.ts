// The pressure guard's parts (the feed that runs them is feeds/guard/): when
// to act (threshold.ts), on what machine (machine.ts: the host or the memory
// cgroup Vigil runs in), woken by what (notify.ts), and whom to stop (pick.ts).
export { PressureJudge, availableFloor, describeFigures, type Figures, type Reading, type Thresholds, type Verdict } from './threshold.js';
export { MachineReader, type MachineReading } from './machine.js';
export { v1Wakeups } from './notify.js';
export { pickVictim, type Candidate } from './pick.js';
