package io.traceassembler.deploy;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * flink-conf/config.yaml loads with Flink 1.20's own loader, uses only known keys and fits 4 GB.
 */
class FlinkConfTest {

    private static final Path CONF_DIR = Paths.get("flink-conf").toAbsolutePath();

    private static Configuration load() {
        assertThat(CONF_DIR.resolve("config.yaml")).exists();
        return GlobalConfiguration.loadConfiguration(CONF_DIR.toString());
    }

    @Test
    void checkpointingEveryMinuteExactlyOnceOnIncrementalRocksDb() {
        Configuration conf = load();

        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(60));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
                .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).startsWith("s3://");
        assertThat(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS)).isTrue();
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
        assertThat(conf.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(2);
    }

    @Test
    void taskManagerAndJobManagerMemoryAreConsistentAndFitFourGigabytes() {
        Configuration conf = load();

        // Throws IllegalConfigurationException when the memory components do not add up.
        TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        assertThat(tm.getTotalProcessMemorySize()).isLessThanOrEqualTo(MemorySize.parse("4g"));
        assertThat(tm.getManagedMemorySize().getMebiBytes()).isGreaterThan(1000);
        assertThat(tm.getJvmHeapMemorySize().getMebiBytes()).isGreaterThan(1000);
        assertThat(conf.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(2);

        JobManagerProcessSpec jm =
                JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(
                        conf, org.apache.flink.configuration.JobManagerOptions.JVM_HEAP_MEMORY);
        assertThat(jm.getTotalProcessMemorySize()).isLessThanOrEqualTo(MemorySize.parse("2g"));
    }

    @Test
    void everyKeyIsAKnownFlinkOption() throws Exception {
        Set<String> known =
                knownKeys(
                        List.of(
                                "org.apache.flink.configuration.CheckpointingOptions",
                                "org.apache.flink.configuration.StateBackendOptions",
                                "org.apache.flink.configuration.StateRecoveryOptions",
                                "org.apache.flink.configuration.RestartStrategyOptions",
                                "org.apache.flink.configuration.TaskManagerOptions",
                                "org.apache.flink.configuration.JobManagerOptions",
                                "org.apache.flink.configuration.CoreOptions",
                                "org.apache.flink.configuration.RestOptions",
                                "org.apache.flink.configuration.WebOptions",
                                "org.apache.flink.configuration.MetricOptions",
                                "org.apache.flink.configuration.NettyShuffleEnvironmentOptions",
                                "org.apache.flink.contrib.streaming.state.RocksDBOptions",
                                "org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions"));
        Configuration conf = load();

        Set<String> unknown = new TreeSet<>(conf.keySet());
        unknown.removeAll(known);
        assertThat(unknown)
                .as("keys in %s that no Flink 1.20 option defines", CONF_DIR.resolve("config.yaml"))
                .isEmpty();
        // New-style YAML (config.yaml), not the legacy flat flink-conf.yaml.
        assertThat(Files.exists(CONF_DIR.resolve("flink-conf.yaml"))).isFalse();
    }

    @Test
    void log4jConfigurationLoadsWithTheExpectedLevels() throws Exception {
        Path file = CONF_DIR.resolve("log4j2.properties");
        org.apache.logging.log4j.core.LoggerContext context =
                new org.apache.logging.log4j.core.LoggerContext("flink-conf-test");
        org.apache.logging.log4j.core.config.Configuration config =
                new org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory()
                        .getConfiguration(
                                context,
                                new org.apache.logging.log4j.core.config.ConfigurationSource(
                                        Files.newInputStream(file), file.toFile()));
        config.initialize();

        assertThat(config.getAppenders()).containsKey("ConsoleAppender");
        assertThat(config.getRootLogger().getLevel())
                .isEqualTo(org.apache.logging.log4j.Level.INFO);
        assertThat(config.getLoggerConfig("io.traceassembler.live.Something").getLevel())
                .isEqualTo(org.apache.logging.log4j.Level.INFO);
        for (String noisy :
                List.of(
                        "org.apache.flink.runtime.taskexecutor.TaskExecutor",
                        "org.apache.kafka.clients.consumer.KafkaConsumer",
                        "software.amazon.awssdk.request",
                        "com.amazonaws.http.AmazonHttpClient",
                        "org.apache.flink.kinesis.shaded.software.amazon.awssdk.core")) {
            assertThat(config.getLoggerConfig(noisy).getLevel())
                    .as(noisy)
                    .isEqualTo(org.apache.logging.log4j.Level.WARN);
        }
    }

    private static Set<String> knownKeys(List<String> classNames) throws Exception {
        Set<String> keys = new HashSet<>();
        for (String name : classNames) {
            Class<?> type = Class.forName(name);
            for (Field f : type.getFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        && ConfigOption.class.isAssignableFrom(f.getType())) {
                    ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                    keys.add(option.key());
                    for (FallbackKey k : option.fallbackKeys()) {
                        keys.add(k.getKey());
                    }
                }
            }
        }
        return keys;
    }
}
