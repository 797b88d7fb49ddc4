package io.traceassembler.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the npm emulators of {@code scripts/emulators} (kinesis-local, dynalite) on free loopback ports for
 * a test class, and stops them (with any child processes) afterwards. Use as
 * {@code @RegisterExtension static final LocalEmulators EMULATORS = LocalEmulators.dynamoDbOnly();}
 * or as an {@link AutoCloseable} with {@link #start()}.
 */
public final class LocalEmulators implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private static final long START_TIMEOUT_MS = 30_000;

    private final boolean withKinesis;
    private final boolean withDynamoDb;
    private final List<Process> processes = new ArrayList<>();
    private int kinesisPort;
    private int dynamoDbPort;

    private LocalEmulators(boolean withKinesis, boolean withDynamoDb) {
        this.withKinesis = withKinesis;
        this.withDynamoDb = withDynamoDb;
    }

    public static LocalEmulators all() {
        return new LocalEmulators(true, true);
    }

    public static LocalEmulators dynamoDbOnly() {
        return new LocalEmulators(false, true);
    }

    public static LocalEmulators kinesisOnly() {
        return new LocalEmulators(true, false);
    }

    /** Plain-HTTP endpoint of kinesis-local (polling and EFO both work there). */
    public String kinesisEndpoint() {
        requireStarted(withKinesis && kinesisPort > 0, "kinesis-local");
        return "http://127.0.0.1:" + kinesisPort;
    }

    public String dynamoDbEndpoint() {
        requireStarted(withDynamoDb && dynamoDbPort > 0, "dynalite");
        return "http://127.0.0.1:" + dynamoDbPort;
    }

    public synchronized LocalEmulators start() throws IOException, InterruptedException {
        if (!processes.isEmpty()) {
            return this;
        }
        Path emulators = emulatorsDirectory();
        installIfMissing(emulators);
        Path logs = Files.createDirectories(projectDirectory().resolve("target/emulators"));
        try {
            if (withKinesis) {
                kinesisPort = freePort();
                ProcessBuilder kinesis = new ProcessBuilder(node(), "main.js")
                        // kinesis-local reads server.json from its working directory.
                        .directory(emulators.resolve("node_modules/kinesis-local").toFile());
                kinesis.environment().put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(kinesisPort));
                kinesis.environment().put("KINESIS_MOCK_TLS_PORT", Integer.toString(freePort()));
                kinesis.environment().put("CREATE_STREAM_DURATION", "0ms");
                kinesis.environment().put("LOG_LEVEL", "WARN");
                launch(kinesis, logs.resolve("kinesis-local.log"), kinesisPort);
            }
            if (withDynamoDb) {
                dynamoDbPort = freePort();
                ProcessBuilder dynalite = new ProcessBuilder(node(), "node_modules/dynalite/cli.js",
                        "--port", Integer.toString(dynamoDbPort), "--createTableMs", "0")
                        .directory(emulators.toFile());
                launch(dynalite, logs.resolve("dynalite.log"), dynamoDbPort);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    @Override
    public synchronized void close() {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        kinesisPort = 0;
        dynamoDbPort = 0;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void launch(ProcessBuilder builder, Path log, int port) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!accepts(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(builder.command() + " exited with " + process.exitValue()
                        + "; see " + log + ":\n" + Files.readString(log));
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(builder.command() + " did not listen on port " + port + " within "
                        + START_TIMEOUT_MS + " ms; see " + log);
            }
            Thread.sleep(100);
        }
    }

    private static void installIfMissing(Path emulators) throws IOException, InterruptedException {
        if (Files.isDirectory(emulators.resolve("node_modules/dynalite"))
                && Files.isDirectory(emulators.resolve("node_modules/kinesis-local"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                .directory(emulators.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            throw new IllegalStateException("'npm ci' failed in " + emulators);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String node() {
        String configured = System.getenv("NODE");
        return configured == null || configured.isBlank() ? "node" : configured;
    }

    private static Path projectDirectory() {
        // Maven sets basedir for forked test JVMs; IDEs run from the project folder.
        return Paths.get(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
    }

    private static Path emulatorsDirectory() {
        Path dir = projectDirectory().resolve("scripts" + File.separator + "emulators");
        if (!Files.isRegularFile(dir.resolve("package-lock.json"))) {
            throw new IllegalStateException("No scripts/emulators/package-lock.json under " + projectDirectory());
        }
        return dir;
    }

    private static void requireStarted(boolean started, String what) {
        if (!started) {
            throw new IllegalStateException(what + " is not running: start() first or register the extension");
        }
    }
}
