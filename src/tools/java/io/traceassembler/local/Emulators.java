package io.traceassembler.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
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
 * The npm emulators of {@code scripts/emulators}, kinesis-local (Kinesis) and dynalite (DynamoDB),
 * on free loopback ports: installed with {@code npm ci} when missing, started, waited for, and
 * stopped with their whole process trees on {@link #close()}. Their output goes to {@code
 * target/emulators/*.log}. Shared by the integration tests and {@link LocalRun}.
 */
public final class Emulators implements AutoCloseable {
    /**
     * System property naming the project folder; Maven's {@code basedir} and the working directory
     * otherwise.
     */
    public static final String PROJECT_DIRECTORY_PROPERTY = "trace-assembler.home";

    private static final long START_TIMEOUT_MS = 30_000;

    private final Path projectDirectory;
    private final boolean withKinesis;
    private final boolean withDynamoDb;
    private final List<Process> processes = new ArrayList<>();
    private int kinesisPort;
    private int dynamoDbPort;
    private Process kinesisProcess;
    private Process dynamoDbProcess;
    private final List<Process> suspended = new ArrayList<>();
    private Path dynamoDbData;

    public Emulators(Path projectDirectory, boolean withKinesis, boolean withDynamoDb) {
        this.projectDirectory = projectDirectory.toAbsolutePath();
        this.withKinesis = withKinesis;
        this.withDynamoDb = withDynamoDb;
    }

    /**
     * Makes dynalite keep its tables in a LevelDB folder (its {@code --path} option) instead of in
     * memory, so that they outlive it; call before {@link #start()}. The folder is created when
     * missing. One dynalite at a time can open it (LevelDB locks it).
     */
    public Emulators dynamoDbDataDirectory(Path directory) {
        this.dynamoDbData = directory.toAbsolutePath();
        return this;
    }

    /** Both emulators, for the project folder found by {@link #projectDirectory()}. */
    public static Emulators all() {
        return new Emulators(projectDirectory(), true, true);
    }

    /**
     * {@code -Dtrace-assembler.home}, else Maven's {@code basedir} (forked test JVMs), else the
     * working directory.
     */
    public static Path projectDirectory() {
        String home =
                System.getProperty(
                        PROJECT_DIRECTORY_PROPERTY,
                        System.getProperty("basedir", System.getProperty("user.dir")));
        return Paths.get(home).toAbsolutePath();
    }

    /**
     * Plain-HTTP endpoint of kinesis-local (polling and EFO both work there; its TLS port fails
     * EFO).
     */
    public String kinesisEndpoint() {
        requireStarted(withKinesis && kinesisPort > 0, "kinesis-local");
        return "http://127.0.0.1:" + kinesisPort;
    }

    public String dynamoDbEndpoint() {
        requireStarted(withDynamoDb && dynamoDbPort > 0, "dynalite");
        return "http://127.0.0.1:" + dynamoDbPort;
    }

    /** Where the emulators' output goes. */
    public Path logDirectory() {
        return projectDirectory.resolve("target/emulators");
    }

    /**
     * Starts the emulators (once) and returns when they accept connections; on failure nothing is
     * left running.
     */
    public synchronized Emulators start() throws IOException, InterruptedException {
        if (!processes.isEmpty()) {
            return this;
        }
        Path emulators = emulatorsDirectory();
        installIfMissing(emulators);
        Path logs = Files.createDirectories(logDirectory());
        try {
            if (withKinesis) {
                kinesisPort = freePort();
                ProcessBuilder kinesis =
                        new ProcessBuilder(node(), "main.js")
                                // kinesis-local reads server.json from its working directory.
                                .directory(
                                        emulators.resolve("node_modules/kinesis-local").toFile());
                kinesis.environment().put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(kinesisPort));
                kinesis.environment().put("KINESIS_MOCK_TLS_PORT", Integer.toString(freePort()));
                kinesis.environment().put("CREATE_STREAM_DURATION", "0ms");
                kinesis.environment().put("LOG_LEVEL", "WARN");
                kinesisProcess = launch(kinesis, logs.resolve("kinesis-local.log"), kinesisPort);
            }
            if (withDynamoDb) {
                dynamoDbPort = freePort();
                ProcessBuilder dynalite =
                        new ProcessBuilder(
                                        node(),
                                        "node_modules/dynalite/cli.js",
                                        "--port",
                                        Integer.toString(dynamoDbPort),
                                        "--createTableMs",
                                        "0")
                                .directory(emulators.toFile());
                if (dynamoDbData != null) {
                    Files.createDirectories(dynamoDbData);
                    dynalite.command().addAll(List.of("--path", dynamoDbData.toString()));
                }
                dynamoDbProcess = launch(dynalite, logs.resolve("dynalite.log"), dynamoDbPort);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /**
     * The started processes (without their children), e.g. to check that none outlives {@link
     * #close()}.
     */
    public synchronized List<ProcessHandle> processes() {
        List<ProcessHandle> handles = new ArrayList<>();
        processes.forEach(p -> handles.add(p.toHandle()));
        return handles;
    }

    /**
     * Simulates a DynamoDB outage without losing the table: freezes dynalite with {@code SIGSTOP}.
     * Its port stays open (the kernel still accepts connections) but nothing is answered, so
     * requests hang until the client's timeouts, as with an unreachable or overloaded endpoint.
     * dynalite keeps its tables in memory: stopping and restarting it would lose them, which a real
     * outage does not. Undo with {@link #resumeDynamoDb()}.
     */
    public synchronized void suspendDynamoDb() throws IOException, InterruptedException {
        signal(running(dynamoDbProcess, "dynalite"), "STOP");
    }

    /**
     * Thaws dynalite ({@code SIGCONT}): it answers the requests that waited, with its tables
     * intact.
     */
    public synchronized void resumeDynamoDb() throws IOException, InterruptedException {
        signal(running(dynamoDbProcess, "dynalite"), "CONT");
    }

    /**
     * Simulates a Kinesis outage without losing the streams (kinesis-local is in memory too):
     * freezes it with {@code SIGSTOP}; reads and writes hang until {@link #resumeKinesis()}.
     */
    public synchronized void suspendKinesis() throws IOException, InterruptedException {
        signal(running(kinesisProcess, "kinesis-local"), "STOP");
    }

    /** Thaws kinesis-local ({@code SIGCONT}). */
    public synchronized void resumeKinesis() throws IOException, InterruptedException {
        signal(running(kinesisProcess, "kinesis-local"), "CONT");
    }

    private static Process running(Process process, String what) {
        requireStarted(process != null && process.isAlive(), what);
        return process;
    }

    /**
     * {@code kill -SIG pid} for the process and its children (POSIX; Java has no portable SIGSTOP).
     */
    private void signal(Process process, String signal) throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
        process.descendants().forEach(child -> command.add(Long.toString(child.pid())));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output =
                new String(
                        kill.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + output);
        }
        if (signal.equals("STOP")) {
            suspended.add(process);
        } else {
            suspended.remove(process);
        }
    }

    /**
     * Stops every emulator and its child processes: politely, then forcibly after 5 s. Idempotent.
     */
    @Override
    public synchronized void close() {
        // A stopped process would not act on SIGTERM until continued.
        for (Process process : new ArrayList<>(suspended)) {
            try {
                signal(process, "CONT");
            } catch (IOException | RuntimeException e) {
                process.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        suspended.clear();
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
        kinesisProcess = null;
        dynamoDbProcess = null;
    }

    private Process launch(ProcessBuilder builder, Path log, int port)
            throws IOException, InterruptedException {
        if (Files.isExecutable(SETSID)) {
            // A session of its own: Ctrl-C in the terminal reaches the local run, which drains and
            // summarises with the emulators still up, and then stops them itself. (setsid execs in
            // place, so the process handle is the emulator's own, e.g. for suspend/resume.)
            builder.command().add(0, SETSID.toString());
        }
        Process process =
                builder.redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        processes.add(process);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!accepts(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        builder.command()
                                + " exited with "
                                + process.exitValue()
                                + "; see "
                                + log
                                + ":\n"
                                + Files.readString(log));
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(
                        builder.command()
                                + " did not listen on port "
                                + port
                                + " within "
                                + START_TIMEOUT_MS
                                + " ms; see "
                                + log);
            }
            Thread.sleep(100);
        }
        return process;
    }

    private static void installIfMissing(Path emulators) throws IOException, InterruptedException {
        if (Files.isDirectory(emulators.resolve("node_modules/dynalite"))
                && Files.isDirectory(emulators.resolve("node_modules/kinesis-local"))) {
            return;
        }
        Process npm =
                new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
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
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
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

    private Path emulatorsDirectory() {
        Path dir = projectDirectory.resolve("scripts").resolve("emulators");
        if (!Files.isRegularFile(dir.resolve("package-lock.json"))) {
            throw new IllegalStateException(
                    "No scripts/emulators/package-lock.json under "
                            + projectDirectory
                            + " (set -D"
                            + PROJECT_DIRECTORY_PROPERTY
                            + "=<project folder>)");
        }
        return dir;
    }

    private static void requireStarted(boolean started, String what) {
        if (!started) {
            throw new IllegalStateException(what + " is not running: start() first");
        }
    }
}
