import { errorMessage } from '@metron/core';

const USAGE = `metron — security analytics platform

Usage: metron <command> [options]

Commands:
  start      run everything in one process: sources, pipeline, search index, REST API
             options: --demo  feed built-in demo telemetry
                      --demo-rate N  demo events per second (default 200)
  stellar    Stellar REPL; --json evaluates JSON lines from stdin (batch mode)
  parse      parse raw lines from stdin with a sensor's parser config (--config-file FILE | --sensor NAME --config-dir DIR)
  pipeline   run raw lines from stdin through parse, enrichment, threat intel and triage with the config's
             stores (LMDB tables in <data-dir>/kv or Redis); --sensor NAME [--config-dir DIR]; metron pipeline --help
  load       load enrichment / threat-intel data: flatfile (a CSV file with a Metron extractor config),
             list (one indicator per line), stix (STIX 2.1 bundles), taxii (a TAXII 2.1 server),
             misp (a MISP feed), assets (the asset inventory), identities (users of IP addresses over
             time), into LMDB (<data-dir>/kv) or Redis; metron load --help, metron load assets --help
  worker     one pipeline stage on Apache Kafka, scaled out: metron worker parse|enrich|index
             [--brokers H:P] [--sensors A,B]; metron worker --help
  config     metron config push|pull --config-dir DIR: configs to/from the Kafka config topic
  server     REST API and console of a scale-out deployment (Kafka + OpenSearch); metron server --help
  help       show this help

Common options:
  --config-dir DIR   Metron-format config directory (global.json, parsers/, enrichments/, indexing/)
                     default: ./config if present, else the built-in demo configs
  --data-dir DIR     where the log, the search index and users live (default ./data)
  --port N           REST API port (default 8080)
  --host H           address to bind (default 127.0.0.1)
`;

/**
 * Entry point of the `metron` command. Returns the exit code. Each command's module is imported
 * when it runs: a short command does not load the engines of the others.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await (await import('./start.js')).runStart(rest);
      case 'stellar':
        return await (await import('./stellar.js')).runStellar(rest);
      case 'parse':
        return await (await import('./parse.js')).runParse(rest);
      case 'pipeline':
        return await (await import('./pipeline.js')).runPipeline(rest);
      case 'load':
        return await (await import('./load/load.js')).runLoad(rest);
      case 'worker':
        return await (await import('./worker.js')).runWorker(rest);
      case 'config':
        return await (await import('./worker-configs.js')).runConfig(rest);
      case 'server':
        return await (await import('./worker-server.js')).runServer(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        process.stderr.write(`metron: unknown command '${command}'\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    process.stderr.write(`metron ${command}: ${errorMessage(err)}\n`);
    return 1;
  }
}
