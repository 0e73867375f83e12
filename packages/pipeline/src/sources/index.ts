export type { RecordSink, Source, SourceContext, SourceEvents, SourceLogger } from './types.js';
export { consoleSourceLogger, DEFAULT_MAX_RECORD_BYTES } from './types.js';
export {
  createLineSplitState,
  splitLines,
  takePartialLine,
  type LineEvent,
  type LineSplitOptions,
  type LineSplitState,
  type SplitLinesResult,
} from './split-lines.js';
export { SyslogFrameDecoder, type FrameEvent } from './syslog-frame-decoder.js';
export { deliverWithRetry, type DeliverOptions } from './deliver.js';
export { createSyslogUdpSource, SyslogUdpSource, type SyslogUdpConfig } from './syslog-udp.js';
export { createSyslogTcpSource, SyslogTcpSource, type SyslogTcpConfig } from './syslog-tcp.js';
export { createFileTailSource, FileTailSource, type FileTailConfig, type TailPosition } from './file-tail.js';
export { createSources, type SourceConfig } from './factory.js';
