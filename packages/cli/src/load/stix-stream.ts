/**
 * Reads the objects of a STIX document (RFC 8259 JSON: a bundle, a TAXII envelope, a list of
 * objects, or one object) from a text stream, one object at a time, so a bundle of any size is
 * loaded in bounded memory (a 1 GB bundle cannot even be one JavaScript string: V8 caps strings at
 * 512 MB). Only the element being read is held; each is then parsed with JSON.parse.
 *
 * json-stream.ts scans the text, checking all of it as JSON.parse does; each element of the
 * top-level list or of the bundle's `objects` list is captured and parsed on its own. The other
 * members of a bundle (`type`, `id`, `spec_version`, `more`, `next`) are small and kept. A document
 * without such a list (one object, or `objects` that is not a list) is kept whole and read as
 * readStixDocument reads it, once the text is known to be JSON. Text that is not JSON (a stray
 * character, a trailing comma, an element that is not valid JSON, the text ending inside a value)
 * stops the file at the line and column given for JSON.parse's error, after the objects before it:
 * the scan cannot resume after an error to read the elements that follow.
 */
import { readStixDocument, type LoadIssue, type LocatedObject } from '@metron/enrichment';
import { JsonStreamScanner, JsonSyntaxError, MAX_KEY_CHARS, type JsonAction, type JsonPathStep, type JsonValueKind, type JsonVisitor } from './json-stream.js';

const NOT_STIX = 'not a STIX document: expected a bundle, an object with "type", or a list of objects';

/** Picks the objects of a STIX document out of the scan (see above). */
class StixReader implements JsonVisitor {
  private readonly scanner = new JsonStreamScanner(this);
  /** The document is a list of objects or an object (a bundle, an envelope, one object). */
  private documentKind: 'object' | 'array' | undefined;
  /** The objects list is the bundle's `objects` member, read element by element. */
  private streamed = false;
  /** The top-level object's members, the streamed objects list aside: [name, raw text]. */
  private readonly members: Array<[string, string]> = [];
  /** Members whose name was too long for the scanner to keep (STIX allows 250 characters). */
  private unnamedMembers = 0;
  private index = 0;
  readonly objects: LocatedObject[] = [];
  /** Characters of the elements in `objects`, a measure of the memory they hold. */
  pendingChars = 0;

  constructor(
    private readonly file: string,
    private readonly onIssue: (issue: LoadIssue) => void,
  ) {}

  /** Scans a piece of the text; complete objects are added to `objects`. */
  feed(text: string): void {
    try {
      this.scanner.feed(text);
    } catch (err) {
      throw this.streamError(err);
    }
  }

  /** The text ended: throws if it is not one JSON value; a document kept whole is read now. */
  end(): void {
    try {
      this.scanner.end();
    } catch (err) {
      throw this.streamError(err);
    }
    if (this.documentKind === 'object' && !this.streamed) this.readWhole();
  }

  begin(path: readonly JsonPathStep[], kind: JsonValueKind): JsonAction {
    if (path.length === 0) {
      if (kind !== 'object' && kind !== 'array') {
        const { line, column } = this.scanner.valueStart();
        throw new StixStreamError(`${this.file}:${line}:${column}`, NOT_STIX);
      }
      this.documentKind = kind;
      return 'walk';
    }
    // an element of a list of objects (the top-level one, or the bundle's)
    if (path.length > 1 || this.documentKind === 'array') return 'capture';
    const name = path[0]!.key;
    if (name === undefined) {
      this.unnamedMembers++;
      return 'skip';
    }
    if (name === 'objects' && (this.streamed || this.members.some(([n]) => n === 'objects'))) {
      // JSON.parse would keep the last; the first list may be loaded already. STIX is I-JSON, whose
      // member names are unique: refused where the second begins.
      const { line, column } = this.scanner.valueStart();
      throw new StixStreamError(`${this.file}:${line}:${column}`, 'a second "objects" member (STIX is I-JSON: member names are unique); the objects before it are read');
    }
    if (name === 'objects' && kind === 'array' && this.mayBeBundle()) {
      this.streamed = true;
      return 'walk';
    }
    return 'capture';
  }

  captured(path: readonly JsonPathStep[], raw: string): void {
    if (path.length === 1 && this.documentKind === 'object') {
      this.members.push([path[0]!.key!, raw]);
      return;
    }
    // valid JSON: the scanner has checked it
    const object: unknown = JSON.parse(raw);
    const id = typeof object === 'object' && object !== null && typeof (object as Record<string, unknown>)['id'] === 'string'
      ? ` (${(object as Record<string, string>)['id']})` : '';
    this.objects.push({ object, where: `${this.file}: objects[${this.index++}]${id}` });
    this.pendingChars += raw.length;
  }

  /** A bundle or envelope: its `type`, when seen before `objects`, is `bundle` or absent. */
  private mayBeBundle(): boolean {
    const type = this.members.find(([name]) => name === 'type');
    return type === undefined || type[1] === '"bundle"';
  }

  /** A top-level object whose objects were not streamed: read whole, from its members. */
  private readWhole(): void {
    if (this.unnamedMembers > 0) {
      // its text cannot be put back together, and no STIX document has such a name
      this.onIssue({ kind: 'failed', where: this.file, reason: `not a STIX document: a member name is over ${MAX_KEY_CHARS} characters (STIX allows 250)` });
      return;
    }
    const text = `{${this.members.map(([name, value]) => `${JSON.stringify(name)}:${value}`).join(',')}}`;
    const document = readStixDocument(text, this.file);
    document.issues.forEach((issue) => this.onIssue(issue));
    this.objects.push(...document.objects);
  }

  private streamError(err: unknown): unknown {
    if (!(err instanceof JsonSyntaxError)) return err;
    return new StixStreamError(`${this.file}:${err.line}:${err.column}`, `invalid JSON: ${err.reason}`);
  }
}

/** A structural error in a streamed STIX document. */
export class StixStreamError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

/**
 * Reads the STIX objects of a text stream in lists of at most `chunkSize` objects (fewer when they
 * are large: a list ends once it holds `chunkChars` characters of JSON; measured on a 100 MB bundle
 * of 16 KB objects in a 64 MB heap, 4 MB lists spent ~20 s in GC, 256 KB lists ran in ~11 s, 5 s
 * without the cap); issues (a bundle's `objects` that is not a list) go to `onIssue`. Text that is
 * not JSON, or a document that is neither an object nor a list, throws StixStreamError after the
 * objects before it.
 */
export async function* streamStixObjects(
  text: AsyncIterable<string>,
  file: string,
  onIssue: (issue: LoadIssue) => void,
  chunkSize = 5_000,
  chunkChars = 256_000,
): AsyncGenerator<LocatedObject[]> {
  const reader = new StixReader(file, onIssue);
  let failure: unknown;
  try {
    for await (const piece of text) {
      reader.feed(piece);
      // a chunk ends at `chunkSize` objects or `chunkChars` characters of them, whichever comes first
      if (reader.pendingChars >= chunkChars && reader.objects.length < chunkSize) {
        reader.pendingChars = 0;
        yield reader.objects.splice(0);
      }
      while (reader.objects.length >= chunkSize) {
        reader.pendingChars = 0;
        yield reader.objects.splice(0, chunkSize);
      }
    }
    reader.end();
  } catch (err) {
    failure = err;
  }
  // the objects read before a structural error still count
  while (reader.objects.length > 0) yield reader.objects.splice(0, chunkSize);
  if (failure !== undefined) throw failure;
}
