package io.traceassembler.testing;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import java.time.Duration;

/**
 * The one way the tests wait for an outcome of a running job: Awaitility, set up as the tests need
 * it. The condition is checked at once and then every {@link #POLL_INTERVAL} (or the {@code
 * pollInterval} a test sets), on the calling thread (so it may use the test's unsynchronised
 * state), until the timeout; a failed assertion or a {@link RuntimeException} (an emulator that
 * does not answer yet) is retried, and at the timeout the last one is the cause of Awaitility's
 * {@code ConditionTimeoutException}. Use as {@code within(Duration.ofSeconds(60)).untilAsserted(()
 * -> assertThat(...))} or {@code .until(() -> done)}.
 */
public final class Eventually {
    public static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private Eventually() {}

    public static ConditionFactory within(Duration timeout) {
        return Awaitility.await()
                .atMost(timeout)
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL_INTERVAL)
                .pollInSameThread()
                .ignoreExceptionsInstanceOf(RuntimeException.class);
    }
}
