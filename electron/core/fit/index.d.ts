export { adviseAfterOom, type AdviceInput } from './advice.js';
export { estimate, modelId, type Correction, type FitEnvironment } from './estimate.js';
export { GgufError, readGgufHeader, type GgufHeader } from './gguf-header.js';
export { MEASUREMENTS_FILE, MeasurementStore, settingsKey, type MeasuredInput, type MeasuredRun, type RecordResult } from './measurements.js';
export { loadModel, machineNow, predictFit, predictForModel, type LoadedModel, type PredictInput } from './predict.js';
export { parseServerArgs, type ServerSettings } from './server-args.js';
export { parseServerMemoryLog, type ServerMemoryLog } from './server-log.js';
