// Kernel and user-space OOM kills: parsing, sources, attribution, whole-log scans.
export { parseKmsgRecord, unescapeKmsg, type KmsgRecord } from './kmsg-record.js';
export { normaliseLine, parseDmesgJson, looksLikeDmesgJson, formatKernelStamp, type NormalisedLine, type LineSource, type ShapeOptions } from './line-shapes.js';
export { OomParser, parseLines, parseKilledLine, type OomParserOptions } from './parser.js';
export { KmsgReader, readBootId, KMSG_STATE_FILE, type KmsgReaderOptions, type KmsgGap } from './kmsg-reader.js';
export { JournalSource, probeJournal, matchArgs, JOURNAL_STATE_FILE, type JournalSourceOptions, type JournalProbe, type JournalWhat } from './journal-source.js';
export { KernelLogWatcher, bootTimeMs, type KernelLogWatcherOptions, type KernelLogSourceChoice } from './kernel-log-watcher.js';
export { attributeKill, isSystemWide, type Attribution, type AttributionInputs, type Consumer } from './attribute.js';
export { PidHistory, PID_HISTORY_FILE, type LeaderView } from './pid-history.js';
export { scanText } from './scan-text.js';
