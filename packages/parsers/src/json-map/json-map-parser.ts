/**
 * Metron's JSONMapParser (metron-parsers-common `org.apache.metron.parsers.json.JSONMapParser`):
 * one JSON object per record, or with `jsonpQuery` every object the path selects. Top-level
 * scalars and lists are kept; nested objects follow `mapStrategy`. A message without `timestamp`
 * gets "now". original_string is left to the sensor parser (the whole record) unless
 * `overrideOriginalString`.
 */
import type { Message } from '@metron/core';
import type { MessageParser, ParseContext, ParseOutcome } from '../types.js';
import { isJsonObject, setField } from '../util/fields.js';
import type { JsonMapConfig, MapStrategy } from './config.js';
import { evaluateJsonPath } from './json-path.js';

export class JsonMapParser implements MessageParser {
  private readonly wrapStart: string;

  constructor(private readonly config: JsonMapConfig) {
    this.wrapStart = `{ ${JSON.stringify(config.wrapEntityName)} : [`;
  }

  parse(text: string, ctx: ParseContext): ParseOutcome {
    const { jsonpQuery, mapStrategy } = this.config;
    let objects: Record<string, unknown>[];
    if (jsonpQuery === undefined) {
      const root = parseJson(text);
      if (!root.ok) return root;
      if (!isJsonObject(root.value)) return { ok: false, reason: `JSON record is ${describe(root.value)}, not an object` };
      objects = [root.value];
    } else {
      const root = parseJson(this.config.wrapInEntityArray ? this.wrap(text) : text);
      if (!root.ok) return root;
      const selected = evaluateJsonPath(jsonpQuery, root.value);
      // A definite path names one value: a list of objects (as Metron expects) or a single object.
      const found = jsonpQuery.definite && selected.length === 1 && Array.isArray(selected[0]) ? selected[0] : selected;
      objects = [];
      for (let i = 0; i < found.length; i++) {
        const value = found[i];
        if (value === null) continue; // Jayway with SUPPRESS_EXCEPTIONS yields null for a missing leaf
        if (!isJsonObject(value)) {
          return { ok: false, reason: `jsonpQuery ${jsonpQuery.source} selected ${describe(value)} at position ${i}, not an object` };
        }
        objects.push(value);
      }
      // Metron returns no message and no error here; we report it so that no record vanishes.
      if (objects.length === 0) return { ok: false, reason: `jsonpQuery ${jsonpQuery.source} selected no objects` };
    }

    const messages: Message[] = new Array(objects.length);
    for (let i = 0; i < objects.length; i++) {
      const source = objects[i]!;
      const message: Record<string, unknown> = {};
      for (const key in source) {
        const value = source[key];
        if (isJsonObject(value)) {
          const failure = applyMapStrategy(mapStrategy, key, value, message);
          if (failure !== undefined) return { ok: false, reason: failure };
        } else {
          setField(message, key, value);
        }
      }
      if (this.config.overrideOriginalString) message['original_string'] = JSON.stringify(source);
      if (message['timestamp'] === undefined) message['timestamp'] = ctx.now;
      messages[i] = message as Message;
    }
    return { ok: true, messages };
  }

  /** Metron's wrapMessageJson: prefix, trim, drop one trailing comma, close. */
  private wrap(text: string): string {
    let base = (this.wrapStart + text).trim();
    if (base.endsWith(',')) base = base.slice(0, -1);
    return `${base}]}`;
  }
}

function applyMapStrategy(strategy: MapStrategy, key: string, value: Record<string, unknown>, into: Record<string, unknown>): string | undefined {
  switch (strategy) {
    case 'DROP':
      return undefined;
    case 'ALLOW':
      setField(into, key, value);
      return undefined;
    case 'UNFOLD':
      unfold(key, value, into);
      return undefined;
    case 'ERROR':
      return `field ${JSON.stringify(key)} holds an object and mapStrategy is ERROR`;
  }
}

function unfold(prefix: string, value: Record<string, unknown>, into: Record<string, unknown>): void {
  for (const key in value) {
    const v = value[key];
    const dotted = `${prefix}.${key}`;
    if (isJsonObject(v)) unfold(dotted, v, into);
    else setField(into, dotted, v);
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
