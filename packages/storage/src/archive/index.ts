export {
  ParquetArchive, messageTimestamp, utcDay,
  type ArchiveWriter, type ArchiveLogger, type ArchivePartition, type ArchiveStats, type ParquetArchiveOptions,
} from './parquet-archive.js';
export { archiveType, PARTITION_KEYS, type ArchiveColumnType } from './convert.js';
