package io.traceassembler;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shape of the processing graph: what runs in which task, and what it asks of the job. */
class TracePipelineTest {

    /** The job carries the RocksDB settings the assembler needs. */
    @Test
    void theJobAsksRocksDbForBloomFiltersAndTimersOnTheHeap() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        TracePipeline.build(
                env.fromData(TypeInformation.of(RawRecord.class), new RawRecord()),
                TraceAssemblerConfig.defaults());

        assertThat(env.getConfiguration().get(RocksDBConfigurableOptions.USE_BLOOM_FILTER))
                .isTrue();
        assertThat(env.getConfiguration().get(RocksDBOptions.TIMER_SERVICE_FACTORY))
                .isEqualTo(EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP);
    }

    @Test
    void timersStayInRocksDbWhenConfiguredSo() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        TracePipeline.build(
                env.fromData(TypeInformation.of(RawRecord.class), new RawRecord()),
                TraceAssemblerConfig.from(
                        PropertyGroups.empty().set("TraceAssembly", "timers.on.heap", "false")));

        assertThat(env.getConfiguration().get(RocksDBOptions.TIMER_SERVICE_FACTORY))
                .isEqualTo(EmbeddedRocksDBStateBackend.PriorityQueueStateType.ROCKSDB);
    }

    /**
     * Span metrics belong with the decoder and the service graph with the assembler: a task of
     * their own would serialise every span (or edge) across a network channel to it.
     */
    @Test
    void preAggregatorsAreChainedToTheOperatorsThatFeedThem() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        TracePipeline.Outputs outputs =
                TracePipeline.build(
                        env.fromData(TypeInformation.of(RawRecord.class), new RawRecord()),
                        TraceAssemblerConfig.defaults());
        outputs.spanMetrics.sinkTo(new DiscardingSink<>()).name("span-metrics-sink");
        outputs.serviceGraph.sinkTo(new DiscardingSink<>()).name("service-graph-sink");
        outputs.summaries.sinkTo(new DiscardingSink<>()).name("summaries-sink");

        JobGraph graph = env.getStreamGraph().getJobGraph();
        List<String> vertices = new ArrayList<>();
        for (JobVertex vertex : graph.getVertices()) {
            vertices.add(vertex.getName());
        }

        assertThat(vertices)
                .noneMatch(name -> name.startsWith(TracePipeline.SPAN_METRICS_UID))
                .noneMatch(name -> name.startsWith(TracePipeline.SERVICE_GRAPH_UID))
                .anyMatch(
                        name ->
                                name.contains("decode-spans")
                                        && name.contains(TracePipeline.SPAN_METRICS_UID))
                .anyMatch(
                        name ->
                                name.startsWith(TracePipeline.ASSEMBLE_UID)
                                        && name.contains(TracePipeline.SERVICE_GRAPH_UID));
    }
}
