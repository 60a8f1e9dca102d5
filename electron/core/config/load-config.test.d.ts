import { type BackendConfig } from '../../common/config-schema.js';
import type { SupervisedBackendConfig } from '../supervisor/types.js';
export declare const _backendConfigFitsSupervisor: (b: BackendConfig) => SupervisedBackendConfig;
