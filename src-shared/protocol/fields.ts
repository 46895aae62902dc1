/** Readers for the fields of JSON payloads: each returns the value or throws AtpError('bad-payload') naming the field. */
import { AtpError } from './errors.js';

export type JsonObject = Record<string, unknown>;

export function optString(o: JsonObject, key: string, maxLength = 4096): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > maxLength) {
    throw new AtpError('bad-payload', `"${key}" must be a string of at most ${maxLength} characters`);
  }
  return v;
}

export function optInt(o: JsonObject, key: string, min: number, max: number): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new AtpError('bad-payload', `"${key}" must be an integer from ${min} to ${max}`);
  }
  return v;
}

export function reqString(o: JsonObject, key: string, maxLength = 4096): string {
  const v = optString(o, key, maxLength);
  if (v === undefined) throw new AtpError('bad-payload', `"${key}" is required`);
  return v;
}

export function reqInt(o: JsonObject, key: string, min: number, max: number): number {
  const v = optInt(o, key, min, max);
  if (v === undefined) throw new AtpError('bad-payload', `"${key}" is required`);
  return v;
}

export function optBool(o: JsonObject, key: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new AtpError('bad-payload', `"${key}" must be true or false`);
  return v;
}

export function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function nullableString(o: JsonObject, key: string, maxLength = 4096): string | null {
  return o[key] === null ? null : reqString(o, key, maxLength);
}

export function nullableNumber(o: JsonObject, key: string): number | null {
  const v = o[key];
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new AtpError('bad-payload', `"${key}" must be a number or null`);
  return v;
}

export function reqBool(o: JsonObject, key: string): boolean {
  const v = optBool(o, key);
  if (v === undefined) throw new AtpError('bad-payload', `"${key}" is required`);
  return v;
}

export function reqObject(o: JsonObject, key: string): JsonObject {
  const v = o[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new AtpError('bad-payload', `"${key}" must be an object`);
  return v as JsonObject;
}

export function reqArray(o: JsonObject, key: string, maxLength: number): unknown[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length > maxLength) throw new AtpError('bad-payload', `"${key}" must be a list of at most ${maxLength}`);
  return v;
}
