package io.traceassembler.testing;

import io.traceassembler.local.AwsAdmin;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalEmulatorsITCase {
    @Test
    void startsBothEmulatorsAndLeavesNoProcessBehind() throws Exception {
        List<ProcessHandle> started = new ArrayList<>();
        try (LocalEmulators emulators = LocalEmulators.all().start();
                AwsAdmin kinesis = new AwsAdmin("us-east-1", emulators.kinesisEndpoint());
                AwsAdmin dynamoDb = new AwsAdmin("us-east-1", emulators.dynamoDbEndpoint())) {
            ProcessHandle.current().children().forEach(started::add);

            kinesis.createStream("spans", 2);
            assertThat(
                            kinesis.kinesis()
                                    .describeStreamSummary(r -> r.streamName("spans"))
                                    .streamDescriptionSummary()
                                    .streamStatus())
                    .isEqualTo(StreamStatus.ACTIVE);

            dynamoDb.createTraceTable("traces");
            assertThat(dynamoDb.dynamoDb().listTables().tableNames()).containsExactly("traces");
        }
        assertThat(started).hasSizeGreaterThanOrEqualTo(2);
        assertThat(started).noneMatch(ProcessHandle::isAlive);
    }
}
