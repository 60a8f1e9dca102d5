// One validated path from a request name + untrusted payload to the service,
// shared by the Electron IPC handlers, the WebSocket bridge and REST, so the
// three transports accept and reject exactly the same things.
// Messages say what is wrong, not which request: every caller already knows
// (response id, URL, channel), and the dashboard names the action itself.
import { REQUEST_SCHEMAS, type RequestName, type VigilService } from '../common/api.js';

export class RequestError extends Error {
  constructor(
    message: string,
    /** Dotted path of the offending field, null when the payload as a whole is wrong. */
    readonly field: string | null,
  ) {
    super(message);
  }
}

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(REQUEST_SCHEMAS, name);
}

/** Parses the payload of `name`; throws RequestError naming the field. */
export function validateRequest(name: RequestName, payload: unknown): unknown {
  const schema = REQUEST_SCHEMAS[name];
  if (schema === null) {
    if (payload !== undefined && payload !== null) throw new RequestError(`${name} takes no payload`, null);
    return undefined;
  }
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  // zod 4 reports unknown keys in `keys` with an empty path.
  const keys = issue && 'keys' in issue && Array.isArray(issue.keys) ? (issue.keys as string[]) : [];
  const field = issue ? [...issue.path.map(String), ...keys].join('.') || null : null;
  throw new RequestError(`${field ? `field '${field}': ` : ''}${issue?.message ?? 'invalid payload'}`, field);
}

/** Validates then calls the service method of that name. */
export async function dispatch(service: VigilService, name: RequestName, payload: unknown): Promise<unknown> {
  const req = validateRequest(name, payload);
  switch (name) {
    case 'getState':
      return service.getState();
    case 'openConfig':
      return service.openConfig();
    default: {
      // The schema for `name` produced `req`, so the method's parameter type holds.
      const fn = service[name] as (r: unknown) => Promise<unknown>;
      return fn.call(service, req);
    }
  }
}
