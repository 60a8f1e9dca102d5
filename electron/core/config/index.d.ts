export { appendBackend } from './append-backend.js';
export { ConfigWatcher, type ConfigChange } from './config-watcher.js';
export { EXAMPLE_CONFIG } from './example-config.js';
export { importLlamaSwap, importReport, type ImportNote, type ImportResult } from './import-llama-swap.js';
export { convertLlamaSwap, isLlamaSwap } from './llama-swap.js';
export { ensureConfig, loadConfig, parseConfigText, type ConfigFormat, type ConfigLoadResult } from './load-config.js';
export { CommandSplitError, splitCommand } from './split-command.js';
