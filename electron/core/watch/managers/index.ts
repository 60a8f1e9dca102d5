export { ManagerWatch, MANAGERS, adapterOf, type ManagerWatchOptions } from './manager-watch.js';
export { isRouterArgv } from './router.js';
