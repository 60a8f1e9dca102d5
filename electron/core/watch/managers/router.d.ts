export { isRouterArgv } from '../catalog.js';
import { type ManagerAdapter, type ManagerReading } from './types.js';
export declare function readRouterModels(body: unknown): ManagerReading | null;
/** A router child's alias: the router's name for its model. */
export declare const aliasOf: (argv: readonly string[]) => string | null;
export declare const router: ManagerAdapter;
