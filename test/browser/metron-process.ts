/** `metron start --demo` as a child process for end-to-end tests: temp config and data, a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ADMIN_PASSWORD, tempEnv } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../packages/cli/bin/metron.js', import.meta.url));

export interface RunningMetron {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `metron start --demo` on a free port with a copy of the built-in configs and no syslog sources. */
export async function startDemo(extraArgs: string[] = []): Promise<RunningMetron> {
  const env = await tempEnv();
  const child = spawn(process.execPath, [BIN, 'start', '--demo', '--config-dir', env.configDir, '--data-dir', env.dataDir, '--port', '0', ...extraArgs], {
    env: { ...process.env, METRON_ADMIN_PASSWORD: ADMIN_PASSWORD },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await env.cleanup();
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`metron did not start within 60 s:\n${out}`)), 60_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /Metron is up at (http:\/\/[0-9.:]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`metron exited with ${code}:\n${out}`));
      });
    });
    return { url, child, output: () => out, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
