package io.traceassembler.testing;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static io.traceassembler.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventuallyTest {
    @Test
    void checksAtOnceOnTheCallingThreadAndRetriesFailedAssertionsAndRuntimeExceptions() {
        Thread caller = Thread.currentThread();
        AtomicInteger calls = new AtomicInteger();
        long started = System.nanoTime();
        within(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10))
                .untilAsserted(
                        () -> {
                            assertThat(Thread.currentThread()).isSameAs(caller);
                            int call = calls.incrementAndGet();
                            if (call == 1) {
                                throw new IllegalStateException(
                                        "an emulator that does not answer yet");
                            }
                            assertThat(call).isEqualTo(3);
                        });
        assertThat(calls).hasValue(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aTimeoutCarriesTheLastFailure() {
        assertThatThrownBy(
                        () ->
                                within(Duration.ofMillis(300))
                                        .pollInterval(Duration.ofMillis(20))
                                        .untilAsserted(
                                                () ->
                                                        assertThat("table")
                                                                .as("what was waited for")
                                                                .isEqualTo("done")))
                .isInstanceOf(ConditionTimeoutException.class)
                .hasCauseInstanceOf(AssertionError.class)
                .hasStackTraceContaining("what was waited for");
    }

    @Test
    void aCheckedExceptionIsNotRetriedButThrownAsItIs() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(
                        () ->
                                within(Duration.ofSeconds(10))
                                        .untilAsserted(
                                                () -> {
                                                    calls.incrementAndGet();
                                                    throw new java.io.IOException("broken");
                                                }))
                .isInstanceOf(java.io.IOException.class)
                .hasMessage("broken");
        assertThat(calls).hasValue(1);
    }
}
