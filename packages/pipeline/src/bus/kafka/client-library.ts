/**
 * The Kafka client library, loaded on first use: importing @platformatic/kafka costs ~0.8 s of
 * CPU, which every process importing @metron/pipeline would otherwise pay (`metron load`,
 * `metron parse`, the embedded pipeline) though only a Kafka bus needs it.
 */
type KafkaLibrary = typeof import('@platformatic/kafka');

let library: KafkaLibrary | undefined;

/** Loads the library (once); openKafkaBus awaits it before any client is made. */
export async function loadKafkaLibrary(): Promise<KafkaLibrary> {
  library ??= await import('@platformatic/kafka');
  return library;
}

/** The loaded library; a bus is only made after loadKafkaLibrary, so it is there. */
export function kafkaLibrary(): KafkaLibrary {
  if (library === undefined) throw new Error('the Kafka client library is not loaded: open the bus with openKafkaBus');
  return library;
}
