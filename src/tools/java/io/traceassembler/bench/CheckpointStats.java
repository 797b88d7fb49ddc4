package io.traceassembler.bench;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Checkpointing of the benchmark's {@code full-rocksdb-checkpointed} variant (incremental,
 * exactly-once, to a local directory, as Managed Flink checkpoints RocksDB to S3) and what the
 * checkpoints of a finished job were, from its archived execution graph.
 */
final class CheckpointStats {
    final long completed;
    final long failed;

    /** Per completed checkpoint, oldest first: end-to-end duration. */
    final List<Long> durationsMs = new ArrayList<>();

    /** Per completed checkpoint: the bytes it wrote (incremental: new SST files only). */
    final List<Long> checkpointedBytes = new ArrayList<>();

    /** Per completed checkpoint: the full state it refers to. */
    final List<Long> stateBytes = new ArrayList<>();

    /** Why checkpoints failed (distinct messages). */
    final java.util.Set<String> failures = new java.util.TreeSet<>();

    private CheckpointStats(long completed, long failed) {
        this.completed = completed;
        this.failed = failed;
    }

    /**
     * Incremental exactly-once checkpoints every {@code intervalMs} into {@code dir}. No final
     * checkpoint once the archive is read: with it, every task would wait for the next checkpoint
     * (up to an interval) before finishing, and the job's runtime would measure the wait.
     */
    static void enable(StreamExecutionEnvironment env, int intervalMs, Path dir) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
        conf.setString("execution.checkpointing.checkpoints-after-tasks-finish", "false");
        env.configure(conf);
        env.enableCheckpointing(intervalMs, CheckpointingMode.EXACTLY_ONCE);
    }

    /** The checkpoints of the finished job; deletes their directory. */
    static CheckpointStats of(MiniCluster cluster, JobID job, Path dir) throws Exception {
        CheckpointStatsSnapshot snapshot =
                cluster.getArchivedExecutionGraph(job).get().getCheckpointStatsSnapshot();
        CheckpointStats stats =
                new CheckpointStats(
                        snapshot.getCounts().getNumberOfCompletedCheckpoints(),
                        snapshot.getCounts().getNumberOfFailedCheckpoints());
        List<AbstractCheckpointStats> history =
                new ArrayList<>(snapshot.getHistory().getCheckpoints());
        history.sort(Comparator.comparingLong(AbstractCheckpointStats::getCheckpointId));
        for (AbstractCheckpointStats checkpoint : history) {
            if (checkpoint.getStatus() == CheckpointStatsStatus.COMPLETED) {
                stats.durationsMs.add(checkpoint.getEndToEndDuration());
                stats.checkpointedBytes.add(checkpoint.getCheckpointedSize());
                stats.stateBytes.add(checkpoint.getStateSize());
            } else if (checkpoint
                    instanceof org.apache.flink.runtime.checkpoint.FailedCheckpointStats) {
                stats.failures.add(
                        String.valueOf(
                                ((org.apache.flink.runtime.checkpoint.FailedCheckpointStats)
                                                checkpoint)
                                        .getFailureMessage()));
            }
        }
        FileUtils.deleteDirectoryQuietly(dir.toFile());
        return stats;
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "checkpoints: %d completed, %d failed; durations %s ms; written (incremental) %s MB;"
                        + " full state %s MB%s",
                completed,
                failed,
                durationsMs,
                megabytes(checkpointedBytes),
                megabytes(stateBytes),
                failures.isEmpty() ? "" : "; failures " + failures);
    }

    private static List<String> megabytes(List<Long> bytes) {
        List<String> text = new ArrayList<>();
        for (long b : bytes) {
            text.add(String.format(Locale.ROOT, "%.1f", b / 1e6));
        }
        return text;
    }
}
