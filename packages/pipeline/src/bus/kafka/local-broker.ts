/**
 * A single-node Apache Kafka broker (KRaft, combined broker + controller) run from the Maven
 * Central jars of `org.apache.kafka:kafka_2.13`, for tests, benchmarks and a developer's machine.
 * Production runs a real Kafka cluster; this is the same engine on 127.0.0.1 only.
 *
 * Steps, as Kafka's own quick start: resolve the jars with Maven (cached classpath), format the
 * storage with `kafka.tools.StorageTool`, run `kafka.Kafka server.properties`. The broker can be
 * stopped and started again on the same ports and data (fault tests), or killed with SIGKILL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, closeSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '@metron/core/node';

/** The Kafka release the test broker runs (3.9 is the last line with the 3.x protocol set). */
export const KAFKA_VERSION = '3.9.1';

export interface LocalBrokerOptions {
  /** Directory for the KRaft metadata and the topic logs, and the broker's own log file. */
  dir: string;
  /** Client port (0 or absent: a free one). */
  port?: number;
  /** Controller port (0 or absent: a free one). */
  controllerPort?: number;
  /** JVM heap cap in MiB (default 512). */
  heapMb?: number;
  /**
   * Trade peak throughput for a faster start (C1 compiler only). True for tests; a benchmark
   * wants false.
   */
  fastStart?: boolean;
  /**
   * Run the JVM in its own process group, not tied to this process (a broker shared by the test
   * files of one run outlives the worker that started it).
   */
  detached?: boolean;
  /** Extra `server.properties` entries. */
  properties?: Record<string, string | number | boolean>;
  /** Where Maven's resolved classpath is cached (default `~/.cache/metron/kafka-<version>`). */
  cacheDir?: string;
}

/** What identifies a running broker, e.g. to stop it from another process. */
export interface LocalBrokerState {
  pid: number;
  bootstrap: string;
  port: number;
  controllerPort: number;
  dir: string;
  /**
   * A class-data-sharing archive the JVM writes at a clean exit; `stopBrokerProcess` moves it to
   * where later starts read it (a start from the archive is roughly twice as fast).
   */
  archiveTmp?: string;
}

function fail(message: string): never {
  throw new Error(`Kafka test broker: ${message}`);
}

/** Checks that a command runs at all; a missing Java or Maven is a clear failure, never a skip. */
function requireTool(command: string, args: string[], what: string): void {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  if (result.error !== undefined) {
    fail(`${what} is required (\`${command}\` could not be run: ${result.error.message}). Install it (Debian: apt-get install openjdk-17-jre-headless maven) and retry.`);
  }
}

/** A port the OS reports free on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function pomXml(): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>metron.local</groupId>
  <artifactId>kafka-broker-classpath</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
`;
}

/**
 * The broker's Java classpath, resolved by Maven once and cached: later calls read the cached file
 * (if every jar is still in the local repository) and start no Maven.
 */
export async function kafkaClasspath(cacheDir = defaultCacheDir()): Promise<string> {
  const cached = join(cacheDir, 'classpath.txt');
  const read = async (): Promise<string | undefined> => {
    if (!existsSync(cached)) return undefined;
    const classpath = (await readFile(cached, 'utf8')).trim();
    return classpath !== '' && classpath.split(':').every((jar) => existsSync(jar)) ? classpath : undefined;
  };
  const hit = await read();
  if (hit !== undefined) return hit;
  requireTool('mvn', ['-v'], 'Maven');
  await mkdir(cacheDir, { recursive: true });
  // Test files in several processes may get here at once: one resolves, the others wait for it.
  const lock = join(cacheDir, 'resolve.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than Maven's own timeout was left by a process that died.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 11 * 60_000) await rm(lock, { recursive: true, force: true });
      if (Date.now() > deadline) fail(`${lock} is held; remove it if no Maven run is going on`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    const other = await read();
    if (other !== undefined) return other;
    return await resolveClasspath(cacheDir, cached);
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** Runs Maven to resolve the broker's jars into ~/.m2 and writes the classpath file. */
async function resolveClasspath(cacheDir: string, cached: string): Promise<string> {
  await writeFile(join(cacheDir, 'pom.xml'), pomXml());
  const outFile = join(cacheDir, 'classpath.tmp');
  const result = spawnSync('mvn', ['-q', '-B', '-f', join(cacheDir, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${outFile}`], {
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (result.status !== 0) fail(`Maven could not resolve org.apache.kafka:kafka_2.13:${KAFKA_VERSION} (exit ${result.status}): ${(result.stdout + result.stderr).slice(-2000)}`);
  const classpath = (await readFile(outFile, 'utf8')).trim();
  if (!classpath.includes(`kafka_2.13-${KAFKA_VERSION}.jar`)) fail(`Maven's classpath lacks kafka_2.13-${KAFKA_VERSION}.jar`);
  await writeFile(cached, classpath);
  return classpath;
}

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. */
function clusterId(): string {
  return randomBytes(16).toString('base64url');
}

function serverProperties(o: { dir: string; port: number; controllerPort: number; extra: Record<string, string | number | boolean> }): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${o.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${o.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': join(o.dir, 'data'),
    'metadata.log.dir': join(o.dir, 'metadata'),
    // One node: every internal topic has one replica; few partitions keep the first group fast.
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'group.initial.rebalance.delay.ms': 0,
    'group.min.session.timeout.ms': 500,
    // Topics are created by the bus with the partitions the config asks for.
    'auto.create.topics.enable': false,
    'num.partitions': 1,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'background.threads': 2,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 8 * 1024 * 1024,
    'log.cleaner.backoff.ms': 1000,
    ...o.extra,
  };
  return Object.entries(props).map(([k, v]) => `${k}=${String(v)}`).join('\n') + '\n';
}

const LOG4J = `log4j.rootLogger=WARN, out
log4j.appender.out=org.apache.log4j.ConsoleAppender
log4j.appender.out.layout=org.apache.log4j.PatternLayout
log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
`;

/** Resolves once a TCP connection to 127.0.0.1:port succeeds; false after the deadline. */
async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Default cache of the resolved classpath and the class-data-sharing archive. */
function defaultCacheDir(): string {
  return join(homedir(), '.cache', 'metron', `kafka-${KAFKA_VERSION}`);
}

/**
 * Sends `signal` to a broker's process, then waits for it to exit (SIGKILL after `timeoutMs`).
 * A class-data-sharing archive written at a clean exit is moved into place for later starts.
 */
export async function stopBrokerProcess(pid: number, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000, archiveTmp?: string): Promise<void> {
  if (processAlive(pid)) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
    const deadline = Date.now() + timeoutMs;
    while (processAlive(pid)) {
      if (Date.now() > deadline) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (archiveTmp !== undefined && existsSync(archiveTmp) && statSync(archiveTmp).size > 0) {
    await rename(archiveTmp, archiveTmp.replace(/\.[0-9a-f]+\.tmp$/, '')).catch(() => undefined);
  }
}

/** One broker process over one data directory; start/stop/kill keep its ports and data. */
export class LocalKafkaBroker {
  private child: ChildProcess | undefined;
  private pidValue: number | undefined;
  private formatted = false;
  private portValue: number;
  private controllerPortValue: number;
  private classpath: string | undefined;
  private archiveTmp: string | undefined;
  /** Wall-clock ms of the last start (classpath, format and JVM until the port answers). */
  lastStartMs = 0;

  constructor(private readonly opts: LocalBrokerOptions) {
    this.portValue = opts.port ?? 0;
    this.controllerPortValue = opts.controllerPort ?? 0;
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.portValue}`;
  }

  get port(): number {
    return this.portValue;
  }

  get pid(): number | undefined {
    return this.pidValue;
  }

  get running(): boolean {
    return this.pidValue !== undefined && processAlive(this.pidValue);
  }

  state(): LocalBrokerState {
    if (this.pidValue === undefined) fail('not started');
    return {
      pid: this.pidValue,
      bootstrap: this.bootstrap,
      port: this.portValue,
      controllerPort: this.controllerPortValue,
      dir: this.opts.dir,
      ...(this.archiveTmp !== undefined ? { archiveTmp: this.archiveTmp } : {}),
    };
  }

  /** Formats the storage on first start, then runs the broker until its client port answers. */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.running) return;
    const started = Date.now();
    requireTool('java', ['-version'], 'Java 17 or later');
    this.classpath ??= await kafkaClasspath(this.opts.cacheDir);
    if (this.portValue === 0) this.portValue = await freePort();
    if (this.controllerPortValue === 0) this.controllerPortValue = await freePort();
    const { dir } = this.opts;
    await mkdir(dir, { recursive: true });
    const propsFile = join(dir, 'server.properties');
    await writeFile(propsFile, serverProperties({ dir, port: this.portValue, controllerPort: this.controllerPortValue, extra: this.opts.properties ?? {} }));
    await writeFile(join(dir, 'log4j.properties'), LOG4J);
    // Class data sharing: the first clean exit writes an archive of the loaded classes; later
    // starts map it instead of loading and verifying ~5,000 classes again.
    const archive = join(this.opts.cacheDir ?? defaultCacheDir(), 'kafka.jsa');
    this.archiveTmp = existsSync(archive) ? undefined : `${archive}.${randomBytes(4).toString('hex')}.tmp`;
    const cds = this.archiveTmp === undefined ? [`-XX:SharedArchiveFile=${archive}`] : [`-XX:ArchiveClassesAtExit=${this.archiveTmp}`];
    const jvm = [...cds, ...this.jvmArgs()];
    if (!this.formatted && !existsSync(join(dir, 'metadata', 'meta.properties'))) {
      const format = spawnSync('java', [...this.jvmArgs(), 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propsFile, '--ignore-formatted'], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      if (format.status !== 0) fail(`StorageTool format failed (exit ${format.status}): ${(format.stdout + format.stderr).slice(-2000)}`);
    }
    this.formatted = true;
    const logFd = openSync(join(dir, 'broker.log'), 'a');
    const detached = this.opts.detached === true;
    const child = spawn('java', [...jvm, 'kafka.Kafka', propsFile], { stdio: ['ignore', logFd, logFd], detached });
    closeSync(logFd);
    if (detached) child.unref();
    this.child = child;
    this.pidValue = child.pid;
    let exited: string | undefined;
    child.once('exit', (code, signal) => {
      exited = `exit code ${code}, signal ${signal}`;
    });
    const deadline = Date.now() + timeoutMs;
    while (!(await canConnect(this.portValue))) {
      if (exited !== undefined) fail(`the broker stopped while starting (${exited}); see ${join(dir, 'broker.log')}: ${await this.logTail()}`);
      if (Date.now() > deadline) {
        await this.kill();
        fail(`the broker did not listen on ${this.bootstrap} within ${timeoutMs} ms; see ${join(dir, 'broker.log')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    this.lastStartMs = Date.now() - started;
  }

  /** Clean shutdown (SIGTERM); data and ports are kept for `start`. */
  async stop(): Promise<void> {
    if (this.pidValue !== undefined) await stopBrokerProcess(this.pidValue, 'SIGTERM', 30_000, this.archiveTmp);
    this.child = undefined;
    this.pidValue = undefined;
  }

  /** Crash (SIGKILL); data and ports are kept for `start`. */
  async kill(): Promise<void> {
    if (this.pidValue !== undefined) await stopBrokerProcess(this.pidValue, 'SIGKILL');
    this.child = undefined;
    this.pidValue = undefined;
  }

  private jvmArgs(): string[] {
    const heap = this.opts.heapMb ?? 512;
    return [
      `-Xmx${heap}m`,
      `-Xms${Math.min(heap, 128)}m`,
      '-XX:+UseSerialGC',
      ...(this.opts.fastStart === false ? [] : ['-XX:TieredStopAtLevel=1']),
      '-Xlog:cds=off,cds+dynamic=off',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${join(this.opts.dir, 'log4j.properties')}`,
      '-cp',
      this.classpath as string,
    ];
  }

  private async logTail(): Promise<string> {
    try {
      return (await readFile(join(this.opts.dir, 'broker.log'), 'utf8')).slice(-2000);
    } catch {
      return '';
    }
  }
}
