/**
 * Sets a field from untrusted input. A plain assignment of `__proto__` would replace the object's
 * prototype instead of creating a field; JSON.parse creates it as an own field, and so do we.
 */
export function setField(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Records between two looks at a parser's output (the first record is always looked at). */
const SHAPE_SAMPLE_EVERY = 64;
/** Fields V8 adds by computed keys before it turns an object into a slow dictionary. */
const FAST_FIELD_LIMIT = 16;
/** Key orders remembered; past that the memory starts over. */
const SHAPE_LIMIT = 64;
/** Samples after which a remembered key order's exemplar is built again (see observe). */
const SHAPE_REFRESH = 64;

/**
 * Keeps messages with many fields in V8's fast layout. V8 gives an object built by `obj[key] = v` a
 * hidden class per added field, but past about 16 fields added that way it gives up and turns the
 * object into a hash table ("dictionary mode"), about 3× slower to build and slower to read for
 * every later stage. It only gives up when it would have to create a new hidden class: fields added
 * along a chain of hidden classes that already exists stay fast. Object.defineProperty may create
 * that chain. So, now and then, this class rebuilds a message's key order with defineProperty into
 * an exemplar it keeps (which keeps the chain alive), and later messages with that key order, built
 * as before, follow the chain. It changes no value, key or key order: only how fast they are built.
 * An exemplar is rebuilt now and then, because V8 replaces a chain when a field changes kind (an
 * integer field that receives a fraction).
 */
export class ShapeKeeper {
  private records = 0;
  private samples = 0;
  private readonly exemplars = new Map<string, { exemplar: object; builtAt: number }>();

  /** Call with each message a parser builds, after its last field is set. */
  observe(message: Record<string, unknown>): void {
    if (this.records++ % SHAPE_SAMPLE_EVERY !== 0) return;
    const keys = Object.keys(message);
    if (keys.length <= FAST_FIELD_LIMIT) return;
    const sample = ++this.samples;
    const order = keys.join('\u0000');
    const known = this.exemplars.get(order);
    if (known !== undefined && sample - known.builtAt < SHAPE_REFRESH) return;
    if (known === undefined && this.exemplars.size >= SHAPE_LIMIT) this.exemplars.clear();
    const exemplar = {};
    for (const key of keys) Object.defineProperty(exemplar, key, { value: placeholder(message[key]), writable: true, enumerable: true, configurable: true });
    this.exemplars.set(order, { exemplar, builtAt: sample });
  }
}

/** A value of the same kind for V8's field layout (number, string, reference) that holds on to nothing large. */
function placeholder(value: unknown): unknown {
  if (typeof value === 'string') return '';
  if (typeof value === 'object' && value !== null) return null;
  return value;
}
