/**
 * The one door every renderer request passes through, in Electron (ipcMain.handle) and in the end-to-end bridge
 * alike: the name must be a request of the contract, the argument must pass its validator, and any failure comes
 * back as an error value with a code.
 */
import { DESKTOP_REQUESTS, type DesktopHandlers, type DesktopRequestName, type IpcResult } from '../../src-shared/ipc/contract.js';
import { validateArgument } from '../../src-shared/ipc/validate.js';
import { toErrorInfo } from './desktop-error.js';

export function isRequestName(name: unknown): name is DesktopRequestName {
  return typeof name === 'string' && (DESKTOP_REQUESTS as readonly string[]).includes(name);
}

export async function dispatchRequest(handlers: DesktopHandlers, name: DesktopRequestName, arg: unknown): Promise<IpcResult<unknown>> {
  try {
    const valid = validateArgument[name](arg ?? null);
    const handler = handlers[name] as (a: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(valid) };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}
