// The names of the API's request methods, apart from api.ts so the sandboxed
// preload and the transport-neutral client (client.ts) can build one method
// per name without bundling zod.

export const REQUEST_NAMES = [
  'getState',
  'start',
  'stop',
  'restart',
  'reap',
  'getLogs',
  'getEvents',
  'getHistory',
  'addBackend',
  'openConfig',
  'predictFit',
  'stopWatched',
  'restartWatchedUnit',
  'adoptWatched',
] as const;

export type RequestName = (typeof REQUEST_NAMES)[number];
