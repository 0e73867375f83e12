import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Source, SourceContext } from './types.js';
import { createSyslogUdpSource, type SyslogUdpConfig } from './syslog-udp.js';
import { createSyslogTcpSource, type SyslogTcpConfig } from './syslog-tcp.js';
import { createFileTailSource, type FileTailConfig } from './file-tail.js';

/** One entry of a config dir's `sources.json`. */
export type SourceConfig =
  | ({ type: 'syslog-udp' } & SyslogUdpConfig)
  | ({ type: 'syslog-tcp' } & SyslogTcpConfig)
  | ({ type: 'file' } & Omit<FileTailConfig, 'positionFile'> & { positionFile?: string });

/** Builds the sources of a `sources.json`; file positions live under `<dataDir>/sources/`. */
export function createSources(configs: SourceConfig[], ctx: SourceContext & { dataDir: string }): Source[] {
  return configs.map((c) => {
    const { type, ...rest } = c;
    switch (type) {
      case 'syslog-udp':
        return createSyslogUdpSource(rest as SyslogUdpConfig, ctx);
      case 'syslog-tcp':
        return createSyslogTcpSource(rest as SyslogTcpConfig, ctx);
      case 'file': {
        const f = rest as Omit<FileTailConfig, 'positionFile'> & { positionFile?: string };
        const id = createHash('sha256').update(f.path).digest('hex').slice(0, 16);
        return createFileTailSource({ ...f, positionFile: f.positionFile ?? join(ctx.dataDir, 'sources', `${f.sensor}-${id}.pos`) }, ctx);
      }
    }
  });
}
