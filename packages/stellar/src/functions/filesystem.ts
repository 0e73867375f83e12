/**
 * HDFS_* and LOCAL_* (Metron's FileSystemFunctions): thin adapters over the 'fs' service, which
 * gives access to the HDFS and local file systems (Stellar itself does no I/O).
 */
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { optionalBooleanArg, requireService, stringArg, textArg } from './service-adapter.js';
import { renderTable } from './shell.js';

/** One directory entry, as LS lists it. */
export interface FileEntry {
  /** The entry's own name (last path component). */
  name: string;
  /** Permissions as `ls` shows them, e.g. rw-r--r--. */
  permissions: string;
  owner: string;
  group: string;
  /** Last modification, epoch ms. */
  modified: number;
  size: number;
}

/** One file system. Failures return null/false: Metron's functions do not fail the expression. */
export interface FileSystem {
  /** The entries of a directory (null: the user's home directory); null when it cannot be listed. */
  list(path: string | null): FileEntry[] | null;
  read(path: string): string | null;
  write(path: string, content: string): boolean;
  remove(path: string, recursive: boolean): boolean;
}

/** What the module installs under the service name 'fs'. */
export interface FileSystemService {
  /** The file system of a kind, or undefined when it is not available here (e.g. local in a browser). */
  fileSystem(kind: 'hdfs' | 'local'): FileSystem | undefined;
}

type Kind = 'hdfs' | 'local';

function fileSystem(ctx: Parameters<StellarFunction['call']>[1], fn: string, kind: Kind): FileSystem {
  const fs = requireService<FileSystemService>(ctx, fn, 'fs').fileSystem(kind);
  if (fs === undefined) throw new StellarFunctionError(`${fn}: the ${kind} file system is not available`);
  return fs;
}

const LS_HEADERS = ['PERMISSION', 'OWNER', 'GROUP', 'SIZE', 'LAST MOD TIME', 'NAME'];

/** Metron's listing: oldest modification first, then by name. Times are shown in ISO 8601 (UTC). */
function lsTable(entries: FileEntry[]): string {
  const sorted = [...entries].sort((a, b) => a.modified - b.modified || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return renderTable(
    LS_HEADERS,
    sorted.map((e) => [e.permissions, e.owner, e.group, String(e.size), new Date(e.modified).toISOString(), e.name]),
  );
}

/** Splits text into lines as Commons IO's readLines does (\n, \r\n or \r; no empty last line). */
function readLines(content: string): string[] {
  const lines = content.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function functionsFor(kind: Kind): StellarFunction[] {
  const ns = kind === 'hdfs' ? 'HDFS' : 'LOCAL';
  const where = kind === 'hdfs' ? 'in HDFS' : 'on the local file system';
  const pathParam = `path - The path of the file ${where}`;
  return [
    {
      name: `${ns}_LS`,
      namespace: ns,
      description: `Lists a directory ${where}.`,
      params: [`path - The directory ${where}; the home directory when omitted`],
      returns: 'A table of the entries (permission, owner, group, size, modification time, name), oldest first.',
      requires: 'fs',
      call(args, ctx) {
        // as Metron: no argument lists the home directory, a null path lists nothing
        if (args.length > 0 && args[0] === null) return renderTable(LS_HEADERS, []);
        const path = args.length === 0 ? null : stringArg(`${ns}_LS`, args, 0, 'path');
        const entries = fileSystem(ctx, `${ns}_LS`, kind).list(path);
        return lsTable(entries ?? []);
      },
    },
    {
      name: `${ns}_READ`,
      namespace: ns,
      description: `Reads a file ${where} as one string.`,
      params: [pathParam],
      returns: 'The content of the file, or null when it cannot be read.',
      requires: 'fs',
      call(args, ctx) {
        if (args[0] === null || args[0] === undefined) return null;
        const path = stringArg(`${ns}_READ`, args, 0, 'path');
        return fileSystem(ctx, `${ns}_READ`, kind).read(path);
      },
    },
    {
      name: `${ns}_READ_LINES`,
      namespace: ns,
      description: `Reads a file ${where} as a list of lines.`,
      params: [pathParam],
      returns: 'The lines of the file, or null when it cannot be read.',
      requires: 'fs',
      call(args, ctx) {
        if (args[0] === null || args[0] === undefined) return null;
        const path = stringArg(`${ns}_READ_LINES`, args, 0, 'path');
        const content = fileSystem(ctx, `${ns}_READ_LINES`, kind).read(path);
        return content === null ? null : readLines(content);
      },
    },
    {
      name: `${ns}_WRITE`,
      namespace: ns,
      description: `Writes a string to a file ${where}.`,
      params: ['content - The text to write', pathParam],
      returns: 'True when the file was written, false otherwise.',
      requires: 'fs',
      call(args, ctx) {
        if (args[0] === null || args[0] === undefined || args[1] === null || args[1] === undefined) return false;
        const content = textArg(`${ns}_WRITE`, args, 0, 'content');
        const path = stringArg(`${ns}_WRITE`, args, 1, 'path');
        return fileSystem(ctx, `${ns}_WRITE`, kind).write(path, content);
      },
    },
    {
      name: `${ns}_RM`,
      namespace: ns,
      description: `Removes a file or directory ${where}.`,
      params: [pathParam, 'recursive - (optional) Remove directories recursively; false by default'],
      returns: 'True when removed, false otherwise.',
      requires: 'fs',
      call(args, ctx) {
        if (args[0] === null || args[0] === undefined) return false;
        const path = stringArg(`${ns}_RM`, args, 0, 'path');
        const recursive = optionalBooleanArg(`${ns}_RM`, args, 1, 'recursive') ?? false;
        return fileSystem(ctx, `${ns}_RM`, kind).remove(path, recursive);
      },
    },
  ];
}

export const functions: StellarFunction[] = [...functionsFor('hdfs'), ...functionsFor('local')];

