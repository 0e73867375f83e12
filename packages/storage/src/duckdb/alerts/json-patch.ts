/**
 * JSON Patch (RFC 6902) over a Metron document, with JSON Pointer (RFC 6901) paths. The document
 * is flat, so `/alert_status` or `/enrichments.geo.ip_dst_addr.country` names a field (a `/` in a
 * field name is written `~1`, a `~` as `~0`); deeper pointers (`/comments/0/comment`) reach into
 * list and object values. Metron's `/api/v1/update/patch` takes the same list of operations.
 */
import { MetronError, type JsonValue, type Message } from '@metron/core';

export type PatchOp = 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
export const PATCH_OPS: readonly PatchOp[] = ['add', 'remove', 'replace', 'move', 'copy', 'test'];

/** One operation as sent by a client. */
export interface PatchOperation {
  op: PatchOp;
  path: string;
  value?: JsonValue;
  from?: string;
}

type Container = Record<string, JsonValue> | JsonValue[];

/** Splits a JSON Pointer into unescaped reference tokens; throws on a pointer that does not start with `/`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`'${pointer}' is not a JSON pointer (must start with '/')`);
  return pointer.slice(1).split('/').map((token) => {
    if (/~[^01]|~$/.test(token)) throw new Error(`'${pointer}' has an invalid escape (only ~0 and ~1)`);
    return token.replaceAll('~1', '/').replaceAll('~0', '~');
  });
}

function isContainer(value: JsonValue | undefined): value is Container {
  return typeof value === 'object' && value !== null;
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new Error(`'${token}' is not an array index`);
  const index = Number(token);
  if (index > length || (!allowEnd && index === length)) throw new Error(`index ${index} is out of bounds (length ${length})`);
  return index;
}

/** The container holding the pointer's last token, and that token. */
function parentOf(doc: Message, tokens: string[]): { parent: Container; key: string } {
  let current: JsonValue = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const token = tokens[i]!;
    if (!isContainer(current)) throw new Error(`'/${tokens.slice(0, i).join('/')}' is not an object or array`);
    const next: JsonValue | undefined = Array.isArray(current) ? current[arrayIndex(token, current.length, false)] : Object.hasOwn(current, token) ? current[token] : undefined;
    if (next === undefined) throw new Error(`'/${tokens.slice(0, i + 1).join('/')}' does not exist`);
    current = next;
  }
  if (!isContainer(current)) throw new Error('the parent is not an object or array');
  return { parent: current, key: tokens[tokens.length - 1]! };
}

function getAt(doc: Message, tokens: string[]): JsonValue {
  if (tokens.length === 0) return doc;
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) return parent[arrayIndex(key, parent.length, false)]!;
  if (!Object.hasOwn(parent, key)) throw new Error('the target does not exist');
  return parent[key]!;
}

function addAt(doc: Message, tokens: string[], value: JsonValue): void {
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, true), 0, value);
  else parent[key] = value;
}

function removeAt(doc: Message, tokens: string[]): JsonValue {
  const { parent, key } = parentOf(doc, tokens);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(key, parent.length, false), 1)[0]!;
  if (!Object.hasOwn(parent, key)) throw new Error('the target does not exist');
  const old = parent[key]!;
  delete parent[key];
  return old;
}

/** Structural JSON equality (object key order ignored). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b)) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

export function cloneJson<T extends JsonValue | Message>(value: T): T {
  return structuredClone(value);
}

/** Replaces the whole document (path ""): only with an object. */
function replaceRoot(doc: Message, value: JsonValue | undefined): void {
  if (!isContainer(value) || Array.isArray(value)) throw new Error('the document root can only be replaced by an object');
  for (const key of Object.keys(doc)) delete doc[key];
  Object.assign(doc, cloneJson(value));
}

/**
 * Applies the operations to a copy of `doc` and returns it; `doc` is left unchanged. All or
 * nothing: the first failing operation throws INPUT_INVALID naming its position, op and path.
 */
export function applyPatch(doc: Message, operations: PatchOperation[]): Message {
  const result = cloneJson(doc);
  operations.forEach((operation, i) => {
    const where = `patch[${i}] (${String(operation?.op)} ${JSON.stringify(operation?.path)})`;
    try {
      if (typeof operation !== 'object' || operation === null) throw new Error('an operation must be an object');
      if (!PATCH_OPS.includes(operation.op)) throw new Error(`unknown op; use one of ${PATCH_OPS.join(', ')}`);
      if (typeof operation.path !== 'string') throw new Error('path must be a string');
      const path = parsePointer(operation.path);
      const needsValue = operation.op === 'add' || operation.op === 'replace' || operation.op === 'test';
      if (needsValue && operation.value === undefined) throw new Error(`'${operation.op}' needs a value`);
      const needsFrom = operation.op === 'move' || operation.op === 'copy';
      if (needsFrom && typeof operation.from !== 'string') throw new Error(`'${operation.op}' needs a from pointer`);
      switch (operation.op) {
        case 'add':
          if (path.length === 0) replaceRoot(result, operation.value);
          else addAt(result, path, cloneJson(operation.value!));
          break;
        case 'remove':
          if (path.length === 0) throw new Error('the document root cannot be removed');
          removeAt(result, path);
          break;
        case 'replace':
          if (path.length === 0) {
            replaceRoot(result, operation.value);
          } else {
            getAt(result, path);
            removeAt(result, path);
            addAt(result, path, cloneJson(operation.value!));
          }
          break;
        case 'move': {
          const from = parsePointer(operation.from!);
          if (operation.path.startsWith(`${operation.from!}/`)) throw new Error('cannot move a value into one of its own children');
          if (from.length === 0) throw new Error('the document root cannot be moved');
          if (operation.from === operation.path) break;
          const value = removeAt(result, from);
          if (path.length === 0) replaceRoot(result, value);
          else addAt(result, path, value);
          break;
        }
        case 'copy': {
          const value = cloneJson(getAt(result, parsePointer(operation.from!)));
          if (path.length === 0) replaceRoot(result, value);
          else addAt(result, path, value);
          break;
        }
        case 'test': {
          const actual = getAt(result, path);
          if (!jsonEqual(actual, operation.value)) {
            throw new Error(`test failed: the value is ${JSON.stringify(actual)}, expected ${JSON.stringify(operation.value)}`);
          }
          break;
        }
      }
    } catch (err) {
      if (err instanceof MetronError) throw err;
      throw new MetronError('INPUT_INVALID', `${where}: ${err instanceof Error ? err.message : String(err)}`, { operation: i });
    }
  });
  return result;
}
