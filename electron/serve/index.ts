export { startServer, isLoopback, ServerConfigError, type ServerOptions, type RunningServer } from './server.js';
export { dispatch, validateRequest, RequestError, isRequestName } from './dispatch.js';
export { contentSecurityPolicy } from './csp.js';
