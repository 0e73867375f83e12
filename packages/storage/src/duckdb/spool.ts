/**
 * The spool directory of the fast write path: each batch is written to one NDJSON file there, read
 * by DuckDB's `read_json`, and deleted. File names are generated here (never from input), so the
 * only user-controlled part of a path in SQL is the directory, and it is escaped as a literal.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SUFFIX = '.ndjson';

export class SpoolDir {
  private seq = 0;
  private readonly prefix = `${process.pid}-${randomUUID().slice(0, 8)}`;

  private constructor(readonly dir: string, private readonly owned: boolean) {}

  /**
   * `<database>.ingest/` beside a database file, emptied of stale batch files (the database file is
   * locked by this process, so nothing else writes there); a fresh directory under the OS temp
   * directory for an in-memory store.
   */
  static async open(databaseFile: string | null): Promise<SpoolDir> {
    if (databaseFile === null) return new SpoolDir(await mkdtemp(path.join(tmpdir(), 'metron-ingest-')), true);
    const dir = `${databaseFile}.ingest`;
    await mkdir(dir, { recursive: true });
    for (const name of await readdir(dir)) {
      if (name.endsWith(SUFFIX)) await rm(path.join(dir, name), { force: true });
    }
    return new SpoolDir(dir, false);
  }

  /**
   * Writes `data` (text, or buffers written one after another without copying them together) to a
   * new file and runs `use` with its path; the file is deleted afterwards, even on failure.
   */
  async with<T>(data: string | Buffer[], use: (file: string) => Promise<T>): Promise<T> {
    const file = path.join(this.dir, `${this.prefix}-${++this.seq}${SUFFIX}`);
    try {
      if (typeof data === 'string') {
        await writeFile(file, data);
      } else {
        const handle = await open(file, 'w');
        try {
          const { bytesWritten } = await handle.writev(data);
          const expected = data.reduce((sum, part) => sum + part.length, 0);
          if (bytesWritten !== expected) throw new Error(`short write to ${file}: ${bytesWritten} of ${expected} bytes`);
        } finally {
          await handle.close();
        }
      }
      return await use(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  async close(): Promise<void> {
    if (this.owned) await rm(this.dir, { recursive: true, force: true });
    else await rmdir(this.dir).catch(() => undefined); // only if empty
  }
}

/** A string as a SQL string literal (standard SQL: quotes doubled, no backslash escapes). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
