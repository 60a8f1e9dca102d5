export { classifyDeath } from './death-reason.js';
export { runGenerationProbe, type GenerationProbeOptions } from './generation-probe.js';
export { LlamaLogParser, type LlamaLogFacts } from './log-parser.js';
export { readLlamaMetrics, type LlamaMetricsReading } from './metrics.js';
export { LlamaMonitor, type LlamaMonitorOptions } from './monitor.js';
export { LlamaServerApi, type LlamaApiTarget, type LlamaProps, type LlamaSlotsReading } from './server-api.js';
