package io.traceassembler.generate;

import java.nio.file.Path;

/** Knobs of {@link ArchiveWriter}. */
public final class ArchiveOptions {
    private final Path outputDir;
    private boolean gzip;
    private int recordsPerFile = 100_000;
    private String filePrefix = "spans";
    private boolean plainJsonLines = true;

    private ArchiveOptions(Path outputDir) {
        this.outputDir = outputDir;
    }

    public static ArchiveOptions to(Path outputDir) {
        return new ArchiveOptions(outputDir);
    }

    /** Gzip each file as a whole ({@code .gz} suffix). */
    public ArchiveOptions gzip(boolean value) {
        gzip = value;
        return this;
    }

    /** Start a new file after this many records (per file kind). */
    public ArchiveOptions recordsPerFile(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("recordsPerFile must be at least 1");
        }
        recordsPerFile = value;
        return this;
    }

    public ArchiveOptions filePrefix(String value) {
        filePrefix = value;
        return this;
    }

    /**
     * Whether uncompressed JSON records go to plain {@code *.jsonl} files (one record per line);
     * otherwise every record goes to {@code *.kinesis.jsonl}.
     */
    public ArchiveOptions plainJsonLines(boolean value) {
        plainJsonLines = value;
        return this;
    }

    public Path outputDir() {
        return outputDir;
    }

    public boolean gzip() {
        return gzip;
    }

    public int recordsPerFile() {
        return recordsPerFile;
    }

    public String filePrefix() {
        return filePrefix;
    }

    public boolean plainJsonLines() {
        return plainJsonLines;
    }
}
